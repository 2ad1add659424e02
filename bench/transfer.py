"""Benchmark: GPT-1's transfer at this app's scale — the four task formats fine-tuned from one cached
pre-trained GPT, the same without pre-training, Figure 2's layer sweep (entailment) and zero-shot curves.

    .venv/bin/python bench/transfer.py [--lang en|ja] [--seeds 1] [--cache DIR]

Pre-training (the GPT and the LSTM, and their snapshots for the zero-shot curves) is cached in DIR
(default: a folder under the system temp dir that survives between runs) and timed apart as
`prepare_s`; the fine-tuning runs and the zero-shot scoring are removed from the cache first, so
`wall_s` measures them from a cached pre-trained model. The work runs in this process's main thread
(the page runs the same `TransferJob.work` in a niced background thread). Details go to stderr; the
last line of stdout is one JSON object:
{"tasks": {task: {"accuracy", "baseline"}}, "no_pretrain": {task: accuracy},
 "layers_transferred": {"layers", "accuracy"}, "zero_shot": {"updates", "transformer", "lstm"}, "wall_s", ...}
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lang", default="en", choices=["en", "ja"])
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "atlas-bench-transfer"))
    p.add_argument("--snapshot-steps", default="",
                   help="e.g. 0,25,50,100,200: a shorter snapshot run for the zero-shot curves (default: the page's)")
    a = p.parse_args()
    os.environ["ATLAS_CACHE_DIR"] = a.cache
    import torch

    from core.gpt.transfer.fit import backbone_source
    from core.gpt.transfer.job import TransferJob, TransferSettings
    from core.gpt.transfer import job as transfer_job
    from core.gpt.transfer import zeroshot
    from core.runtime.diskcache import cache_root

    if a.snapshot_steps:  # the job reads SNAPSHOT_STEPS at call time; the run ends at the last step
        transfer_job.SNAPSHOT_STEPS = tuple(int(x) for x in a.snapshot_steps.split(","))
        real = zeroshot.snapshots
        transfer_job.snapshots = lambda arch, lang, tok, b, steps, *args, **kw: real(
            arch, lang, tok, replace(b, pretrain_steps=max(steps)), steps, *args, **kw)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    _, tok, budget = backbone_source(a.lang, "transformer")  # cached after the first run
    for arch in ("transformer", "lstm"):  # the snapshots of both LMs (the LSTM's backbone is not needed)
        transfer_job.snapshots(arch, a.lang, tok, budget, transfer_job.SNAPSHOT_STEPS)
    prepare = time.perf_counter() - t0
    shutil.rmtree(cache_root() / "transfer-runs", ignore_errors=True)  # measure fine-tuning, not the cache

    out: dict = {"tasks": {}, "no_pretrain": {}, "lang": a.lang}
    zero: dict[str, dict[str, list[float]]] = {}
    t0 = time.perf_counter()
    for task in ("classification", "entailment", "similarity", "multiple_choice"):
        s = TransferSettings(a.lang, task, seeds=a.seeds, variants=("full", "no_pretrain"),
                             layer_sweep=task == "entailment", zero_shot=task != "classification")
        job = TransferJob(s)
        torch.set_num_threads(job.threads)
        t = time.perf_counter()
        status = job.work()
        v = job.view()
        if status != "finished":
            print(f"{task}: {status} {v.message.en if v.message else ''}", file=sys.stderr)
            sys.exit(1)
        r = v.results
        full, nop = statistics.fmean(r.accs["full"]), statistics.fmean(r.accs["no_pretrain"])
        out["tasks"][task] = {"accuracy": round(full, 4), "baseline": round(v.task.baseline, 4),
                              "majority": round(v.task.majority, 4), "n_heldout": len(v.task.heldout)}
        out["no_pretrain"][task] = round(nop, 4)
        if r.layers:
            out["layers_transferred"] = {"task": task, "layers": sorted(r.layers),
                                         "accuracy": [round(r.layers[n], 4) for n in sorted(r.layers)]}
        for arch, curve in r.zero_shot.items():
            zero.setdefault(arch, {})[task] = [curve[k] for k in sorted(curve)]
            out.setdefault("zero_shot", {})["updates"] = sorted(curve)
        print(f"{task:16s} full {r.accs['full']} no_pretrain {r.accs['no_pretrain']} baseline {v.task.baseline:.3f} "
              f"zero-shot {r.zero_shot} ({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    for arch, by_task in zero.items():  # the mean over the three tasks, as one curve per model
        out["zero_shot"][arch] = [round(statistics.fmean(col), 4) for col in zip(*by_task.values())]
    out["zero_shot_by_task"] = {arch: {t: [round(x, 4) for x in c] for t, c in by_task.items()}
                                for arch, by_task in zero.items()}
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    out["prepare_s"] = round(prepare, 1)
    out["load_avg_1m"] = [round(load, 2), round(os.getloadavg()[0], 2)]  # at start and end
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
