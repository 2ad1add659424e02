"""Byte-fallback pieces named by their character (core.tokenizers.display), against the tokenizer's own decode."""
from __future__ import annotations

import random

import pytest

from core.tokenizers.display import readable_pieces


def _spelled(labels: list[str]) -> str:
    """The text the labels spell: each "X k/n" run counted once, SentencePiece's ▁ as a space."""
    out, skip = [], 0
    for lab in labels:
        if skip:
            skip -= 1
            continue
        ch, sep, frac = lab.partition(" ")
        if sep and "/" in frac and len(ch) == 1:
            k, n = (int(x) for x in frac.split("/"))
            assert k == 1, labels  # a run is labelled from its first byte
            skip = n - 1
            out.append(ch)
        else:
            out.append(lab)
    return "".join(out).replace("▁", " ")


def test_shipped_japanese_tokenizer_round_trip():
    from core.shipped.models import load_gpt

    tok = load_gpt("ja").tokenizer
    rng = random.Random(0)
    rare = "吾暖鬱薔薇檸檬麒麟齟齬𠮷"  # kanji outside a 1,000-piece vocabulary (𠮷: 4 bytes)
    seen_bytes = 0
    for _ in range(30):
        text = "".join(rng.choice(rare + "はのにをが。猫") for _ in range(rng.randint(1, 12)))
        raw = [tok.id_to_piece(i) for i in tok.encode(text)]
        labels = readable_pieces(raw)
        assert len(labels) == len(raw)
        seen_bytes += sum(p.startswith("<0x") for p in raw)
        assert not any(p.startswith("<0x") for p in labels), (text, labels)  # every run here decodes
        assert _spelled(labels).strip() == tok.decode(tok.encode(text)).strip()
    assert seen_bytes > 0  # the check is about byte pieces: the text must produce some


@pytest.mark.parametrize("pieces", [
    ["<0xE6>", "<0x97>"],  # cut before its third byte
    ["<0x97>", "<0xA5>"],  # continuation bytes without a lead
    ["<0xE6>", "x", "<0xA5>"],  # interrupted
    ["<0xC0>", "<0x80>"],  # overlong encoding: never valid UTF-8
    ["<0x0A>"],  # a control character stays visible as its byte
])
def test_runs_that_do_not_spell_a_character_stay_raw(pieces):
    assert readable_pieces(pieces) == pieces


def test_ordinary_pieces_untouched():
    pieces = ["▁The", "▁cat", "<unk>", "0x41", "<0x4>", "<0x41"]
    assert readable_pieces(pieces) == pieces
    assert readable_pieces(["<0x41>", "<0x42>"]) == ["A", "B"]
