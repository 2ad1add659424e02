"""The Multi-head page's model side: loaders cached per process, the attention of the chosen model on a
sentence, and the figures that depend only on that sentence (built once per sentence, not per slider move).

Kept out of views/tf_multihead/page.py so the page is only its widgets and their layout.
"""
from __future__ import annotations

import streamlit as st

from core.charts import attention as C
from core.charts.style import FONT_SCALE
from core.errors import UserInputError
from core.japanese import has_japanese
from core.textcheck import check_text
from core.transformer import attention_study as A
from core.transformer import pretrained as P
from core.transformer.bertviz_html import DEFAULT_MAX_TOKENS, build_view
from ui import shell
from ui.figcache import freeze
from ui.safe import plain
from ui.texts.common import T as COMMON
from views.tf_multihead.texts import T

MAX_TOKENS = 64  # the grid and bertviz stay readable (and bertviz's HTML small) up to here


@st.cache_resource(show_spinner=False)
def _minilm() -> P.HFModel:
    return P.load_minilm()


@st.cache_resource(show_spinner=False, max_entries=2)
def _custom(name: str) -> P.HFModel:
    return P.load_hf(name)


@st.cache_resource(show_spinner=False, max_entries=4)
def _random_gpt(text: str):
    return P.random_gpt(text)


@st.cache_data(show_spinner=False, max_entries=16)
def _hf_attention(label: str, text: str, _m: P.HFModel) -> P.ModelAttention:
    return P.hf_attention(_m, text, MAX_TOKENS)


@st.cache_data(show_spinner=False, max_entries=8)
def bertviz(view: str, key: str, _ma: P.ModelAttention):
    return build_view(_ma.attn, _ma.tokens, view=view, max_tokens=DEFAULT_MAX_TOKENS)


@st.cache_resource(show_spinner=False, max_entries=16)  # per (model, sentence): a forward, not per slider move
def _gpt_attention(label: str, model_id: int, text: str, _model, _tok) -> P.ModelAttention:
    return P.gpt_attention(_model, _tok, text, MAX_TOKENS)


def analysis(key: str, lang: str, _ma: P.ModelAttention):
    """Head statistics and the figures that do not depend on the selected head (built once per sentence).

    Shared objects (st.cache_resource: a cache_data hit unpickled five Figures on every slider move):
    copy a figure before changing it.
    """
    return _analysis(key, lang, FONT_SCALE.get(), _ma)


@st.cache_resource(show_spinner=False, max_entries=8)
def _analysis(key: str, lang: str, font_scale: float, _ma: P.ModelAttention):
    stats = A.head_stats(_ma.attn)
    kinds = {k: T.t(f"kind_{k}", lang) for k in A.HEAD_KINDS}
    grid = C.head_grid_figure(_ma.attn, T.t("layer", lang), T.t("head", lang),
                              cell_px=min(110, 440 // _ma.n_head))  # half the page wide
    kinds_fig = C.head_kind_figure(stats, kinds, T.t("layer", lang), T.t("head", lang), T.t("kinds_title", lang))
    demo_tokens = _ma.tokens[:12]
    demo = A.concat_demo(demo_tokens)
    h = demo.heads.shape[0]
    titles = [T.t("concat_head", lang, i=i + 1) for i in range(h)] + [T.t("concat_wo", lang), T.t("concat_out", lang)]
    concat_fig = C.concat_figure(demo.heads, demo.w_o, demo.output, demo_tokens, titles)
    return stats, kinds, freeze(grid), freeze(kinds_fig), freeze(concat_fig), (demo.concat.shape[1], h,
        demo.heads.shape[2], len(demo_tokens))


def model_attention(choice: str, custom: str, text: str, gpt, lang: str) -> P.ModelAttention:
    """The attention of the chosen model ("gpt" | "minilm" | "custom") on `text`, with its captions.

    Bad input or a model that cannot be loaded shows a bilingual message and stops the page.
    """
    t = lambda key, **kw: T.t(key, lang, **kw)
    try:
        checked = check_text(text)
        if checked.truncated:
            st.caption(COMMON.t("text_truncated", lang, n=len(checked.text)))
        if choice == "gpt":
            trained = gpt
            if trained is not None:
                ma = _gpt_attention(trained.label, id(trained.model), checked.text, trained.model, trained.tokenizer)
                st.info(t("gpt_label", label=plain(trained.label)), icon=":material/school:")
            else:
                model, tok = _random_gpt(checked.text)
                ma = P.gpt_attention(model, tok, checked.text, MAX_TOKENS)
                st.warning(t("untrained_label"), icon=":material/casino:")
        else:
            if choice == "custom" and not custom.strip():
                st.info(t("custom_wait"))
                st.stop()
            with st.spinner(t("loading")):
                m = _minilm() if choice == "minilm" else _custom(custom.strip())
            ma = _hf_attention(m.label, checked.text, m)
            st.caption(t("hf_label", label=plain(m.label), layers=m.n_layer, heads=m.n_head,
                         params=P.param_count_label(m.n_params)))
            if choice == "minilm" and has_japanese(checked.text):
                st.caption(t("minilm_ja_note"))
    except UserInputError as e:
        shell.show_error(e)
        st.stop()
    return ma
