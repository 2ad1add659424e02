"""Small-model inference in a page's script thread with 1 vs 2 torch threads, on whatever load the machine has.

What a first open runs in the page thread: the shipped encoder–decoder translating one number (the
encoder–decoder page) and the shipped GPT's forward on one sentence (attention / multi-head / chain rule).
Each is timed in a fresh non-main thread (as Streamlit's script threads are), alternating the thread
count, `--repeat` times; the median and the worst are reported (the collapse is a tail: a best-of hides
it). With the 2 cores busy (load ≫ 2), 2 threads can wait on a descheduled OpenMP worker at every op. Seen (2026-11-30, load 13, right after a 1,000-number teacher-forced batch): one
translation 7.4 s with 2 threads vs 0.19 s with 1; yet this bench at load 17 gave 2 threads the faster
median (20 vs 100 ms, worst 0.17 vs 0.28 s): the collapse comes and goes, so run it more than once.

    .venv/bin/python -P bench/page_threads.py [--repeat 7]

Last line: {"load_avg": ..., "translate_s": {"1": {"median": s, "max": s}, "2": {...}}, ..., "median_ratio_2_over_1": {...}}
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    import statistics

    import torch

    from core.gpt.shipped import load_gpt
    from core.transformer import encoder_decoder as s2s
    from core.transformer import number_words
    from core.transformer.encoder_decoder import Seq2SeqConfig
    from core.transformer.encoder_decoder_job import cached

    encdec, _ = cached(Seq2SeqConfig(lang="ja"))
    gpt = load_gpt("ja")
    words = number_words.parse_words("二千二十四", "ja")
    ids = torch.tensor([gpt.tokenizer.encode("今日は雨が降りました。東京の空は暗い。")])
    work = {"translate_s": lambda: s2s.translate(encdec, words),
            "gpt_forward_s": lambda: gpt.model(ids)}
    load_start = os.getloadavg()[0]
    times: dict[str, dict[str, list[float]]] = {k: {"1": [], "2": []} for k in work}
    for _ in range(a.repeat):
        for n in (1, 2):
            for name, fn in work.items():
                out = {}

                def run() -> None:
                    torch.set_num_threads(n)
                    with torch.no_grad():
                        fn()  # warm-up: first-call allocations
                        t0 = time.perf_counter()
                        fn()
                        out["s"] = time.perf_counter() - t0

                t = threading.Thread(target=run)
                t.start()
                t.join()
                times[name][str(n)].append(out["s"])
    summary = {k: {n: {"median": round(statistics.median(v), 4), "max": round(max(v), 4)} for n, v in d.items()}
               for k, d in times.items()}
    print(json.dumps({"load_avg": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)}, **summary,
                      "median_ratio_2_over_1": {k: round(v["2"]["median"] / v["1"]["median"], 2)
                                                for k, v in summary.items()}}))


if __name__ == "__main__":
    main()
