"""bench/train_gpt.py, bench/mfu_ceiling.py and bench/profile_step.py at a named preset (issue 14: where MFU reaches 0.65
on this CPU): the option builds that model and reports its shape, and an unknown preset is refused."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-P", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_train_gpt_at_a_preset_reports_that_model():
    r = _run("bench/train_gpt.py", "--preset", "tiny", "--batch", "3", "--iters", "4", "--warmup", "1", "--chunk", "2",
             "--threads", "1")
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["config"] | {"vocab": 0} == {"preset": "tiny", "n_layer": 2, "n_head": 2, "n_embd": 64, "block_size": 32,
                                            "batch": 3, "vocab": 0}
    assert out["tokens_per_s"] > 0 and 0 < out["mfu_vs_calibrated_peak"] < 1


def test_mfu_ceiling_at_a_preset_reports_that_model():
    r = _run("bench/mfu_ceiling.py", "--preset", "tiny", "--batches", "2", "--steps", "2", "--reps", "2", "--threads", "1")
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["config"] == {"n_layer": 2, "n_head": 2, "n_embd": 64, "block_size": 32, "vocab": 65}
    b = out["batches"]["2"]
    assert b["step_ms"] > 0 and b["matmul_only_ms"] > 0
    assert b["matmul_flops_vs_model_flops"] == pytest.approx(1.0, abs=0.05)  # the products counted are the model's


@pytest.mark.parametrize("script", ["bench/train_gpt.py", "bench/mfu_ceiling.py", "bench/profile_step.py"])
def test_an_unknown_preset_is_refused(script):
    r = _run(script, "--preset", "huge")
    assert r.returncode == 2 and "unknown preset" in r.stderr


def test_mfu_ceiling_times_attention_and_the_trainer_step():
    r = _run("bench/mfu_ceiling.py", "--preset", "tiny", "--batches", "2", "--steps", "2", "--reps", "2", "--threads", "1",
             "--attention", "--trainer")
    assert r.returncode == 0, r.stderr[-2000:]
    b = json.loads(r.stdout.strip().splitlines()[-1])["batches"]["2"]
    assert b["attention"]["sdpa_ms"] > 0 and b["attention"]["written_out_ms"] > 0
    assert set(b["trainer"]) == {"plain_ms", "trainer_ms", "trainer_no_copy_ms"} and min(b["trainer"].values()) > 0


def test_page_vs_cli_times_one_poll_alone():
    r = _run("bench/page_vs_cli.py", "--poll-cost", "20")
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["steps"] == 20 and out["poll_cost_ms"] > 0
