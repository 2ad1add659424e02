"""GELU: exact, tanh and sigmoid forms, their errors, derivatives and cost on the device in use."""
import streamlit as st

from core.gpt import gelu
from core.charts import gelu as charts
from core.errors import UserInputError
from ui import figcache, shell
from views.gpt_gelu import cost as gelu_cost
from views.gpt_gelu.texts import T


@st.cache_data(show_spinner=False)
def _max_errors() -> list[gelu.MaxError]:
    return [gelu.max_abs_error(name) for name in gelu.APPROXIMATIONS]


@st.cache_data(max_entries=32, show_spinner=False)
def _curves(rng: gelu.GeluRange) -> gelu.GeluCurves:
    return gelu.curves(rng)


lang = shell.lang()
names = {k: T.t(f"name_{k}", lang) for k in gelu.FUNCTIONS}
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

# First screen: the range, then the curves; the three formulas and their largest errors below them.
c1, c2 = st.columns([3, 1])
lo, hi = c1.slider(T.t("range", lang), -20.0, 20.0, (-4.0, 4.0), step=0.5, key="gelu_range", bind="query-params")
points = c2.number_input(T.t("points", lang), 1, 10_000_000, 801, step=100, key="gelu_points", bind="query-params",
                         help=T.t("points_help", lang, n=gelu.MAX_POINTS))
if c2.toggle(T.t("custom", lang), key="gelu_custom", bind="query-params"):
    c3, c4 = st.columns(2)
    lo = c3.number_input(T.t("xmin", lang), value=lo, key="gelu_xmin", bind="query-params", format="%g")
    hi = c4.number_input(T.t("xmax", lang), value=hi, key="gelu_xmax", bind="query-params", format="%g")

try:
    rng, capped = gelu.GeluRange(lo, hi, int(points)).checked()
except UserInputError as err:
    shell.show_error(err)
    st.stop()
if capped:
    st.warning(T.t("capped", lang, asked=int(points), n=rng.points), icon=":material/speed:")

c, maxima = _curves(rng), _max_errors()
ax = dict(x_title=T.t("ax_x", lang))
tab_f, tab_err, tab_d = st.tabs([T.t("tab_f", lang), T.t("tab_err", lang), T.t("tab_d", lang)])
with tab_f:
    st.plotly_chart(figcache.figure(("gelu_f", rng.xmin, rng.xmax, rng.points), lang, lambda: charts.functions_figure(
        c, names, T.t("fig_f", lang), y_title=T.t("ax_f", lang), **ax)), key="gelu_fig_f")
with tab_err:
    st.plotly_chart(figcache.figure(("gelu_err", rng.xmin, rng.xmax, rng.points), lang, lambda: charts.errors_figure(
        c, names, maxima, T.t("fig_err", lang), y_title=T.t("ax_err", lang), peak_label=T.t("peak", lang), **ax)),
        key="gelu_fig_err")
    st.caption(T.t("err_caption", lang, t=float(c.errors["tanh"].max()), s=float(c.errors["sigmoid"].max())))
with tab_d:
    st.plotly_chart(figcache.figure(("gelu_d", rng.xmin, rng.xmax, rng.points), lang, lambda: charts.derivatives_figure(
        c, names, T.t("fig_d", lang), y_title=T.t("ax_d", lang), **ax)), key="gelu_fig_d")
    d = c.derivatives["exact"]
    st.caption(T.t("d_caption", lang, dmin=float(d.min()), dmax=float(d.max())))

st.subheader(T.t("forms", lang))
st.latex(r"\mathrm{GELU}(x) = x\,\Phi(x) = \tfrac{x}{2}\left(1 + \operatorname{erf}\tfrac{x}{\sqrt2}\right)")
st.latex(r"\mathrm{GELU}_{\tanh}(x) = \tfrac{x}{2}\left(1 + \tanh\left[\sqrt{2/\pi}\,(x + 0.044715\,x^3)\right]\right)")
st.latex(r"\mathrm{GELU}_{\sigma}(x) = x\,\sigma(1.702\,x) = \frac{x}{1 + e^{-1.702\,x}}")

st.subheader(T.t("maxerr_header", lang))
cols = st.columns(4)
for i, m in enumerate(maxima):
    cols[2 * i].metric(T.t("metric_err", lang, name=m.name), f"{m.value:.3e}")
    cols[2 * i + 1].metric(T.t("metric_at", lang, name=m.name), f"{m.at:.2f}")
st.caption(T.t("maxerr_caption", lang))


st.subheader(T.t("why_header", lang))
st.markdown(T.t("why", lang))
st.latex(r"m \sim \mathrm{Bernoulli}(\Phi(x)),\quad \mathbb{E}[m\,x] = x\,\Phi(x) = x\,P(Z \le x),"
         r"\quad Z \sim \mathcal{N}(0, 1)")
st.markdown(T.t("why_after", lang))

st.subheader(T.t("cost_header", lang))
gelu_cost.cost_section(lang)  # the timing runs in a job: the size switch answers at once (views/gpt_gelu/cost.py)
