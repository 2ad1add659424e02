"""Entropy and perplexity explorer: shape p over a small vocabulary; H, PP = 2^H, bounds 1 and |V|."""
import streamlit as st

from core.charts.lm import ChartText, distribution_bar, perplexity_vs_temperature
from core.lm.entropy import (TEMPERATURE_GRID, as_distribution, entropy_bits, keyboard_example, merge_first_two,
                             perplexity_over_temperature, slider_weights, with_temperature)
from ui import shell
from views.lm_entropy.entropy_kl import section as kl_section
from views.lm_entropy.texts import T

lang = shell.lang()
MAX_V = 8  # eight sliders still fit one row on a projector
# The temperature slider's stops: dense around 1, where the distribution changes fastest.
TEMPS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0]


def set_preset(name: str) -> None:
    """Button callback: write the preset into the weight sliders before they are drawn."""
    for i, w in enumerate(slider_weights(name, MAX_V)):
        st.session_state[f"ent_w{i}"] = w
    st.session_state["ent_temp"] = 1.0


if "ent_w0" not in st.session_state:  # first visit: Zipf weights, T = 1 (widgets then take no default)
    set_preset("zipf")


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
# First screen: the vocabulary size, temperature and presets on one row, the weights, then the two charts.
r = st.columns([2.2, 2.2, 1, 1, 1], vertical_alignment="bottom")
size = r[0].slider(T.t("size", lang), 2, MAX_V, 6, key="ent_size", bind="query-params")
symbols = T.t("symbols", lang).split(",")[:size]
temp = r[1].select_slider(T.t("temp", lang), TEMPS, key="ent_temp", bind="query-params", help=T.t("temp_help", lang))
r[2].button(T.t("uniform", lang), key="ent_uniform", on_click=set_preset, args=("uniform",), width="stretch")
r[3].button(T.t("one_hot", lang), key="ent_onehot", on_click=set_preset, args=("one_hot",), width="stretch")
r[4].button(T.t("zipf", lang), key="ent_zipf", on_click=set_preset, args=("zipf",), width="stretch")
st.caption(T.t("weights", lang))
cols = st.columns(size)
weights = [cols[i].slider(symbols[i], 0.0, 1.0, step=0.01, key=f"ent_w{i}", bind="query-params") for i in range(size)]

p = with_temperature(as_distribution(weights), temp)
h = entropy_bits(p)
left, right = st.columns(2)
bar_text = ChartText(T.t("bar_title", lang), T.t("bar_x", lang), T.t("bar_y", lang))
left.plotly_chart(distribution_bar(symbols, p, bar_text), key="ent_bar_chart")
curve_text = ChartText(T.t("curve_title", lang), T.t("curve_x", lang), T.t("curve_y", lang),
                       {"now": T.t("now", lang), "low": T.t("low", lang), "high": T.t("high", lang, v=size)})
curve = perplexity_over_temperature(as_distribution(weights))
right.plotly_chart(perplexity_vs_temperature(TEMPERATURE_GRID, curve, temp, 2 ** h, size, curve_text),
                   key="ent_curve_chart")
m = st.columns(3)
m[0].metric(T.t("m_h", lang), T.t("bits", lang, v=h))
m[1].metric(T.t("m_pp", lang), f"{2 ** h:.3f}")
m[2].metric(T.t("m_bounds", lang), T.t("bounds_val", lang, v=size))
st.latex(r"H(p) = -\sum_{x \in V} p(x)\,\log_2 p(x), \qquad PP(p) = 2^{H(p)}, \qquad 1 \le PP(p) \le |V|")

kl_section(p, lang)  # the same p against a model's q: cross-entropy and KL

st.subheader(T.t("examples_h", lang))
kh, kpp = keyboard_example(27)
st.markdown(T.t("ex_random", lang, h=kh, pp=kpp))
st.markdown(T.t("ex_certain", lang))

st.subheader(T.t("merge_h", lang))
if st.toggle(T.t("merge", lang, a=symbols[0], b=symbols[1]), key="ent_merge", bind="query-params"):
    hm = entropy_bits(merge_first_two(p))
    st.markdown(T.t("merge_result", lang, h=hm, pp=2 ** hm, h0=h, pp0=2 ** h))
