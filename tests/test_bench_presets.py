"""bench/train_gpt.py at a named preset (issue 14: where MFU reaches 0.65 on this CPU): the option builds that model
and reports its shape, and an unknown preset is refused."""
from __future__ import annotations

import json
import subprocess
import sys


from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_train_gpt_at_a_preset_reports_that_model():
    r = _run("bench.train_gpt", "--preset", "tiny", "--batch", "3", "--iters", "4", "--warmup", "1", "--chunk", "2",
             "--threads", "1")
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["config"] | {"vocab": 0} == {"preset": "tiny", "n_layer": 2, "n_head": 2, "n_embd": 64, "block_size": 32,
                                            "batch": 3, "vocab": 0}
    assert out["tokens_per_s"] > 0 and 0 < out["mfu_vs_calibrated_peak"] < 1


def test_an_unknown_preset_is_refused():
    r = _run("bench.train_gpt", "--preset", "huge")
    assert r.returncode == 2 and "unknown preset" in r.stderr
