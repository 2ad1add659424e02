"""Figures cached per input (ui.figcache) must still follow every input they depend on: each widget that
feeds a figure changes it, a widget that does not leaves it as it was (the cache answered), the language
switch changes its labels, the presenter's larger type gets figures of its own, and a cached figure
shared by all sessions is never changed in place (the multi-head grid's frame)."""
from __future__ import annotations

import json

import pytest

from core.charts.style import FONT_SCALE
from tests.apptest import errors, open_page
from ui import figcache

ATT, MHA, PE = "views/tf_attention/page.py", "views/tf_multihead/page.py", "views/tf_positional/page.py"


def _spec(at, key: str) -> dict:
    for el in at.get("plotly_chart"):
        if el.proto.id and key in el.proto.id:
            return json.loads(el.proto.spec)
    raise AssertionError(f"no chart with key {key}")


def _title(spec: dict) -> str:
    """The figure's title, or its subplots' titles (annotations)."""
    lay = spec["layout"]
    return lay["title"]["text"] if "title" in lay else " | ".join(a.get("text", "") for a in lay.get("annotations", []))


def test_figure_is_built_once_per_key_language_and_font_scale():
    calls = []

    def make():
        calls.append(1)
        return object()

    key = ("test_figcache", len(calls), id(calls))  # unique to this test run
    a = figcache.figure(key, "en", make)
    assert figcache.figure(key, "en", make) is a and len(calls) == 1  # same inputs: the cache answers
    assert figcache.figure(key, "ja", make) is not a and len(calls) == 2  # other language: other labels
    token = FONT_SCALE.set(1.5)  # the presenter view's larger type
    try:
        assert figcache.figure(key, "en", make) is not a and len(calls) == 3
    finally:
        FONT_SCALE.reset(token)
    assert figcache.figure((*key, "other"), "en", make) is not a and len(calls) == 4


def test_attention_figures_follow_their_inputs_and_only_them():
    at = open_page(ATT, lang="en")
    x0, why0 = _spec(at, "att_fig_x"), _spec(at, "att_fig_why")
    at.selectbox(key="att_query").select_index(0).run()  # the dictionary below: no figure depends on it
    assert not at.exception, errors(at)
    assert _spec(at, "att_fig_x") == x0 and _spec(at, "att_fig_why") == why0
    at.number_input(key="att_seed").set_value(7).run()  # another embedding and projections, another study
    assert _spec(at, "att_fig_x") != x0 and _spec(at, "att_fig_why") != why0
    seven = _spec(at, "att_fig_softmax")
    at.select_slider(key="att_dk").set_value(64).run()
    assert _spec(at, "att_fig_softmax") != seven
    at.text_area(key="att_text").set_value("a dog ran home").run()
    assert _spec(at, "att_fig_x")["layout"]["yaxis"]["ticktext"] == ["a", "dog", "ran", "home"]


def test_attention_figures_follow_the_language():
    en = open_page(ATT, lang="en")
    ja = open_page(ATT, lang="ja")  # the same inputs, so only the language tells the cached figures apart
    for key in ("att_fig_softmax", "att_fig_why"):
        assert _title(_spec(en, key)) != _title(_spec(ja, key))
    assert any("\u3040" <= ch <= "\u9fff" for ch in _title(_spec(ja, "att_fig_softmax")))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_big_view_and_grid_frame_follow_the_sliders(lang):
    at = open_page(MHA, lang=lang)
    head0 = at.slider(key="mha_head").value
    big0, grid0 = _spec(at, "mha_fig_big"), _spec(at, "mha_fig_grid")
    assert len(grid0["layout"]["shapes"]) == 1
    other = 1 if head0 != 1 else 2
    at.slider(key="mha_head").set_value(other).run()
    assert not at.exception, errors(at)
    big1, grid1 = _spec(at, "mha_fig_big"), _spec(at, "mha_fig_grid")
    assert big1["data"][0]["z"] != big0["data"][0]["z"] and _title(big1) != _title(big0)
    assert len(grid1["layout"]["shapes"]) == 1  # one frame, moved: not one added to a shared figure
    assert grid1["layout"]["shapes"][0]["x0"] != grid0["layout"]["shapes"][0]["x0"]
    at.slider(key="mha_head").set_value(head0).run()  # back: the frame is where it was
    assert _spec(at, "mha_fig_grid")["layout"]["shapes"] == grid0["layout"]["shapes"]
    assert _spec(at, "mha_fig_big") == big0


def test_positional_figures_follow_their_inputs():
    at = open_page(PE, lang="en")
    heat, m, sim = _spec(at, "pe_fig_heat"), _spec(at, "pe_fig_m"), _spec(at, "pe_fig_sim")
    at.slider(key="pe_k").set_value(5).run()
    assert not at.exception, errors(at)
    assert _spec(at, "pe_fig_m") != m and _spec(at, "pe_fig_heat") == heat
    at.toggle(key="pe_cosine").set_value(True).run()
    assert _spec(at, "pe_fig_sim") != sim and _spec(at, "pe_fig_heat") == heat
    at.number_input(key="pe_d_model").set_value(32).run()
    assert _spec(at, "pe_fig_heat") != heat
    ja = open_page(PE, lang="ja")
    assert _title(_spec(ja, "pe_fig_heat")) != _title(heat)


def test_bpe_merges_slider_truncates_one_training_and_redraws():
    """The page trains the slider's maximum once and truncates: the merge count and its chart follow the slider."""
    at = open_page("views/tok_bpe/page.py", lang="en")
    at.slider(key="bpe_merges").set_value(300).run()
    freq300 = _spec(at, "bpe_freq")
    assert any("300 merges" in m.value or "300" in m.value for m in at.markdown)
    at.slider(key="bpe_merges").set_value(500).run()
    assert not at.exception, errors(at)
    assert _spec(at, "bpe_freq") != freq300
    assert len(at.dataframe[-1].value) == 300  # the table's first 300 rows of 500 merges (after GPT-2's replay)


def test_ngram_figures_follow_topk_and_not_the_sampler():
    at = open_page("views/lm_ngram/page.py", lang="en")
    curve, heat = _spec(at, "ngram_curve_chart"), _spec(at, "ngram_heat_chart")
    at.slider(key="ngram_n").set_value(2).run()  # the sample only
    assert _spec(at, "ngram_curve_chart") == curve and _spec(at, "ngram_heat_chart") == heat
    at.slider(key="ngram_topk").set_value(8).run()
    assert not at.exception, errors(at)
    assert _spec(at, "ngram_heat_chart")["data"][0]["z"]["shape"] == "8, 8" and _spec(at, "ngram_curve_chart") == curve
    at.radio(key="ngram_level").set_value("word").run()
    assert _spec(at, "ngram_curve_chart") != curve


def test_a_frozen_figure_sends_what_it_would_have_sent():
    import plotly.graph_objects as go
    import plotly.io as pio

    def make():
        return go.Figure(go.Heatmap(z=[[0.1, None], [0.3, 0.4]], customdata=[[["a", "b"]] * 2] * 2),
                         layout=dict(title="t"))

    frozen = figcache.freeze({"f": make()})["f"]
    assert pio.to_json(frozen.to_dict(), validate=False) == pio.to_json(make().to_dict(), validate=False)
    assert frozen.to_dict() is not frozen.to_dict()  # a copy each time: plotly pops keys from what it is given
