"""views/tf_encoder_decoder/page.py: renders at once while the model trains in the background (progress, cancel),
then in both languages translates, shows attention, and refuses bad input."""
from __future__ import annotations

import functools
import json
import time

import pytest

from core.transformer import encoder_decoder as seq2seq
from core.transformer import encoder_decoder_job as edjob
from tests.apptest import open_page as _open

PAGE = "views/tf_encoder_decoder/page.py"


@pytest.fixture(autouse=True)
def tiny_training(monkeypatch):
    # The page trains 800 steps on first use; tests use a tiny model (the page code is the same).
    tiny = functools.partial(seq2seq.Seq2SeqConfig, steps=40, batch_size=16, d_model=32, n_head=2, n_layer=1,
                             d_ff=32)
    monkeypatch.setattr(seq2seq, "Seq2SeqConfig", tiny)


def open_page(page, lang="en", timeout=120.0):
    """Open the page, then rerun until the background training is done (AppTest never ticks fragments)."""
    at = _open(page, lang=lang)
    end = time.time() + timeout
    while not at.get("plotly_chart") and not at.warning and time.time() < end:
        time.sleep(0.3)
        at.run()
        assert not at.exception
    return at


def test_first_visit_renders_at_once_and_can_cancel(monkeypatch):
    slow = functools.partial(seq2seq.Seq2SeqConfig, steps=100_000, batch_size=16, d_model=32, n_head=2, n_layer=1,
                             d_ff=32, seed=99)  # a config nobody has trained: the page must not wait for it
    monkeypatch.setattr(seq2seq, "Seq2SeqConfig", slow)
    at = _open(PAGE, lang="ja")
    assert "モデルを準備中" in " ".join(i.value for i in at.info)
    assert at.get("progress") and not at.get("plotly_chart")
    job = edjob.model_or_job(slow(lang="ja"), start=False)
    assert isinstance(job, edjob.EncoderDecoderJob)
    at.button(key="encdec_cancel").click().run()
    assert job.wait(60) and job.status == "stopped"
    at.run()
    assert not at.exception and at.button(key="encdec_train")  # cancelled: offers to train again
    assert "中止" in " ".join(i.value for i in at.info)


def charts(at):
    return {c.proto.id: json.loads(c.proto.spec) for c in at.get("plotly_chart")}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_renders_with_cross_attention(lang):
    at = open_page(PAGE, lang=lang)
    assert len(at.get("plotly_chart")) == 4
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    cross = specs[0]["data"][0]
    assert cross["type"] == "heatmap"
    assert at.title[0].value == ("Encoder–decoder and cross-attention" if lang == "en"
                                 else "エンコーダ・デコーダとクロスアテンション")
    held = " ".join(c.value for c in at.caption)
    assert ("999 numbers" in held and "never saw them" in held) if lang == "en" else "999 個" in held


def test_typed_number_and_source_language():
    at = open_page(PAGE, lang="en")
    box = at.text_input[0]
    box.set_value("seven thousand five").run()
    assert not at.exception
    assert any(m.value == "7005" for m in at.metric)  # the correct answer is shown beside the output
    at.segmented_control(key="encdec_src").set_value("ja").run()
    assert not at.exception
    at.text_input[0].set_value("二千二十四").run()
    assert not at.exception and any(m.value == "2024" for m in at.metric)


@pytest.mark.parametrize("bad", ["", "<script>alert(1)</script>", "three apples", "🙂" * 50])
def test_bad_input_gives_a_message(bad):
    at = open_page(PAGE, lang="en")
    at.text_input[0].set_value(bad).run()
    assert not at.exception
    assert at.warning, "a clear message is shown"
    assert not at.get("plotly_chart")


def test_head_and_layer_selection_change_the_heatmap():
    at = open_page(PAGE, lang="en")
    before = at.get("plotly_chart")[0].proto.spec
    at.selectbox(key="encdec_head").set_value(0).run()
    assert not at.exception
    assert at.get("plotly_chart")[0].proto.spec != before
