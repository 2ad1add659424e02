"""Multi-head attention of a real model on your sentence: every head, head kinds, concat + W_O, bertviz."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core.charts import attention as C
from core.transformer import pretrained as P
from core.transformer.bertviz_html import DEFAULT_DECIMALS
from core.transformer.attention_study import most_focused_head
from ui import export, figcache, shell
from ui.shared_state import get_gpt
from views.tf_multihead.neuron_section import section as neuron_section
from views.tf_multihead.notes_multihead import composition_section, minilm_japanese
from views.tf_multihead.sections import analysis, bertviz, model_attention
from views.tf_multihead.texts import T

lang = shell.lang()
t = lambda key, **kw: T.t(key, lang, **kw)

st.title(t("title"))
st.markdown(t("intro"))

# Open on our GPT (trained live, else the shipped one); MiniLM only if no GPT can be loaded.
gpt = get_gpt(lang)
# First screen at a projector: sentence | model | layer, head and token count on one row; the model's notes, the head.
in_text, in_model, in_view = st.columns([1.3, 1.5, 1.5])
sliders = in_view.container()  # the sliders need the model's numbers: drawn later, in their place
choice = in_model.radio(t("model"), ["gpt", "minilm", "custom"], format_func=lambda c: t(f"model_{c}"),
                        key="mha_model", bind="query-params", index=0 if gpt is not None else 1)
custom = ""
if choice == "custom":
    custom = in_model.text_input(t("custom_id"), key="mha_custom", bind="query-params", max_chars=300,
                                 help=t("custom_help", cap=P.MAX_PARAMS // 1_000_000))
text = in_text.text_area(t("sentence"), value=t("default_text"), key="mha_text", bind="query-params", height=68,
                         max_chars=10_000)

ma = model_attention(choice, custom, text, gpt, lang)
n = len(ma.tokens)
in_view.caption(t("tokens_cut", total=ma.total_tokens, n=n) if ma.truncated else t("tokens_info", n=n))

fp = ma.fingerprint()
stats, kinds, grid, kinds_fig, concat_fig, (d, h, dk, n_demo) = analysis(fp, lang, ma)
# Layers and heads count from 1 on screen (index + 1); the view opens on the most focused head.
focus = most_focused_head(stats)
c1, c2 = sliders.columns(2)
layer = 0
if ma.n_layer > 1:
    layer = c1.slider(t("layer"), 1, ma.n_layer, focus[0] + 1, key="mha_layer", bind="query-params") - 1
head = c2.slider(t("head"), 1, ma.n_head, focus[1] + 1, key="mha_head", bind="query-params") - 1 if ma.n_head > 1 else 0

big, all_heads = st.columns([1.25, 1])
sel = stats[layer * ma.n_head + head]
big.plotly_chart(figcache.figure(("mha_big", fp, layer, head), lang, lambda: C.matrix_figure(
    ma.attn[layer, head], ma.tokens, ma.tokens, t("big_title", layer=layer + 1, head=head + 1, kind=kinds[sel.kind]),
    t("key_axis"), t("query_axis"), diverging=False, zrange=(0, 1))), key="mha_fig_big")
all_heads.markdown(f"**{t('grid_header')}**")
all_heads.plotly_chart(figcache.figure(("mha_grid", fp, layer, head), lang,  # a framed copy: `grid` is shared
                                       lambda: C.mark_tile(go.Figure(grid), n, layer, head)), key="mha_fig_grid")
all_heads.caption(t("grid_note"))
st.latex(t("formula"))
export.matrix_button(ma.attn[layer, head], ma.tokens, ma.tokens, f"attention_L{layer + 1}_H{head + 1}", lang,
                     key="mha_csv")
minilm_japanese(choice, text, lang)  # below the chosen head: the chart keeps its place on the first screen

st.header(t("stats_header"))
st.markdown(t("stats_note"))
st.plotly_chart(kinds_fig, key="mha_fig_kinds")
st.dataframe([{t("col_layer"): s.layer + 1, t("col_head"): s.head + 1, t("col_kind"): kinds[s.kind],
               t("col_entropy"): round(s.entropy, 2), t("col_entropy_norm"): round(s.entropy_norm, 2),
               t("col_prev"): round(s.prev, 2), t("col_first"): round(s.first, 2), t("col_self"): round(s.self_, 2),
               t("col_last"): round(s.last, 2)} for s in stats], hide_index=True, key="mha_stats_table", height=260)

st.header(t("concat_header"))
st.caption(t("concat_note", d=d, h=h, dk=dk, n=n_demo))
st.plotly_chart(concat_fig, key="mha_fig_concat")
composition_section(ma, lang)
neuron_section(choice, gpt, text, ma, fp, layer, head, lang)  # q, k, q ∘ k, scores, softmax of the chosen head
st.header(t("bertviz_header"))
view = st.radio(t("bertviz_view"), ["head", "model"], format_func=lambda v: t(f"bertviz_{v}"), key="mha_bv_view",
                bind="query-params", horizontal=True, help=t("bertviz_help"))
bv = bertviz(view, fp, ma)
if bv.vendored:
    st.caption(t("bertviz_vendored"))
else:  # no CDN fallback: the app makes no request off the machine; say what to run instead
    from core.transformer.vendor import missing_files

    st.warning(t("bertviz_cdn", missing=", ".join(missing_files())), icon=":material/cloud_off:")
    st.stop()
if bv.truncated:
    st.caption(t("bertviz_cut", n=bv.tokens_shown, total=bv.tokens_total))
st.caption(t("bertviz_note", dec=DEFAULT_DECIMALS, n=bv.tokens_shown, kb=bv.n_bytes // 1024))
export.bertviz_button(bv.html, view, lang, key="mha_bv_html")
st.iframe(bv.html, height=(100 + 23 * bv.tokens_shown) if view == "head" else 120 + 130 * ma.n_layer)
