"""Does a worker thread really compute on the threads torch says it has? Main thread against a worker thread.

    .venv/bin/python bench/worker_threads.py [--threads 2] [--rounds 2]

Why: bench/thread_placement.py found two-thread training steps collapsing in the process's main thread under
load and not in a worker thread (where the page's training job runs). This times the same work (a 1024² matmul
and the reference config's (12, 64, 128) x (128, 512) linear) in both places after torch.set_num_threads(n) in
each, and reports CPU seconds over wall seconds: ≈ n when n threads really work, ≈ 1 when one does.
Measured 2026-11-30 (load ~2): main 1.13–1.23, worker 1.00–1.02 at n = 2, with or without MKL_DYNAMIC=FALSE —
in a worker thread the math runs on one thread whatever torch.get_num_threads() reports. So the page's job and the
fine-tuning jobs train on one thread in effect (which is what wins on shared cores), and a quiet machine's second
core goes unused by them.
The cause: torch.set_num_threads(n) does nothing when n is already torch's count, and what it would have set is
per thread (MKL's); a real change in the worker (1, then n: the "worker_reset" side) gave 1.67–1.69 at n = 2.
Not fixed yet, on purpose: with real two-thread steps the page's jobs would meet the main thread's collapse under
load (6.4 s vs 1.5 s per round here at load 4.6) until core.runtime.threads.ThreadTuner's 2 × 7 probe steps end;
a fix wants both a `use_threads(n)` (set 1 then n) at every set_num_threads of a job or trainer, and a tuner that
probes one thread first and abandons a count as soon as one of its steps takes over ~2× one thread's.
Last line: {"threads": n, "rounds": [{"main": {...}, "worker": {...}, "worker_reset": {...}}], "loadavg": [...]}.
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time

import torch


def work(n: int, out: dict, reset: bool = False) -> None:
    if reset and n > 1:
        torch.set_num_threads(1)  # a real change, so the next call is not skipped
    torch.set_num_threads(n)
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    x, w = torch.randn(12, 64, 128), torch.randn(512, 128)  # (B, T, C) @ (C, 4C): the reference config's MLP
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(40):
        a @ b
    for _ in range(300):
        torch.nn.functional.linear(x, w)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    out.update(reported=torch.get_num_threads(), wall_s=round(wall, 3), cpu_per_wall=round(cpu / wall, 2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    rounds = []
    for _ in range(args.rounds):  # alternate, so a busy neighbour slows both alike
        sides: dict[str, dict] = {"main": {}, "worker": {}, "worker_reset": {}}
        work(args.threads, sides["main"])
        for name in ("worker", "worker_reset"):
            t = threading.Thread(target=work, args=(args.threads, sides[name], name == "worker_reset"))
            t.start()
            t.join()
        rounds.append(sides)
        print(sides, flush=True)
    print(json.dumps({"threads": args.threads, "rounds": rounds, "loadavg": os.getloadavg()[:3]}))


if __name__ == "__main__":
    main()
