"""Entropy and perplexity explorer: shape p over a small vocabulary; H, PP = 2^H, bounds 1 and |V|."""
import numpy as np
import streamlit as st

from core.charts.lm import distribution_bar, perplexity_vs_temperature
from core.lm.entropy import as_distribution, entropy_bits, keyboard_example, preset, temperature_curve, with_temperature
from ui import shell
from ui.texts.lm_entropy import T

lang = shell.lang()
MAX_V = 8
TEMPS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0]


def set_preset(name: str) -> None:
    """Button callback: write the preset into the weight sliders before they are drawn."""
    w = preset(name, MAX_V)
    for i in range(MAX_V):
        st.session_state[f"ent_w{i}"] = float(round(w[i] / w.max(), 2))
    st.session_state["ent_temp"] = 1.0


if "ent_w0" not in st.session_state:  # first visit: Zipf weights, T = 1 (widgets then take no default)
    set_preset("zipf")


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
st.latex(r"H(p) = -\sum_{x \in V} p(x)\,\log_2 p(x), \qquad PP(p) = 2^{H(p)}, \qquad 1 \le PP(p) \le |V|")

size = st.slider(T.t("size", lang), 2, MAX_V, 6, key="ent_size", bind="query-params")
symbols = T.t("symbols", lang).split(",")[:size]
b = st.columns([2, 2, 2, 6])
b[0].button(T.t("uniform", lang), key="ent_uniform", on_click=set_preset, args=("uniform",))
b[1].button(T.t("one_hot", lang), key="ent_onehot", on_click=set_preset, args=("one_hot",))
b[2].button(T.t("zipf", lang), key="ent_zipf", on_click=set_preset, args=("zipf",))
st.caption(T.t("weights", lang))
cols = st.columns(size)
weights = [cols[i].slider(symbols[i], 0.0, 1.0, step=0.01, key=f"ent_w{i}", bind="query-params") for i in range(size)]
temp = st.select_slider(T.t("temp", lang), TEMPS, key="ent_temp", bind="query-params", help=T.t("temp_help", lang))

p = with_temperature(as_distribution(weights), temp)
h = entropy_bits(p)
m = st.columns(3)
m[0].metric(T.t("m_h", lang), T.t("bits", lang, v=h))
m[1].metric(T.t("m_pp", lang), f"{2 ** h:.3f}")
m[2].metric(T.t("m_bounds", lang), T.t("bounds_val", lang, v=size))

left, right = st.columns(2)
left.plotly_chart(distribution_bar(symbols, p, T.t("bar_title", lang), T.t("bar_x", lang), T.t("bar_y", lang)),
                  key="ent_bar_chart")
base = as_distribution(weights)
grid = list(np.geomspace(0.02, 200, 80))
curve = [2 ** v for v in temperature_curve(base, grid)]
right.plotly_chart(perplexity_vs_temperature(grid, curve, temp, 2 ** h, size, T.t("curve_title", lang),
                                             T.t("curve_x", lang), T.t("curve_y", lang), T.t("now", lang),
                                             T.t("low", lang), T.t("high", lang, v=size)), key="ent_curve_chart")

st.subheader(T.t("examples_h", lang))
kh, kpp = keyboard_example(27)
st.markdown(T.t("ex_random", lang, h=kh, pp=kpp))
st.markdown(T.t("ex_certain", lang))

st.subheader(T.t("merge_h", lang))
if st.toggle(T.t("merge", lang, a=symbols[0], b=symbols[1]), key="ent_merge"):
    merged = np.concatenate(([p[0] + p[1]], p[2:]))
    hm = entropy_bits(merged)
    st.markdown(T.t("merge_result", lang, h=hm, pp=2 ** hm, h0=h, pp0=2 ** h))
