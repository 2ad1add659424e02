"""Scaled dot-product attention on a typed sentence, step by step; why √d_k; the soft dict lookup."""
from __future__ import annotations

import math

import streamlit as st

from core.transformer import attention as A
from core.transformer import attention_study as S
from core.transformer import inputs as I
from core.charts import attention as C
from core.errors import UserInputError
from core.textcheck import check_text
from ui import export, figcache, shell
from ui.safe import plain
from ui.shared_state import get_gpt
from ui.texts.common import T as COMMON
from views.tf_attention.notes_attention import dict_analogies, position_counts, scaling_points
from views.tf_attention.texts import T

FIG_KEYS = {"masked": "mask", "weights": "softmax", "output": "out"}  # field -> name in widget keys and texts
lang = shell.lang()
t = lambda key, **kw: T.t(key, lang, **kw)

st.title(t("title"))
st.markdown(t("intro"))

text = st.text_area(t("sentence"), value=t("default_text"), key="att_text", bind="query-params", height=68,
                    max_chars=10_000)
c1, c2, c3 = st.columns([3, 3, 2])
trained = get_gpt(lang)  # the live-trained GPT, else the shipped one
embed = "random"
with c1:
    split = st.radio(t("split"), I.SPLITS, format_func=lambda s: t(f"split_{s}"), key="att_split", bind="query-params",
                     horizontal=True)
    if trained is not None:
        embed = st.radio(t("embed"), ["random", "gpt"], format_func=lambda s: t(f"embed_{s}"), key="att_embed",
                         bind="query-params")
with c2:
    d_k = st.select_slider(t("dk"), [2, 4, 8, 16, 32, 64, 128, 256, 512], value=16, key="att_dk", bind="query-params",
                           help=t("dk_help"))
    seed = int(st.number_input(t("seed"), 0, 9999, 0, key="att_seed", bind="query-params"))
with c3:
    scale = st.toggle(t("scale"), value=True, key="att_scale", bind="query-params")
    causal = st.toggle(t("causal"), value=False, key="att_causal", bind="query-params", help=t("causal_help"))
top = st.container()  # first screen: the step tabs; the formula and the notes on the input below them

try:
    checked = check_text(text)
except UserInputError as e:
    shell.show_error(e)
    st.stop()
if checked.truncated:
    st.caption(COMMON.t("text_truncated", lang, n=len(checked.text)))
if embed == "gpt":
    tokens, total, x = I.model_inputs(trained.model, trained.tokenizer, checked.text)
    st.caption(t("embed_gpt_note", label=plain(trained.label)))
else:
    tokens, total = I.split_tokens(checked.text, split, max_tokens=I.STEP_MAX_TOKENS)
    x = I.random_inputs(tokens, I.STEP_D_MODEL, seed)
    st.caption(t("embed_random_note", d=I.STEP_D_MODEL, seed=seed))
if not tokens:
    shell.show_error(UserInputError(T.t("no_tokens", "en"), T.t("no_tokens", "ja")))
    st.stop()
st.caption(t("tokens_cut", total=total, n=len(tokens)) if total > len(tokens) else t("tokens_info", n=len(tokens)))

s = I.sentence_steps(x, d_k, scale, causal, seed)
num = S.step_numbers(s)
notes = {"x": t("x_note"), "qkv": t("qkv_note"), "scores": t("scores_note", var=num.scores_var, dk=d_k),
         "scaled": t("scaled_note", dk=d_k, sq=num.sqrt_dk, var=num.scaled_var) if scale
         else t("unscaled_note", var=num.scaled_var),
         "mask": t("mask_note") if causal else t("mask_off"), "softmax": t("softmax_note", mx=num.mean_max_weight),
         "out": t("out_note")}
titles = {f: t(f"{FIG_KEYS.get(f, f)}_title") for _, fields in C.STEP_TABS for f in fields}
inputs = (embed, trained.label, id(trained.model)) if embed == "gpt" else (embed, split, seed)  # what made x
figs = figcache.figure(("att_steps", *inputs, checked.text, d_k, scale, causal), lang, lambda: C.step_figures(
    s, tokens, titles, t("dims"), t("token_axis"), t("query_axis"), t("key_axis")))
top.subheader(t("steps"))
for tab, (name, fields) in zip(top.tabs([t(f"tab_{name}") for name, _ in C.STEP_TABS]), C.STEP_TABS):
    tab.caption(notes[name])
    for col, field in zip(tab.columns(len(fields)), fields):
        col.plotly_chart(figs[field], key=f"att_fig_{FIG_KEYS.get(field, field)}")
st.latex(t("formula"))

st.header(t("dict_header"))
st.markdown(t("dict_intro"))
q = st.selectbox(t("dict_query"), range(len(tokens)), format_func=lambda i: f"{i}: {tokens[i]}", key="att_query",
                 bind="query-params", index=min(len(tokens) - 1, 6))
rows = A.lookup_table(s, tokens, q)
attended = S.step_numbers(s, q).attended
st.dataframe(
    [{t("dict_rank"): r["rank"], t("dict_key"): t("dict_pos", i=r["pos"], tok=r["token"]),
      t("dict_score"): f"{r['score']:.3f}" if math.isfinite(r["score"]) else t("dict_masked"),
      t("dict_weight"): f"{r['weight']:.3f}"} for r in rows],
    hide_index=True, key="att_dict_table",
)
st.caption(t("dict_summary", top=plain(rows[0]["token"]), w=rows[0]["weight"], n=attended))
export.csv_button(rows, f"attention_lookup_q{q}", lang, key="att_dict_csv")
dict_analogies(trained, lang)

st.header(t("why_header"))


@st.cache_data(max_entries=16, show_spinner=False)  # keyed by the typed seed (0–9999); each a small table
def _study(seed: int) -> list[S.ScalingPoint]:
    return scaling_points(seed)  # shipped in assets/models/notes/ for the default seed


st.markdown(t("why_intro", n=S.STUDY_KEYS, s=S.STUDY_SAMPLES, seed=seed))
pts = _study(seed)
fig = figcache.figure(("att_why", seed, d_k), lang, lambda: C.scaling_figure(
    pts, {"scaled": t("why_scaled"), "unscaled": t("why_unscaled")}, [t("why_entropy"), t("why_max"), t("why_grad")],
    t("why_x"), current_dk=d_k))
st.plotly_chart(fig, key="att_fig_why")
if (here := S.study_at(pts, d_k)) is not None:
    u, sc = here
    st.caption(t("why_at", dk=d_k, mu=u.max_weight, gu=u.grad_norm, ms=sc.max_weight, gs=sc.grad_norm))
st.caption(t("source"))
position_counts(lang)
