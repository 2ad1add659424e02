"""The residual stream of our GPT: norms through the stream per layer, and the held-out loss with a skip removed."""
from __future__ import annotations

import math

import streamlit as st

from core.charts.lm import ChartText
from core.charts.residual import cut_loss_figure, norms_figure
from core.gpt.inside import residual as R
from core.notes_store import model_digest
from ui import figcache, notes_jobs, shell
from ui.safe import plain
from ui.shared_state import get_gpt
from views.gpt_residual.texts import T

lang = shell.lang()
t = lambda key, **kw: T.t(key, lang, **kw)


@st.cache_resource(show_spinner=False, max_entries=8)  # a hash of 3 MB of weights: once per model object
def _digest(label: str, model_id: int, _model) -> str:
    return model_digest(_model)


st.title(t("title"))
st.markdown(t("intro"))
gpt = get_gpt(lang)
if gpt is None:
    st.info(t("no_model"))
    st.stop()
st.caption(plain(gpt.label))
st.markdown(t("preln" if gpt.model.config.pre_ln else "postln"))
pre = gpt.model.config.pre_ln
with_f, without_f = ((r"x + f(\mathrm{LN}(x))", r"f(\mathrm{LN}(x))") if pre
                     else (r"\mathrm{LN}(x + f(x))", r"\mathrm{LN}(f(x))"))
st.latex(rf"\text{{{t('with_skip')}: }} x \leftarrow {with_f} \qquad "
         rf"\text{{{t('skip_removed')}: }} x \leftarrow {without_f}")

cfg = gpt.model.config
# the widgets before the wait for the study: a link's values are checked (and a bad one noted) on every run
c1, c2 = st.columns(2)
layer = 1
if cfg.n_layer > 1:
    layer = c1.slider(t("layer"), 1, cfg.n_layer, cfg.n_layer, key="res_layer", bind="query-params")
part = c2.radio(t("part"), R.PARTS, format_func=lambda p: t(f"part_{p}"), key="res_part", bind="query-params",
                horizontal=True)
digest = _digest(gpt.label, id(gpt.model), gpt.model)
got = notes_jobs.value(R.page_note(gpt, lang, digest), "res_job", lang)
if got is None:
    st.stop()
s = R.ResidualStudy.from_json(got)
cut = s.cut_loss[layer - 1][part]
m = st.columns(2)
m[0].metric(t("m_base"), t("nats", v=s.base_loss, pp=math.exp(s.base_loss)))
m[1].metric(t("m_cut", layer=layer, part=t(f"part_{part}")), t("nats", v=cut, pp=math.exp(min(cut, 700))),
            delta=f"{cut - s.base_loss:+.3f}", delta_color="inverse")

left, right = st.columns(2)
cut_text = ChartText(t("cut_title"), t("cut_x"), t("cut_y"),
                     {"attn": t("cut_attn"), "mlp": t("cut_mlp"), "base": t("cut_base")})
left.plotly_chart(figcache.figure(("res_cut", digest, layer, part), lang, lambda: cut_loss_figure(
    s.cut_loss, s.base_loss, (layer - 1, part), cut_text)), key="res_cut_chart")
norm_text = ChartText(t("norms_title"), t("norms_x"), t("norms_y"),
                      {k: t(k) for k in ("attn_in", "attn_out", "mlp_in", "mlp_out")})
right.plotly_chart(figcache.figure(("res_norms", digest), lang, lambda: norms_figure(s.norms, norm_text)),
                   key="res_norms_chart")

rises = [row[p] - s.base_loss for row in s.cut_loss for p in R.PARTS]
fmt = dict(tokens=s.tokens, lo=min(rises), hi=max(rises), uni=math.log(cfg.vocab_size))
st.markdown(t("cut_note" if min(rises) > 0 else "cut_note_mixed", **fmt))
last = s.norms[-1]
st.caption(t("norms_note", root=math.sqrt(cfg.n_embd), d=cfg.n_embd, ratio=last["attn_out"] / last["attn_in"]))
