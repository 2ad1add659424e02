"""After a training's tab is gone and its grace period is over, the server gives its memory back (issue 27, part 6).

One training of the "small" preset at batch 32 (~450 MB at its peak) runs through a lease as the page runs it;
the tab leaves, the lease is reaped, the reaper's `settle()` lets go of the job once its thread ended. The
process's resident memory is then within 100 MB of where it was before the training (measured in a fresh
process: the test runner's own memory would hide it). Dropped without a trim, the freed pages stay in glibc's
arenas (~350 MB above, measured); before `settle` the reaper's trim came right after the reap, while the
thread was still in its last step, and the next one up to 30 s later.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = r"""
import gc, json, time
from core.corpus import load_shipped, split_train_heldout
from core.gpt.training_job import JobSettings, build_job
from core.runtime.gcpolicy import freeze_if_imported
from core.runtime.sessions import Leases, new_token, new_secret, trim_memory

def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024

train, held = split_train_heldout(load_shipped("en"))
leases = Leases(grace_s=60.0)

def train_in_a_tab(preset, batch, steps):
    token = new_token(new_secret())
    slot = leases.attach(token, "session-1")
    slot.replace(build_job(JobSettings(preset=preset, batch_size=batch, max_iters=steps, eval_interval=10_000,
                                       sample_interval=0), train, held, "cpu", "en"))
    slot.job.start()
    while slot.job.view().step < 2:
        time.sleep(0.05)
    slot.job.model_snapshot()  # the samples' copy, as the page makes one
    freeze_if_imported()  # the reaper freezes while jobs run: what it froze must still go
    peak = rss()
    leases.detach(token, "session-1")  # the tab closed
    leases.reap(now=leases.clock() + 61)  # the grace period is over
    end = time.time() + 120
    settled = 0
    while not settled and time.time() < end:
        time.sleep(0.2)
        settled = leases.settle()
    return peak, settled

train_in_a_tab("tiny", 2, 1000)  # imports and first arenas
gc.collect(); trim_memory()
before = rss()
peak, settled = train_in_a_tab("small", 32, 1000)
print(json.dumps({"before": before, "peak": peak, "after": rss(), "settled": settled}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's malloc_trim")
def test_a_reaped_training_gives_its_memory_back():
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={"ATLAS_FORCE_CPU": "1", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["settled"] == 1
    assert got["peak"] - got["before"] > 200, got  # the training did hold memory
    assert got["after"] - got["before"] < 100, got
