"""Benchmark: how fast, and with how little memory, hostile checkpoint files are refused.

    .venv/bin/python bench/hostile_checkpoint.py [--repeats R]

Target (issue 11): a ~1 KB safetensors file whose config asks for a huge model (n_layer 20,000 /
2,000 / 100 with width 4096) is refused in < 0.1 s with < 10 MB allocated; before the header checks
it took 217 s and 1.1 GB. Memory is the Python heap peak (tracemalloc) plus the growth of the
process's peak RSS. Last line: one JSON object.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from core.errors import UserInputError  # noqa: E402
from core.gpt.checkpoint import load_checkpoint_bytes  # noqa: E402
from core.gpt.checkpoint_check import FORMAT  # noqa: E402


def hostile(n_layer: int, **cfg_changes) -> bytes:
    """The tester's file: a config asking for a huge model, one 8-byte tensor, ~1 KB in all."""
    import struct

    cfg = {"vocab_size": 3, "n_layer": n_layer, "n_head": 8, "n_embd": 4096, "block_size": 4096} | cfg_changes
    meta = {"format": FORMAT, "config": json.dumps(cfg),
            "tokenizer": json.dumps({"type": "char", "chars": ["a", "b"]}), "step": "0",
            "extra": json.dumps({"label": "x" * 640})}  # padding to the 1 KB of the report
    header = json.dumps({"__metadata__": meta, "model.wte.weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})
    raw = header.encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw + b"\0" * 8


def measure(data: bytes, repeats: int) -> dict:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        try:
            load_checkpoint_bytes(data)
            refused = False
        except UserInputError:
            refused = True
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    try:
        load_checkpoint_bytes(data)
    except UserInputError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"bytes": len(data), "refused": refused, "median_s": statistics.median(times), "max_s": max(times),
            "py_peak_bytes": peak}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cases = {f"n_layer_{n}": hostile(n) for n in (20_000, 2_000, 100)}
    cases["n_layer_str"] = hostile("1")
    cases["n_layer_float"] = hostile(16.0)
    cases["n_layer_bool"] = hostile(True)
    results = {name: measure(data, args.repeats) for name, data in cases.items()}
    rss_growth_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0
    worst_s = max(r["max_s"] for r in results.values())
    worst_mem = max(r["py_peak_bytes"] for r in results.values())
    for name, r in results.items():
        print(f"{name:15s} {r['bytes']:5d} B  refused={r['refused']}  median {r['median_s'] * 1e3:.3f} ms  "
              f"py peak {r['py_peak_bytes'] / 1024:.0f} KiB")
    print(json.dumps({"bench": "hostile_checkpoint", "cases": results, "worst_s": worst_s,
                      "worst_py_peak_bytes": worst_mem, "rss_growth_kb": rss_growth_kb,
                      "all_refused": all(r["refused"] for r in results.values()),
                      "target_met": worst_s < 0.1 and worst_mem < 10 * 2**20 and rss_growth_kb < 10 * 1024}))


if __name__ == "__main__":
    main()
