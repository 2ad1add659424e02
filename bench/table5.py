"""Benchmark: GPT-1's Table 5 ablations at the page's "quick" budget, one fixed seed, from a cold cache.

    .venv/bin/python -m bench.table5 [--lang en|ja] [--budget quick] [--seeds 1] [--threads N]
                                       [--epochs E] [--evals K]   (override the budget's, to compare settings)

The quick budget starts from the GPT and LSTM shipped in assets/models (no pre-training run); other budgets
("standard") pre-train both language models on the training paragraphs first (core.gpt.pretrain).
Then the four variants are fine-tuned on the topic task with L3 = L2 + λ·L1 (λ = 0.5; 0 for "w/o aux LM").
It uses a fresh temporary cache (nothing is read from an earlier run). Details go to stderr; the last
line on stdout is one JSON object:
{"accuracy": {"full", "no_pretrain", "no_aux", "lstm_aux"}, "majority_baseline", "backbone", "pretrain_s",
 "finetune_s", "wall_s", "loadavg_1m" (before, after: the machine is shared), "epochs", "evals", ...}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time



def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lang", default="en", choices=["en", "ja"])
    p.add_argument("--budget", default="quick")
    p.add_argument("--lam", type=float, default=0.5)
    p.add_argument("--seeds", type=int, default=1)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--epochs", type=int, default=None, help="fine-tuning epochs instead of the budget's")
    p.add_argument("--evals", type=int, default=None, help="held-out evaluations per run instead of the budget's")
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ATLAS_CACHE_DIR"] = tmp  # from scratch: no cached weights or results
        from dataclasses import replace

        from core.gpt import finetune as ft

        budget = ft.BUDGETS[a.budget]
        budget = replace(budget, epochs=a.epochs or budget.epochs, evals=a.evals or budget.evals)
        ft.BUDGETS[a.budget] = budget  # the job reads the budget by name from this dict
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        v = ft.run_experiment(ft.Settings(lang=a.lang, budget=a.budget, lam=a.lam, seeds=a.seeds), threads=a.threads)
        wall = time.perf_counter() - t0
    if v.status != "finished":
        print(f"status {v.status}: {v.message.en if v.message else ''}", file=sys.stderr)
        sys.exit(1)
    for name, r in v.results.items():
        print(f"{name:12s} acc {r.accs}  ({r.seconds:.1f} s)", file=sys.stderr)
    shipped = {k: i for k, i in v.pretrain.items() if i.get("shipped")}
    pre = sum(i.get("seconds", 0.0) for i in v.pretrain.values())
    ft_s = sum(r.seconds for r in v.results.values())
    print(json.dumps({
        "accuracy": {k: round(r.mean, 4) for k, r in v.results.items()},
        "accuracy_std": {k: round(r.std, 4) for k, r in v.results.items()} if a.seeds > 1 else None,
        "majority_baseline": round(v.majority, 4),
        "backbone": "shipped" if shipped else "own",
        "shipped_steps": {k: i["steps"] for k, i in shipped.items()} or None,
        "seen_heldout": round(next(iter(shipped.values()))["seen_heldout"], 3) if shipped else None,
        "fallback_note": v.backbone_note.en if v.backbone_note else None,
        "pretrain_s": round(pre, 1),
        "pretrain_s_each": {k: i.get("seconds") for k, i in v.pretrain.items()},
        "finetune_s": round(ft_s, 1),
        "wall_s": round(wall, 1),
        "loadavg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "lang": a.lang, "budget": a.budget, "seeds": a.seeds, "epochs": budget.epochs, "evals": budget.evals,
        "n_train": sum(v.counts_train), "n_heldout": sum(v.counts_heldout),
    }))


if __name__ == "__main__":
    main()
