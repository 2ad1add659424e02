"""bench/reference.py, the race against the reference: its common evaluation and its time-to-loss are what
the issue's ratio is read from, so they are checked here against plain computations."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from bench.reference import RefConfig, RefGPT, eval_windows, heldout_loss, ref_lr, time_to_reach
from core.gpt.data import TokenData


def _data(n: int = 500, T: int = 8) -> TokenData:
    g = torch.Generator().manual_seed(0)
    return TokenData(torch.randint(20, (n,), generator=g), torch.randint(20, (n,), generator=g), T)


def test_eval_windows_are_fixed_held_out_slices_with_targets_shifted_by_one():
    data = _data()
    x, y = eval_windows(data, 16, 8)
    x2, y2 = eval_windows(data, 16, 8)
    assert torch.equal(x, x2) and torch.equal(y, y2)  # the same windows every time, for both models
    assert x.shape == y.shape == (16, 8)
    assert torch.equal(x[:, 1:], y[:, :-1])
    held = data.heldout.tolist()
    for row in x.tolist():  # each window is a contiguous run of the held-out ids
        assert any(held[i:i + 8] == row for i in range(len(held) - 8))


def test_heldout_loss_is_the_mean_cross_entropy_whatever_the_batching():
    torch.manual_seed(0)
    x, y = torch.randint(20, (10, 8)), torch.randint(20, (10, 8))
    table = torch.randn(20, 20)
    logits_of = lambda xb: table[xb]  # (b, 8) -> (b, 8, 20): a "model" that reads one token
    want = F.cross_entropy(table[x].reshape(-1, 20), y.reshape(-1)).item()
    assert heldout_loss(logits_of, (x, y), batch=64) == pytest.approx(want, rel=1e-6)
    assert heldout_loss(logits_of, (x, y), batch=3) == pytest.approx(want, rel=1e-6)  # 3 + 3 + 3 + 1 rows


def test_time_to_reach_interpolates_between_evaluations():
    curve = [(0, 0.0, 4.0), (50, 10.0, 3.0), (100, 20.0, 2.0)]
    assert time_to_reach(curve, 2.5) == pytest.approx(15.0)  # halfway between 3.0 (10 s) and 2.0 (20 s)
    assert time_to_reach(curve, 3.0) == pytest.approx(10.0)
    assert time_to_reach(curve, 1.9) is None  # never reached: no ratio


def test_reference_schedule_and_model():
    rc = RefConfig()
    assert ref_lr(0, rc, 2000) == pytest.approx(rc.lr / (rc.warmup + 1))
    assert ref_lr(rc.warmup, rc, 2000) == pytest.approx(rc.lr)
    assert ref_lr(2000, rc, 2000) == pytest.approx(rc.min_lr)
    torch.manual_seed(0)
    m = RefGPT(30, 16, 2, 2, 32, 0.0)
    assert m(torch.randint(30, (3, 16))).shape == (3, 16, 30)
    n = sum(p.numel() for p in m.parameters()) - m.wpe.weight.numel()
    assert m.flops_per_token(16) == 6 * n + 12 * 2 * 32 * 16
    assert m.head.weight is m.wte.weight  # tied, as nanoGPT


def test_median_step_ignores_a_chunk_slowed_by_a_burst_of_load():
    from bench.reference import median_step_s

    # 0.06 s/step, one 10x chunk
    curve = [(0, 0.0, 4.0), (50, 3.0, 3.0), (100, 6.0, 2.5), (150, 36.0, 2.2), (200, 39.0, 2.0)]
    assert median_step_s(curve) == pytest.approx(0.06)
    assert median_step_s(curve[:4]) == pytest.approx(0.06)  # odd number of chunks
