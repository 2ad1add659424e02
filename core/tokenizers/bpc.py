"""Vocabulary size against model quality: held-out bits per character of one n-gram model over each
tokenizer's tokens.

A larger vocabulary makes sequences shorter, but every token type is rarer, so a model trained on the same
text has seen each one fewer times. Bits per *character* (not per token) puts every tokenizer on one scale:
the total cost of the held-out text, -Σ log2 P(token | the n-1 before), divided by its characters.

The same model for all: interpolated Kneser–Ney (core.lm.ngram), order `n`, trained on the tokens of the
training part. A held-out token the training part never showed is <unk> to the n-gram model; so that a large
vocabulary cannot hide its cost there, each one also pays for *which* unseen token it is, uniformly over the
tokenizer's ids the training text never used: log2(V_tokenizer − V_seen) bits on top of P(<unk>).

>>> r = bits_per_char(list("abab" * 50), list("abba"), n_chars=4, vocab_size=256, n=2)
>>> r.unk, r.tokens, round(r.bits_per_char, 1) > 0
(0, 4, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.lm.ngram import NGramCounts

N = 3  # order used for every tokenizer (a trigram: two tokens of context)
SMOOTHING = "kn"


@dataclass(frozen=True)
class BpcPoint:
    tokenizer: str
    vocab_size: int  # the tokenizer's ids (what its embedding table would need)
    bits_per_char: float
    tokens_per_char: float
    unk: int  # held-out tokens the training part never showed
    tokens: int  # held-out tokens


def bits_per_char(train: Sequence, held: Sequence, n_chars: int, vocab_size: int, n: int = N,
                  tokenizer: str = "") -> BpcPoint:
    """Held-out bits per character of a KN n-gram trained on `train` tokens, scored on `held` tokens."""
    counts = NGramCounts.train([str(t) for t in train], max_n=n)
    held_s = [str(t) for t in held]
    p, _ = counts.token_probs(held_s, n, SMOOTHING)
    unk = int(np.count_nonzero(counts.encode(held_s) == 0))
    unseen = max(vocab_size - (counts.vocab_size - 1), 1)  # ids the training part never used
    bits = float(-np.log2(p).sum()) + unk * math.log2(unseen)
    return BpcPoint(tokenizer, int(vocab_size), bits / n_chars, len(held) / n_chars, unk, len(held))
