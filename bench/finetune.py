"""Benchmark (issue 13): GPT-1's transfer at this app's scale, from the models shipped in assets/models — the four
task formats fine-tuned from the shipped GPT, the same network without pre-training, Figure 2's layer sweep
(on one task) and the zero-shot curves (precomputed by `scripts/build_models.py --only zeroshot`).

    .venv/bin/python -m bench.finetune [--lang en|ja] [--seeds 1] [--layers-task classification]

The work is core.gpt.finetune.suite.run_suite, the same call `scripts/build_models.py --only transfer` ships.
Nothing pre-trains: the fine-tuning runs start from the shipped weights, and the disk cache of finished runs
is a fresh temporary folder, so `wall_s` is the whole experiment as a first visitor's page would run it.
Nearly all of it is fine-tuning steps; a step's cost depends on the machine's load far more than on anything
here, so the JSON also gives the total `steps` and `s_per_step` (their seconds over their count, held-out
scoring included): on a quieter machine the wall is about steps × its own time per step. Measured on the quiet
2 cores (load 0.6-1.9, 2026-11-30): 89 s (en) and 124 s (ja) for one seed; `--seeds 3` (what
`scripts/build_models.py --only transfer` ships) about three times as long.
Details go to stderr; the last line of stdout is one JSON object:
{"tasks": {task: {"accuracy", "baseline", "majority", "seeds", ...}}, "no_pretrain": {task: accuracy},
 "gap_se": {task: [gap, its standard error]}, "layers_transferred": {"layers", "accuracy"},
 "zero_shot": {"updates", "transformer", "updates_lstm", "lstm"}, "steps", "s_per_step", "wall_s", "load_avg_1m"}
(The Table 5 ablations on the fine-tuning page's topic task are bench/table5.py.)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile


TASK_ORDER = ("classification", "entailment", "similarity", "multiple_choice")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lang", default="en", choices=["en", "ja"])
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--layers-task", default="classification", choices=(*TASK_ORDER, "none"))  # none: no sweep
    p.add_argument("--ship", action="store_true", help="also write this run as assets/models/transfer-<lang>.json "
                   "(what `scripts/build_models.py --only transfer` writes from the same call)")
    a = p.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as cache:
        os.environ["ATLAS_CACHE_DIR"] = cache  # no finished run is reused: this measures the work
        from core.gpt.finetune.stats import gap
        from core.gpt.finetune.suite import run_suite

        def line(task: str, out: dict) -> None:
            r = out["tasks"][task]
            print(f"{task:16s} full {r['seeds']} no_pretrain {r['no_pretrain_seeds']} baseline {r['baseline']:.3f} "
                  f"({out['seconds'][task]} s, {out['steps'][task]} steps)", file=sys.stderr, flush=True)

        try:
            out = run_suite(a.lang, a.seeds, a.layers_task, on_task=line)
        except RuntimeError as e:
            print(e, file=sys.stderr)
            sys.exit(1)
    out["gap_se"] = {}
    for t, r in out["tasks"].items():  # pre-training's lead over none, with its standard error (seeds or binomial)
        g = gap(r["seeds"], r["no_pretrain_seeds"], r["n_heldout"])
        out["gap_se"][t] = [round(g.diff, 4), round(g.se, 4) if g.se is not None else None]
    out["steps_total"] = sum(out["steps"].values())
    loads = [load, os.getloadavg()[0]]  # at start and end
    if a.ship:
        from core.shipped.models import MODELS_DIR
        from scripts.build_models import write_transfer

        write_transfer(a.lang, MODELS_DIR, {k: v for k, v in out.items() if k not in ("gap_se", "steps_total")},
                       a.seeds, a.layers_task, loads)
    out["load_avg_1m"] = [round(x, 2) for x in loads]
    out["cpus"] = os.cpu_count()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
