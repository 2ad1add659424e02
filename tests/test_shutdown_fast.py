"""A server stop is quick and keeps the work: jobs are told at the signal (not after Streamlit's stop), an
evaluation in progress sees the stop between batches, and the process leaves without the interpreter's
slow teardown once the jobs have saved. Times are printed, never asserted (bench/shutdown.py has them)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import torch

from core.gpt.data import TokenData
from core.gpt.model import GPT, GPTConfig
from core.gpt.pretrain import TrainConfig, gpt_trainer, lm_evaluate
from core.runtime import shutdown
from tests.conftest import ROOT


def _tiny():
    ids = torch.arange(400) % 7
    data = TokenData(ids, ids[:100], block_size=8)
    model = GPT(GPTConfig(vocab_size=7, n_layer=1, n_head=2, n_embd=16, block_size=8))
    return data, model


def test_an_evaluation_stops_between_batches_and_records_nothing():
    data, model = _tiny()
    tc = TrainConfig(max_iters=4, batch_size=2, eval_interval=0, eval_iters=50)
    asked = []

    def gate() -> bool:  # stopped after three batches
        asked.append(1)
        return len(asked) <= 3

    assert lm_evaluate(data, tc, gate)(model, 0) is None and len(asked) == 4
    full = lm_evaluate(data, tc)(model, 0)
    assert full is not None and full.step == 0 and full.val_loss > 0

    seen = []
    trainer = gpt_trainer(model, data, tc, gate=lambda: False)
    trainer.add_callback("on_eval", lambda tr, e: seen.append(e))
    assert trainer.evaluate() is None and seen == [] and trainer.last_eval is None  # the stop left no half-mean
    assert trainer.run().status == "stopped" and trainer.step == 0


def test_stop_all_waits_for_nothing_and_run_all_waits_from_the_stop(monkeypatch):
    monkeypatch.setattr(shutdown, "WAIT_S", 0.6)
    stopped, waited = [], []
    shutdown.register(lambda: stopped.append(time.monotonic()), wait=lambda t: waited.append(t))
    assert shutdown.stop_all() >= 1 and stopped and waited == []  # callbacks only: no wait
    time.sleep(0.3)  # Streamlit closing its sessions meanwhile
    shutdown.run_all()
    assert waited and waited[0] <= 0.6 - 0.3 + 0.05  # the budget counts from the signal, not from now
    assert shutdown._stop_began is None  # the next stop starts its own clock


SERVER = textwrap.dedent('''
    import signal, sys, threading, time
    sys.path.insert(0, {root!r})
    from core.runtime import shutdown
    from core.runtime.jobs import BackgroundJob

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda s, f: done.set())  # the web server's own handler: stop serving
    shutdown.install()  # ours in front of it

    class Job(BackgroundJob):
        def work(self):
            while self.gate():
                time.sleep(0.05)  # a training step
            with open({saved!r}, "w") as f:
                f.write("checkpoint")  # what a stopped training writes
            return "stopped"

    job = Job(threads=1)
    job.start()
    print("ready", flush=True)
    done.wait(60)
    t = time.monotonic()
    print("serving stopped", flush=True)
''')


def test_sigterm_stops_the_jobs_saves_and_exits_zero_quickly(tmp_path):
    saved = tmp_path / "saved.txt"
    proc = subprocess.Popen([sys.executable, "-c", SERVER.format(root=str(ROOT), saved=str(saved))],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout.readline().strip() == "ready"
    t0 = time.monotonic()
    proc.terminate()
    out, _ = proc.communicate(timeout=60)
    took = time.monotonic() - t0
    assert proc.returncode == 0, out
    assert "serving stopped" in out and saved.read_text() == "checkpoint", out
    print(f"SIGTERM -> exit 0 in {took:.2f} s, the job's file written")
