"""Pages of issue 24 in both languages: the chain rule side by side (n-gram and GPT on the GPT's tokens, ranks
and alternatives) and the "Inside the prediction" page (next token, logit lens, knocking out heads)."""
from __future__ import annotations

import json

import pytest

from tests.apptest import open_page, specs

PAGE = "views/gpt_inside/page.py"


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def table(at, key: str) -> list[dict]:
    """The rows of the dataframe with `key` (AppTest gives them as a pandas DataFrame)."""
    found = [d for d in at.dataframe if d.proto.id and key in d.proto.id] or list(at.dataframe)
    return found[0].value.to_dict("records")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_chain_rule_side_by_side_scores_the_same_tokens(lang):
    at = open_page("views/lm_chain_rule/page.py", lang=lang)
    at.radio(key="chain_model").set_value("both").run()
    assert not at.exception
    gltr = [s for s in specs(at) if '"heatmap"' in s]
    assert gltr, "the GLTR rows are drawn"
    z = json.loads(gltr[0])["data"][0]["z"]
    assert len(z) == 2 and len(z[0]) == len(z[1]) == int(metrics(at)[0])  # same tokens, every one scored
    rows = table(at, "chain_cmp_table")
    assert len(rows) == int(metrics(at)[0]) and all(r[k] >= 1 for r in rows for k in r if "rank" in k or "順位" in k)
    before = metrics(at)
    at.slider(key="chain_n").set_value(1).run()
    assert not at.exception and metrics(at)[1] != before[1] and metrics(at)[2] == before[2]  # only the n-gram moved
    at.text_area(key="chain_text").set_value("<script>alert(1)</script> 🐈‍⬛ ꙮ").run()
    assert not at.exception and all(v not in ("nan", "inf") for v in metrics(at))
    at.text_area(key="chain_text").set_value("").run()
    assert not at.exception and at.warning


def test_chain_rule_old_links_still_open_the_single_model_views():
    at = open_page("views/lm_chain_rule/page.py", lang="en")
    at.radio(key="chain_model").set_value("gpt").run()
    assert not at.exception and at.slider(key="chain_n").disabled
    at.radio(key="chain_model").set_value("ngram").run()
    assert not at.exception and not at.radio(key="chain_level").disabled


def _figure(at, title_word: str) -> dict:
    return json.loads(next(s for s in specs(at) if title_word in s))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_next_token_panel_edges_and_one_more_token(lang):
    from core.shipped.models import load_gpt  # the page's model when no GPT was trained in the session

    at = open_page(PAGE, lang=lang)
    assert at.radio(key="inside_view").value == "next"
    bars = _figure(at, '"orientation"')["data"]
    assert len(bars[0]["y"]) == at.number_input(key="nt_shown").value
    at.number_input(key="nt_temp").set_value(0.0).run()
    assert not at.exception and at.info  # greedy, said so
    at.number_input(key="nt_temp").set_value(1e6).run()
    at.slider(key="nt_topp").set_value(0.0).run()
    assert not at.exception
    at.slider(key="nt_topp").set_value(1.0).run()
    V = load_gpt(lang).model.config.vocab_size
    assert any(f"{V}" in c.value and "100.0%" in c.value for c in at.caption)  # everything kept
    at.number_input(key="nt_temp").set_value(1.0).run()
    at.number_input(key="nt_seed").set_value(5).run()
    at.button(key="nt_more").click().run()
    at.button(key="nt_more").click().run()
    assert not at.exception and at.number_input(key="nt_added").value == 2
    shown = at.markdown[-1].value
    at.number_input(key="nt_added").set_value(0).run()
    at.number_input(key="nt_added").set_value(2).run()
    assert at.markdown[-1].value == shown  # the same seed draws the same tokens again
    at.button(key="nt_reset").click().run()
    assert at.number_input(key="nt_added").value == 0
    at.text_area(key="inside_text").set_value("").run()
    assert not at.exception  # from <s> alone
    at.text_area(key="inside_text").set_value("the cat sat. " * 150).run()
    assert not at.exception and any("128" in c.value or str(load_gpt(lang).model.config.block_size) in c.value
                                     for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_logit_lens_last_row_is_the_model_prediction(lang):
    import torch

    from core.shipped.models import load_gpt

    at = open_page(PAGE, lang=lang)
    at.radio(key="inside_view").set_value("lens").run()
    assert not at.exception
    fig = _figure(at, '"heatmap"')["data"][0]
    sh = load_gpt(lang)
    text = at.text_area(key="inside_text").value
    ids = [sh.tokenizer.bos_id] + sh.tokenizer.encode(text)
    with torch.no_grad():
        top = sh.model(torch.tensor([ids])).logits[0].argmax(-1)
    assert len(fig["y"]) == sh.model.config.n_layer + 1
    expected = [sh.tokenizer.id_to_piece(int(i)) for i in top]
    assert [t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for t in fig["text"][-1]] == \
        [e if len(e) <= 6 else e[:5] + "…" for e in expected]
    at.slider(key="lens_pos").set_value(1).run()
    assert not at.exception
    at.text_area(key="inside_text").set_value("<b>x</b> 🐈‍⬛").run()
    assert not at.exception


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_knock_out_heads_changes_the_loss_and_every_head_is_defined(lang):
    import time

    from core.shipped.models import load_gpt

    cfg = load_gpt(lang).model.config
    at = open_page(PAGE, lang=lang)
    at.radio(key="inside_view").set_value("knockout").run()
    assert not at.exception
    base = metrics(at)
    assert base[0] == base[1]  # no head off: the same loss
    at.multiselect(key="ko_heads").set_value([at.multiselect(key="ko_heads").options[0]]).run()
    assert not at.exception and metrics(at)[1] != base[1]
    at.toggle(key="ko_all").set_value(True).run()
    assert not at.exception and at.info and all(v not in ("nan", "inf") for v in metrics(at))
    end = time.time() + 240  # the importance table: a background job, once per model (AppTest must rerun)
    while time.time() < end and len(at.dataframe) == 0:
        time.sleep(1)
        at.run()
    assert not at.exception
    rows = at.dataframe[0].value
    # most important first
    assert len(rows) == cfg.n_layer * cfg.n_head and (rows.iloc[:, 1].diff().dropna() <= 0).all()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_lesson_stops_of_these_views_open_prepared(lang):
    from core.lesson import load_lesson
    from tests.test_lesson import PAGE_PATHS, _app

    lesson = load_lesson(1, PAGE_PATHS)
    ours = [k for k, s in enumerate(lesson.stops, 1) if s.page == PAGE or s.values(lang).get("chain_model") == "both"]
    assert len(ours) == 4
    for k in ours:
        at = _app({"lesson": "1", "stop": str(k), "lang": lang})
        assert not at.exception, (k, [e.value for e in at.exception])
        assert at.get("plotly_chart"), k
        values = lesson.stops[k - 1].values(lang)
        if "inside_view" in values:
            assert at.radio(key="inside_view").value == values["inside_view"]
        else:
            assert at.radio(key="chain_model").value == "both"
