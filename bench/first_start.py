"""What a first-time visitor sees after pressing Start with the page's defaults: seconds until the loss
falls under the bigram line and (--ngram) under the best Kneser–Ney n-gram's line.

Runs `build_job(JobSettings(), ...)` on the shipped corpus of each language (the page's default corpus
follows the interface language) through the job API, with an empty disk cache (a fresh ATLAS_CACHE_DIR),
and polls `view()` every 0.25 s as the page's fragment would, for at most --limit seconds of training.
Two clocks from the press of Start (build_job included): when the smoothed training loss the chart draws
(core.charts.training.ema) first goes under the held-out bigram line, and when an evaluated held-out loss
does (the crossing message). The step-0 evaluation and the Kneser–Ney line are inside the clock.

    .venv/bin/python -m bench.first_start --lang ja --limit 90
    .venv/bin/python -m bench.first_start --lang ja --set lr=0.003    # try another default
    .venv/bin/python -m bench.first_start --lang en --ngram --limit 900  # the whole default run, both lines

Last line: {"<lang>": {"smoothed_under_bigram_s": ..., "heldout_under_bigram_s": ..., "heldout_under_ngram_s":
..., ...}, "settings": {...}}; null where the loss never went under the line within --limit.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from pathlib import Path

from core.charts.training import ema
from core.corpus import load_shipped, split_train_heldout
from core.gpt.training_job import JobSettings, build_job

os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-bench-"))
LOAD = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else None  # other work

LINES = ("bigram", "kn")  # the add-k bigram, then the best Kneser–Ney n-gram (n <= 5): the page's two lines


def one(lang: str, limit: float, settings: JobSettings, lines: tuple[str, ...]) -> dict:
    train, heldout = split_train_heldout(load_shipped(lang))
    t0 = time.perf_counter()
    job = build_job(settings, train, heldout, "cpu", lang)
    job.start()
    smooth: dict[str, tuple[float, int]] = {}  # line -> (seconds, step) the smoothed training loss went under it
    held: dict[str, tuple[float, int]] = {}  # line -> (seconds, step) an evaluated held-out loss went under it
    while time.perf_counter() - t0 < limit:
        time.sleep(0.25)
        v = job.view()
        now = time.perf_counter() - t0
        for key in lines:
            if key not in v.references:  # the Kneser-Ney line arrives a moment after Start
                continue
            if key not in smooth and v.loss and ema(v.loss)[-1] < v.references[key]:
                smooth[key] = (now, v.step)
            if key not in held and key in v.crossings():
                held[key] = (now, v.crossings()[key])
        if all(k in smooth and k in held for k in lines) or v.status not in ("ready", "running"):
            break
    v = job.view()
    job.stop()
    job.wait(10)
    r = lambda x: None if x is None else round(x, 1)
    out = {}
    for key in lines:
        name = "bigram" if key == "bigram" else "ngram"
        out[f"smoothed_under_{name}_s"] = r(smooth.get(key, (None, None))[0])
        out[f"smoothed_under_{name}_step"] = smooth.get(key, (None, None))[1]
        out[f"heldout_under_{name}_s"] = r(held.get(key, (None, None))[0])
        out[f"heldout_under_{name}_step"] = held.get(key, (None, None))[1]
    best_held = min((e.val_loss for e in v.evals if e.step > 0), default=None)
    return {**out, "ngram_n": v.references.get("kn_n"), "best_heldout": None if best_held is None else
            round(best_held, 3), "steps": v.step, "status": v.status, "seconds": r(time.perf_counter() - t0),
            "threads": v.threads, "load_before": LOAD,
            "references": {k: round(x, 3) for k, x in v.references.items()},
            "evals": [(e.step, round(e.val_loss, 3)) for e in v.evals]}


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", choices=("en", "ja", "both"), default="both")
    ap.add_argument("--limit", type=float, default=90.0, help="seconds of training at most per language")
    ap.add_argument("--ngram", action="store_true",
                    help="also wait for the best n-gram's line (up to --limit; the default run is 2000 steps)")
    ap.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                    help="try another default, e.g. --set lr=0.003 (a JobSettings field)")
    a = ap.parse_args()
    base = JobSettings()
    parse = lambda k, v: v in ("1", "true", "True") if isinstance(getattr(base, k), bool) else type(getattr(base, k))(v)
    settings = dataclasses.replace(base, **{k: parse(k, v) for k, v in (s.split("=", 1) for s in a.set)})
    lines = LINES if a.ngram else LINES[:1]
    out = {lang: one(lang, a.limit, settings, lines) for lang in (("en", "ja") if a.lang == "both" else (a.lang,))}
    out["settings"] = dataclasses.asdict(settings)
    print(json.dumps(out, ensure_ascii=False))
