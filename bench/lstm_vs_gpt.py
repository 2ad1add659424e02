"""Benchmark: our LSTM baseline vs our GPT at about the same size, ms per token of a training step.

    .venv/bin/python bench/lstm_vs_gpt.py [--repeats R] [--threads N] [--device cpu|cuda] [--write]

--write stores the result in assets/measurements/step-times.json, which the fine-tuning page shows
(measuring takes from ~1 s to a minute on a busy machine: too long for a page). The machine's load
average is recorded with it, since other processes on the cores change the numbers. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from core.gpt.step_time import measure, to_dict  # noqa: E402

OUT = ROOT / "assets" / "measurements" / "step-times.json"

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 degrades gracefully when other processes share the cores (FACTS.md)")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    load_before = os.getloadavg()[0]
    s = measure(repeats=args.repeats, device=args.device)
    result = {**to_dict(s), "load_avg_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
              "cpu_count": os.cpu_count(), "measured": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": "python bench/lstm_vs_gpt.py --write"}
    if args.write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result))
