"""GELU: measured max errors on [−10, 10] and the forward cost of each form on this machine.

Runs core.gpt.gelu.time_forms `--rounds` times per size and reports the median ns/element and median
ratio to ReLU (a shared machine is noisy; the median of several rounds steadies it).
Last line: one JSON object {"max_error": {...}, "device": ..., "threads": ..., "cost": {size: {form: {...}}}}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

import torch

from core.gpt import gelu
from core.runtime.device import device_info, pick_device

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("ATLAS_FORCE_CPU", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 4_000_000])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    device = pick_device()
    result: dict = {
        "max_error": {n: {"value": m.value, "at_abs_x": m.at}
                      for n in gelu.APPROXIMATIONS for m in [gelu.max_abs_error(n)]},
        "device": device_info(device).label(),
        "threads": torch.get_num_threads(),
        "cost": {},
    }
    for n in args.sizes:
        runs = [gelu.time_forms(device, n) for _ in range(args.rounds)]
        per_form = {}
        for i, name in enumerate(gelu.COST_FORMS):
            per_form[name] = {
                "ns_per_element": round(statistics.median(r[i].ns_per_element for r in runs), 3),
                "ratio_vs_relu": round(statistics.median(r[i].ratio_vs_relu for r in runs), 2),
            }
            print(f"{n:>9,} {name:18s} {per_form[name]['ns_per_element']:8.3f} ns/el "
                  f"{per_form[name]['ratio_vs_relu']:6.2f}x ReLU", file=sys.stderr)
        result["cost"][str(n)] = per_form
    print(json.dumps(result))


if __name__ == "__main__":
    main()
