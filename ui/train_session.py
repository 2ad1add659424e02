"""A page's job across reloads and dropped connections; the training page's also across server restarts.

- `leased_slot(kind)`: this tab's JobSlot for one page's job ("finetune", "tasks", ...), held by a lease
  (core.runtime.sessions) named by the tab's token in the URL: a reload re-attaches to the running job,
  and a closed tab's job stops GRACE_S after its last session ended. Every page with a job uses this.
- `attach()`: the training page's leased slot ("train"), held by a lease (core.runtime.sessions) named by a token in
the URL
  (`?run=…`). A reload keeps the URL, so the new session re-attaches to the running training; when the
  last session of a token ends (websocket closed), the lease waits GRACE_S before stopping the job.
  The session-end hook only records the time: it never waits for a thread.
- Every job put in the slot autosaves under the token (core.gpt.checkpoints.autosave); Reset discards the file.
- `offer_resume()`: with no job in the slot and a file on disk (the server restarted, or the grace
  period ran out), "a training from <time>, step N, was interrupted — Resume / Discard".
- A token counts only in the browser that made it (bound to its secret, ui/owner.py): a token from a
  copied address or a hand-written link is treated as no token, so the page is a new visitor's.
- `watched()`: a read-only view given on purpose (`?watch=<share token>`, made by `share_link()`).
"""
from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.errors import UserInputError
from core.gpt.checkpoints import autosave
from core.gpt.checkpoints.files import load_checkpoint
from core.gpt.training_job import TrainingJob
from core.runtime.jobs import BackgroundJob, JobSlot
from core.runtime.sessions import LEASES, new_token, owns
from ui import owner, shell
from ui.safe import plain
from ui.shared_state import TRAINED_GPT_SOURCE_KEY, TrainedGPT, set_trained_gpt_source
from ui.texts.gpt_resume import T

PARAM = "run"  # the URL's query parameter
WATCH = "watch"  # the URL's parameter of a read-only view given on purpose
KEY = "gpt_run_token"  # the session's copy (another page's link drops the URL parameter)


class _Hold:
    """One session's hold on a lease; released when Streamlit ends the session."""

    def __init__(self, token: str, session_id: str, kind: str):
        self.token, self.session_id, self.kind = token, session_id, kind

    def release(self) -> None:
        LEASES.detach(self.token, self.session_id, self.kind)  # records the time only: the reaper stops the job later


@st.cache_resource(scope="session", on_release=lambda hold: hold.release(), show_spinner=False)
def _hold(token: str, session_id: str, kind: str) -> _Hold:
    return _Hold(token, session_id, kind)


def run_token() -> str:
    """This tab's token: the session's, else the URL's if this browser made it (a reload), else a new one;
    kept in the URL. Someone else's token (a copied address) is treated exactly like no token."""
    secret = owner.secret()
    token = st.session_state.get(KEY)
    if not owns(secret, token):
        from_url = st.query_params.get(PARAM)
        token = from_url if owns(secret, from_url) else new_token(secret)
        st.session_state[KEY] = token
    if st.query_params.get(PARAM) != token:
        st.query_params[PARAM] = token
    return token


def _session_id() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "bare"


def trained(slot: JobSlot) -> TrainedGPT | None:
    """What the other pages get: a snapshot of this session's model, once it has trained a step."""
    job = slot.job
    if job is None or job.view().step == 0:
        return None
    v = job.view()
    val = f" · val {v.last_val:.3f}" if v.last_val is not None else ""
    return TrainedGPT(job.model_snapshot(), job.tokenizer, f"{job.label} · step {v.step}{val}", v.step)


def _on_job(token: str, job: BackgroundJob | None) -> None:
    """A job entered the slot: it autosaves under the token. None (Reset): the saved training goes too."""
    if job is None:
        autosave.discard(token)
        return
    if isinstance(job, TrainingJob) and job.autosave_path != autosave.checkpoint_path(token):
        autosave.discard(token)  # a new training replaces the saved one (a resumed one already points there)
        job.autosave_path, job.corpus_path = autosave.checkpoint_path(token), autosave.corpus_path(token)


def leased_slot(kind: str) -> JobSlot:
    """This tab's JobSlot for `kind` (one per page with a job), kept across a reload for the grace period."""
    token, sid = run_token(), _session_id()
    slot = LEASES.attach(token, sid, kind)
    _hold(token, sid, kind)  # its release (session end) detaches
    LEASES.start_reaper()
    return slot


def attach() -> JobSlot:
    """The training's JobSlot, kept alive across a reload for the lease's grace period; it autosaves."""
    token = run_token()
    slot = leased_slot("train")
    if slot.on_job is None:
        slot.on_job = functools.partial(_on_job, token)
        if slot.job is not None:
            _on_job(token, slot.job)
    if slot.job is not None and st.session_state.get(TRAINED_GPT_SOURCE_KEY) is None:
        set_trained_gpt_source(lambda: trained(slot))  # a reloaded tab's other pages see the model too
    return slot


def _resume(slot: JobSlot, token: str, device, start: bool) -> None:
    st.session_state.pop("gpt_error", None)
    try:
        ck = load_checkpoint(autosave.checkpoint_path(token))
        name, train, heldout = autosave.read_corpus(token)
        job = TrainingJob.resumed(ck, train, heldout, device, ck.extra.get("label") or name)
        job.autosave_path, job.corpus_path = autosave.checkpoint_path(token), autosave.corpus_path(token)
        slot.replace(job)
        set_trained_gpt_source(lambda: trained(slot))
        if start:
            job.start()
        st.session_state["gpt_resumed"] = ck.step
    except UserInputError as e:
        st.session_state["gpt_error"] = e


def offer_resume(slot: JobSlot, lang: str) -> None:
    """With no job here and a training saved under this tab's token: say so, offer Resume / Discard."""
    step = st.session_state.pop("gpt_resumed", None)
    if step is not None:
        st.success(T.t("resumed", lang, step=step))
    token = st.session_state.get(KEY)
    if slot.job is not None or not owns(owner.secret(), token):
        return
    saved = autosave.peek(token)
    if saved is None:
        return
    when = datetime.datetime.fromtimestamp(saved.saved_at).strftime("%Y-%m-%d %H:%M")
    st.warning(T.t("finished" if saved.finished else "interrupted", lang, time=when, step=saved.step,
                   total=saved.max_iters, label=plain(saved.label, 120)))
    b = st.columns([1, 1, 5])
    b[0].button(T.t("open" if saved.finished else "resume", lang), key="gpt_resume_saved", type="primary",
                on_click=_resume, args=(slot, token, shell.device(), not saved.finished))
    b[1].button(T.t("discard", lang), key="gpt_discard_saved", on_click=autosave.discard, args=(token,))


def watched() -> JobSlot | None:
    """The training a `?watch=` link shows read-only, or None (no such link, or its run has ended)."""
    return LEASES.watch(st.query_params.get(WATCH), "train")


def share_link(lang: str) -> str | None:
    """The read-only link to this tab's training (progress and loss curves only), or None without one."""
    share = LEASES.share(run_token(), "train")
    if share is None:
        return None
    query = urlencode({WATCH: share, "lang": lang})
    parts = urlsplit(st.context.url or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return "?" + query  # no address known (tests): relative to the page
