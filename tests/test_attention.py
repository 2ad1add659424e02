"""core.transformer.attention against torch's own attention, and its invariants."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from core.transformer import attention as A
from core.transformer import attention_study as S
from core.transformer import inputs as I


@pytest.fixture
def qkv():
    g = torch.Generator().manual_seed(0)
    return tuple(torch.randn(2, 3, 7, 8, generator=g) for _ in range(3))  # (B, h, T, d_k)


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_matches_torch(qkv, causal):
    q, k, v = qkv
    out, w = A.scaled_dot_product_attention(q, k, v, causal=causal)
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    assert w.shape == (2, 3, 7, 7)


def test_sdpa_bool_mask_and_padding_match_torch(qkv):
    q, k, v = qkv
    pad = torch.zeros(2, 7, dtype=torch.bool)
    pad[0, 5:] = True  # the first sequence has two padding tokens
    out, w = A.scaled_dot_product_attention(q, k, v, causal=True, key_padding_mask=pad)
    keep = torch.ones(7, 7, dtype=torch.bool).tril() & ~pad[:, None, None, :]
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    assert torch.all(w[0, :, :, 5:] == 0)


def test_unscaled_and_custom_scale(qkv):
    q, k, v = qkv
    out, _ = A.scaled_dot_product_attention(q, k, v, scale=False)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, scale=1.0), atol=1e-5, rtol=1e-5)
    out, _ = A.scaled_dot_product_attention(q, k, v, scale=0.3)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, scale=0.3), atol=1e-5, rtol=1e-5)


def test_rows_sum_to_one_and_causal_upper_triangle_is_zero(qkv):
    q, k, v = qkv
    _, w = A.scaled_dot_product_attention(q, k, v, causal=True)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3, 7))
    assert torch.all(w.triu(diagonal=1) == 0)


def test_fully_masked_row_is_zero_not_nan(qkv):
    q, k, v = qkv
    mask = torch.ones(7, 7, dtype=torch.bool)
    mask[2] = False
    out, w = A.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert not torch.isnan(out).any() and torch.all(w[..., 2, :] == 0)


def test_non_bool_mask_is_refused(qkv):
    q, k, v = qkv
    with pytest.raises(ValueError, match="boolean"):
        A.scaled_dot_product_attention(q, k, v, attn_mask=torch.zeros(7, 7))


@pytest.mark.parametrize("causal", [False, True])
def test_multihead_matches_nn_multiheadattention(causal):
    torch.manual_seed(0)
    d, h, t = 32, 4, 9
    ours = A.MultiHeadAttention(d, h)
    ref = torch.nn.MultiheadAttention(d, h, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.cat([ours.w_q.weight, ours.w_k.weight, ours.w_v.weight]))
        ref.in_proj_bias.copy_(torch.cat([ours.w_q.bias, ours.w_k.bias, ours.w_v.bias]))
        ref.out_proj.weight.copy_(ours.w_o.weight)
        ref.out_proj.bias.copy_(ours.w_o.bias)
    x = torch.randn(2, t, d)
    pad = torch.zeros(2, t, dtype=torch.bool)
    pad[1, -3:] = True
    out, w = ours(x, causal=causal, key_padding_mask=pad)
    ref_mask = torch.ones(t, t, dtype=torch.bool).triu(1) if causal else None  # True = masked, for nn.MHA
    ref_out, ref_w = ref(x, x, x, key_padding_mask=pad, attn_mask=ref_mask, average_attn_weights=False)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-5)
    assert ours.last_heads.shape == (2, h, t, d // h) and ours.last_concat.shape == (2, t, d)
    # Concat really is the heads side by side: head i fills columns i*d_k .. (i+1)*d_k.
    torch.testing.assert_close(ours.last_concat[..., 8:16], ours.last_heads[:, 1])


def test_multihead_refuses_indivisible_width():
    with pytest.raises(ValueError, match="divisible"):
        A.MultiHeadAttention(30, 4)


@pytest.mark.parametrize("scale,causal", [(True, False), (False, True)])
def test_attention_steps_are_consistent(scale, causal):
    tokens = "the cat sat on the mat".split()
    x = I.token_embeddings(tokens, 16, seed=1) + I.sinusoidal_positions(len(tokens), 16)
    wq, wk, wv = I.projections(16, 8, seed=1)
    s = A.attention_steps(x, wq, wk, wv, scale=scale, causal=causal)
    torch.testing.assert_close(s.scaled, s.scores * (1 / math.sqrt(8) if scale else 1.0))
    out, w = A.scaled_dot_product_attention(s.q, s.k, s.v, causal=causal, scale=scale)
    torch.testing.assert_close(s.weights, w)
    torch.testing.assert_close(s.output, out)
    torch.testing.assert_close(s.weights.sum(-1), torch.ones(len(tokens)))
    if causal:
        assert torch.all(s.weights.triu(1) == 0)
    table = A.lookup_table(s, tokens, query=3)
    assert [r["rank"] for r in table] == list(range(1, 7))
    assert table[0]["weight"] == pytest.approx(float(s.weights[3].max()))
    assert sum(r["weight"] for r in table) == pytest.approx(1.0, abs=1e-5)


def test_same_token_same_embedding_and_seeded():
    e = I.token_embeddings(["a", "b", "a"], 8, seed=3)
    torch.testing.assert_close(e[0], e[2])
    torch.testing.assert_close(e, I.token_embeddings(["a", "b", "a"], 8, seed=3))
    assert not torch.equal(e, I.token_embeddings(["a", "b", "a"], 8, seed=4))


def test_sinusoidal_positions_formula():
    pe = I.sinusoidal_positions(5, 6)
    assert pe[3, 2] == pytest.approx(math.sin(3 / 10000 ** (2 / 6)))
    assert pe[3, 3] == pytest.approx(math.cos(3 / 10000 ** (2 / 6)))
    assert I.sinusoidal_positions(4, 8).dtype == torch.float32


def test_scaling_study_shows_saturation_without_scaling():
    pts = S.scaling_study([4, 64, 256], n_keys=16, n_samples=128, seed=0)
    un = {p.d_k: p for p in pts if not p.scaled}
    sc = {p.d_k: p for p in pts if p.scaled}
    # The variance of q·k grows like d_k; scaled, it stays near 1.
    assert un[256].logit_var == pytest.approx(256, rel=0.25)
    assert 0.7 < sc[256].logit_var < 1.3
    # Unscaled: softmax saturates (entropy down, max weight up) and the gradient shrinks.
    assert un[256].entropy < un[4].entropy and un[256].max_weight > 0.8
    assert un[256].grad_norm < sc[256].grad_norm
    assert abs(sc[256].entropy - sc[4].entropy) < 0.5
    assert pts == S.scaling_study([4, 64, 256], n_keys=16, n_samples=128, seed=0)  # seeded


def test_head_stats_find_head_types():
    t = 6
    prev = torch.zeros(t, t)
    prev[0, 0] = 1
    prev[torch.arange(1, t), torch.arange(t - 1)] = 1
    first = torch.zeros(t, t)
    first[:, 0] = 1
    selfh = torch.eye(t)
    broad = torch.full((t, t), 1 / t)
    attn = torch.stack([prev, first, selfh, broad])[None]  # (1 layer, 4 heads, T, T)
    kinds = [s.kind for s in S.head_stats(attn)]
    assert kinds == ["previous", "first", "self", "broad"]
    st = S.head_stats(attn)
    assert st[3].entropy == pytest.approx(math.log2(t)) and st[3].entropy_norm == pytest.approx(1.0)


@pytest.mark.parametrize("text,method,expect", [
    ("the cat sat", "auto", ["the", "cat", "sat"]),
    ("読売巨人軍が勝った", "auto", ["読売", "巨人", "軍", "が", "勝っ", "た"]),
    ("猫 🐈‍⬛ cat", "chars", ["猫", "🐈", "\u200d", "⬛", "c", "a", "t"]),
    ("</script><script>alert(1)</script>", "whitespace", ["</script><script>alert(1)</script>"]),
])
def test_split_tokens(text, method, expect):
    assert I.split_tokens(text, method)[0] == expect


def test_step_numbers_study_at_and_step_figures():
    from core.charts import attention as C

    tokens = "the cat sat on the mat".split()
    s = I.sentence_steps(I.random_inputs(tokens, 32, seed=2), 8, scale=True, causal=True, seed=2)
    num = S.step_numbers(s, query=3)
    assert num.scores_var == pytest.approx(float(s.scores.var(unbiased=False)))
    assert num.scaled_var == pytest.approx(num.scores_var / 8, rel=1e-5) and num.sqrt_dk == pytest.approx(8 ** 0.5)
    assert num.mean_max_weight == pytest.approx(float(s.weights.max(-1).values.mean()))
    assert num.attended == 3  # causal: query 3 sees keys 0..3, all with a weight > 0; beyond the top one: 3
    pts = S.scaling_study([4, 16], n_samples=16)
    u, sc = S.study_at(pts, 16)
    assert (u.d_k, u.scaled, sc.d_k, sc.scaled) == (16, False, 16, True) and S.study_at(pts, 64) is None
    figs = C.step_figures(s, tokens, {f: f.upper() for _, fs in C.STEP_TABS for f in fs}, "d", "t", "q", "k")
    assert list(figs) == ["x", "q", "k", "v", "scores", "scaled", "masked", "weights", "output"]
    assert figs["weights"].layout.title.text == "WEIGHTS" and figs["weights"].data[0].zmax == 1
    masked = figs["masked"].data[0].z
    assert masked[0][1] is None and masked[1][0] is not None  # -inf above the diagonal drawn as blank cells
