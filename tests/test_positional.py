"""core.transformer.positional against the formula, a plain-Python implementation, and the rotation identity."""
from __future__ import annotations

import math

import pytest
import torch

from core.transformer import positional as P
from core.charts import positional as charts
from core.errors import UserInputError


def naive_pe(length: int, d_model: int) -> list[list[float]]:
    """The formula, one number at a time, with nothing shared with core.transformer.positional."""
    rows = []
    for pos in range(length):
        row = []
        for j in range(d_model):
            angle = pos / (10000 ** ((j - j % 2) / d_model))
            row.append(math.sin(angle) if j % 2 == 0 else math.cos(angle))
        rows.append(row)
    return rows


@pytest.mark.parametrize("pos, i, d", [(0, 0, 4), (1, 0, 4), (7, 3, 16), (99, 10, 64), (511, 255, 512)])
def test_values_against_the_formula(pos, i, d):
    pe = P.sinusoidal_pe(pos + 1, d)
    angle = pos / 10000 ** (2 * i / d)
    assert pe[pos, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-12)
    assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-12)


@pytest.mark.parametrize("length, d", [(1, 2), (10, 6), (50, 32), (128, 128)])
def test_matches_a_naive_implementation(length, d):
    got = P.sinusoidal_pe(length, d)
    assert got.shape == (length, d)
    assert torch.allclose(got, torch.tensor(naive_pe(length, d), dtype=torch.float64), atol=1e-10)
    assert torch.allclose(P.sinusoidal_pe(length, d, torch.float32).double(), got, atol=1e-4)


def test_start_offsets_positions():
    assert torch.allclose(P.sinusoidal_pe(5, 8, start=3), P.sinusoidal_pe(8, 8)[3:], atol=1e-12)


@pytest.mark.parametrize("k", [0, 1, 2, 5, 17, 100, 512])
@pytest.mark.parametrize("d", [2, 8, 64, 512])
def test_rotation_identity(k, d):
    pe = P.sinusoidal_pe(200 + k, d)
    m = P.rotation_matrix(k, d)
    for pos in (0, 1, 37, 199):
        assert torch.allclose(pe[pos + k], m @ pe[pos], atol=1e-5)
    res = P.rotation_residual(200, d, k)
    assert res.shape == (200,)
    assert float(res.max()) < 1e-10  # float64: rounding only
    assert float(P.rotation_residual(100, d, k, torch.float32).max()) < 1e-4


def test_rotation_matrix_structure():
    d, k = 16, 3
    m = P.rotation_matrix(k, d)
    assert torch.allclose(m @ m.T, torch.eye(d, dtype=torch.float64), atol=1e-12)  # a rotation: orthogonal
    mask = torch.zeros(d, d, dtype=torch.bool)
    for b in range(0, d, 2):
        mask[b:b + 2, b:b + 2] = True
    assert torch.count_nonzero(m[~mask]) == 0  # block-diagonal
    assert torch.allclose(P.rotation_matrix(2, d) @ P.rotation_matrix(3, d), P.rotation_matrix(5, d), atol=1e-12)
    for i, omega in enumerate(P.frequencies(d).tolist()):
        assert torch.allclose(m[2 * i:2 * i + 2, 2 * i:2 * i + 2], P.rotation_block(k, omega), atol=1e-15)
    assert P.frequencies(d)[0] == 1.0 and P.frequencies(d).shape == (d // 2,)


def test_the_notes_statement_does_not_hold():
    """PE(pos, i+k) = a·PE(pos, i) + b with fixed a, b fails: fit a, b by least squares, the residual is large."""
    pe = P.sinusoidal_pe(100, 64)
    col_i, col_ik = pe[:, 4], pe[:, 6]
    a = torch.stack([col_i, torch.ones_like(col_i)], dim=1)
    coef = torch.linalg.lstsq(a, col_ik[:, None]).solution
    assert float((a @ coef - col_ik[:, None]).abs().max()) > 0.5


def test_similarity_depends_on_distance_only():
    pe = P.sinusoidal_pe(60, 32)
    sim = P.dot_similarity(pe)
    bd = P.similarity_by_distance(sim)
    assert float((bd.hi - bd.lo).max()) < 1e-10
    omegas = P.frequencies(32)
    for delta in (0, 1, 9, 59):
        assert bd.mean[delta].item() == pytest.approx(float(torch.cos(delta * omegas).sum()), abs=1e-10)
    assert bd.mean[0].item() == pytest.approx(16.0)  # |PE(p)|² = d/2
    cos = P.dot_similarity(pe, cosine=True)
    assert torch.allclose(cos.diagonal(), torch.ones(60, dtype=torch.float64))
    assert torch.allclose(cos, sim / 16.0, atol=1e-12)


@pytest.mark.parametrize("d, n, k", [(63, 10, 1), (0, 10, 1), (1024, 10, 1), (64, 0, 1), (64, 100_000, 1),
                                     (64, 10, -1), (64, 10, 10_000)])
def test_bad_configs_raise_user_errors(d, n, k):
    with pytest.raises(UserInputError) as e:
        P.PEConfig(d, n, k).check()
    assert e.value.en and e.value.ja and e.value.en != e.value.ja


def test_position_similarity_heatmap_takes_any_embedding_matrix():
    wpe = torch.nn.Embedding(24, 10).weight  # requires grad, like a trained model's
    fig = charts.position_similarity_heatmap(wpe, "W_p", cosine=True, x_title="pos", y_title="pos")
    z = fig.data[0].z
    assert z.shape == (24, 24) and fig.layout.title.text == "W_p"
    assert abs(float(z[3][3]) - 1.0) < 1e-5 and fig.data[0].zmax == 1.0
    raw = charts.position_similarity_heatmap(P.sinusoidal_pe(8, 4), "PE")
    assert raw.data[0].zmax == pytest.approx(2.0) and raw.layout.xaxis.title.text == "position"
    with pytest.raises(ValueError, match="T, d"):
        charts.position_similarity_heatmap(torch.zeros(3), "bad")


def test_other_charts():
    pe = P.sinusoidal_pe(30, 16)
    assert charts.pe_heatmap(pe, "H", "dim", "pos").data[0].z.shape == (30, 16)
    curves = charts.pe_curves(pe, [0, 3], "C", "pos", "v", "{dim} {fn} {i}")
    assert [t.name for t in curves.data] == ["0 sin 0", "3 cos 1"]
    bd = P.similarity_by_distance(P.dot_similarity(pe))
    assert len(charts.similarity_distance_figure(bd, "S", "d", "s", "mean", "band").data) == 3
    assert charts.rotation_heatmap(P.rotation_matrix(2, 16), "M", "c", "r").data[0].z.shape == (16, 16)
    res = {"float64": P.rotation_residual(30, 16, 2), "float32": P.rotation_residual(30, 16, 2, torch.float32)}
    fig = charts.residual_figure(res, "R", "pos", "res")
    assert [t.name for t in fig.data] == ["float64", "float32"] and fig.layout.yaxis.type == "log"


def test_block_latex_shows_the_numbers():
    s = P.rotation_block_latex(1, 0, 8)
    assert r"\begin{bmatrix}" in s and f"{math.cos(1):+.4f}" in s and f"{math.sin(1):+.4f}" in s


def test_page_helpers_residuals_spread_and_learned_positions():
    res = P.rotation_residuals(50, 16, 3)
    assert set(res) == {"float64", "float32"} and res["float64"].shape == (50,)
    assert float(res["float64"].max()) < 1e-12 < float(res["float32"].max()) < 1e-4
    pe = P.sinusoidal_pe(40, 16)
    assert P.similarity_by_distance(P.dot_similarity(pe)).spread < 1e-9  # sinusoids: Δ alone decides
    rnd = torch.randn(40, 16, generator=torch.Generator().manual_seed(0))
    assert P.similarity_by_distance(P.dot_similarity(rnd)).spread > 1
    w = torch.nn.Parameter(torch.randn(600, 33, dtype=torch.float64))
    lp = P.learned_positions(w)
    assert lp.wpe.shape == (P.MAX_LENGTH, 33) and lp.cut and lp.total == 600 and lp.d_sin == 32
    assert lp.wpe.dtype == torch.float32 and not lp.wpe.requires_grad
    assert not P.learned_positions(torch.zeros(8, 1)).cut and P.learned_positions(torch.zeros(8, 1)).d_sin == 2
