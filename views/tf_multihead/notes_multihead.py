"""The multi-head page's additions from the notes: composition across heads vs through layers (measured on
the model shown), and MiniLM's uncased vocabulary on Japanese (dakuten stripped), shown on real text."""
from __future__ import annotations

import streamlit as st

from core.charts.notes import reach_figure
from core.japanese import has_japanese
from core.textcheck import check_text
from core.errors import UserInputError
from core.transformer.composition import Composition, composition
from core.transformer.pretrained import ModelAttention
from core.transformer.wordpiece_ja import reading
from ui import figcache
from ui.texts.notes_checks import T
from views.tf_multihead.sections import _minilm  # the page's cached MiniLM: one copy in memory

JA_EXAMPLES = ("ガラスのコップ", "今日は雨が降りました。")


@st.cache_data(max_entries=32, show_spinner=False)
def _composition(fp: str, _ma: ModelAttention) -> Composition:
    return composition(_ma.attn)


def composition_section(ma: ModelAttention, lang: str) -> Composition:
    """Heads in one layer vs layers in sequence, on the attention the page already computed."""
    fp = ma.fingerprint()
    c = _composition(fp, ma)
    st.header(T.t("comp_h", lang))
    st.markdown(T.t("comp_intro", lang))
    last = len(c.single_reach)
    st.markdown(T.t("comp_numbers", lang, h=c.n_head, d1=c.disagree[0], dl=c.disagree[-1], t1=c.distinct_tops[0],
                    L=last, r1=c.rollout_reach[0], rl=c.rollout_reach[-1], smax=max(c.single_reach)))
    names = (T.t("comp_single", lang), T.t("comp_rollout", lang))
    # built once per sentence, not per slider
    st.plotly_chart(figcache.figure(("mha_comp", fp), lang, lambda: reach_figure(
        c.single_reach, c.rollout_reach, names, T.t("comp_fig_title", lang), T.t("comp_fig_x", lang),
        T.t("comp_fig_y", lang))), key="mha_comp_fig")
    st.caption(T.t("comp_note", lang))
    return c


@st.cache_data(max_entries=16, show_spinner=False)
def _readings(texts: tuple[str, ...]) -> list:
    tok = _minilm().tokenizer
    return [reading(tok, t) for t in texts]


def minilm_japanese(choice: str, text: str, lang: str) -> None:
    """When MiniLM is shown: its actual tokenization of Japanese examples (and of the typed text)."""
    if choice != "minilm":
        return
    try:
        typed = check_text(text).text
    except UserInputError:  # the page has already said what is wrong with the text
        return
    texts = ((typed,) if has_japanese(typed) and typed not in JA_EXAMPLES else ()) + JA_EXAMPLES
    st.markdown(T.t("mini_h", lang))
    rows = _readings(tuple(t[:200] for t in texts))
    st.table([{T.t("mini_col_text", lang): r.text, T.t("mini_col_pieces", lang): " ".join(r.pieces),
                   T.t("mini_col_reads", lang): r.reads_as,
                   T.t("mini_col_changed", lang): ", ".join(f"{a}→{b}" for a, b in r.changed),
                   T.t("mini_col_unk", lang): r.unknown} for r in rows])
    glass = next(r for r in rows if r.text == JA_EXAMPLES[0])
    st.caption(T.t("mini_note", lang, text=glass.text, reads=glass.reads_as))
