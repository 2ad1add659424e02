"""The transfer suite shipped with the app (assets/models/transfer-<lang>.json, built by
`scripts/build_models.py --only transfer`): the four formats' measured accuracies, the layer sweep, and
the "ours against the paper" paragraph computed from those numbers, so the page shows them on open."""
from __future__ import annotations

import statistics

import pandas as pd
import streamlit as st

from core.gpt.finetune.stats import gap
from core.gpt.finetune.suite import shipped_suite
from core.gpt.finetune.tasks import TASKS
from views.gpt_tasks import sections as view
from views.gpt_tasks.texts import T

suite = st.cache_data(show_spinner=False, max_entries=4)(shipped_suite)


def summary(result: dict, card: dict, lang: str) -> str:
    """The measured paragraph: how many tasks pre-training lifts above no pre-training and above the
    baseline, the mean gain with the paper's for comparison, and which gaps are within noise."""
    tasks = result["tasks"]
    gains = {t: r["accuracy"] - result["no_pretrain"][t] for t, r in tasks.items()}
    noisy = [T.t(f"task_{t}", lang) for t, r in tasks.items()
             if gap(r["seeds"], r["no_pretrain_seeds"], r["n_heldout"]).within_noise]
    below = [T.t(f"task_{t}", lang) for t, r in tasks.items() if not above_baseline(r)]
    text = T.t("ours_measured", lang, n_np=sum(g > 0 for g in gains.values()), n_b=len(tasks) - len(below),
               k=len(tasks), gain=100 * statistics.fmean(gains.values()), cmd=card["command"], wall=card["wall_s"],
               seeds=card["seeds"], load=card["load_avg_1m"][0], cpus=card["cpus"])
    if noisy:
        text += " " + T.t("ours_noisy", lang, tasks=", ".join(noisy))
    if below:
        text += " " + T.t("ours_below", lang, tasks=", ".join(below))
    return text


def above_baseline(r: dict) -> bool:
    """Above the task's baseline by more than the noise: the mean over seeds leads the (constant) baseline by
    at least 2 SE (the seeds' spread, or the held-out size with one seed). Similarity's 50.1 % against 50 %
    is one held-out pair in one seed of three, not a model that beats chance."""
    g = gap(r["seeds"], [r["baseline"]] * len(r["seeds"]), r["n_heldout"])
    return g.diff > 0 and g.within_noise is False


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def show(data_lang: str, lang: str) -> dict | None:
    """The shipped table for `data_lang` and its paragraph; the result dict, or None (stale or missing)."""
    doc = suite(data_lang)
    st.subheader(T.t("shipped_title", lang, lang_name=T.t(f"lang_{data_lang}", lang)))
    if doc is None:
        st.info(T.t("shipped_missing", lang, lang_code=data_lang))
        return None
    result, card = doc["result"], doc["card"]
    rows = [{T.t("task", lang): T.t(f"task_{t}", lang),
             T.t("col_pre", lang): f"{100 * result['tasks'][t]['accuracy']:.1f}",
             T.t("col_nopre", lang): f"{100 * result['no_pretrain'][t]:.1f}",
             T.t("col_base", lang): f"{100 * result['tasks'][t]['baseline']:.1f}",
             T.t("col_bow", lang): _pct(result["tasks"][t].get("bag_of_words")),
             T.t("col_n", lang): result["tasks"][t]["n_heldout"]} for t in TASKS if t in result["tasks"]]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.markdown(summary(result, card, lang))
    return result


def warm() -> None:
    """Fill this page's caches for both languages, for ui.preload (a server's start, where no one waits).

    The page's switch to the other data language validated that language's shipped suite (the hash of all
    four tasks' examples: every task loaded, the pair tasks' bag-of-words baseline splitting ~4,500 Japanese
    texts with MeCab) and loaded the task, its tokenizer and its zero-shot curves: 0.35-0.50 s
    (bench/pages.py `radio:tasks_lang`, load ~2), 0.09 s once these are cached. ~2 s here, once per process
    (and again after ui.memory's idle release, on the first switch)."""
    for data_lang in ("en", "ja"):
        suite(data_lang)
        view.tokenizer(data_lang)
        for name in TASKS:
            view.load(name, data_lang)
            if name != "classification":
                view.curves(name, data_lang)


def layers(result: dict | None, task_name: str) -> dict[int, float] | None:
    """The shipped layer sweep when it was run on `task_name`: {blocks kept: accuracy}."""
    lt = (result or {}).get("layers_transferred")
    if not lt or lt.get("task") != task_name:
        return None
    return dict(zip(lt["layers"], lt["accuracy"]))
