"""The whole transfer experiment of one language, as one JSON-able dict: the four task formats fine-tuned
from the shipped GPT and without pre-training, Figure 2's layer sweep on one task, and the zero-shot
curves. `bench/finetune.py` prints it; `scripts/build_models.py --only transfer` ships it as
assets/models/transfer-<lang>.json with a card, so the page shows measured numbers at once.

    out = run_suite("ja")                       # minutes: every run trains
    shipped_suite("ja")                         # the shipped copy, or None when it is stale

A shipped result is used only while it still describes what the page would run: the same shipped
models (their config hashes), the same examples (a hash per task) and the same fine-tuning settings.
"""
from __future__ import annotations

import hashlib
import json
import statistics
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from core.gpt.finetune.settings import FitConfig, fit_for
from core.gpt.finetune.stats import beats
from core.gpt.finetune.tasks import TASKS, load_task

# 3: beats_* only past two standard errors (stats.beats). Bump when the suite's runs change in a way the hashes
# below do not see.
SUITE_VERSION = 3


def data_hashes(lang: str) -> dict[str, str]:
    """A hash of each task's train and held-out examples (a changed task makes the shipped numbers stale)."""
    out = {}
    for name in TASKS:
        t = load_task(name, lang)
        out[name] = hashlib.sha1(repr((t.train, t.heldout)).encode("utf-8")).hexdigest()[:16]
    return out


def model_hashes(lang: str, root: Path | None = None) -> dict[str, str]:
    from core.shipped.models import gpt_path, lstm_path, read_card

    return {"transformer": read_card(gpt_path(lang, root))["config_hash"],
            "lstm": read_card(lstm_path(lang, root))["config_hash"]}


# The recipe fields the shipped results were hashed with. A field added later enters the hash only where a
# task sets it away from its default, so adding one (the fine-tuning page's knobs) keeps the shipped files valid.
HASHED_FIT_FIELDS = ("epochs", "batch", "lr", "dropout", "max_steps", "head_lr_scale", "special_init", "block")


def _recipe(cfg: FitConfig) -> dict:
    default = asdict(FitConfig())
    return {k: v for k, v in asdict(cfg).items() if k in HASHED_FIT_FIELDS or v != default[k]}


def settings_hash(seeds: int, layers_task: str) -> str:
    fits = {t: _recipe(fit_for(t)) for t in TASKS}
    return hashlib.sha1(json.dumps([SUITE_VERSION, seeds, layers_task, fits], sort_keys=True).encode()).hexdigest()[:16]


def run_suite(lang: str, seeds: int = 1, layers_task: str = "classification", threads: int | None = None,
              on_task: Callable[[str, dict], None] | None = None) -> dict:
    """Every task's transfer run (FinetuneJob.work in this thread); the JSON of issue 13's Benchmark section.
    Raises RuntimeError if a run does not finish."""
    from core.gpt.finetune.job import FinetuneJob
    from core.gpt.finetune.settings import Settings
    from core.runtime.threads import use_threads

    t0 = time.perf_counter()
    out: dict = {"tasks": {}, "no_pretrain": {}, "lang": lang, "seconds": {}, "steps": {}, "train_s": 0.0}
    zero: dict[str, dict[str, list[float]]] = {}
    tuner = None
    for task in TASKS:
        s = Settings(lang, task=task, fit=fit_for(task), seeds=seeds, variants=("full", "no_pretrain"),
                     layer_sweep=task == layers_task, zero_shot=task != "classification")
        t = time.perf_counter()
        job = FinetuneJob(s, threads=threads)
        tuner = job.tuner = tuner or job.tuner  # one thread policy for the whole suite
        use_threads(job.threads)
        status = job.work()
        v = job.view()
        if status != "finished":
            raise RuntimeError(f"{task}: {status} {v.message.en if v.message else ''}")
        full, nop = v.results["full"].accs, v.results["no_pretrain"].accs
        mf, mn = statistics.fmean(full), statistics.fmean(nop)
        n_held = len(v.task.heldout)
        vs_base, vs_nop = beats(full, v.task.baseline, n_held), beats(full, nop, n_held)
        out["tasks"][task] = {"accuracy": round(mf, 4), "baseline": round(v.task.baseline, 4),
                              "majority": round(v.task.majority, 4), "n_heldout": n_held,
                              "bag_of_words": None if v.task.bag_of_words is None else round(v.task.bag_of_words, 4),
                              # flags mean "ahead by more than two standard errors"; else the page says within noise
                              "beats_baseline": vs_base["beats"], "beats_no_pretrain": vs_nop["beats"],
                              "vs_baseline": vs_base, "vs_no_pretrain": vs_nop,
                              "seeds": [round(x, 4) for x in full], "no_pretrain_seeds": [round(x, 4) for x in nop]}
        out["no_pretrain"][task] = round(mn, 4)
        out["steps"][task] = v.steps
        out["train_s"] = round(out["train_s"] + v.train_s, 1)
        # the shipped pair's updates both (as the card has always said), else those of what was pre-trained here
        info = {a: job.source.info(a) or v.pretrain.get(a) for a in ("transformer", "lstm")}
        out["backbone"] = {"shipped": job.source.shipped is not None,
                           "steps": {a: i.get("steps") for a, i in info.items() if i}}
        if v.layers:
            out["layers_transferred"] = {"task": task, "layers": sorted(v.layers),
                                         "accuracy": [round(v.layers[n], 4) for n in sorted(v.layers)]}
        for arch, curve in v.zero_shot.items():
            zero.setdefault(arch, {})[task] = [curve[k] for k in sorted(curve)]
            # each model's own updates: the shipped GPT and LSTM end at different steps (800 and 700), so one
            # shared axis would put the Transformer's last point at the LSTM's step
            key = "updates" if arch == "transformer" else f"updates_{arch}"
            out.setdefault("zero_shot", {})[key] = sorted(curve)
        out["seconds"][task] = round(time.perf_counter() - t, 1)
        if on_task is not None:
            on_task(task, out)
    for arch, by_task in zero.items():  # the mean over the three tasks, as one curve per model
        out["zero_shot"][arch] = [round(statistics.fmean(col), 4) for col in zip(*by_task.values())]
    out["zero_shot_by_task"] = {arch: {t: [round(x, 4) for x in c] for t, c in by_task.items()}
                                for arch, by_task in zero.items()}
    out["wall_s"] = round(time.perf_counter() - t0, 1)
    n = sum(out["steps"].values())
    # the time of one step (its share of scoring included): wall_s on another machine ≈ steps × its own
    out["s_per_step"] = round(out["train_s"] / max(1, n), 3)
    return out


def shipped_path(lang: str, root: Path | None = None) -> Path:
    from core.shipped.models import MODELS_DIR

    return (root or MODELS_DIR) / f"transfer-{lang}.json"


def shipped_suite(lang: str, root: Path | None = None) -> dict | None:
    """The shipped suite result ({"result": run_suite's dict, "card": ...}) when its hashes match today's
    models, data and settings; None when missing, unreadable or stale (the page then offers the run)."""
    try:
        doc = json.loads(shipped_path(lang, root).read_text(encoding="utf-8"))
        card = doc["card"]
        if (card["models"] != model_hashes(lang, root) or card["data"] != data_hashes(lang)
                or card["settings"] != settings_hash(card["seeds"], card["layers_task"])):
            return None
        if not isinstance(doc["result"]["tasks"], dict):
            return None
        return doc
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
