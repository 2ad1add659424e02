"""Cross-entropy and KL divergence of a distribution p against a model's q, in bits.

    H(p, q)   = −Σ p(x) log₂ q(x)            what coding p's outcomes with q's code costs
    KL(p ‖ q) =  Σ p(x) log₂ (p(x) / q(x))   the extra cost over the best code, H(p); never negative
    H(p, q)   =  H(p) + KL(p ‖ q)

Terms with p(x) = 0 count 0 (the limit of p log p, and an outcome that never happens costs nothing). Where
p(x) > 0 but q(x) = 0 both are **infinite**: the model says an outcome that happens is impossible, and
coding it would take infinitely many bits. That is why language models are smoothed.

`next_token_support` gives q: an n-gram's distribution of the next token after a context, cut to the
`size − 1` most likely tokens plus one "everything else" outcome, so that p (typed on `size` sliders) and q
live on the same support and q still sums to 1.

>>> round(cross_entropy_bits([0.5, 0.5], [0.25, 0.75]), 4), round(kl_bits([0.5, 0.5], [0.25, 0.75]), 4)
(1.2075, 0.2075)
>>> kl_bits([0.5, 0.5], [1.0, 0.0])
inf
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

MODELS = ("kn", "mle")  # the n-gram's q: interpolated Kneser–Ney, or raw counts (maximum likelihood, zeros kept)
OTHER = None  # the label of the "everything else" outcome (the page names it)


def _pair(p: Sequence[float], q: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p.shape != q.shape or p.ndim != 1:
        raise ValueError(f"p and q must be 1-D over the same support, got {p.shape} and {q.shape}")
    return p, q


def impossible(p: Sequence[float], q: Sequence[float]) -> np.ndarray:
    """Indices where p(x) > 0 but q(x) = 0: each makes H(p, q) and KL(p ‖ q) infinite."""
    p, q = _pair(p, q)
    return np.flatnonzero((p > 0) & (q <= 0))


def cross_entropy_bits(p: Sequence[float], q: Sequence[float]) -> float:
    p, q = _pair(p, q)
    if len(impossible(p, q)):
        return math.inf
    m = p > 0
    return float(-(p[m] * np.log2(q[m])).sum())


def kl_bits(p: Sequence[float], q: Sequence[float]) -> float:
    p, q = _pair(p, q)
    if len(impossible(p, q)):
        return math.inf
    m = p > 0
    return float(max(0.0, (p[m] * np.log2(p[m] / q[m])).sum()))


@dataclass(frozen=True)
class Support:
    tokens: list[str | None]  # the model's most likely next tokens; None = everything else
    q: np.ndarray  # the model's probability of each, summing to 1
    context: list[str]  # the context the model actually used (its last n − 1 tokens that it saw in training)


def _mle(counts, context: Sequence[str], n: int) -> tuple[np.ndarray, list[str]]:
    """Relative frequencies c(h w) / c(h) after the longest suffix h of the context (≤ n − 1 tokens) that
    occurred in training: unseen followers get exactly 0."""
    V, M = counts.vocab_size, counts.vocab_size + 1
    ids = [int(i) for i in counts.encode(list(context))]
    for j in range(min(n - 1, len(ids)), -1, -1):
        h = counts._lookup(ids[len(ids) - j:]) if j else 0
        if h < 0:
            continue
        o = counts.orders[j]
        lo, hi = np.searchsorted(o.keys, [h * M, h * M + M])
        ws, cs = o.keys[lo:hi] - h * M, o.raw[lo:hi].astype(float)
        keep = (ws < V) & (cs > 0)
        if cs[keep].sum() > 0:
            q = np.zeros(V)
            q[ws[keep]] = cs[keep] / cs[keep].sum()
            return q, list(context)[len(ids) - j:] if j else []
    raise ValueError("the counts are empty")


def next_token_support(counts, context: Sequence[str], n: int, size: int, model: str = "kn") -> Support:
    """The n-gram's q(· | context) on `size` outcomes: its `size − 1` most likely tokens (ties by frequency;
    when fewer have q > 0, the most frequent training tokens fill in, with q = 0) and everything else."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, not {model!r}")
    if size < 2:
        raise ValueError("size must be at least 2: some tokens and everything else")
    if model == "kn":
        hist = list(context)[-(n - 1):] if n > 1 else []
        q_all, used = counts.distribution(hist, n, "kn"), hist
    else:
        q_all, used = _mle(counts, context, n)
    V = counts.vocab_size
    freq = counts.orders[0]
    unigram = np.zeros(V + 1)
    np.add.at(unigram, freq.keys % (V + 1), freq.raw)
    # <unk> (id 0) is never a named outcome: its share stays in "everything else".
    cand = np.arange(1, V)
    order = cand[np.lexsort((cand, -unigram[1:V], -q_all[1:V]))][: size - 1]
    q = np.append(q_all[order], max(0.0, 1.0 - q_all[order].sum()))
    q = np.where(q < 1e-15, 0.0, q)
    return Support([counts.itos[i] for i in order] + [OTHER], q / q.sum(), used)
