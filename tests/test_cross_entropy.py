"""Cross-entropy and KL against torch.distributions, H(p, q) = H(p) + KL, infinities, the n-gram's support."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.distributions import Categorical, kl_divergence

from core.lm.cross_entropy import cross_entropy_bits, impossible, kl_bits, next_token_support
from core.lm.entropy import entropy_bits
from core.lm.ngram import NGramCounts

LN2 = math.log(2)
TEXT = "the cat sat on the mat. the dog sat on the log. then the cat ran.\n" * 4


@pytest.mark.parametrize("seed", range(8))
def test_kl_equals_torch_and_the_identity_holds(seed):
    g = torch.Generator().manual_seed(seed)
    size = 2 + seed % 7
    p = torch.rand(size, generator=g, dtype=torch.float64) ** 3
    q = torch.rand(size, generator=g, dtype=torch.float64)
    if seed % 2:
        p[0] = 0.0  # a zero in p is allowed: its term is 0
    p, q = p / p.sum(), q / q.sum()
    want = float(kl_divergence(Categorical(probs=p), Categorical(probs=q))) / LN2
    assert kl_bits(p.numpy(), q.numpy()) == pytest.approx(want, abs=1e-12)
    h_pq = float(-(p * q.log()).nan_to_num().sum()) / LN2  # torch's own cross-entropy, in bits
    assert cross_entropy_bits(p.numpy(), q.numpy()) == pytest.approx(h_pq, abs=1e-12)
    assert cross_entropy_bits(p.numpy(), q.numpy()) == pytest.approx(entropy_bits(p.numpy()) + want, abs=1e-12)


def test_q_zero_where_p_is_not_is_infinite_as_in_torch():
    p, q = np.array([0.5, 0.5, 0.0]), np.array([1.0, 0.0, 0.0])
    assert kl_bits(p, q) == math.inf and cross_entropy_bits(p, q) == math.inf
    assert impossible(p, q).tolist() == [1]
    assert math.isinf(float(kl_divergence(Categorical(probs=torch.tensor(p)), Categorical(probs=torch.tensor(q)))))
    assert kl_bits([0.0, 1.0], [0.0, 1.0]) == 0.0  # q = 0 where p = 0 costs nothing


@pytest.fixture(scope="module")
def counts():
    return NGramCounts.train(TEXT, max_n=3)


@pytest.mark.parametrize("model", ["kn", "mle"])
@pytest.mark.parametrize("context", ["th", "zz", "", "the c"])
def test_support_matches_the_model_and_sums_to_one(counts, model, context):
    s = next_token_support(counts, context, 3, 5, model)
    assert len(s.tokens) == len(s.q) == 5 and s.tokens[-1] is None
    assert s.q.sum() == pytest.approx(1.0, abs=1e-12) and np.all(s.q >= 0)
    if model == "kn":  # each named token's q is the model's own P(token | context)
        full = counts.distribution(list(context)[-2:], 3, "kn")
        assert s.q[:-1] == pytest.approx([full[counts.stoi[t]] for t in s.tokens[:-1]], abs=1e-12)
        assert np.all(s.q > 0)


def test_unsmoothed_counts_give_zeros_and_kn_does_not(counts):
    mle = next_token_support(counts, "th", 3, 6, "mle")  # after "th" only "e" ever came
    assert mle.tokens[0] == "e" and mle.q[0] == 1.0 and np.all(mle.q[1:] == 0)
    p = np.full(6, 1 / 6)
    assert kl_bits(p, mle.q) == math.inf
    kn = next_token_support(counts, "th", 3, 6, "kn")
    assert math.isfinite(kl_bits(p, kn.q))
