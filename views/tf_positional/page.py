"""Sinusoidal positional encoding, similarity by distance, the rotation M_k, and GPT-1's learned W_p."""
from pathlib import Path

import streamlit as st

from core.transformer import positional as pe_core
from core.charts import positional as charts
from core.charts.style import plot_text  # the label names an uploaded corpus: plotly reads HTML in titles
from core.errors import UserInputError
from ui import figcache, shell
from ui.shared_state import get_gpt
from views.tf_positional.texts import T

ROOT = Path(__file__).resolve().parents[2]


@st.cache_data(max_entries=16, show_spinner=False)
def _encoding(length: int, d_model: int, cosine: bool):
    pe = pe_core.sinusoidal_pe(length, d_model)
    return pe, pe_core.similarity_by_distance(pe_core.dot_similarity(pe, cosine=cosine))


@st.cache_data(max_entries=32, show_spinner=False)
def _rotation(length: int, d_model: int, k: int):
    return pe_core.rotation_matrix(k, d_model), pe_core.rotation_residuals(length, d_model, k)


lang = shell.lang()
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

c1, c2, c3 = st.columns([1, 1, 1])
d_model = c1.number_input(T.t("d_model", lang), 0, 100_000, 64, step=2, key="pe_d_model", bind="query-params")
length = c2.number_input(T.t("length", lang), 0, 100_000, 100, step=10, key="pe_length", bind="query-params")
cosine = c3.toggle(T.t("cosine", lang), key="pe_cosine", bind="query-params", help=T.t("cosine_help", lang))
try:
    cfg = pe_core.PEConfig(int(d_model), int(length)).check()
except UserInputError as err:
    shell.show_error(err)
    st.stop()
pe, by_dist = _encoding(cfg.length, cfg.d_model, cosine)
size = (cfg.length, cfg.d_model)  # with `cosine`, `dims` and `k`: all that the figures below depend on
ax_pos, ax_dim = T.t("ax_pos", lang), T.t("ax_dim", lang)

left, right = st.columns(2)  # first screen: the sizes, then the encoding; the formula and limits below it
left.plotly_chart(figcache.figure(("pe_heat", *size), lang,
                                  lambda: charts.pe_heatmap(pe, T.t("fig_heat", lang), ax_dim, ax_pos)),
                  key="pe_fig_heat")
asked = right.multiselect(T.t("dims", lang), list(range(pe_core.MAX_D_MODEL)), [0, 1, 20, 40], key="pe_dims",
                          bind="query-params")
dims = [d for d in asked if d < cfg.d_model]
if len(dims) < len(asked):
    right.caption(T.t("dims_dropped", lang, dims=", ".join(str(d) for d in asked if d >= cfg.d_model)))
right.plotly_chart(figcache.figure(("pe_curves", *size, tuple(dims)), lang, lambda: charts.pe_curves(
    pe, dims, T.t("fig_curves", lang), ax_pos, T.t("ax_value", lang), T.t("curve_name", lang))), key="pe_fig_curves")
st.caption(T.t("curves_caption", lang))
st.latex(r"PE_{(pos,\,2i)} = \sin(pos\cdot\omega_i),\quad PE_{(pos,\,2i+1)} = \cos(pos\cdot\omega_i),"
         r"\quad \omega_i = 10000^{-2i/d_{model}}")
st.caption(T.t("limits", lang, d=pe_core.MAX_D_MODEL, n=pe_core.MAX_LENGTH))

st.header(T.t("sim_header", lang))
left, right = st.columns(2)
sim_title = T.t("fig_sim_cos" if cosine else "fig_sim", lang)
left.plotly_chart(figcache.figure(("pe_sim", *size, cosine), lang, lambda: charts.position_similarity_heatmap(
    pe, sim_title, cosine, ax_pos, ax_pos)), key="pe_fig_sim")
right.plotly_chart(figcache.figure(("pe_dist", *size, cosine), lang, lambda: charts.similarity_distance_figure(
    by_dist, T.t("fig_dist", lang), T.t("ax_dist", lang), T.t("ax_sim", lang), T.t("mean", lang), T.t("band", lang))),
                   key="pe_fig_dist")
st.caption(T.t("sim_caption", lang, spread=by_dist.spread))

st.header(T.t("rot_header", lang))
st.markdown(T.t("rot_intro", lang))
k = st.slider(T.t("k", lang), 0, 128, 1, key="pe_k", bind="query-params")
m_k, residuals = _rotation(cfg.length, cfg.d_model, k)
left, right = st.columns(2)
left.plotly_chart(figcache.figure(("pe_m", *size, k), lang, lambda: charts.rotation_heatmap(
    m_k, T.t("fig_m", lang, k=k), T.t("ax_col", lang), T.t("ax_row", lang))), key="pe_fig_m")
right.plotly_chart(figcache.figure(("pe_res", *size, k), lang, lambda: charts.residual_figure(
    residuals, T.t("fig_res", lang), ax_pos, T.t("ax_res", lang))), key="pe_fig_res")
st.markdown(f"**{T.t('blocks', lang)}**")
cols = st.columns(2)
for n, i in enumerate(pe_core.shown_blocks(cfg.d_model)):
    cols[n % 2].latex(pe_core.rotation_block_latex(k, i, cfg.d_model))
m1, m2, m3 = st.columns(3)
m1.metric(T.t("metric_pos", lang), f"{cfg.length:,}")
m2.metric(T.t("metric_res", lang, dtype="float64"), f"{float(residuals['float64'].max()):.1e}")
m3.metric(T.t("metric_res", lang, dtype="float32"), f"{float(residuals['float32'].max()):.1e}")
st.caption(T.t("res_caption", lang, last=cfg.length - 1))

st.subheader(T.t("notes_header", lang))
st.markdown(T.t("notes", lang))
st.latex(r"\begin{bmatrix} PE_{(pos+k,\,2i)} \\ PE_{(pos+k,\,2i+1)} \end{bmatrix} = "
         r"\begin{bmatrix} \cos k\omega_i & \sin k\omega_i \\ -\sin k\omega_i & \cos k\omega_i \end{bmatrix}"
         r"\begin{bmatrix} PE_{(pos,\,2i)} \\ PE_{(pos,\,2i+1)} \end{bmatrix}")

st.header(T.t("learned_header", lang))
st.markdown(T.t("learned_intro", lang))
trained = get_gpt(lang)  # the live-trained GPT, else the shipped one
if trained is None:
    st.info(T.t("no_model", lang), icon=":material/model_training:")
    if (ROOT / "views" / "gpt_train" / "page.py").is_file():
        st.page_link("views/gpt_train/page.py", label=T.t("go_train", lang), icon=":material/arrow_forward:")
else:
    lp = pe_core.learned_positions(trained.model.wpe.weight)
    n, d_sin = lp.wpe.shape[0], lp.d_sin
    if lp.cut:
        st.caption(T.t("learned_cut", lang, n=n, t=lp.total))
    left, right = st.columns(2)
    model_key = (trained.label, id(trained.model), cosine)  # the label names the run and its step
    left.plotly_chart(figcache.figure(("pe_learned", *model_key), lang, lambda: charts.position_similarity_heatmap(
        lp.wpe, T.t("fig_learned_cos" if cosine else "fig_learned", lang, label=plot_text(trained.label)), cosine,
        ax_pos, ax_pos)), key="pe_fig_learned")
    right.plotly_chart(figcache.figure(("pe_sin_same", n, d_sin, cosine), lang,
                                       lambda: charts.position_similarity_heatmap(
        pe_core.sinusoidal_pe(n, d_sin), T.t("fig_sin_same", lang, t=n, d=d_sin), cosine, ax_pos, ax_pos)),
        key="pe_fig_sin_same")
    if not cosine:
        st.caption(T.t("learned_tip", lang))
