"""What an English uncased WordPiece vocabulary (all-MiniLM-L6-v2's) does to Japanese.

"Uncased" BERT-style tokenizers lower-case *and strip accents*: text goes through Unicode NFD, which
splits が into か + U+3099 (the combining dakuten), and every combining mark (category Mn) is dropped.
So が → か, パ → ハ, and ガラス (glass) is read as カラス (crow) before any vocabulary lookup.
Characters the vocabulary lacks become [UNK].

>>> strip_marks("ガラスのコップ")
'カラスのコッフ'
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def strip_marks(text: str) -> str:
    """NFD, then drop combining marks: what an uncased BERT tokenizer does before lookup."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


@dataclass(frozen=True)
class Reading:
    text: str
    pieces: list[str]  # the tokenizer's own output
    reads_as: str  # the pieces joined back ("##" removed): the text as the model sees it
    changed: list[tuple[str, str]]  # (typed character, what the model reads instead), in order, once each
    unknown: int  # [UNK] pieces


def reading(tokenizer, text: str) -> Reading:
    """Tokenize `text` with a Hugging Face tokenizer and say which characters it silently changed."""
    pieces = [str(p) for p in tokenizer.tokenize(text)]
    unk = str(getattr(tokenizer, "unk_token", "[UNK]"))
    joined = "".join(p[2:] if p.startswith("##") else p for p in pieces)
    changed: list[tuple[str, str]] = []
    for ch in dict.fromkeys(text):
        if ch.isspace():
            continue
        got = [str(p) for p in tokenizer.tokenize(ch)]
        seen = "".join(p[2:] if p.startswith("##") else p for p in got)
        if got and got != [unk] and seen != ch:
            changed.append((ch, seen))
    return Reading(text, pieces, joined, changed, sum(p == unk for p in pieces))
