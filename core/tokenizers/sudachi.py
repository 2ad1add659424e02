"""A second Japanese morphological analyzer beside MeCab: Sudachi (SudachiPy + sudachidict_core, both PyPI wheels).

Where MeCab gives one split, Sudachi gives three granularities from one dictionary, so the question
"what is a word?" has three defensible answers on the same sentence:

    A  shortest units (close to UniDic's, what MeCab gives):  読売 | 巨人 | 軍
    B  middle units:                                           読売 | 巨人軍
    C  named entities and compounds kept whole:                読売巨人軍

The notes name Juman as the other classic analyzer; Juman++ is a C++ program installed on the system
(no wheel), so Sudachi stands in for it here. The dictionary ships inside the wheel: nothing is
downloaded when it runs.

>>> [m.surface for m in morphemes("外国人参政権", "A")]
['外国', '人', '参政', '権']
>>> [m.surface for m in morphemes("外国人参政権", "B")], split("外国人参政権", "C")
(['外国人', '参政権'], ['外国人参政権'])
"""
from __future__ import annotations

import functools
import threading

from core.errors import UserInputError
from core.textcheck import native_chunks, native_text
from core.tokenizers.mecab import Morpheme
from core.tokenizers.simple import _VocabTokenizer

MODES = ("A", "B", "C")
# A Sudachi tokenizer raises "already in use" when two threads call it at once (a page's three modes while a
# job learns an upload's vocabulary): one lock per mode, held for one chunk at a time.
_IN_USE = {mode: threading.Lock() for mode in MODES}


@functools.lru_cache(maxsize=1)
def _dictionary():
    try:
        from sudachipy import Dictionary  # imported lazily: pages that never use Sudachi do not pay for it

        return Dictionary(dict="core")
    except Exception as e:  # missing wheel or dictionary: the page says how to install it
        raise UserInputError(
            f"Sudachi is not installed here ({type(e).__name__}): pip install sudachipy sudachidict_core.",
            "Sudachi がインストールされていません。pip install sudachipy sudachidict_core を実行してください。",
        ) from e


@functools.lru_cache(maxsize=3)
def tagger(mode: str):
    """One Sudachi tokenizer per split mode (the dictionary is loaded once, ~0.2 s)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    return _dictionary().tokenizer(mode=mode)


def available() -> bool:
    try:
        _dictionary()
        return True
    except UserInputError:
        return False


def morphemes(text: str, mode: str = "C") -> list[Morpheme]:
    """Morphemes of `text` in split `mode` with parts of speech and character offsets (spaces dropped)."""
    tok = tagger(mode)
    text = native_text(text)  # NUL and lone surrogates replaced, one character for one: offsets hold
    out: list[Morpheme] = []
    offset = 0
    for line in text.split("\n"):
        # Sudachi refuses more than 49,149 bytes at once: a long line goes in pieces (core.textcheck).
        for chunk in native_chunks(line):
            with _IN_USE[mode]:
                for m in tok.tokenize(chunk):
                    surface = m.surface()
                    if not surface.strip():
                        continue
                    pos = "-".join(p for p in m.part_of_speech()[:2] if p and p != "*")
                    begin = offset + m.begin()
                    out.append(Morpheme(surface, pos, m.normalized_form(), begin, begin + len(surface)))
            offset += len(chunk)
        offset += 1  # the line break
    return out


def split(text: str, mode: str = "C") -> list[str]:
    return [m.surface for m in morphemes(text, mode)]


def three_ways(text: str) -> dict[str, list[Morpheme]]:
    """The same text in modes A, B and C: {"A": [...], "B": [...], "C": [...]}."""
    return {mode: morphemes(text, mode) for mode in MODES}


class SudachiTokenizer(_VocabTokenizer):
    """Sudachi morphemes in one split mode, ids from a vocabulary learned on a corpus (<unk> = 0).

    Same interface as `simple.MecabTokenizer`; `mode` picks the granularity (C by default, Sudachi's own).
    """

    name = "sudachi"

    def __init__(self, words: list[str], mode: str = "C"):
        super().__init__(words)
        self.mode = mode

    def split(self, text: str) -> list[str]:
        return split(text, self.mode)

    @classmethod
    def train(cls, text: str, max_words: int = 50_000, mode: str = "C") -> "SudachiTokenizer":
        from collections import Counter

        counts = Counter(split(text, mode))
        return cls([w for w, _ in counts.most_common(max_words)], mode)


def split_counts(text: str) -> dict[str, tuple[int, int]]:
    """(tokens, distinct tokens) of `text` in each Sudachi mode and in MeCab: {"A": (n, v), ..., "mecab": (n, v)}.

    Longer units, fewer tokens, more distinct ones: the trade-off a learned tokenizer later settles by counting.
    >>> c = split_counts("外国人参政権と外国人")
    >>> c["A"], c["B"], c["C"]
    ((7, 5), (4, 3), (3, 3))
    """
    from core.tokenizers import mecab

    splits = {mode: split(text, mode) for mode in MODES}
    splits["mecab"] = mecab.split(text)
    return {k: (len(v), len(set(v))) for k, v in splits.items()}
