"""The encoder–decoder page's model: ready at once from the cache, or a shared background training
shown with progress, ETA and a cancel button, polled by a fragment (the page itself never waits)."""
from __future__ import annotations

import streamlit as st

from core.errors import UserInputError
from core.transformer import encoder_decoder_job as jobs
from core.transformer.encoder_decoder import Seq2Seq, Seq2SeqConfig
from core.transformer.encoder_decoder_train import TrainReport
from ui import shell
from ui.guard import guarded
from views.tf_encoder_decoder.texts import T

POLL_S = 1.0


@st.fragment(run_every=POLL_S)
@guarded
def _progress(cfg: Seq2SeqConfig, lang: str) -> None:
    job = jobs.model_or_job(cfg, start=False)
    if not isinstance(job, jobs.EncoderDecoderJob) or not job.state().active:
        st.rerun(scope="app")  # trained (or stopped, or failed): draw the whole page again
    s = job.state()
    text = T.t("progress", lang, step=int(s.progress * cfg.steps), total=cfg.steps)
    if job.last_loss is not None:
        text += T.t("progress_loss", lang, loss=job.last_loss)
    if s.eta_s is not None:
        text += T.t("eta", lang, secs=s.eta_s)
    st.progress(s.progress, text=text)


def trained_model(cfg: Seq2SeqConfig, lang: str) -> tuple[Seq2Seq, TrainReport] | None:
    """The model of `cfg`, or None after drawing the training's state (the page then stops)."""
    try:
        got = jobs.model_or_job(cfg)
    except UserInputError as e:  # too many trainings on the server right now
        shell.show_error(e)
        return None
    if not isinstance(got, jobs.EncoderDecoderJob):
        return got
    s = got.state()
    if s.message is not None:
        shell.show_error(s.message)
    if s.active:
        st.info(T.t("preparing", lang))
        _progress(cfg, lang)
        st.button(T.t("cancel", lang), key="encdec_cancel", on_click=got.stop)
    elif got.result is not None:
        return got.result
    else:
        if s.status != "failed":  # a failure has said why above
            st.info(T.t("cancelled", lang))
        st.button(T.t("train_again", lang), key="encdec_train", type="primary", on_click=_restart, args=(cfg,))
    return None


def _restart(cfg: Seq2SeqConfig) -> None:
    try:
        jobs.restart(cfg)
    except UserInputError as e:
        st.session_state["encdec_error"] = e
