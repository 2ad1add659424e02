"""Train GPT-1 live: settings, a background training polled by a fragment, samples, attention, W_p, checkpoints."""
import streamlit as st

from core.errors import UserInputError
from core.gpt.training_job import JobSettings, TrainingJob, build_job
from core.runtime import private
from core.runtime.jobs import JobSlot
from ui import shell, train_session
from ui.safe import plain
from ui.shared_state import set_trained_gpt_source
from ui.texts.gpt_resume import T as R
from views.gpt_train.sections import checkpoint_panel, model_views, settings_form, show_live, show_watched
from views.gpt_train.texts import T


def _start(slot: JobSlot, settings: JobSettings, corpus, device) -> None:
    st.session_state.pop("gpt_error", None)
    try:
        if slot.job is None or slot.job.status in ("finished", "diverged", "failed"):
            with private.active(corpus.scope):  # an upload's tokenizer stays in this session (core.runtime.private)
                slot.replace(build_job(settings, corpus.train, corpus.heldout, device, corpus.name))
        slot.job.start()
        set_trained_gpt_source(lambda: train_session.trained(slot))
    except UserInputError as e:
        st.session_state["gpt_error"] = e


def _reset(slot: JobSlot) -> None:
    slot.replace(None)
    set_trained_gpt_source(None)
    st.session_state.pop("gpt_error", None)


lang = shell.lang()
watched = train_session.watched()  # a `?watch=` link: someone's training, shown read-only
if watched is not None and watched.job is not None:
    st.title(T.t("title", lang))
    show_watched(watched, lang)
    st.stop()
slot = train_session.attach()  # this tab's training: a reload re-attaches to it (ui/train_session.py)
job: TrainingJob | None = slot.job
st.title(T.t("title", lang))
train_session.offer_resume(slot, lang)  # a training saved before a restart: Resume / Discard
if job is None:
    st.markdown(T.t("intro", lang))
else:  # a job: the room goes to the buttons and the chart
    st.caption(T.t("intro_short", lang))
# At 1280×720 the buttons and the loss chart come first; the settings (read first, drawn below them) after.
controls, live = st.container(), st.container()
settings, corpus, valid = settings_form(lang, locked=job is not None)

# ---------------------------------------------------------------- controls
device = shell.device()
status = job.status if job else None
b = controls.columns([1, 1, 1, 4])
if status in (None, "ready", "stopped"):
    b[0].button(T.t("continue" if job and job.view().step else "start", lang), key="gpt_start", type="primary",
                disabled=not valid, on_click=_start, args=(slot, settings, corpus, device))
elif status == "running":
    b[0].button(T.t("pause", lang), key="gpt_pause", on_click=job.pause)
elif status == "paused":
    b[0].button(T.t("resume", lang), key="gpt_resume", type="primary", on_click=job.resume)
elif status == "queued":  # waiting for the server's limit (core/runtime/limiter.py): leave the queue
    b[0].button(T.t("cancel_queue", lang), key="gpt_queue_cancel", on_click=job.stop)
b[1].button(T.t("stop", lang), key="gpt_stop", disabled=status not in ("running", "paused"),
            on_click=(job.stop if job else None))
b[2].button(T.t("reset", lang), key="gpt_reset", disabled=job is None, on_click=_reset, args=(slot,))
with controls:
    if "gpt_error" in st.session_state:
        shell.show_error(st.session_state["gpt_error"])
    if "gpt_info" in st.session_state:
        info_step, info_label = st.session_state.pop("gpt_info")
        st.success(T.t("loaded", lang, step=info_step, label=plain(info_label)))
    if job is None:
        st.info(T.t("no_job", lang))
    elif b[3].toggle(R.t("share", lang), key="gpt_share", help=R.t("share_help", lang)):
        st.caption(R.t("share_link", lang))
        st.code(train_session.share_link(lang) or "–", language=None)

# ---------------------------------------------------------------- live view (polled), then the model itself
views_shown = job is not None and job.view().step > 0
with live:
    show_live(slot, lang, status, views_shown)
if not views_shown:
    st.stop()
model_views(slot, job, corpus, lang)
checkpoint_panel(slot, job, settings, corpus, device, lang)
