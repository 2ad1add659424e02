"""The fine-tuning page's background from the notes: what came before GPT-1, and why LSTMs were slow to
train on GPUs, tied to the LSTM baseline the app trains (its time per token as measured by scripts/build_models.py
--only step_times, with the date and load)."""
from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from core.gpt.timing.step_time import StepTimes, from_dict
from ui.texts.notes_checks import T

MEASURED = Path(__file__).resolve().parents[2] / "assets" / "measurements" / "step-times.json"


@st.cache_data(show_spinner=False)
def step_times() -> tuple[StepTimes, dict] | None:
    """The stored measurement (scripts/build_models.py --only step_times), or None when the file is missing or
    damaged."""
    try:
        raw = json.loads(MEASURED.read_text(encoding="utf-8"))
        return from_dict(raw), raw
    except (OSError, ValueError, TypeError):
        return None


def gpt1_background(lang: str) -> None:
    with st.expander(T.t("bg_h", lang)):
        st.markdown(T.t("bg_text", lang))
        got = step_times()
        if got is None:
            st.info(T.t("bg_missing", lang))
            return
        s, raw = got
        st.table([{T.t("bg_col_model", lang): T.t("bg_gpt", lang), T.t("bg_col_params", lang): s.gpt_params,
                       T.t("bg_col_chain", lang): s.gpt_chain, T.t("bg_col_ms", lang): round(s.gpt_ms_per_token, 3)},
                      {T.t("bg_col_model", lang): T.t("bg_lstm", lang), T.t("bg_col_params", lang): s.lstm_params,
                       T.t("bg_col_chain", lang): s.lstm_chain, T.t("bg_col_ms", lang): round(s.lstm_ms_per_token, 3)}])
        st.markdown(T.t("bg_measured", lang, ratio=s.ratio, T=s.T, batch=s.batch, lc=s.lstm_chain, gc=s.gpt_chain))
        st.caption(T.t("bg_where", lang, device=s.device, threads=s.threads, torch=s.torch_version,
                       load=", ".join(str(x) for x in raw.get("load_avg_1min", [])), when=raw.get("measured", "?")))
