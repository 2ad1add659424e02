"""Bits per character against vocabulary size: the shipped measurement reruns to the same numbers, the chart
is a pure function, and the Vocabulary-size page draws it in both languages without computing anything."""
from __future__ import annotations

import json

import pytest

from core.charts.bpc import bpc_figure
from core.corpus import load_shipped, split_train_heldout
from core.tokenizers.bpc import N, SMOOTHING, bits_per_char
from tests.apptest import errors, open_page
from tests.production_vendor import require_production
from views.tok_sweep.tok_bpc import BPC_FILE


def shipped(lang: str) -> dict:
    return {p["tokenizer"] if p["tokenizer"] != "bpe_raw" else f"bpe_raw:{p['vocab_size']}": p
            for p in json.loads(BPC_FILE.read_text("utf-8"))["langs"][lang]}


def test_file_says_how_it_was_made():
    data = json.loads(BPC_FILE.read_text("utf-8"))
    assert data["n"] == N and data["smoothing"] == SMOOTHING and set(data["langs"]) == {"en", "ja"}


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bytes_point_reruns(lang):
    train, held = split_train_heldout(load_shipped(lang))
    got = bits_per_char(list(train.encode()), list(held.encode()), len(held), 256)
    assert got.bits_per_char == pytest.approx(shipped(lang)["bytes"]["bits_per_char"], rel=1e-9)


def test_production_point_reruns():
    tok = require_production(["o200k"])["o200k"]
    train, held = split_train_heldout(load_shipped("ja"))
    got = bits_per_char(tok.encode(train), tok.encode(held), len(held), tok.vocab_size)
    want = shipped("ja")["o200k"]
    assert got.bits_per_char == pytest.approx(want["bits_per_char"], rel=1e-9) and got.unk == want["unk"]


def test_unseen_tokens_pay_for_their_identity():
    """The same held-out stream costs more when the tokenizer has more ids it never used in training."""
    small = bits_per_char(list("abcabc" * 20), list("abcd"), 4, vocab_size=10, n=2)
    large = bits_per_char(list("abcabc" * 20), list("abcd"), 4, vocab_size=100_000, n=2)
    assert small.unk == large.unk == 1 and large.bits_per_char > small.bits_per_char


def test_figure_escapes_labels():
    fig = bpc_figure({"<b>ours</b>": [(600, 2.8), (300, 3.2)]}, {"<i>x</i>": (50_000, 3.3)}, "t", "V", "bpc")
    assert list(fig.data[0].x) == [300, 600]  # sorted by size
    assert fig.data[1].text[0] == "&lt;i&gt;x&lt;/i&gt;" and fig.data[0].name == "&lt;b&gt;ours&lt;/b&gt;"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sweep_page_shows_bits_per_character(lang):
    at = open_page("views/tok_sweep/page.py", lang=lang)
    assert not at.exception, errors(at)
    chart = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
             for c in at.get("plotly_chart") if c.key == "sweep_bpc"]
    assert chart and ("bits per character" if lang == "en" else "ビット数") in chart[0] and "o200k" in chart[0]
    heads = [s.value for s in at.subheader]
    assert ("Vocabulary size against model quality" if lang == "en" else "語彙サイズとモデルの質") in heads
