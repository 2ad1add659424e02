"""Modified Kneser–Ney (Chen & Goodman 1998): interpolated Kneser–Ney with three discounts per order.

Interpolated KN (core.lm.ngram) subtracts one discount D from every count. Chen & Goodman measured that
the best discount grows with the count, and proposed three per order: D1 for an n-gram seen once, D2
twice, D3+ three times or more, estimated from that order's counts of counts n_1 … n_4 (n_k = how many
n-grams were seen exactly k times):

    Y = n1 / (n1 + 2 n2),   D1 = 1 − 2Y·n2/n1,   D2 = 2 − 3Y·n3/n2,   D3+ = 3 − 4Y·n4/n3

    P(w | h) = max(c(h w) − D(c(h w)), 0) / c(h)  +  γ(h) · P(w | h′)
    γ(h)     = (D1·N1(h •) + D2·N2(h •) + D3+·N3+(h •)) / c(h)

h′ is h without its first token; N_k(h •) counts the distinct tokens seen after h exactly k times (N3+: at
least 3), so γ(h) is exactly the mass the discounts took away and every distribution sums to 1. As in
core.lm.ngram, the highest order counts occurrences, the lower orders count continuations (how many
distinct tokens came before), the unigram is interpolated with the uniform 1/|V|, and a context never
seen leaves the lower order's probability as it is. Each D_k is kept in [0.05, k − 0.05] (a tiny corpus
can give an estimate outside it): no count is discounted to nothing, none below zero.

`scale` multiplies the three estimates (what a tuning on a dev split may change); 1 is Chen & Goodman's.
The functions take a `core.lm.ngram.NGramCounts` (its per-order arrays), which calls them for
`smoothing="mkn"`; this module does not import it.

>>> discounts(np.array([1, 1, 1, 1, 2, 2, 3, 4]))  # n1=4, n2=2, n3=1, n4=1: Y = 1/2
(0.5, 1.25, 1.0)
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

MIN_D = 0.05  # the same floor as interpolated KN's single discount


def discounts(counts: np.ndarray, scale: float = 1.0) -> tuple[float, float, float]:
    """(D1, D2, D3+) from the counts of counts of `counts` (zeros ignored), times `scale`, each clamped to
    [MIN_D, k − MIN_D]. A count class that never occurs falls back on the discount below it."""
    c = np.asarray(counts)
    c = c[c > 0]
    n1, n2, n3, n4 = (int(np.count_nonzero(c == k)) for k in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2) if n1 + 2 * n2 > 0 else 0.5
    d1 = 1 - 2 * y * n2 / n1 if n1 > 0 else y
    d2 = 2 - 3 * y * n3 / n2 if n2 > 0 else d1
    d3 = 3 - 4 * y * n4 / n3 if n3 > 0 else d2
    return tuple(float(min(max(d * scale, MIN_D), k - MIN_D)) for k, d in ((1, d1), (2, d2), (3, d3)))


class _Side:
    """One order's numbers for one kind of count (occurrences or continuations), per context id."""

    def __init__(self, counts: np.ndarray, prefix: np.ndarray, n_ctx: int, scale: float):
        self.counts = counts.astype(np.int64)
        self.d = np.array((0.0,) + discounts(self.counts, scale))  # d[min(c, 3)]: 0 for an unseen n-gram
        cls = np.minimum(self.counts, 3)
        self.tot = np.bincount(prefix, weights=self.counts, minlength=n_ctx)
        # The mass taken from each context: Σ_k D_k · N_k(h •).
        self.taken = np.bincount(prefix, weights=self.d[cls], minlength=n_ctx)

    def discount_of(self, c: np.ndarray) -> np.ndarray:
        return self.d[np.minimum(c.astype(np.int64), 3)]


def _sides(counts, scale: float) -> list[tuple[_Side, _Side]]:
    """Per order: (occurrence side, continuation side), built once per (counts, scale) and kept on `counts`."""
    cache = counts.__dict__.setdefault("_mkn_sides", {})
    if scale not in cache:
        cache[scale] = [(_Side(o.raw, o.prefix, o.n_ctx, scale), _Side(o.cont, o.prefix, o.n_ctx, scale))
                        for o in counts.orders]
    return cache[scale]


def order_discounts(counts, n: int, scale: float = 1.0) -> list[tuple[float, float, float]]:
    """(D1, D2, D3+) of each order 1..n as the model of order n uses them (occurrences at n, continuations below)."""
    sides = _sides(counts, scale)
    return [tuple(float(v) for v in sides[j][0 if j == n - 1 else 1].d[1:]) for j in range(n)]


def token_probs(counts, tokens: Sequence[str], n: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """P_MKN(w_i | the n-1 tokens before it) for every token, and the longest context length that occurred
    in training (0..n-1): the same contract as NGramCounts.token_probs."""
    pad = counts.max_n - 1
    x = np.concatenate((np.full(pad, counts.bos, dtype=np.int64), counts.encode(tokens)))
    ids = counts._dense_ids(x, n)
    sides = _sides(counts, scale)
    p = np.full(len(x), 1.0 / counts.vocab_size)
    seen = np.zeros(len(x), dtype=np.int64)
    for order in range(1, n + 1):
        side = sides[order - 1][0 if order == n else 1]
        ctx = ids[0] if order == 1 else np.concatenate(([-1], ids[order - 1][:-1]))
        ctx_c = np.where(ctx >= 0, ctx, 0)
        tot = np.where(ctx >= 0, side.tot[ctx_c], 0.0)
        hit = ids[order] >= 0
        c = np.where(hit, side.counts[np.where(hit, ids[order], 0)], 0)
        live = tot > 0
        safe = np.where(live, tot, 1.0)
        p = np.where(live, np.maximum(c - side.discount_of(c), 0.0) / safe + side.taken[ctx_c] / safe * p, p)
        seen = np.where(live, order - 1, seen)
    return p[pad:], seen[pad:]


def distribution(counts, context: Sequence[str], n: int, scale: float = 1.0) -> np.ndarray:
    """P_MKN(· | context) over the whole prediction vocabulary (index = token id); sums to 1."""
    V, M = counts.vocab_size, counts.vocab_size + 1
    hist = [counts.bos] * (n - 1) + [int(i) for i in counts.encode(list(context))]
    hist = hist[len(hist) - (n - 1):] if n > 1 else []
    ctx_ids = [0] + [counts._lookup(hist[len(hist) - j:]) for j in range(1, n)]
    sides = _sides(counts, scale)
    p = np.full(V, 1.0 / V)
    for order in range(1, n + 1):
        o, side = counts.orders[order - 1], sides[order - 1][0 if order == n else 1]
        h = ctx_ids[order - 1]
        if h < 0 or side.tot[h] <= 0:
            continue
        lo, hi = np.searchsorted(o.keys, [h * M, h * M + M])
        ws, cs = o.keys[lo:hi] - h * M, side.counts[lo:hi]
        keep = (ws < V) & (cs > 0)
        ws, cs = ws[keep], cs[keep]
        p = p * (side.taken[h] / side.tot[h])
        p[ws] += np.maximum(cs - side.discount_of(cs), 0.0) / side.tot[h]
    return p
