"""Benchmark: what a download costs. The bertviz file (view + inlined scripts) against the view alone,
and a per-token CSV, as sizes and as build-time ratios within this one run.

    .venv/bin/python bench/export.py [--layers 6 --heads 12 --tokens 64]

Last line: one JSON object {"head": {"view_kb", "file_kb", "view_s", "file_over_view_time"}, "model": {…},
"csv_kb_10k_rows": …, "csv_s_10k_rows": …, "load": 1-minute load average}
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

from core.export import csv_bytes  # noqa: E402
from core.transformer.bertviz_file import standalone_html  # noqa: E402
from core.transformer.bertviz_html import build_view  # noqa: E402


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--tokens", type=int, default=64)
    a = ap.parse_args()
    torch.manual_seed(0)
    attn = torch.softmax(torch.randn(a.layers, a.heads, a.tokens, a.tokens), dim=-1)
    tokens = [f"tok{i}" for i in range(a.tokens)]
    out = {}
    for view in ("head", "model"):
        bv = build_view(attn, tokens, view=view)
        doc = standalone_html(bv.html, "bench")
        t_view = best_of(lambda: build_view(attn, tokens, view=view))
        t_file = best_of(lambda: standalone_html(bv.html, "bench"))
        out[view] = {"view_kb": round(bv.n_bytes / 1024), "file_kb": round(len(doc.encode()) / 1024),
                     "view_s": round(t_view, 3), "file_over_view_time": round(t_file / t_view, 3)}
    rows = [{"token": f"猫{i}", "p": 1 / (i + 1), "bits": i * 0.5} for i in range(10_000)]
    out["csv_kb_10k_rows"] = round(len(csv_bytes(rows)) / 1024)
    out["csv_s_10k_rows"] = round(best_of(lambda: csv_bytes(rows)), 3)
    out["load"] = os.getloadavg()[0]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
