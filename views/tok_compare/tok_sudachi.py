"""The tokenizer comparison page's Sudachi section: one text in split modes A / B / C beside MeCab."""
from __future__ import annotations

import streamlit as st

from core.charts.tokens import chips_html
from core import notes_specs
from core.corpus import load_shipped
from core.tokenizers import mecab, sudachi
from core.tokenizers.compare import Token
from ui import notes_jobs
from ui.texts.notes_checks import T

EXAMPLES = ("読売巨人軍", "外国人参政権", "選挙管理委員会")


def corpus_counts(lang: str) -> dict[str, tuple[int, int]] | None:
    """Tokens and distinct tokens of the shipped corpus per split: shipped in assets/models/notes/ (~3 s to
    compute), else computed once in a background job (None meanwhile, its progress drawn)."""
    got = notes_jobs.value(notes_specs.sudachi_counts(lang), "tokc_sudachi_counts", lang)
    return None if got is None else {k: tuple(v) for k, v in got.items()}


def _chips(morphemes) -> str:
    return chips_html([Token(m.surface, None, False, m.pos) for m in morphemes], show_ids=False)


def three_modes(text: str, lang: str) -> None:
    """Draw the section for the typed `text` (already checked); CHIP_CSS is on the page already."""
    st.subheader(T.t("sudachi_h", lang))
    if not sudachi.available():
        st.info(T.t("sudachi_missing", lang))
        return
    st.markdown(T.t("sudachi_intro", lang))
    ways = sudachi.three_ways(text)
    st.markdown(f"**{T.t('sudachi_typed', lang)}**")
    for mode, ms in ways.items():
        st.markdown(T.t("sudachi_count", lang, name=T.t(f"sudachi_mode_{mode}", lang), n=len(ms)))
        st.markdown(_chips(ms), unsafe_allow_html=True)
    ms = mecab.morphemes(text)
    st.markdown(T.t("sudachi_count", lang, name=T.t("sudachi_mecab", lang), n=len(ms)))
    st.markdown(_chips(ms), unsafe_allow_html=True)

    st.markdown(f"**{T.t('sudachi_examples', lang)}**")
    st.dataframe([{T.t("sudachi_col_text", lang): ex,
                   **{T.t(f"sudachi_mode_{m}", lang): " | ".join(sudachi.split(ex, m)) for m in sudachi.MODES},
                   T.t("sudachi_mecab", lang): " | ".join(mecab.split(ex))} for ex in EXAMPLES],
                 hide_index=True, key="tokc_sudachi_examples")
    st.caption(T.t("sudachi_carrot", lang))
    c = corpus_counts("ja")
    if c is None:
        return
    st.caption(T.t("sudachi_summary", lang, chars=len(load_shipped("ja")), a=c["A"][0], va=c["A"][1],
                   b=c["B"][0], vb=c["B"][1], c=c["C"][0], vc=c["C"][1], m=c["mecab"][0], vm=c["mecab"][1]))
