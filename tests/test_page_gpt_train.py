"""AppTest of "Train GPT-1 live": start and stop a short training in both languages, hostile input."""
from __future__ import annotations

import json

import pytest

from tests.apptest import errors, open_page, run_until

PAGE = "views/gpt_train/page.py"


def element_order(at) -> list[str]:
    """Every element of the main area as "type:key", in the order the page shows them."""
    out: list[str] = []

    def walk(node):
        children = getattr(node, "children", None)
        if isinstance(children, dict) and children:
            for i in sorted(children):
                walk(children[i])
        else:
            out.append(f"{node.type}:{getattr(node, 'key', None) or ''}")
    walk(at.main)
    return out


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_buttons_come_before_the_settings(lang):
    at = open_page(PAGE, lang=lang)
    assert not at.exception, errors(at)
    order = element_order(at)
    assert order.index("button:gpt_start") < order.index("button:gpt_reset") < order.index("radio:gpt_tok")


def _crossing_script(lang: str):
    from core.gpt.pretrain import EvalInfo
    from core.gpt.training_job import JobView
    from views.gpt_train.sections import crossings_box

    evals = [EvalInfo(0, 7.0, 7.0), EvalInfo(100, 4.5, 4.6), EvalInfo(200, 3.9, 4.1)]
    refs = {"unigram": 5.5, "bigram": 4.3, "kn": 3.4, "kn_n": 5.0}
    v = JobView("running", 200, 2000, [], [], [], [], evals, [], refs, None, None, 1.0, "cpu", 1, "")
    crossings_box(v, {k: k for k in ("unigram", "bigram", "kn", "shipped")}, lang)


@pytest.mark.parametrize("lang,uni,bi,kn", [
    ("en", "At step 100 the model beat the unigram", "At step 200 the model beat the bigram", "next line to beat: kn"),
    ("ja", "ステップ 100 で unigram の線を下回りました", "ステップ 200 で bigram の線を下回りました",
     "次に下回る線：kn"),
])
def test_crossing_messages_name_the_step(lang, uni, bi, kn):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_crossing_script, args=(lang,)).run()
    assert not at.exception, errors(at)
    text = " ".join(e.value for e in at.success)
    assert uni in text and bi in text and "Kneser" not in text  # 4.1 is still above the 5-gram's 3.4
    assert kn in " ".join(c.value for c in at.caption)
def tiny(at, steps: int = 20):
    at.selectbox(key="gpt_preset").set_value("tiny")
    at.select_slider(key="gpt_steps").set_value(steps)
    at.select_slider(key="gpt_sample_every").set_value(100)
    return at.run()


@pytest.mark.parametrize("lang,done", [("en", "Finished"), ("ja", "完了")])
def test_start_trains_to_the_end_and_shows_everything(lang, done):
    at = tiny(open_page(PAGE, lang=lang))
    assert not at.exception, errors(at)
    at.button(key="gpt_start").click().run()
    assert not at.exception, errors(at)
    run_until(at, (done,))
    at.run()
    charts = at.get("plotly_chart")
    assert len(charts) >= 6  # loss, lr, tokens/s, attention, W_p, sinusoid
    spec = json.loads(charts[0].proto.spec)
    names = [t.get("name") or "" for t in spec["data"]]
    assert any("bigram" in n for n in names)
    kn = [t for t in spec["data"] if "Kneser–Ney" in (t.get("name") or "")]  # the best n-gram line, drawn
    assert len(kn) == 1 and 0 < kn[0]["y"][0] < [t for t in spec["data"] if "bigram" in t["name"]][0]["y"][0]
    # Buttons, then the live chart, then the settings (collapsed now that a job exists) in element order.
    order = element_order(at)
    assert order.index("button:gpt_reset") < order.index("plotly_chart:gpt_loss_chart") < order.index("radio:gpt_tok")
    assert at.button(key="gpt_reset").disabled is False
    # The model is published for the other pages.
    from ui.shared_state import TRAINED_GPT_SOURCE_KEY
    trained = at.session_state[TRAINED_GPT_SOURCE_KEY]()
    assert trained.step == 20 and not trained.model.training
    out = trained.model(trained.tokenizer and __import__("torch").tensor([[1, 2, 3]]), return_attn=True)
    assert len(out.attentions) == trained.model.config.n_layer
    at.button(key="gpt_reset").click().run()
    assert not at.exception and at.button(key="gpt_start")


@pytest.mark.parametrize("lang,stopped", [("en", "Stopped"), ("ja", "停止")])
def test_stop_keeps_the_model(lang, stopped):
    at = tiny(open_page(PAGE, lang=lang), steps=10000)
    at.button(key="gpt_start").click().run()
    run_until(at, ("step 1", "ステップ 1"), timeout=60)  # it is training
    at.button(key="gpt_stop").click().run()
    text = run_until(at, (stopped,))
    assert "10,000" in text
    at.run()
    assert not at.exception, errors(at)
    assert len(at.get("plotly_chart")) >= 6  # the stopped model is still there to look at
    at.button(key="gpt_reset").click().run()


def test_hostile_prompts_and_diverging_lr():
    at = tiny(open_page(PAGE, lang="en"))
    at.select_slider(key="gpt_lr").set_value(1.0).run()
    at.button(key="gpt_start").click().run()
    run_until(at, ("Finished", "diverged"))
    at.run()
    for text in ("<script>alert(1)</script>", "👩‍👩‍👧 e\u0301 \x00\x1b", "x" * 10_000, ""):
        at.text_input(key="gpt_attn_prompt").set_value(text[:500]).run()
        assert not at.exception, errors(at)
    at.button(key="gpt_reset").click().run()


def test_bad_checkpoint_upload_is_a_clear_message():
    # AppTest has no file-upload driver; the message comes from core (tested in test_checkpoint),
    # here we only check the page offers the uploader once a model exists.
    at = tiny(open_page(PAGE, lang="ja"))
    at.button(key="gpt_start").click().run()
    run_until(at, ("完了",))
    at.run()
    assert any(getattr(e, "proto", None) is not None for e in at.get("file_uploader"))
    at.button(key="gpt_reset").click().run()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_corpus_is_split_as_the_shipped_gpt_was_trained(lang):
    """The training page scores a run on the shipped GPT's own held-out paragraphs (every topic), so the
    shipped model's loss is a line to cross; the pages' last-10 % split would give no line."""
    from core.corpus import split_train_heldout, load_shipped
    from core.gpt.tasks.pretrain_text import pretraining_split

    at = open_page(PAGE, lang=lang)
    assert not at.exception, errors(at)
    s, (_, tail) = pretraining_split(lang), split_train_heldout(load_shipped(lang))
    stats = " ".join(c.value for c in at.caption)
    assert f"{len(s.heldout):,}" in stats and f"{len(s.train):,}" in stats
    assert f"{len(tail):,}" not in stats  # not the last 10 %
