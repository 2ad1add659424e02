"""Composition across heads and through layers; what an uncased WordPiece does to Japanese."""
import pytest
import torch

from core.transformer.composition import composition, mean_reach, rollout
from core.transformer.pretrained import minilm_folder
from core.transformer.wordpiece_ja import reading, strip_marks


def _causal_random(L, H, T, seed=0):
    g = torch.Generator().manual_seed(seed)
    s = torch.randn(L, H, T, T, generator=g) * 3
    s = s.masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))
    return s.softmax(-1)


def test_rollout_is_the_product_of_residual_mixed_layers():
    attn = _causal_random(3, 2, 6)
    eye = torch.eye(6)
    want = eye
    for layer in range(3):
        want = (0.5 * attn[layer].mean(0) + 0.5 * eye) @ want
    got = rollout(attn)
    assert torch.allclose(got[-1], want, atol=1e-6)
    for r in got:
        assert torch.allclose(r.sum(-1), torch.ones(6), atol=1e-6)
        assert torch.equal(r.triu(1), torch.zeros(6, 6))  # causal stays causal


def test_heads_that_agree_and_heads_that_differ():
    T = 5
    prev = torch.eye(T).roll(-1, dims=1).tril() + torch.diag(torch.tensor([1.0] + [0.0] * (T - 1)))  # one back
    first = torch.zeros(T, T)
    first[:, 0] = 1  # always the first token
    same = torch.stack([prev, prev])[None]  # (1, 2, T, T)
    diff = torch.stack([prev, first])[None]
    assert composition(same).disagree == [0.0] and composition(same).distinct_tops == [1.0]
    c = composition(diff)
    # queries 1..4 may choose (query 0 has one key); they differ where prev != first: queries 2, 3, 4
    assert c.disagree == [pytest.approx(3 / 4)] and c.distinct_tops == [pytest.approx(7 / 4)]
    assert mean_reach(prev) == pytest.approx((0 + 1 + 1 + 1 + 1) / 5)
    with pytest.raises(ValueError):
        composition(torch.zeros(2, 3, 4))


def test_reach_grows_through_depth_for_a_chain():
    T, L = 8, 4
    prev = torch.eye(T).roll(-1, dims=1).tril() + torch.diag(torch.tensor([1.0] + [0.0] * (T - 1)))
    c = composition(prev.expand(L, 1, T, T).clone())
    assert c.single_reach == pytest.approx([mean_reach(prev)] * L)
    assert all(a < b for a, b in zip(c.rollout_reach, c.rollout_reach[1:]))  # each layer reads one more back


def test_strip_marks_is_nfd_without_combining_marks():
    assert strip_marks("がぎぐげご パピプ") == "かきくけこ ハヒフ"
    assert strip_marks("café") == "cafe" and strip_marks("漢字") == "漢字"


@pytest.mark.skipif(minilm_folder() is None, reason="all-MiniLM-L6-v2 is not installed (make setup)")
def test_minilm_reads_glass_as_crow():
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(minilm_folder()))
    r = reading(tok, "ガラスのコップ")
    assert r.reads_as == "カラスのコッフ" == strip_marks("ガラスのコップ")
    assert ("ガ", "カ") in r.changed and ("プ", "フ") in r.changed
    r = reading(tok, "今日は雨が降りました。")
    assert ("が", "か") in r.changed and r.unknown >= 1
