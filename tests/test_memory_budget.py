"""A training's memory is estimated before it starts, checked against a measurement, and bounded (issue 27, part 6).

The measurement runs in a fresh process: its resident memory after a warm-up training (lazy imports, the
allocator's first arenas) is the baseline, and the peak above it while a real TrainingJob takes a few steps
is compared with `estimate()`. Generous tolerance: the estimate is for refusing settings several times over
the budget, and the peak differs between allocators and CPUs.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from core.errors import UserInputError
from core.gpt import memory_budget as mb
from core.gpt.model import GPT, GPTConfig
from tests.conftest import ROOT

MEASURE = r"""
import ctypes, gc, json, sys, time
from core.corpus import load_shipped, split_train_heldout
from core.gpt.training_job import JobSettings, build_job

def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024

def run(preset, batch, steps):
    job = build_job(JobSettings(preset=preset, batch_size=batch, max_iters=steps, eval_interval=10_000,
                                sample_interval=0), train, held, "cpu", "en")
    job.start()
    peak = rss()
    while job._thread.is_alive():
        peak = max(peak, rss())
        time.sleep(0.02)
    assert job.status == "finished", job.state()
    return peak

train, held = split_train_heldout(load_shipped("en"))
run("tiny", 2, 2)  # lazy imports and first arenas
gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
base = rss()
peak = run(sys.argv[1], int(sys.argv[2]), 3)
print(json.dumps({"base": base, "peak": peak}))
"""


def measure(preset: str, batch: int) -> float:
    out = subprocess.run([sys.executable, "-c", MEASURE, preset, str(batch)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, env={"ATLAS_FORCE_CPU": "1", "PATH": "/usr/bin:/bin",
                                                      "ATLAS_TRAINING_MB": "100000"})
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    return got["peak"] - got["base"]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("pre_ln", [False, True])
@pytest.mark.parametrize("preset", ["tiny", "class-demo", "medium"])
def test_parameter_count_is_the_models(preset, pre_ln, bias):
    cfg = GPTConfig.preset(preset, 321, pre_ln=pre_ln, bias=bias)
    with torch.device("meta"):
        assert mb.n_params(cfg) == GPT(cfg).num_params()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's malloc_trim")
@pytest.mark.parametrize("preset,batch", [("class-demo", 32), ("small", 32)])
def test_the_estimate_is_within_a_factor_of_two_of_the_measured_peak(preset, batch):
    measured = measure(preset, batch)
    cfg = GPTConfig.preset(preset, 90)  # about the English corpus's characters
    est = mb.estimate(cfg, batch).total_mb
    assert 0.5 * measured <= est <= 2.0 * measured, (preset, batch, est, measured)


def test_over_the_budget_is_refused_in_both_languages_naming_a_batch_that_fits(monkeypatch):
    monkeypatch.delenv("ATLAS_TRAINING_MB", raising=False)
    medium = GPTConfig.preset("medium", 1000)
    with pytest.raises(UserInputError) as e:
        mb.check(medium, 32)  # the case: ~2.3 GB
    assert "600 MB" in e.value.en and "600 MB" in e.value.ja
    fit = mb.largest_batch(medium, mb.BATCHES)
    assert fit is not None and f"batch of {fit} or less" in e.value.en and f"バッチを {fit} 以下" in e.value.ja
    assert mb.check(medium, fit).total_mb <= 600
    assert mb.check(GPTConfig.preset("class-demo", 1000), 64).total_mb < 600  # the page's defaults fit easily
    huge = GPTConfig(vocab_size=1000, n_layer=12, n_head=12, n_embd=768, block_size=512)
    with pytest.raises(UserInputError, match="Even a batch of 1"):
        mb.check(huge, 1)
    monkeypatch.setenv("ATLAS_TRAINING_MB", "5000")  # a server with room sets its own budget
    assert mb.check(medium, 32).total_mb < 5000


def test_build_job_refuses_a_training_over_the_budget(monkeypatch):
    from core.corpus import load_shipped, split_train_heldout
    from core.gpt.training_job import JobSettings, build_job

    train, held = split_train_heldout(load_shipped("en"))
    monkeypatch.setenv("ATLAS_TRAINING_MB", "50")
    with pytest.raises(UserInputError, match="50 MB"):
        build_job(JobSettings(preset="small", batch_size=64), train, held, "cpu", "en")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_page_says_what_fits_and_will_not_start_over_the_budget(lang, monkeypatch):
    from tests.apptest import errors, in_browser, open_page

    monkeypatch.delenv("ATLAS_TRAINING_MB", raising=False)
    at = in_browser(open_page("views/gpt_train/page.py", lang=lang))
    shown = " ".join(c.value for c in at.caption)
    assert ("MB of the 600 MB" if lang == "en" else "600 MB のうち") in shown  # the default settings fit
    at.selectbox(key="gpt_preset").set_value("medium").run()
    at.select_slider(key="gpt_batch").set_value(32).run()
    assert not at.exception, errors(at)
    said = " ".join(w.value for w in at.warning) + " ".join(e.value for e in at.error)
    assert ("600 MB here" if lang == "en" else "600 MB までです") in said
    assert at.button(key="gpt_start").disabled
    at.select_slider(key="gpt_batch").set_value(1).run()
    assert not at.button(key="gpt_start").disabled
