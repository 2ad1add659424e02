"""The same training in the process's main thread and in a worker thread, alternating, with the load-aware
thread policy (threads="auto") in both: step time per thread count in each place.

    .venv/bin/python bench/thread_placement.py [--iters 50] [--rounds 2]

Why: bench/page_vs_cli.py found the page's job (a worker thread) faster than `python -m core.train` (the
main thread) at the same settings, 1.1-2.8x at load 9-24. This isolates where the training runs from
everything else (the model, data, optimizer and Trainer are the page's, built by core.gpt.training_job).
Last line: {"rounds": [{"main": {...}, "worker": {...}}, ...], "loadavg": [...]}, where each side has
tokens_per_s (training time only) and by_threads {threads: [steps, median ms]}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from core.corpus import load_shipped, split_train_heldout  # noqa: E402
from core.gpt import training_job as tj  # noqa: E402
from core.gpt.pretrain import gpt_trainer  # noqa: E402


def run(where: str, iters: int, train: str, held: str) -> dict:
    settings = tj.JobSettings(max_iters=iters, eval_interval=0, sample_interval=0)
    job = tj.build_job(settings, train, held, "cpu", "bench")  # the page's model, data and optimizer
    tr = gpt_trainer(job.model, job.data, replace(job.tc, threads="auto"), job.tokenizer, optimizer=job.optimizer,
                     max_threads=os.cpu_count())  # the policy chooses between all cores and one, in both places
    trace: list[tuple[int, float]] = []
    tr.add_callback("on_step", lambda t, s: trace.append((s.threads, s.elapsed_s)))
    if where == "main":
        tr.run()
    else:
        th = threading.Thread(target=tr.run)
        th.start()
        th.join()
    by: dict[int, list[float]] = {}
    prev = 0.0
    for threads, elapsed in trace:
        by.setdefault(threads, []).append(elapsed - prev)
        prev = elapsed
    tokens = len(trace) * settings.batch_size * job.config.block_size
    return {"tokens_per_s": round(tokens / trace[-1][1], 1),
            "by_threads": {t: [len(v), round(1e3 * statistics.median(v), 1)] for t, v in sorted(by.items())}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    train, held = split_train_heldout(load_shipped("en"))
    rounds = []
    for r in range(a.rounds):
        row = {}
        for where in ("main", "worker"):
            row[where] = run(where, a.iters, train, held)
            print(f"round {r + 1} {where}: {row[where]} load {open('/proc/loadavg').read().split()[0]}", file=sys.stderr)
        rounds.append(row)
    print(json.dumps({"rounds": rounds, "iters": a.iters, "loadavg": open("/proc/loadavg").read().split()[:3]}))


if __name__ == "__main__":
    main()
