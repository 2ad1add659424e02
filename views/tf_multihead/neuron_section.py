"""The multi-head page's neuron view (core.transformer.neuron_view): one head's q, k, q ∘ k, scores and softmax
for a chosen query token, on our GPT, drawn with plotly (bertviz's own neuron view cannot take our model)."""
from __future__ import annotations

import streamlit as st

from core.charts.lm import ChartText
from core.charts.attention import short
from core.charts.neuron import neuron_figure
from core.charts.style import plot_text
from core.textcheck import check_text
from core.transformer.neuron_view import neuron_view
from ui import figcache
from ui.shell import in_range
from ui.safe import plain
from views.tf_multihead.texts import T


@st.cache_resource(show_spinner=False, max_entries=32)  # per (model, sentence, layer, head, query): a few small matmuls
def _view(fp: str, model_id: int, layer: int, head: int, query: int, _model, _ids: tuple[int, ...]):
    return neuron_view(_model, list(_ids), layer, head, query)


def section(choice: str, gpt, text: str, ma, fp: str, layer: int, head: int, lang: str) -> None:
    t = lambda key, **kw: T.t(key, lang, **kw)
    st.header(t("nv_header"))
    st.markdown(t("nv_intro"))
    if choice != "gpt" or gpt is None:
        st.info(t("nv_only_gpt"))
        return
    n = len(ma.tokens)
    in_range("mha_nv_query", 0, n - 1)  # the last text's position, past this one's end
    query = st.slider(t("nv_query"), 0, n - 1, n - 1, key="mha_nv_query", bind="query-params") if n > 1 else 0
    query = min(query, n - 1)
    ids = tuple(gpt.tokenizer.encode(check_text(text).text)[:n])
    v = _view(fp, id(gpt.model), layer, head, query, gpt.model, ids)
    hs = v.q.shape[0]
    names = {"vectors": t("nv_vectors"), "products": t("nv_products"), "scores": t("nv_scores"),
             "weights": t("nv_weights"), "query": t("nv_query_row")}
    # user text in a figure title
    title = t("nv_title", layer=layer + 1, head=head + 1, i=query, tok=plot_text(short(ma.tokens[query])))
    st.plotly_chart(figcache.figure(("mha_nv", fp, layer, head, query), lang, lambda: neuron_figure(
        v, ma.tokens, ChartText(title, t("nv_x", dk=hs), "", names))), key="mha_nv_chart")
    row = ma.attn[layer, head, query, :query + 1]
    j = int(v.weights.argmax())
    st.caption(t("nv_check", d=float((row - v.weights).abs().max()), w=float(v.weights[j]), j=j,
                 tok=plain(ma.tokens[j])))
    st.caption(t("nv_bertviz"))
