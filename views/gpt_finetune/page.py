"""Fine-tuning with an auxiliary LM loss, and GPT-1's Table 5 ablations run in a background thread."""
import streamlit as st

from core.errors import UserInputError
from core.gpt.finetune import BUDGETS, FinetuneJob, Settings
from core.gpt.topic_data import load_topic_data
from core.runtime.jobs import JobSlot
from ui import shell, train_session
from views.gpt_finetune.sections import live_view, results, settings_form, task_overview
from views.gpt_finetune.notes_finetune import gpt1_background
from views.gpt_finetune.texts import T


def _run(slot: JobSlot, settings: Settings, device, live) -> None:
    st.session_state.pop("ft_error", None)
    try:
        job = FinetuneJob(settings, device, live)
        slot.replace(job)
        job.start()
    except UserInputError as e:
        st.session_state["ft_error"] = e


lang = shell.lang()
slot = train_session.leased_slot("finetune")  # this tab's experiment: a reload re-attaches to it
job: FinetuneJob | None = slot.job
running = job is not None and job.status == "running"
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
st.latex(r"P(y \mid u_1,\dots,u_m) = \mathrm{softmax}\big(h_n^{\,m}\, W_y\big) \qquad "
         r"L_2 = -\sum_{(u,y)} \log P(y \mid u_1,\dots,u_m)")
st.latex(r"L_1 = -\sum_i \log P(u_i \mid u_{i-k},\dots,u_{i-1}) \qquad L_3 = L_2 + \lambda \cdot L_1")
st.markdown(T.t("formats", lang))
gpt1_background(lang)
settings, corpus, budget, live = settings_form(lang, running, expanded=job is None)
task_overview(load_topic_data(corpus, max_chars=BUDGETS[budget].max_chars), corpus, budget, lang)

# ---------------------------------------------------------------- controls
b = st.columns([1, 1, 1, 4])
b[0].button(T.t("run", lang), key="ft_run", type="primary", disabled=running or settings is None, on_click=_run,
            args=(slot, settings, shell.device(), live))
b[1].button(T.t("stop", lang), key="ft_stop", disabled=not running, on_click=job.stop if job else None)
b[2].button(T.t("reset", lang), key="ft_reset", disabled=job is None or running, on_click=slot.replace, args=(None,))
if "ft_error" in st.session_state:
    shell.show_error(st.session_state["ft_error"])
if job is None:
    st.info(T.t("no_job", lang))
    st.stop()
live_view(job, lang, running)
if job.backbone_note is not None:  # a shipped backbone is missing or damaged: offer to rebuild it
    from ui.background import offer_missing_backbones

    offer_missing_backbones(job.settings.lang, lang)
if job.view().results:
    results(job, lang)
