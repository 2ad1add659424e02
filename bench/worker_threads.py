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
Last line: {"threads": n, "rounds": [{"main": {...}, "worker": {...}}], "loadavg": [...]}.
"""
from __future__ import annotations

import argparse
import json
import os
import threading
import time

import torch


def work(n: int, out: dict) -> None:
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
        main_side, worker_side = {}, {}
        work(args.threads, main_side)
        t = threading.Thread(target=work, args=(args.threads, worker_side))
        t.start()
        t.join()
        rounds.append({"main": main_side, "worker": worker_side})
        print(f"main {main_side}  worker {worker_side}", flush=True)
    print(json.dumps({"threads": args.threads, "rounds": rounds, "loadavg": os.getloadavg()[:3]}))


if __name__ == "__main__":
    main()
