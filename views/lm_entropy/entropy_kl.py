"""The entropy page's cross-entropy / KL section: the page's p against a character trigram's q after a context."""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.charts.lm import ChartText, p_vs_q_bars
from core.corpus import load_shipped, split_train_heldout
from core.errors import UserInputError
from core.lm.cross_entropy import MODELS, cross_entropy_bits, impossible, kl_bits, next_token_support
from core.lm.entropy import entropy_bits
from core.lm.ngram import NGramCounts
from core.lm.units import show_token
from core.textcheck import check_text
from ui import figcache, shell
from ui.safe import plain
from views.lm_entropy.texts import T

N = 3  # a trigram: the context's last two characters


@st.cache_resource(show_spinner=False, max_entries=2)
def _counts(lang: str) -> NGramCounts:
    return NGramCounts.train(split_train_heldout(load_shipped(lang))[0], max_n=N)


@st.cache_data(show_spinner=False, max_entries=64)
def _support(lang: str, context: str, size: int, model: str):
    s = next_token_support(_counts(lang), context, N, size, model)
    return s.tokens, s.q, s.context


def _set_p(q: list[float]) -> None:
    """Button callback: the weight sliders take q's shape (largest at 1), at temperature 1."""
    top = max(q)
    for i, v in enumerate(q):
        st.session_state[f"ent_w{i}"] = float(round(v / top, 2))
    st.session_state["ent_temp"] = 1.0


def section(p: np.ndarray, lang: str) -> None:
    t = lambda key, **kw: T.t(key, lang, **kw)
    size = len(p)
    st.subheader(t("kl_h"))
    st.markdown(t("kl_intro", v=size, k=size - 1))
    c1, c2 = st.columns([1.2, 1.5])
    ctx = c1.text_input(t("kl_context"), value=t("kl_default"), key="ent_ctx", bind="query-params", max_chars=200)
    model = c2.radio(t("kl_model"), MODELS, format_func=lambda m: t(f"kl_model_{m}"), key="ent_q_model",
                     bind="query-params", horizontal=True)
    try:
        context = check_text(ctx, max_chars=200).text
    except UserInputError as e:
        shell.show_error(e)
        return
    tokens, q, used = _support(lang, context, size, model)
    st.caption(t("kl_used", ctx=plain("".join(show_token(c) for c in used))) if used else t("kl_used_none"))
    labels = [show_token(tok) if tok is not None else t("kl_other") for tok in tokens]
    text = ChartText(t("kl_title"), t("kl_x"), t("kl_y"), {"p": t("kl_p"), "q": t("kl_q"), "inf": t("kl_inf")})
    st.plotly_chart(figcache.figure(("ent_kl", tuple(labels), tuple(np.round(p, 6)), tuple(q)), lang,
                                    lambda: p_vs_q_bars(labels, p, q, text)), key="ent_kl_chart")
    st.button(t("kl_set_p"), key="ent_kl_set", on_click=_set_p, args=(q.tolist(),))
    h, hpq, kl = entropy_bits(p), cross_entropy_bits(p, q), kl_bits(p, q)
    m = st.columns(3)
    m[0].metric(t("m_h"), t("bits", v=h))
    m[1].metric(t("m_hpq"), t("infinite") if np.isinf(hpq) else t("bits", v=hpq))
    m[2].metric(t("m_kl"), t("infinite") if np.isinf(kl) else t("bits", v=kl))
    st.latex(r"H(p, q) = -\sum_x p(x)\log_2 q(x) = H(p) + \mathrm{KL}(p \,\|\, q), \qquad "
             r"\mathrm{KL}(p \,\|\, q) = \sum_x p(x)\log_2 \frac{p(x)}{q(x)} \ge 0")
    bad = impossible(p, q)
    if len(bad):
        st.warning(t("kl_zero", what=", ".join(f"“{plain(labels[i])}”" for i in bad)))
    else:
        st.markdown(t("kl_check", h=h, kl=kl, s=h + kl, hpq=hpq, d=abs(h + kl - hpq)))
