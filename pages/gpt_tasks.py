"""GPT-1's task formats (Figure 1) trained for real, Table 5 with its noise, and Figure 2, in a background job."""
import pandas as pd
import streamlit as st

from core.charts import transfer as charts
from core.errors import UserInputError
from core.gpt.tasks.transforms import ROLES
from core.gpt.transfer.data import examples_to_show, labelled_rows, load_task
from core.gpt.transfer.fit import source_tokenizer
from core.gpt.transfer.heads import TASKS
from core.gpt.transfer.job import PAGE_LIMITS, VARIANTS, TransferJob, TransferSettings
from core.gpt.transfer.stats import gap, mean_std
from core.runtime.jobs import JobSlot
from ui import shell
from ui.texts.gpt_tasks import T, gap_line, row_names

POLL_S = 2.0
load = st.cache_resource(show_spinner=False)(load_task)
tokenizer = st.cache_resource(show_spinner=False)(source_tokenizer)


@st.cache_resource(scope="session", on_release=lambda slot: slot.close(), show_spinner=False)
def _slot() -> JobSlot:
    return JobSlot()  # this session's experiment; closing the tab stops it


def _start(slot: JobSlot, settings: TransferSettings, device) -> None:
    st.session_state.pop("tasks_error", None)
    try:
        slot.replace(TransferJob(settings, device))
        slot.job.start()
    except UserInputError as e:
        st.session_state["tasks_error"] = e


lang, slot = shell.lang(), _slot()
job = slot.job
running = job is not None and job.status == "running"
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
c1, c2 = st.columns(2)
task_name = c1.radio(T.t("task", lang), TASKS, key="tasks_task", bind="query-params", format_func=lambda k: T.t(f"task_{k}", lang))
data_lang = c2.radio(T.t("data_lang", lang), ["en", "ja"], index=1 if lang == "ja" else 0, key="tasks_lang", bind="query-params",
                     format_func=lambda k: T.t(f"lang_{k}", lang))
st.markdown(T.t(f"how_{task_name}", lang))

# ---------------------------------------------------------------- Figure 1: what the model reads
task, tok = load(task_name, data_lang), tokenizer(data_lang)
shown = examples_to_show(task)
i = st.slider(T.t("example", lang), 1, len(shown), 1, key="tasks_example", bind="query-params") - 1
rows = labelled_rows(task, shown[i], tok, 64)
role_names = {r: (ja if lang == "ja" else en) for r, (en, ja) in ROLES.items()}
st.plotly_chart(charts.sequence_figure(rows, row_names(task_name, len(rows), lang), role_names, T.t("seq_title", lang)),
                key="tasks_seq_chart")
en, ja = task.labels[shown[i].label]
st.caption(T.t("gold", lang, label=ja if lang == "ja" else en))  # our label names, never user text

# ---------------------------------------------------------------- the experiment
with st.expander(T.t("settings", lang), expanded=job is None):
    s1, s2 = st.columns(2)
    lam = s1.slider(T.t("lam", lang), 0.0, 2.0, 0.5, 0.1, key="tasks_lam", disabled=running, help=T.t("lam_help", lang))
    seeds = s2.select_slider(T.t("seeds", lang), [1, 2, 3], 1, key="tasks_seeds", disabled=running,
                             help=T.t("seeds_help", lang))
    variants = st.multiselect(T.t("variants", lang), VARIANTS, ["full", "no_aux", "no_pretrain"], key="tasks_variants",
                              format_func=lambda v: T.t(f"v_{v}", lang), disabled=running)
b = st.columns([1, 1, 5])
b[0].button(T.t("start", lang), key="tasks_start", type="primary", disabled=running or not variants, on_click=_start,
            args=(slot, TransferSettings(data_lang, task_name, lam, seeds, tuple(variants) or ("full",), **PAGE_LIMITS),
                  shell.device()))
b[1].button(T.t("stop", lang), key="tasks_stop", disabled=not running, on_click=job.stop if job else None)
if "tasks_error" in st.session_state:
    shell.show_error(st.session_state["tasks_error"])
if job is None:
    st.info(T.t("no_job", lang))
    st.stop()


@st.fragment(run_every=POLL_S if running else None)
def progress() -> None:
    v = job.view()
    st.progress(v.progress, text=T.t("progress", lang, status=T.t(f"status_{v.status}", lang),
                                     phase=T.t(f"phase_{v.phase}", lang), pct=100 * v.progress))
    if v.message is not None:
        shell.show_error(v.message)
    if running and not v.active:  # finished or stopped: redraw the page (buttons, results)
        st.rerun(scope="app")


progress()
v = job.view()
r, t = v.results, v.task
vn = {x: T.t(f"v_{x}", lang) for x in VARIANTS}
base = {"baseline": T.t("baseline", lang, acc=100 * t.baseline), "mean": T.t("mean", lang), "seed": T.t("seed", lang),
        "ours": T.t("ours", lang), "chance": T.t("chance", lang)}
if r.accs:
    st.subheader(T.t("results", lang, task=T.t(f"task_{t.name}", lang), lang_name=T.t(f"lang_{t.lang}", lang)))
    st.caption(T.t("baseline_caption", lang, acc=100 * t.baseline, maj=100 * t.majority, n=len(t.heldout)))
    order = [x for x in VARIANTS if x in r.accs]
    st.dataframe(pd.DataFrame([{T.t("col_model", lang): vn[x], T.t("col_acc", lang): "{:.1f} ± {:.1f}".format(
        *[100 * m for m in mean_std(r.accs[x])]), T.t("col_runs", lang): len(r.accs[x])} for x in order]),
        hide_index=True, width="stretch")
    st.plotly_chart(charts.table5_figure(order, vn, r.accs, t.baseline, base, T.t("t5_title", lang), T.t("y_acc", lang)),
                    key="tasks_t5_chart")
    for other in [x for x in order if x != "full"] if "full" in r.accs else []:
        st.markdown(gap_line(vn["full"], vn[other], gap(r.accs["full"], r.accs[other], len(t.heldout)), lang))
    if r.nll_ce:
        st.caption(T.t("nll_ce", lang, nll=r.nll_ce[0], ce=r.nll_ce[1]))
if r.layers or r.zero_shot or v.status == "finished":
    st.subheader(T.t("fig2", lang))
    f1, f2 = st.columns(2)
    if r.layers:
        f1.plotly_chart(charts.layers_figure(r.layers, t.baseline, base, T.t("layers_title", lang), T.t("x_layers", lang),
                                             T.t("y_acc", lang)), key="tasks_layers_chart")
    if r.zero_shot:
        f2.plotly_chart(charts.zero_shot_figure(r.zero_shot, {a: T.t(f"arch_{a}", lang) for a in r.zero_shot},
                        1 / len(t.labels), base, T.t("zs_title", lang),
                        T.t("x_updates", lang), T.t("y_acc", lang)), key="tasks_zs_chart")
    elif t.name == "classification":
        f2.info(T.t("zs_none", lang))
    st.markdown(T.t("paper", lang))
    st.markdown(T.t("ours_note", lang))
