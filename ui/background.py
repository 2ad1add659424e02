"""Background jobs on a page: a progress line with ETA and a cancel button, and the "rebuild this model"
offer shown next to the message about a missing or damaged shipped artifact.

    watch(job, "sweep", lang, what)      # while a core.runtime BackgroundJob runs (polled by a fragment)
    offer_rebuild("gpt", "en", lang)     # a button running core.shipped.rebuild's job, shared by every session

The job's thread never touches Streamlit; a fragment polls `job.state()` and redraws the whole page
when the job ends, so the page then shows its result (AppTest never ticks fragments: tests rerun).
"""
from __future__ import annotations

import streamlit as st

from core.errors import UserInputError
from core.shipped import rebuild
from core.runtime import private
from core.runtime.jobs import BackgroundJob
from ui import shell
from ui.guard import guarded
from ui.texts.background import T, duration

POLL_S = 0.5


def progress_line(job: BackgroundJob, what: str, lang: str, estimated: bool = False) -> None:
    s = job.state()
    text = T.t("progress", lang, what=what, pct=100 * s.progress)
    if s.eta_s is not None:
        text += T.t("eta", lang, eta=duration(s.eta_s, lang)) + (T.t("estimated", lang) if estimated else "")
    st.progress(s.progress, text=text)


@st.fragment(run_every=POLL_S)
@guarded
def _poll(job: BackgroundJob, what: str, lang: str, estimated: bool) -> None:
    if not job.state().active:
        st.rerun(scope="app")  # finished, stopped or failed: the page draws the outcome
    progress_line(job, what, lang, estimated)


def watch(job: BackgroundJob, key: str, lang: str, what: str, estimated: bool = False) -> None:
    """While `job` runs: its progress (polled) and a Cancel button (`<key>_cancel`); afterwards its message."""
    s = job.state()
    if s.active:
        _poll(job, what, lang, estimated)
        st.button(T.t("cancel", lang), key=f"{key}_cancel", on_click=job.stop)
    elif s.message is not None:
        shell.show_error(s.message)


def outcome(got, key: str, lang: str, what: str, running: str, restart, args: tuple):
    """`got` is a result or the BackgroundJob computing it (with a `result` attribute once finished).

    Returns the result; or draws the job's state and returns None: while it runs, `running` and its
    progress with a Cancel button; once cancelled or failed, why, and a "Start again" button calling
    `restart(*args)` (the page then stops)."""
    if not isinstance(got, BackgroundJob):
        return got
    if getattr(got, "result", None) is not None:
        watch(got, key, lang, what)  # only its message, if any (e.g. the cache could not be written)
        return got.result
    if got.state().active:
        st.info(running)
        watch(got, key, lang, what)
        return None
    watch(got, key, lang, what)
    st.info(T.t("stopped", lang))
    st.button(T.t("again", lang), key=f"{key}_again", type="primary", on_click=_in_scope,
              args=(private.current(), restart, args))  # an upload's job restarts in its session's scope
    return None


def _in_scope(scope: private.Scope | None, fn, args: tuple) -> None:
    with private.active(scope):
        fn(*args)


def _start(kind: str, lang: str, key: str) -> None:
    st.session_state.pop(f"{key}_error", None)
    try:
        rebuild.start(kind, lang)
    except UserInputError as e:  # too many jobs on the server right now
        st.session_state[f"{key}_error"] = e


def offer_rebuild(kind: str, lang: str, ui_lang: str) -> None:
    """Below a "cannot be used" message: the rebuild button, or the running rebuild's progress.

    Once a rebuild finishes, the fragment reruns the page, whose loader then finds the rebuilt file and
    no longer calls this; a finished rebuild seen here did not help, so the button is offered again."""
    key = f"rebuild_{kind}_{lang}"
    name = T.t(f"n_{kind}", ui_lang, code=lang)
    job = rebuild.current(kind, lang)
    if f"{key}_error" in st.session_state:
        shell.show_error(st.session_state[f"{key}_error"])
    if job is not None and job.state().active:
        watch(job, key, ui_lang, T.t("rebuild_what", ui_lang, name=name), estimated=True)
        return
    if job is not None and job.state().message is not None:
        shell.show_error(job.state().message)
    minutes = duration(rebuild.expected_seconds(kind, lang), ui_lang)
    st.button(T.t("rebuild", ui_lang, n=minutes), key=key, on_click=_start, args=(kind, lang, key),
              help=T.t("rebuild_help", ui_lang, kind=kind, code=lang))


def offer_missing_backbones(lang: str, ui_lang: str) -> None:
    """The fine-tuning page's fallback: a rebuild button for each shipped backbone (GPT, LSTM) that cannot be used."""
    from core.shipped import models as shipped

    for kind, load in (("gpt", shipped.load_gpt), ("lstm", shipped.load_lstm)):
        try:
            load(lang)
        except UserInputError:
            offer_rebuild(kind, lang, ui_lang)
