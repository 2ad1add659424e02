"""The "Task formats & transfer" page's sections (views/gpt_tasks/page.py calls them in order): the rows one
example becomes (Figure 1), the experiment's controls and progress, Table 5 with its noise, and Figure 2.
Figures come from core.charts.transfer; every string from views/gpt_tasks/texts.py."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.charts import transfer as charts
from core.errors import UserInputError
from core.gpt.tasks.transforms import ROLES
from core.gpt.finetune.backbones import source_tokenizer
from core.gpt.finetune.job import PAGE_LIMITS, FinetuneJob
from core.gpt.finetune.results import FinetuneView
from core.gpt.finetune.settings import VARIANTS, Settings, fit_for
from core.gpt.finetune.stats import gap, mean_std
from core.gpt.finetune.tasks import Task, examples_to_show, labelled_rows, load_task
from core.gpt.finetune.zeroshot import shipped_curves, zero_shot_examples
from core.runtime.jobs import JobSlot
from ui import shell, train_session
from ui.texts.table5 import gap_line
from views.gpt_tasks.texts import T, row_names

load = st.cache_resource(show_spinner=False, max_entries=8)(load_task)  # 4 tasks × 2 languages
tokenizer = st.cache_resource(show_spinner=False, max_entries=4)(source_tokenizer)  # per language (and budget)
curves = st.cache_data(show_spinner=False, max_entries=16)(lambda name, lang: shipped_curves(load_task(name, lang)))


def slot() -> JobSlot:
    return train_session.leased_slot("tasks")  # this tab's experiment: a reload re-attaches to it


def figure1(task: Task, data_lang: str, lang: str) -> None:
    """One example drawn as the token rows the model reads, with its label."""
    shown = examples_to_show(task)
    shell.in_range("tasks_example", 1, len(shown))  # another task may show fewer examples
    i = st.slider(T.t("example", lang), 1, len(shown), 1, key="tasks_example", bind="query-params") - 1
    rows = labelled_rows(task, shown[i], tokenizer(data_lang), 64)
    role_names = {r: (ja if lang == "ja" else en) for r, (en, ja) in ROLES.items()}
    st.plotly_chart(charts.sequence_figure(rows, row_names(task.name, len(rows), lang), role_names,
                                           T.t("seq_title", lang)), key="tasks_seq_chart")
    en, ja = task.labels[shown[i].label]
    st.caption(T.t("gold", lang, label=ja if lang == "ja" else en))  # our label names, never user text


def _start(s: JobSlot, settings: Settings, device) -> None:
    st.session_state.pop("tasks_error", None)
    try:
        s.replace(FinetuneJob(settings, device))
        s.job.start()
    except UserInputError as e:
        st.session_state["tasks_error"] = e


def controls(s: JobSlot, task: Task, lang: str, running: bool) -> None:
    """λ, seeds, the Table 5 rows to run, Start and Stop."""
    job = s.job
    with st.expander(T.t("settings", lang), expanded=job is None):
        c1, c2 = st.columns(2)
        lam = c1.slider(T.t("lam", lang), 0.0, 2.0, 0.5, 0.1, key="tasks_lam", bind="query-params", disabled=running,
                        help=T.t("lam_help", lang))
        seeds = c2.select_slider(T.t("seeds", lang), [1, 2, 3], 1, key="tasks_seeds", bind="query-params",
                                 disabled=running, help=T.t("seeds_help", lang))
        variants = st.multiselect(T.t("variants", lang), VARIANTS, ["full", "no_aux", "no_pretrain"],
                                  key="tasks_variants", bind="query-params", format_func=lambda v: T.t(f"v_{v}", lang),
                                  disabled=running)
    b = st.columns([1, 1, 5])
    settings = Settings(task.lang, lam=lam, seeds=seeds, variants=tuple(variants) or ("full",), task=task.name,
                        **{"fit": fit_for(task.name), "layer_sweep": True, "zero_shot": True, **PAGE_LIMITS})
    b[0].button(T.t("start", lang), key="tasks_start", type="primary", disabled=running or not variants,
                on_click=_start, args=(s, settings, shell.device()))
    b[1].button(T.t("stop", lang), key="tasks_stop", disabled=not running, on_click=job.stop if job else None)
    if "tasks_error" in st.session_state:
        shell.show_error(st.session_state["tasks_error"])


def progress(job: FinetuneJob, lang: str, running: bool, poll_s: float = 2.0) -> None:
    """The progress line, polled while the job runs; the whole page redraws once it ends."""

    @st.fragment(run_every=poll_s if running else None)
    def line() -> None:
        v = job.view()
        st.progress(v.progress, text=T.t("progress", lang, status=T.t(f"status_{v.status}", lang),
                                         phase=T.t(f"phase_{v.phase}", lang), pct=100 * v.progress))
        if v.message is not None:
            shell.show_error(v.message)
        if running and not v.active:
            st.rerun(scope="app")

    line()


def _labels(lang: str, t: Task) -> dict[str, str]:
    return {"baseline": T.t("baseline", lang, acc=100 * t.baseline), "mean": T.t("mean", lang),
            "seed": T.t("seed", lang), "ours": T.t("ours", lang), "chance": T.t("chance", lang)}


def table5(v: FinetuneView, lang: str) -> None:
    """Accuracy per model over seeds, the gaps with their standard errors, and whether the task beat its baseline."""
    accs, t = v.accs(), v.task
    if v.backbone_note is not None:
        shell.show_error(v.backbone_note)
    src = v.pretrain.get("transformer")
    if src:
        st.caption(T.t("source_shipped" if src.get("shipped") else "source_own", lang, steps=src.get("steps", 0)))
    if not accs:
        return
    vn = {x: T.t(f"v_{x}", lang) for x in VARIANTS}
    st.subheader(T.t("results", lang, task=T.t(f"task_{t.name}", lang), lang_name=T.t(f"lang_{t.lang}", lang)))
    bow = "" if t.bag_of_words is None else T.t("bow_caption", lang, acc=100 * t.bag_of_words)
    st.caption(T.t("baseline_caption", lang, acc=100 * t.baseline, bow=bow, n=len(t.heldout)))
    order = [x for x in VARIANTS if x in accs]
    st.dataframe(pd.DataFrame([{T.t("col_model", lang): vn[x], T.t("col_acc", lang): "{:.1f} ± {:.1f}".format(
        *[100 * m for m in mean_std(accs[x])]), T.t("col_runs", lang): len(accs[x])} for x in order]),
        hide_index=True, width="stretch")
    st.plotly_chart(charts.table5_figure(order, vn, accs, t.baseline, _labels(lang, t), T.t("t5_title", lang),
                                         T.t("y_acc", lang)), key="tasks_t5_chart")
    if "full" in accs:
        g = gap(accs["full"], [t.baseline], len(t.heldout))
        st.markdown(T.t("beats" if g.diff > 0 and not g.within_noise else "not_beaten", lang,
                        acc=100 * mean_std(accs["full"])[0], base=100 * t.baseline))
        for other in [x for x in order if x != "full"]:
            st.markdown(gap_line(vn["full"], vn[other], gap(accs["full"], accs[other], len(t.heldout)), lang))
        nll_ce = v.results["full"].nll_ce
        if nll_ce:
            st.caption(T.t("nll_ce", lang, nll=nll_ce[0], ce=nll_ce[1]))


def nll_vs_ce_section(lang: str) -> None:
    """The notes call the fine-tuning loss "NLL" and contrast it with cross entropy: shown from the first open,
    on three logits, when the two are one number (a softmax head, a one-hot label) and when they part."""
    from core.gpt.finetune.stats import nll_vs_ce

    z, y = [2.0, 0.5, -1.0], 0
    d = nll_vs_ce(z, y)
    with st.expander(T.t("nll_header", lang)):
        st.markdown(T.t("nll_body", lang, z=", ".join(f"{v:+.1f}" for v in z), y=y,
                        p=", ".join(f"{v:.3f}" for v in d["p"])))
        rows = [("nll_row_nll", d["nll"]), ("nll_row_ce", d["ce_torch"]), ("nll_row_smooth", d["ce_torch_smoothed"]),
                ("nll_row_raw", d["nll_raw_logits"]), ("nll_row_bce", d["bce_sigmoid"])]
        st.dataframe(pd.DataFrame([{T.t("nll_col_what", lang): T.t(k, lang), T.t("nll_col_value", lang): f"{v:.4f}"}
                                   for k, v in rows]), hide_index=True, width="stretch")
        st.caption(T.t("nll_after", lang))


def zero_shot_line(zs: dict[str, dict[int, float]], chance: float, k: int, lang: str) -> str:
    """What our curves say, from their numbers: first and last point of each LM, its best, and the noise."""
    t, m = (zs[a] for a in ("transformer", "lstm"))  # m: the LSTM's curve
    return T.t("zs_ours", lang, t0=100 * t[min(t)], t1=100 * t[max(t)], n=max(t), tmax=100 * max(t.values()),
               l0=100 * m[min(m)], l1=100 * m[max(m)], lmax=100 * max(m.values()), c=100 * chance,
               se=100 * (chance * (1 - chance) / max(1, k)) ** 0.5, k=k)


def figure2(v: FinetuneView | None, task: Task, lang: str, shipped_layers: dict[int, float] | None = None) -> None:
    """Left: accuracy by pre-trained blocks kept (a run's, else the shipped sweep's). Right: zero-shot accuracy
    over pre-training, drawn at once from the curves precomputed for the shipped models (or the run's own)."""
    r = v if v is not None and v.task.name == task.name and v.task.lang == task.lang else None
    layers = (r.layers if r is not None and r.layers else None) or shipped_layers
    zs = (r.zero_shot if r is not None and r.zero_shot else None) or (
        curves(task.name, task.lang) if task.name != "classification" else None)
    st.subheader(T.t("fig2", lang))
    f1, f2 = st.columns(2)
    if layers:
        f1.plotly_chart(charts.layers_figure(layers, task.baseline, _labels(lang, task), T.t("layers_title", lang),
                                             T.t("x_layers", lang), T.t("y_acc", lang)), key="tasks_layers_chart")
    else:
        f1.info(T.t("layers_after_run", lang))
    if zs:
        f2.plotly_chart(charts.zero_shot_figure(zs, {a: T.t(f"arch_{a}", lang) for a in zs}, 1 / len(task.labels),
                                                _labels(lang, task), T.t("zs_title", lang), T.t("x_updates", lang),
                                                T.t("y_acc", lang)), key="tasks_zs_chart")
        if {"transformer", "lstm"} <= zs.keys():
            f2.caption(zero_shot_line(zs, 1 / len(task.labels), len(zero_shot_examples(task)), lang))
    elif task.name == "classification":
        f2.info(T.t("zs_none", lang))
    st.markdown(T.t("paper", lang))
    st.markdown(T.t("ours_note", lang))
