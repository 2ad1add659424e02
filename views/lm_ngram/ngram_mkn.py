"""The n-gram page's comparison of interpolated and modified Kneser–Ney, both tuned on a dev split
(core.lm.kn_compare): shipped for the shipped corpora (kn-compare-<lang>-<level>, build_models --only notes), else
computed once per corpus and level in a background job (core.notes_store)."""
from __future__ import annotations

import streamlit as st

from core.lm import kn_compare
from ui import notes_jobs
from views.lm_ngram.texts import T


def section(picked, level: str, clang: str, lang: str) -> None:
    t = lambda key, **kw: T.t(key, lang, **kw)
    st.header(t("mkn_h"))
    st.markdown(t("mkn_intro"))
    # two lines: on one, the formula is wider than the page at 1280 px and its end is cut off
    st.latex(r"\begin{aligned} P_{MKN}(w \mid h) &= \frac{\max(c(hw) - D(c(hw)),\,0)}{c(h)} \\ "
             r"&+ \frac{D_1 N_1(h\bullet) + D_2 N_2(h\bullet) + D_{3+} N_{3+}(h\bullet)}{c(h)}\,P_{MKN}(w \mid h')"
             r"\end{aligned}")
    if picked.lang_hint == "upload":
        # An upload is not tuned in the shared note store (its counts would outlive the session, and the page's own
        # counting job is the one a student waits for): the comparison is shown on the shipped corpora.
        st.info(t("mkn_upload"))
        return
    note = kn_compare.note(picked.train, picked.heldout, level, clang, picked.key)
    got = notes_jobs.value(note, "ngram_mkn", lang)
    if got is None:
        return
    rows = []
    for r in got["rows"]:
        s = r["setting"]
        setting = t("mkn_estimated") if s is None else (f"D = {s}" if r["smoothing"] == "kn" else t("mkn_factor", v=s))
        rows.append({t("mkn_col_model"): t(f"mkn_{r['smoothing']}"), t("mkn_col_n"): r["n"],
                     t("mkn_col_setting"): setting, t("mkn_col_d"): " · ".join(f"{d:.2f}" for d in r["discounts"][-1]),
                     t("mkn_col_dev"): round(r["dev_ppl"], 2), t("mkn_col_held"): round(r["heldout_ppl"], 2)})
    two = st.column_config.NumberColumn(format="%.2f")  # 29.00, not 29, beside 29.18
    st.dataframe(rows, hide_index=True, key="ngram_mkn_table",
                 column_config={t("mkn_col_dev"): two, t("mkn_col_held"): two})
    kn, mkn = (r["heldout_ppl"] for r in got["rows"])
    st.markdown(t("mkn_result", unit=T.t(f"unit_{level}", lang), mkn=mkn, kn=kn, tokens=got["heldout_tokens"],
                  dev=got["dev_tokens"]))
    st.caption(t("mkn_by_n"))
    st.dataframe([{"": t(f"mkn_{sm}"), **{f"n = {i + 1}": round(v, 2) for i, v in enumerate(got["by_n"][sm])}}
                  for sm in ("kn", "mkn")], hide_index=True, key="ngram_mkn_by_n",
                 column_config={f"n = {i + 1}": two for i in range(len(got["by_n"]["kn"]))})
