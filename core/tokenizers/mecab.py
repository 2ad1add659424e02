"""MeCab morphological analysis through fugashi with the unidic-lite dictionary (both from PyPI).

>>> [m.surface for m in morphemes("読売巨人軍が勝った")]
['読売', '巨人', '軍', 'が', '勝っ', 'た']
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from core.textcheck import native_chunks, native_text

# MeCab segfaults on one long line (from ~190 KB of one Latin letter; core/textcheck.py has the sizes), and
# its time grows with the square of a run of one character class: 'a' * 16384 takes 0.2 s, * 32768 0.7 s,
# * 65536 2.8 s. Pieces of 4 KB keep a 5 MB one-line upload to seconds; prose is cut at its sentence ends.
MAX_LINE_BYTES = 4096


@dataclass(frozen=True)
class Morpheme:
    surface: str
    pos: str  # part of speech, e.g. 名詞-固有名詞 (UniDic's pos1-pos2)
    lemma: str
    start: int  # character offset in the input
    end: int


@functools.lru_cache(maxsize=1)
def tagger():
    """The MeCab tagger (loads in milliseconds; one per process)."""
    import fugashi  # imported lazily: pages that never use MeCab do not pay for it

    return fugashi.Tagger()


def morphemes(text: str) -> list[Morpheme]:
    """Morphemes of `text` with parts of speech and character offsets (spaces are not morphemes).

    MeCab crashes the process on one very long line, so each line reaches it in pieces of bounded size
    (core.textcheck.native_chunks); NUL and lone surrogates are replaced, which keeps every offset.
    """
    text = native_text(text)
    out: list[Morpheme] = []
    pos_in_text = 0
    for piece in _pieces(text):
        for word in tagger()(piece):
            surface = word.surface
            start = text.find(surface, pos_in_text)
            if start < 0:  # MeCab normalised something; fall back to the running offset
                start = pos_in_text
            end = start + len(surface)
            pos_in_text = end
            f = word.feature
            pos = "-".join(p for p in (getattr(f, "pos1", None), getattr(f, "pos2", None)) if p and p != "*")
            lemma = getattr(f, "lemma", None) or surface
            out.append(Morpheme(surface, pos, lemma, start, end))
    return out


def split(text: str) -> list[str]:
    """Only the surfaces: the 'human-defined' word split for Japanese.

    The same words as `[m.surface for m in morphemes(text)]` (tests/test_interaction_paths.py checks it on
    the shipped corpus) without building a Morpheme, reading features or finding offsets for each word:
    ~5x faster, which is what splitting a whole corpus into words costs a page (lm pages, word level, ja).
    """
    tag = tagger()
    return [word.surface for piece in _pieces(native_text(text)) for word in tag(piece)]


def _pieces(text: str) -> list[str]:
    """What MeCab is given: each line of `text`, cut into pieces it can take (see `morphemes`)."""
    return [piece for line in text.split("\n") for piece in native_chunks(line, MAX_LINE_BYTES)]
