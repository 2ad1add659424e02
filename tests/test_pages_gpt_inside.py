"""The residual-stream page and the multi-head page's neuron view, in both languages."""
from __future__ import annotations

import math

import pytest

from tests.apptest import errors, open_page
from tests.test_pages_lm_extra import rerun_until


def _metric(at, start: str) -> float:
    return float([m.value for m in at.metric if m.label.startswith(start)][0].split()[0])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_residual_page_loss_matches_the_models_own_evaluation(lang):
    from core.gpt.inside import residual as R
    from core.shipped.models import heldout_loss, load_gpt
    from core.gpt.tasks.pretrain_text import corpus_heldout

    at = open_page("views/gpt_residual/page.py", lang=lang)
    rerun_until(at, lambda a: len(a.get("plotly_chart")) == 2, timeout=300)
    sh = load_gpt(lang)
    ids = R.heldout_ids(sh.tokenizer, corpus_heldout(lang), sh.model.config.block_size)
    base = _metric(at, "Held-out" if lang == "en" else "held-out")
    assert base == pytest.approx(heldout_loss(sh.model, ids, sh.model.config.block_size), abs=1e-3)
    cut_label = "Skip" if lang == "en" else "スキップ"
    before = _metric(at, cut_label)
    at.slider(key="res_layer").set_value(1).run()
    at.radio(key="res_part").set_value("mlp").run()
    assert not at.exception, errors(at)
    after = _metric(at, cut_label)
    assert after != before and math.isfinite(after)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_neuron_view_matches_the_heads_attention(lang):
    import json

    from tests.apptest import specs

    at = open_page("views/tf_multihead/page.py", lang=lang)
    title = "looks at tokens" if lang == "en" else "を見る"
    assert any(title in s for s in specs(at))
    check = [c.value for c in at.caption if ("Check:" in c.value or "確認" in c.value)]
    import re

    # the shown difference from the head's row
    assert check and float(re.search(r"\d\.\de[-+]\d+", check[0]).group()) < 1e-5
    at.slider(key="mha_nv_query").set_value(1).run()
    at.slider(key="mha_layer").set_value(1).run()
    assert not at.exception, errors(at)
    spec = json.loads([s for s in specs(at) if title in s][0])
    assert len(spec["data"]) == 4  # vectors, products, scores, softmax
    at.radio(key="mha_model").set_value("minilm").run()
    assert not at.exception, errors(at)
    assert any(("Our small GPT" in i.value) or ("小さな GPT" in i.value) for i in at.info)


@pytest.mark.parametrize("page,view,text_key,slider", [
    ("views/tf_multihead/page.py", None, "mha_text", "mha_nv_query"),
    ("views/gpt_inside/page.py", ("inside_view", "lens"), "inside_text", "lens_pos"),
])
def test_a_shorter_text_pulls_a_token_slider_back_into_its_range(page, view, text_key, slider):
    """A token slider at a late position, then a shorter text: the page shows the last token, not the error box
    (Streamlit raised StreamlitValueAboveMaxError: the keyed slider kept its old value; found by the page fuzz)."""
    at = open_page(page)
    if view is not None:
        at.radio(key=view[0]).set_value(view[1]).run()
    at.text_area(key=text_key).set_value("the cat sat on the mat and then the dog sat on the cat " * 3).run()
    top = at.slider(key=slider).max
    at.slider(key=slider).set_value(top).run()
    at.text_area(key=text_key).set_value("the cat").run()
    assert not at.exception, errors(at)
    assert not [e for e in at.error if "Something went wrong" in e.value]
    assert at.slider(key=slider).value == at.slider(key=slider).max < top
