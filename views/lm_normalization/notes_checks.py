"""Sections that check the notes' claims on the page that teaches them, with the measured number.

Each function draws one section from values a page already computed (or computes them through a cached
core call); the page adds one line to call it.
"""
from __future__ import annotations

import streamlit as st

from core.lm.normalize import FormStats, steps
from ui.texts.notes_checks import T
from views.lm_normalization.texts import T as NORM


def normalization_verdict(rows: list[FormStats], lang: str) -> None:
    """What each normalization step does to held-out bits per character, said from the numbers."""
    lines = []
    for s in steps(rows):
        d = 100 * (s.bpc_after / s.bpc_before - 1)
        # a change that prints as ±0.0 % is not called a help or a harm: the page shows no more than that digit
        key = "norm_step_flat" if abs(d) < 0.05 else "norm_step_helps" if s.helps else "norm_step_hurts"
        lines.append("- " + T.t(key, lang, step=NORM.t(f"form_{s.after}", lang), a=s.bpc_before, b=s.bpc_after, d=d))
    st.markdown(T.t("norm_verdict_h", lang) + "\n" + "\n".join(lines))
    by_form = {r.form: r for r in rows}
    if "nfkc_kana" in by_form:
        a, b = by_form["nfkc"], by_form["nfkc_kana"]
        if b.bits_per_char > a.bits_per_char:
            st.caption(T.t("norm_kana_why", lang, pa=a.heldout_ppl, pb=b.heldout_ppl, ta=a.heldout_tokens,
                           tb=b.heldout_tokens))
