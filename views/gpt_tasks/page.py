"""GPT-1's task formats (Figure 1) trained for real, Table 5 with its noise, and Figure 2, in a background job.
The sections live in views/gpt_tasks/sections.py; this page is their table of contents."""
import streamlit as st

from core.gpt.finetune.tasks import TASKS
from ui import shell
from views.gpt_tasks import sections as view
from views.gpt_tasks import shipped
from views.gpt_tasks.texts import T

lang, slot = shell.lang(), view.slot()
job = slot.job
running = job is not None and job.status == "running"
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

# ---------------------------------------------------------------- which task, in which language
c1, c2 = st.columns(2)
task_name = c1.radio(T.t("task", lang), TASKS, key="tasks_task", bind="query-params",
                     format_func=lambda k: T.t(f"task_{k}", lang))
data_lang = c2.radio(T.t("data_lang", lang), ["en", "ja"], index=1 if lang == "ja" else 0, key="tasks_lang",
                     bind="query-params", format_func=lambda k: T.t(f"lang_{k}", lang))
st.markdown(T.t(f"how_{task_name}", lang))
task = view.load(task_name, data_lang)

# ---------------------------------------------------------------- Figure 1: what the model reads
view.figure1(task, data_lang, lang)

# ---------------------------------------------------------------- measured at build time, all four formats
measured = shipped.show(data_lang, lang)
view.nll_vs_ce_section(lang)

# ---------------------------------------------------------------- the experiment: Table 5
view.controls(slot, task, lang, running)
if job is None:
    st.info(T.t("no_job", lang))
else:
    view.progress(job, lang, running)
    view.table5(job.view(), lang)

# ---------------------------------------------------------------- Figure 2: layers kept, zero-shot
view.figure2(job.view() if job is not None else None, task, lang, shipped.layers(measured, task_name))
