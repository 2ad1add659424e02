"""The textbook BPE training loop, slow and plain: the reference the fast trainer is checked against.

Byte-pair encoding (Sennrich et al. 2016) learns a vocabulary by repeating two steps:
1. count every adjacent pair of symbols in the corpus;
2. merge the most frequent pair into one new symbol, everywhere it occurs.

This module does exactly that and nothing clever: after every merge it counts every pair of every
word again from scratch, O(corpus) per merge. `bpe_train.train_merges` learns the same merges
incrementally, hundreds of times faster; the tests and `bench/tokenizer_speed.py` compare the two on the
same input and require identical output, so the fast code can be trusted because this one can be read.

Worked example: "ab" occurs in both words, 2 + 1 = 3 times, and wins; then the new symbol 10 followed
by 3 occurs twice; after that every pair occurs once, and a pair seen once teaches nothing.

>>> merges = reference_train_merges({(1, 2, 3): 2, (1, 2): 1}, num_merges=5, first_id=10)
>>> [(m.pair, m.id, m.count) for m in merges]
[((1, 2), 10, 3), ((10, 3), 11, 2)]
"""
from __future__ import annotations

from collections import defaultdict

from core.tokenizers.bpe_train import Merge, merge_pair


def count_pairs(seqs: list[list[int]], freq: list[int]) -> dict[tuple[int, int], int]:
    """How often each adjacent pair occurs in the corpus: Σ over words of (occurrences × word count).

    >>> count_pairs([[1, 2, 1, 2], [2, 1]], [1, 5])
    {(1, 2): 2, (2, 1): 6}
    """
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for seq, c in zip(seqs, freq):  # one distinct word and how many times it occurs in the corpus
        for pair in zip(seq, seq[1:]):  # every adjacent pair in it: (s0, s1), (s1, s2), ...
            counts[pair] += c  # a word seen c times contributes each of its pairs c times
    return dict(counts)


def reference_train_merges(words: dict[tuple[int, ...], int], num_merges: int, first_id: int,
                           min_count: int = 2) -> list[Merge]:
    """Learn up to `num_merges` merges on `words` (symbol sequence -> count); new ids from `first_id`.

    Ties (two pairs with the same count) go to the smaller pair (a, b), the same rule as the fast
    trainer, so the two agree exactly, merge for merge.
    """
    seqs = [list(w) for w in words]  # each distinct word as a mutable list of symbol ids
    freq = list(words.values())  # its count in the corpus, in the same order
    merges: list[Merge] = []
    for k in range(num_merges):
        counts = count_pairs(seqs, freq)  # step 1: recount everything (what the fast trainer avoids)
        if not counts:
            break  # every word is a single symbol: nothing left to merge
        # step 2: the most frequent pair; sorting by (-count, pair) picks the smallest pair among ties
        pair, c = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if c < min_count:
            break  # the best pair occurs once: merging it would memorise, not generalise
        merges.append(Merge(pair, first_id + k, c))  # the new symbol's id is the next free id
        seqs = [merge_pair(seq, pair, first_id + k) for seq in seqs]  # rewrite every word with it
    return merges
