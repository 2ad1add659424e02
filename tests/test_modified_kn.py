"""Modified Kneser–Ney against a slow, independent pure-Python implementation (dicts, recursion, no numpy)."""
from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from core.lm import modified_kn
from core.lm.ngram import NGramCounts

BOS = "<s>"
TEXT = ("the cat sat on the mat. the dog sat on the log. a cat and a dog ran to the mat.\n"
        "the cat ran. the dog sat. on the mat the cat sat and the dog ran. a bird sang.\n") * 2
MAX_N = 4


class ReferenceMKN:
    """Chen & Goodman's interpolated modified Kneser–Ney written straight from the formulas.

    raw(g): occurrences of the k-gram g ending at a real (not <s>) token of the <s>-padded stream;
    cont(g): how many distinct tokens a came right before g (raw((a,) + g) > 0), for k < max_n.
    """

    def __init__(self, tokens: list[str], max_n: int):
        self.vocab = sorted(set(tokens))
        self.V = len(self.vocab) + 1  # + <unk>
        x = [BOS] * (max_n - 1) + list(tokens)
        self.raw = [Counter() for _ in range(max_n + 1)]
        for k in range(1, max_n + 1):
            for i in range(max_n - 1, len(x)):
                self.raw[k][tuple(x[i - k + 1:i + 1])] += 1
        self.cont = [Counter() for _ in range(max_n + 1)]
        for k in range(1, max_n):
            for g in self.raw[k + 1]:
                self.cont[k][g[1:]] += 1
        self.cont[max_n] = self.raw[max_n]

    @staticmethod
    def _d(table: Counter, scale: float) -> dict[int, float]:
        cc = Counter(table.values())
        n1, n2, n3, n4 = cc[1], cc[2], cc[3], cc[4]
        y = n1 / (n1 + 2 * n2) if n1 + 2 * n2 else 0.5
        ds = [1 - 2 * y * n2 / n1 if n1 else y]
        ds.append(2 - 3 * y * n3 / n2 if n2 else ds[0])
        ds.append(3 - 4 * y * n4 / n3 if n3 else ds[1])
        return {k: min(max(d * scale, 0.05), k - 0.05) for k, d in zip((1, 2, 3), ds)}

    def prob(self, w: str, hist: list[str], n: int, scale: float = 1.0) -> float:
        hist = ([BOS] * (n - 1) + list(hist))[len(hist):] if n > 1 else []
        p = 1.0 / self.V
        for j in range(1, n + 1):
            table = self.raw[j] if j == n else self.cont[j]
            d = self._d(table, scale)
            h = tuple(hist[len(hist) - (j - 1):]) if j > 1 else ()
            followers = defaultdict(int)
            for g, c in table.items():
                if g[:-1] == h:
                    followers[g[-1]] += c
            tot = sum(followers.values())
            if tot == 0:
                continue
            c = followers.get(w, 0)
            taken = sum(d[min(cnt, 3)] for cnt in followers.values())
            p = max(c - (d[min(c, 3)] if c else 0.0), 0.0) / tot + taken / tot * p
        return p


@pytest.fixture(scope="module")
def both():
    tokens = list(TEXT)
    return NGramCounts.train(tokens, max_n=MAX_N), ReferenceMKN(tokens, MAX_N)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("scale", [1.0, 0.7])
def test_probabilities_equal_the_reference(both, n, scale):
    counts, ref = both
    seq = list("the cat sang to a dog. zebra!")  # seen, unseen contexts and unseen tokens
    probs, _ = modified_kn.token_probs(counts, seq, n, scale)
    for i, w in enumerate(seq):
        want = ref.prob(w if w in counts.stoi else "<unk>", seq[max(0, i - n + 1):i], n, scale)
        assert probs[i] == pytest.approx(want, abs=1e-9), (i, w)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_distribution_equals_reference_and_sums_to_one(both, n):
    counts, ref = both
    for ctx in ([], list("the "), list("a d"), list("zz"), list("mat.\n")):
        p = counts.distribution(ctx, n, "mkn")
        assert math.isclose(p.sum(), 1.0, abs_tol=1e-9)
        assert np.all(p > 0)
        for w in ("t", "a", " ", "<unk>"):
            i = counts.stoi.get(w, 0)
            assert p[i] == pytest.approx(ref.prob(w, ctx[-(n - 1):] if n > 1 else [], n), abs=1e-9)


def test_ngram_counts_route_mkn_and_keep_the_kn_discount(both):
    counts, _ = both
    seq = list("the dog sat on the cat")
    assert np.allclose(counts.token_probs(seq, 3, "mkn")[0], modified_kn.token_probs(counts, seq, 3)[0])
    kn = counts.perplexity(seq, 3, "kn").ppl
    assert counts.perplexity(seq, 3, "kn", discount=0.8).ppl != kn  # the lead's fixed-D argument still works
    assert counts.perplexity(seq, 3, "mkn").ppl != kn


def test_discounts_follow_chen_goodman_and_grow_with_the_count():
    d1, d2, d3 = modified_kn.discounts(np.array([1] * 40 + [2] * 15 + [3] * 8 + [4] * 5 + [9] * 20))
    y = 40 / (40 + 30)
    assert (d1, d2, d3) == pytest.approx((1 - 2 * y * 15 / 40, 2 - 3 * y * 8 / 15, 3 - 4 * y * 5 / 8))
    assert d1 < d2 < d3


def reference_ppl(ref: ReferenceMKN, tokens: list[str], n: int, scale: float) -> float:
    known = set(ref.vocab)
    bits = [-math.log2(ref.prob(w if w in known else "<unk>", tokens[max(0, i - n + 1):i], n, scale))
            for i, w in enumerate(tokens)]
    return 2.0 ** (sum(bits) / len(bits))


def test_the_pages_tuned_modified_kn_row_equals_the_reference():
    """The n-gram page's modified-KN row (core.lm.kn_compare): its order and factor are the dev split's best
    under the slow reference, and its dev and held-out perplexities are the reference's."""
    from core.corpus import split_train_heldout
    from core.lm import kn_compare

    text = TEXT + "the bird sat on the log and sang. a dog ran to the cat.\n"
    train, heldout = split_train_heldout(text)
    got = kn_compare.compare(train, heldout, "char", "en")
    row = next(r for r in got["rows"] if r["smoothing"] == "mkn")
    fit, dev = kn_compare.dev_split(train)
    tune = ReferenceMKN(list(fit), 5)
    grid = {(n, s): reference_ppl(tune, list(dev), n, s) for n in range(1, 6) for s in kn_compare.MKN_SCALES}
    best = min(grid.values())
    assert row["dev_ppl"] == pytest.approx(grid[(row["n"], row["setting"])], abs=1e-3)
    assert grid[(row["n"], row["setting"])] == pytest.approx(best, abs=1e-3)  # no setting does better on dev
    full = ReferenceMKN(list(train), 5)
    assert row["heldout_ppl"] == pytest.approx(reference_ppl(full, list(heldout), row["n"], row["setting"]), abs=1e-3)
