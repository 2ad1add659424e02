"""What a first-time visitor sees after pressing Start with the page's defaults: seconds until the loss
falls under the bigram line.

Runs `build_job(JobSettings(), ...)` on the shipped corpus of each language (the page's default corpus
follows the interface language) through the job API, with an empty disk cache (a fresh ATLAS_CACHE_DIR),
and polls `view()` every 0.25 s as the page's fragment would, for at most --limit seconds of training.
Two clocks from the press of Start (build_job included): when the smoothed training loss the chart draws
(core.charts.training.ema) first goes under the held-out bigram line, and when an evaluated held-out loss
does (the crossing message). The step-0 evaluation and the Kneser–Ney line are inside the clock.

    .venv/bin/python -m bench.first_start --lang ja --limit 90
    .venv/bin/python -m bench.first_start --lang ja --set lr=0.003    # try another default

Last line: {"<lang>": {"smoothed_under_bigram_s": ..., "heldout_under_bigram_s": ..., ...}, "settings": {...}}
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time

from core.charts.training import ema
from core.corpus import load_shipped, split_train_heldout
from core.gpt.training_job import JobSettings, build_job

os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-bench-"))


def one(lang: str, limit: float, settings: JobSettings) -> dict:
    train, heldout = split_train_heldout(load_shipped(lang))
    t0 = time.perf_counter()
    job = build_job(settings, train, heldout, "cpu", lang)
    job.start()
    smooth_s = smooth_step = held_s = held_step = None
    while time.perf_counter() - t0 < limit:
        time.sleep(0.25)
        v = job.view()
        now = time.perf_counter() - t0
        bigram = v.references["bigram"]
        if smooth_s is None and v.loss and ema(v.loss)[-1] < bigram:
            smooth_s, smooth_step = now, v.step
        if held_s is None and "bigram" in v.crossings():
            held_s, held_step = now, v.crossings()["bigram"]
        if (smooth_s is not None and held_s is not None) or v.status not in ("ready", "running"):
            break
    v = job.view()
    job.stop()
    job.wait(10)
    r = lambda x: None if x is None else round(x, 1)
    return {"smoothed_under_bigram_s": r(smooth_s), "smoothed_under_bigram_step": smooth_step,
            "heldout_under_bigram_s": r(held_s), "heldout_under_bigram_step": held_step,
            "steps": v.step, "seconds": r(time.perf_counter() - t0), "threads": v.threads,
            "references": {k: round(x, 3) for k, x in v.references.items()},
            "evals": [(e.step, round(e.val_loss, 3)) for e in v.evals]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=("en", "ja", "both"), default="both")
    ap.add_argument("--limit", type=float, default=90.0, help="seconds of training at most per language")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="try another default, e.g. --set lr=0.003 (a JobSettings field)")
    a = ap.parse_args()
    base = JobSettings()
    parse = lambda k, v: v in ("1", "true", "True") if isinstance(getattr(base, k), bool) else type(getattr(base, k))(v)
    settings = dataclasses.replace(base, **{k: parse(k, v) for k, v in (s.split("=", 1) for s in a.set)})
    out = {lang: one(lang, a.limit, settings) for lang in (("en", "ja") if a.lang == "both" else (a.lang,))}
    out["settings"] = dataclasses.asdict(settings)
    print(json.dumps(out, ensure_ascii=False))
