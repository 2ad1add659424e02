"""Scaled dot-product attention on a typed sentence, step by step; why √d_k; the soft dict lookup."""
from __future__ import annotations

import math

import streamlit as st

from core.transformer import attention as A
from core.charts import attention as C
from core.errors import UserInputError
from core.textcheck import check_text
from ui import shell
from ui.shared_state import get_gpt
from ui.texts.common import T as COMMON
from ui.texts.tf_attention import T

lang = shell.lang()
t = lambda key, **kw: T.t(key, lang, **kw)  # noqa: E731

st.title(t("title"))
st.markdown(t("intro"))
st.latex(t("formula"))

text = st.text_area(t("sentence"), value=t("default_text"), key="att_text", height=80, max_chars=10_000)
c1, c2, c3 = st.columns([3, 3, 2])
trained = get_gpt(lang)  # the live-trained GPT, else the shipped one
embed = "random"
with c1:
    split = st.radio(t("split"), A.SPLITS, format_func=lambda s: t(f"split_{s}"), key="att_split", horizontal=True)
    if trained is not None:
        embed = st.radio(t("embed"), ["random", "gpt"], format_func=lambda s: t(f"embed_{s}"), key="att_embed")
with c2:
    d_k = st.select_slider(t("dk"), [2, 4, 8, 16, 32, 64, 128, 256, 512], value=16, key="att_dk", help=t("dk_help"))
    seed = int(st.number_input(t("seed"), 0, 9999, 0, key="att_seed"))
with c3:
    scale = st.toggle(t("scale"), value=True, key="att_scale")
    causal = st.toggle(t("causal"), value=False, key="att_causal", help=t("causal_help"))

try:
    checked = check_text(text)
except UserInputError as e:
    shell.show_error(e)
    st.stop()
if checked.truncated:
    st.caption(COMMON.t("text_truncated", lang, n=len(checked.text)))
if embed == "gpt":
    tokens, total, x = A.model_inputs(trained.model, trained.tokenizer, checked.text)
    st.caption(t("embed_gpt_note", label=trained.label))
else:
    tokens, total = A.split_tokens(checked.text, split, max_tokens=A.STEP_MAX_TOKENS)
    x = A.random_inputs(tokens, A.STEP_D_MODEL, seed)
    st.caption(t("embed_random_note", d=A.STEP_D_MODEL, seed=seed))
if not tokens:
    shell.show_error(UserInputError(T.t("no_tokens", "en"), T.t("no_tokens", "ja")))
    st.stop()
st.caption(t("tokens_cut", total=total, n=len(tokens)) if total > len(tokens) else t("tokens_info", n=len(tokens)))

s = A.sentence_steps(x, d_k, scale, causal, seed)
qa, ka = t("query_axis"), t("key_axis")
st.header(t("steps"))
tabs = st.tabs([t(k) for k in ("tab_x", "tab_qkv", "tab_scores", "tab_scaled", "tab_mask", "tab_softmax", "tab_out")])
with tabs[0]:
    st.caption(t("x_note"))
    st.plotly_chart(C.matrix_figure(s.x, tokens, None, t("x_title"), t("dims"), t("token_axis")), key="att_fig_x")
with tabs[1]:
    st.caption(t("qkv_note"))
    for col, m, key in zip(st.columns(3), (s.q, s.k, s.v), ("q", "k", "v")):
        col.plotly_chart(C.matrix_figure(m, tokens, None, t(f"{key}_title"), t("dims"), t("token_axis")),
                         key=f"att_fig_{key}")
with tabs[2]:
    st.caption(t("scores_note", var=float(s.scores.var(correction=0)), dk=d_k))
    st.plotly_chart(C.matrix_figure(s.scores, tokens, tokens, t("scores_title"), ka, qa, annotate=len(tokens) <= 12),
                    key="att_fig_scores")
with tabs[3]:
    note = t("scaled_note", dk=d_k, sq=math.sqrt(d_k), var=float(s.scaled.var(correction=0))) if scale else \
        t("unscaled_note", var=float(s.scaled.var(correction=0)))
    st.caption(note)
    st.plotly_chart(C.matrix_figure(s.scaled, tokens, tokens, t("scaled_title"), ka, qa, annotate=len(tokens) <= 12),
                    key="att_fig_scaled")
with tabs[4]:
    st.caption(t("mask_note") if causal else t("mask_off"))
    st.plotly_chart(C.matrix_figure(s.masked, tokens, tokens, t("mask_title"), ka, qa, annotate=len(tokens) <= 12),
                    key="att_fig_mask")
with tabs[5]:
    st.caption(t("softmax_note", mx=float(s.weights.max(-1).values.mean())))
    st.plotly_chart(C.matrix_figure(s.weights, tokens, tokens, t("softmax_title"), ka, qa, diverging=False,
                                    zrange=(0, 1), annotate=len(tokens) <= 12), key="att_fig_softmax")
with tabs[6]:
    st.caption(t("out_note"))
    st.plotly_chart(C.matrix_figure(s.output, tokens, None, t("out_title"), t("dims"), t("token_axis")),
                    key="att_fig_out")

st.header(t("dict_header"))
st.markdown(t("dict_intro"))
q = st.selectbox(t("dict_query"), range(len(tokens)), format_func=lambda i: f"{i}: {tokens[i]}", key="att_query",
                 index=min(len(tokens) - 1, 6))
rows = A.lookup_table(s, tokens, q)
st.dataframe(
    [{t("dict_rank"): r["rank"], t("dict_key"): t("dict_pos", i=r["pos"], tok=r["token"]),
      t("dict_score"): f"{r['score']:.3f}" if math.isfinite(r["score"]) else t("dict_masked"),
      t("dict_weight"): f"{r['weight']:.3f}"} for r in rows],
    hide_index=True, key="att_dict_table",
)
st.caption(t("dict_summary", top=rows[0]["token"], w=rows[0]["weight"], n=sum(r["weight"] > 0 for r in rows) - 1))

st.header(t("why_header"))
N_KEYS, N_SAMPLES, D_KS = 16, 256, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]


@st.cache_data(show_spinner=False)
def _study(seed: int) -> list[A.ScalingPoint]:
    return A.scaling_study(D_KS, n_keys=N_KEYS, n_samples=N_SAMPLES, seed=seed)


st.markdown(t("why_intro", n=N_KEYS, s=N_SAMPLES, seed=seed))
pts = _study(seed)
fig = C.scaling_figure(pts, {"scaled": t("why_scaled"), "unscaled": t("why_unscaled")},
                       [t("why_entropy"), t("why_max"), t("why_grad")], t("why_x"), current_dk=d_k)
st.plotly_chart(fig, key="att_fig_why")
at = {(p.d_k, p.scaled): p for p in pts}
if (d_k, True) in at:
    u, sc = at[(d_k, False)], at[(d_k, True)]
    st.caption(t("why_at", dk=d_k, mu=u.max_weight, gu=u.grad_norm, ms=sc.max_weight, gs=sc.grad_norm))
st.caption(t("source"))
