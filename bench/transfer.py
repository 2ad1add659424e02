"""Benchmark: GPT-1's transfer at this app's scale, from the models shipped in assets/models — the four task
formats fine-tuned from the shipped GPT, the same network without pre-training, Figure 2's layer sweep
(on one task) and the zero-shot curves (precomputed by `scripts/build_models.py --only zeroshot`).

    .venv/bin/python -P bench/transfer.py [--lang en|ja] [--seeds 1] [--layers-task classification]

Nothing pre-trains: the fine-tuning runs start from the shipped weights, and the disk cache of finished runs
is a fresh temporary folder, so `wall_s` is the whole experiment as a first visitor's page would run it
(in this process's main thread; the page runs the same `TransferJob.work` in a niced background thread).
`seconds` gives each task's share. Details go to stderr; the last line of stdout is one JSON object:
{"tasks": {task: {"accuracy", "baseline"}}, "no_pretrain": {task: accuracy},
 "layers_transferred": {"layers", "accuracy"}, "zero_shot": {"updates", "transformer", "lstm"}, "wall_s", ...}
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TASK_ORDER = ("classification", "entailment", "similarity", "multiple_choice")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lang", default="en", choices=["en", "ja"])
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--layers-task", default="classification", choices=(*TASK_ORDER, "none"))  # none: no sweep
    a = p.parse_args()
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["ATLAS_CACHE_DIR"] = cache  # no finished run is reused: this measures the work
        import torch

        from core.gpt.transfer.job import TransferJob, TransferSettings

        out: dict = {"tasks": {}, "no_pretrain": {}, "lang": a.lang, "seconds": {}}
        zero: dict[str, dict[str, list[float]]] = {}
        for task in TASK_ORDER:
            s = TransferSettings(a.lang, task, seeds=a.seeds, variants=("full", "no_pretrain"),
                                 layer_sweep=task == a.layers_task, zero_shot=task != "classification")
            t = time.perf_counter()
            job = TransferJob(s)
            torch.set_num_threads(job.threads)
            status = job.work()
            v = job.view()
            if status != "finished":
                print(f"{task}: {status} {v.message.en if v.message else ''}", file=sys.stderr)
                sys.exit(1)
            r = v.results
            full, nop = statistics.fmean(r.accs["full"]), statistics.fmean(r.accs["no_pretrain"])
            out["tasks"][task] = {"accuracy": round(full, 4), "baseline": round(v.task.baseline, 4),
                                  "majority": round(v.task.majority, 4), "n_heldout": len(v.task.heldout),
                                  "beats_baseline": full > v.task.baseline, "beats_no_pretrain": full > nop}
            if a.seeds > 1:
                out["tasks"][task]["seeds"] = [round(x, 4) for x in r.accs["full"]]
            out["no_pretrain"][task] = round(nop, 4)
            out["backbone"] = {"shipped": v.source.get("shipped"), "steps": v.source.get("steps")}
            if r.layers:
                out["layers_transferred"] = {"task": task, "layers": sorted(r.layers),
                                             "accuracy": [round(r.layers[n], 4) for n in sorted(r.layers)]}
            for arch, curve in r.zero_shot.items():
                zero.setdefault(arch, {})[task] = [curve[k] for k in sorted(curve)]
                out.setdefault("zero_shot", {})["updates"] = sorted(curve)
            out["seconds"][task] = round(time.perf_counter() - t, 1)
            print(f"{task:16s} full {r.accs['full']} no_pretrain {r.accs['no_pretrain']} baseline "
                  f"{v.task.baseline:.3f} layers {r.layers} ({out['seconds'][task]} s)", file=sys.stderr, flush=True)
    for arch, by_task in zero.items():  # the mean over the three tasks, as one curve per model
        out["zero_shot"][arch] = [round(statistics.fmean(col), 4) for col in zip(*by_task.values())]
    out["zero_shot_by_task"] = {arch: {t: [round(x, 4) for x in c] for t, c in by_task.items()}
                                for arch, by_task in zero.items()}
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    out["load_avg_1m"] = [round(load, 2), round(os.getloadavg()[0], 2)]  # at start and end
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
