"""Multi-head attention of a real model on your sentence: every head, head kinds, concat + W_O, bertviz."""
from __future__ import annotations

import streamlit as st

from core.transformer import attention_study as A
from core.transformer import pretrained as P
from core.transformer.bertviz_html import DEFAULT_DECIMALS, DEFAULT_MAX_TOKENS, build_view
from core.charts import attention as C
from core.errors import UserInputError
from core.japanese import has_japanese
from core.textcheck import check_text
from ui import shell
from ui.safe import plain
from ui.shared_state import get_gpt
from ui.texts.common import T as COMMON
from ui.texts.tf_multihead import T

lang = shell.lang()
t = lambda key, **kw: T.t(key, lang, **kw)  # noqa: E731
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
def _bertviz(view: str, key: str, _ma: P.ModelAttention):
    return build_view(_ma.attn, _ma.tokens, view=view, max_tokens=DEFAULT_MAX_TOKENS)


@st.cache_data(show_spinner=False, max_entries=8)
def _analysis(key: str, lang: str, _ma: P.ModelAttention):
    """Head statistics and the figures that do not depend on the selected head (built once per sentence)."""
    stats = A.head_stats(_ma.attn)
    kinds = {k: T.t(f"kind_{k}", lang) for k in A.HEAD_KINDS}
    grid = C.head_grid_figure(_ma.attn, T.t("layer", lang), T.t("head", lang),
                              cell_px=min(150, 880 // _ma.n_head))
    kinds_fig = C.head_kind_figure(stats, kinds, T.t("layer", lang), T.t("head", lang), T.t("kinds_title", lang))
    demo_tokens = _ma.tokens[:12]
    demo = A.concat_demo(demo_tokens)
    h = demo.heads.shape[0]
    titles = [T.t("concat_head", lang, i=i) for i in range(h)] + [T.t("concat_wo", lang), T.t("concat_out", lang)]
    concat_fig = C.concat_figure(demo.heads, demo.w_o, demo.output, demo_tokens, titles)
    return stats, kinds, grid, kinds_fig, concat_fig, (demo.concat.shape[1], h, demo.heads.shape[2], len(demo_tokens))


st.title(t("title"))
st.markdown(t("intro"))
st.latex(t("formula"))

# Open on our GPT (trained live, else the shipped one); MiniLM only if no GPT can be loaded.
gpt = get_gpt(lang)
choice = st.radio(t("model"), ["gpt", "minilm", "custom"], format_func=lambda c: t(f"model_{c}"),
                  key="mha_model", bind="query-params", horizontal=True, index=0 if gpt is not None else 1)
custom = ""
if choice == "custom":
    custom = st.text_input(t("custom_id"), key="mha_custom", max_chars=300,
                           help=t("custom_help", cap=P.MAX_PARAMS // 1_000_000))
text = st.text_area(t("sentence"), value=t("default_text"), key="mha_text", bind="query-params", height=80, max_chars=10_000)

try:
    checked = check_text(text)
    if checked.truncated:
        st.caption(COMMON.t("text_truncated", lang, n=len(checked.text)))
    if choice == "gpt":
        trained = gpt
        if trained is not None:
            ma = P.gpt_attention(trained.model, trained.tokenizer, checked.text, MAX_TOKENS)
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
        st.caption(t("hf_label", label=plain(m.label), layers=m.n_layer, heads=m.n_head, params=P.param_count_label(m.n_params)))
        if choice == "minilm" and has_japanese(checked.text):
            st.caption(t("minilm_ja_note"))
except UserInputError as e:
    shell.show_error(e)
    st.stop()
n = len(ma.tokens)
st.caption(t("tokens_cut", total=ma.total_tokens, n=n) if ma.truncated else t("tokens_info", n=n))

fp = ma.fingerprint()
stats, kinds, grid, kinds_fig, concat_fig, (d, h, dk, n_demo) = _analysis(fp, lang, ma)
c1, c2 = st.columns(2)
layer = c1.slider(t("layer"), 0, ma.n_layer - 1, 0, key="mha_layer", bind="query-params") if ma.n_layer > 1 else 0
head = c2.slider(t("head"), 0, ma.n_head - 1, 0, key="mha_head", bind="query-params") if ma.n_head > 1 else 0

st.header(t("grid_header"))
st.caption(t("grid_note"))
st.plotly_chart(C.mark_tile(grid, n, layer, head), key="mha_fig_grid")
sel = stats[layer * ma.n_head + head]
st.plotly_chart(C.matrix_figure(ma.attn[layer, head], ma.tokens, ma.tokens,
                                t("big_title", layer=layer, head=head, kind=kinds[sel.kind]),
                                t("key_axis"), t("query_axis"), diverging=False, zrange=(0, 1)), key="mha_fig_big")

st.header(t("stats_header"))
st.markdown(t("stats_note"))
st.plotly_chart(kinds_fig, key="mha_fig_kinds")
st.dataframe([{t("col_layer"): s.layer, t("col_head"): s.head, t("col_kind"): kinds[s.kind],
               t("col_entropy"): round(s.entropy, 2), t("col_entropy_norm"): round(s.entropy_norm, 2),
               t("col_prev"): round(s.prev, 2), t("col_first"): round(s.first, 2), t("col_self"): round(s.self_, 2),
               t("col_last"): round(s.last, 2)} for s in stats], hide_index=True, key="mha_stats_table", height=260)

st.header(t("concat_header"))
st.caption(t("concat_note", d=d, h=h, dk=dk, n=n_demo))
st.plotly_chart(concat_fig, key="mha_fig_concat")
st.header(t("bertviz_header"))
view = st.radio(t("bertviz_view"), ["head", "model"], format_func=lambda v: t(f"bertviz_{v}"), key="mha_bv_view", bind="query-params",
                horizontal=True, help=t("bertviz_help"))
bv = _bertviz(view, fp, ma)
if bv.vendored:
    st.caption(t("bertviz_vendored"))
else:  # no CDN fallback: the app makes no request off the machine; say what to run instead
    from core.transformer.vendor import missing_files

    st.warning(t("bertviz_cdn", missing=", ".join(missing_files())), icon=":material/cloud_off:")
    st.stop()
if bv.truncated:
    st.caption(t("bertviz_cut", n=bv.tokens_shown, total=bv.tokens_total))
st.caption(t("bertviz_note", dec=DEFAULT_DECIMALS, n=bv.tokens_shown, kb=bv.n_bytes // 1024))
st.iframe(bv.html, height=(100 + 23 * bv.tokens_shown) if view == "head" else 120 + 130 * ma.n_layer)
