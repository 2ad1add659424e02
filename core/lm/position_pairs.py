"""Why attention: counting "symbol X at absolute position I with symbol Y at position J" is hopeless.

The notes' first idea for relating two tokens is a table of P(X at I, Y at J). Counted on the corpus,
that table is mostly empty: the same pair (X, Y) is scattered over many (I, J) cells, most seen once.
Counting by relative offset (X, then Y at J - I = k) pools those occurrences, so each key has far more
evidence. Attention goes further: it compares learned vectors of "token + position" instead of counting
cells, so a pair never seen at these exact positions still gets a score.

>>> s = pair_sparsity([["a", "b", "c"], ["x", "a", "b"]], max_offset=1)
>>> s.absolute_keys, s.relative_keys, s.occurrences
(4, 3, 4)
>>> s.absolute_singletons, s.relative_singletons, s.example, s.example_count, s.example_cells
(4, 2, ('a', 'b', 1), 2, 2)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class PairSparsity:
    occurrences: int  # (X at I, Y at J) pairs in the corpus with 0 < J - I <= max_offset
    absolute_keys: int  # distinct (X, I, Y, J)
    relative_keys: int  # distinct (X, Y, J - I)
    absolute_singletons: int  # keys seen exactly once
    relative_singletons: int
    max_offset: int
    example: tuple[str, str, int] | None  # the most frequent (X, Y, offset) of two words, not punctuation
    example_count: int  # its occurrences (one relative cell)
    example_cells: int  # how many absolute (I, J) cells those occurrences are spread over

    @property
    def absolute_mean(self) -> float:
        """Mean occurrences per distinct key (evidence per table cell)."""
        return self.occurrences / max(self.absolute_keys, 1)

    @property
    def relative_mean(self) -> float:
        return self.occurrences / max(self.relative_keys, 1)

    @property
    def absolute_singleton_share(self) -> float:
        return self.absolute_singletons / max(self.absolute_keys, 1)

    @property
    def relative_singleton_share(self) -> float:
        return self.relative_singletons / max(self.relative_keys, 1)


def pair_sparsity(sentences: list[list[str]], max_offset: int = 4, max_len: int = 64) -> PairSparsity:
    """Count token pairs within each sentence (positions from its start, at most `max_len` tokens) by
    absolute positions (X, I, Y, J) and by relative offset (X, Y, J - I), for offsets 1..max_offset."""
    if max_offset < 1:
        raise ValueError("max_offset must be at least 1")
    absolute: Counter = Counter()
    relative: Counter = Counter()
    for toks in sentences:
        toks = toks[:max_len]
        for i, x in enumerate(toks):
            for k in range(1, max_offset + 1):
                if i + k >= len(toks):
                    break
                y = toks[i + k]
                absolute[(x, i, y, i + k)] += 1
                relative[(x, y, k)] += 1
    occ = sum(relative.values())
    example, count, cells = None, 0, 0
    words = [(key, c) for key, c in relative.most_common() if all(any(ch.isalnum() for ch in t) for t in key[:2])]
    if words or relative:  # the most frequent pair of two words (not punctuation), if there is one
        example, count = (words or relative.most_common(1))[0]
        x, y, k = example
        cells = sum(1 for (ax, ai, ay, aj) in absolute if ax == x and ay == y and aj - ai == k)
    return PairSparsity(occ, len(absolute), len(relative), sum(1 for c in absolute.values() if c == 1),
                        sum(1 for c in relative.values() if c == 1), max_offset, example, count, cells)


def corpus_sparsity(text: str, lang: str, max_offset: int = 4, max_len: int = 64) -> PairSparsity:
    """`pair_sparsity` over the lines of a corpus, in words (English: spaces and punctuation; Japanese: MeCab)."""
    from core.lm.units import split_units

    sentences = [split_units(line, "word", lang) for line in text.split("\n") if line.strip()]
    return pair_sparsity(sentences, max_offset, max_len)
