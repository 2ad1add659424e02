"""The three sections of "Inside the prediction" (views/gpt_inside/page.py): next token, logit lens, knock out heads.

Each draws its widgets (keys prefixed nt_, lens_, ko_; bound to the URL), calls core.gpt.inside.{sampling, lens,
knockout} through a cache keyed by the model and the inputs, and draws the figures of core.charts.inside.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.charts.inside import Labels, importance_figure, lens_figure, next_token_figure, surprisal_pair_figure
from core.errors import UserInputError
from core.gpt.inside import knockout as K
from core.gpt.inside.lens import Lens, logit_lens
from core.gpt.inside.predict import context_ids
from core.gpt.inside.sampling import MAX_NEW, Continuation, continue_text
from core.gpt.tasks.pretrain_text import corpus_heldout
from core.lm.units import show_token
from core.tokenizers.display import readable_pieces
from ui import shell
from ui.background import outcome
from ui.safe import plain
from views.gpt_inside.texts import T


def model_key(gpt) -> str:
    """Which model a cached result belongs to: the object (a live model is a fresh snapshot) and its label."""
    return f"{id(gpt.model)}|{gpt.label}"


# ---- next token -----------------------------------------------------------------------------------------
@st.cache_resource(max_entries=32, show_spinner=False)
def _continue(key: str, text: str, added: int, temp: float, top_k: int, top_p: float, seed: int, _gpt) -> Continuation:
    return continue_text(_gpt.model, _gpt.tokenizer, text, added, temp, top_k, top_p, seed)


def _add_one() -> None:
    st.session_state["nt_added"] = min(MAX_NEW, int(st.session_state.get("nt_added", 0)) + 1)


def _back() -> None:
    st.session_state["nt_added"] = 0


def next_token(gpt, text: str, lang: str) -> None:
    t = lambda k, **kw: T.t(k, lang, **kw)
    V = gpt.model.config.vocab_size
    chart = st.container()  # the distribution first, on the projector's first screen; the controls under it
    c = st.columns([1, 1, 1.2, 0.8, 0.8])
    temp = c[0].number_input(t("temp"), 0.0, 1e6, 1.0, step=0.1, key="nt_temp", bind="query-params", format="%g",
                             help=t("temp_help"))
    top_k = int(c[1].number_input(t("topk"), 0, V, 0, key="nt_topk", bind="query-params"))
    top_p = c[2].slider(t("topp"), 0.0, 1.0, 0.9, 0.01, key="nt_topp", bind="query-params")
    seed = int(c[3].number_input(t("seed"), 0, 2**31 - 1, 0, key="nt_seed", bind="query-params"))
    shown = c[4].number_input(t("shown"), 5, 40, 15, key="nt_shown", bind="query-params")
    b = st.columns([1, 1, 1.2, 3])
    added = int(b[0].number_input(t("added"), 0, MAX_NEW, key="nt_added", bind="query-params"))  # value "min": 0
    b[1].button(t("more"), key="nt_more", on_click=_add_one, type="primary", disabled=added >= MAX_NEW)
    b[2].button(t("reset"), key="nt_reset", on_click=_back, disabled=added == 0)
    try:
        got = _continue(model_key(gpt), text, added, float(temp), top_k, float(top_p), seed, gpt)
    except UserInputError as e:
        shell.show_error(e)
        return
    d = got.dist
    order = np.argsort(-d.scaled, kind="stable")[:int(shown)]
    pieces = [show_token(gpt.tokenizer.id_to_piece(int(i))) for i in order]
    chart.plotly_chart(next_token_figure(pieces, d.scaled[order], d.final[order], d.kept[order], Labels(
        t("nt_title", n=len(order)), t("nt_x"), names={k: t(f"nt_{k}") for k in ("scaled", "final", "cut")})),
        key="nt_chart")
    if d.greedy:
        chart.info(t("greedy"))
    chart.caption(t("kept", n=d.kept_count, V=V, mass=d.kept_mass))
    if got.cropped:
        st.caption(t("cropped", n=gpt.model.config.block_size))
    if not got.prompt_ids:
        st.caption(t("from_start"))
    if got.unknown:
        st.caption(t("unk", n=got.unknown))
    if added >= MAX_NEW:
        st.caption(t("max_added", n=MAX_NEW))
    so_far = gpt.tokenizer.decode(got.prompt_ids)
    new = gpt.tokenizer.decode(got.prompt_ids + got.added)[len(so_far):] if got.added else ""
    st.markdown(f"**{t('so_far')}:** {plain(so_far, 2000)}" + (f" **⟨{plain(new, 2000)}⟩** ({t('so_far_added')})"
                                                               if new else ""))


# ---- logit lens -----------------------------------------------------------------------------------------
@st.cache_resource(max_entries=16, show_spinner=False)
def _lens(key: str, text: str, _gpt) -> tuple[list[int], Lens]:
    ids, first, _ = context_ids(_gpt.model, _gpt.tokenizer, text)
    ids = ids[:_gpt.model.config.block_size]  # every position is read (none is only a target here)
    return ids, logit_lens(_gpt.model, ids)


def lens(gpt, text: str, lang: str) -> None:
    t = lambda k, **kw: T.t(k, lang, **kw)
    ids, L = _lens(model_key(gpt), text, gpt)
    piece = lambda i: show_token(gpt.tokenizer.id_to_piece(int(i)))
    toks = [show_token(p) for p in readable_pieces([gpt.tokenizer.id_to_piece(int(i)) for i in ids])]  # 暖 1/3…
    rows = [t("lens_embed")] + [t("lens_layer", l=li) for li in range(1, L.layers)]
    top1 = [[piece(L.top_ids[li, p, 0]) for p in range(len(ids))] for li in range(L.layers)]
    hover = [[t("lens_hover", row=rows[li], tok=toks[p], final=piece(L.final[p]), rank=int(L.ranks[li, p])).split("\n")
              + [f"{piece(i)}  {float(q):.3f}" for i, q in zip(L.top_ids[li, p], L.top_probs[li, p])]
              for p in range(len(ids))] for li in range(L.layers)]
    st.plotly_chart(lens_figure(L.ranks.numpy(), top1, hover, toks, rows, Labels(
        t("lens_title"), t("lens_x"), t("lens_y"), {"scale": t("lens_scale")})), key="lens_chart")
    st.caption(t("lens_pre" if gpt.model.config.pre_ln else "lens_post"))
    settled = ", ".join(f"{r} {int((L.ranks[li] == 1).sum())}/{len(ids)}" for li, r in enumerate(rows))
    st.caption(t("lens_settle", counts=settled))
    shell.in_range("lens_pos", 1, len(ids))  # the last text's position, past this one's end
    pos = st.slider(t("lens_pos"), 1, len(ids), len(ids), key="lens_pos", bind="query-params") if len(ids) > 1 else 1
    p = pos - 1
    st.dataframe([{t("lens_col_layer"): rows[li], t("lens_col_rank"): int(L.ranks[li, p]),
                   t("lens_col_top"): "  ".join(f"{piece(i)} {float(q):.2f}" for i, q in
                                               zip(L.top_ids[li, p], L.top_probs[li, p]))}
                  for li in range(L.layers)], key="lens_table", hide_index=True)


# ---- knock out heads ------------------------------------------------------------------------------------
@st.cache_resource(max_entries=4, show_spinner=False)
def _slice(key: str, lang: str, _gpt) -> tuple[list[int], str]:
    ids = K.slice_ids(_gpt.tokenizer, corpus_heldout(lang))
    return ids, K.cache_key(_gpt.model, ids)


@st.cache_resource(max_entries=64, show_spinner=False)
def _knocked(key: str, heads: frozenset, _gpt):
    return K.knocked_out(_gpt.model, heads)


@st.cache_resource(max_entries=64, show_spinner=False)
def _slice_loss(key: str, heads: frozenset, _ids: list[int], _gpt) -> float:
    return K.slice_loss(_knocked(key, heads, _gpt), _ids)


def _restart(gpt, ids, key) -> None:
    try:
        K.restart(gpt.model, ids, key)
    except UserInputError as e:
        st.session_state["ko_error"] = e


def knockout(gpt, text: str, lang: str) -> None:
    t = lambda k, **kw: T.t(k, lang, **kw)
    cfg = gpt.model.config
    names = {t("ko_head", l=li + 1, h=h + 1): (li, h) for li, h in K.all_heads(gpt.model)}
    # room for the toggle's whole label, in both languages
    c1, c2 = st.columns([3, 1.3], vertical_alignment="bottom")
    every = c2.toggle(t("ko_all"), key="ko_all", bind="query-params")
    chosen = c1.multiselect(t("ko_heads"), list(names), key="ko_heads", bind="query-params")  # kept under "every"
    heads = frozenset(names.values()) if every else frozenset(names[c] for c in chosen if c in names)
    key = model_key(gpt)
    ids, imp_key = _slice(key, lang, gpt)
    base, off = _slice_loss(key, frozenset(), ids, gpt), _slice_loss(key, heads, ids, gpt)
    sent, _, _ = context_ids(gpt.model, gpt.tokenizer, text)
    chart = st.container()  # the per-token chart first (the projector's first screen), the three numbers under it
    m = st.columns(3)
    m[0].metric(t("ko_base"), f"{base:.3f}")
    m[1].metric(t("ko_off", n=len(heads)), f"{off:.3f}", f"{off - base:+.3f}", delta_color="inverse")
    if len(sent) >= 2:
        before = K.sentence_surprisal(gpt.model, sent).numpy()
        after = K.sentence_surprisal(_knocked(key, heads, gpt), sent).numpy()
        m[2].metric(t("ko_sentence"), f"{after.mean():.2f}", f"{after.mean() - before.mean():+.2f}",
                    delta_color="inverse")
        toks = [show_token(p) for p in readable_pieces([gpt.tokenizer.id_to_piece(i) for i in sent])[1:]]
        chart.plotly_chart(surprisal_pair_figure(toks, before, after, Labels(
            t("ko_bits_title"), "", t("ko_bits_y"), {"before": t("ko_before"), "after": t("ko_after")})),
            key="ko_bits")
    else:
        st.caption(t("ko_short"))
    if heads and len(heads) == cfg.n_layer * cfg.n_head:
        st.info(t("ko_every"))
    st.caption(t("ko_slice", tokens=len(ids), corpus=lang))
    if "ko_error" in st.session_state:
        shell.show_error(st.session_state.pop("ko_error"))
    try:
        got = K.importance_or_job(gpt.model, ids, imp_key)
    except UserInputError as e:  # the server runs its limit of jobs
        shell.show_error(e)
        return
    table = outcome(got, "ko_job", lang, t("ko_what"), t("ko_computing"), _restart, (gpt, ids, imp_key))
    if table is None:
        return
    inc = np.array([[table.increase((li, h)) for h in range(cfg.n_head)] for li in range(cfg.n_layer)])
    st.plotly_chart(importance_figure(inc, set(heads), Labels(t("ko_imp_title"), names={
        "layer": t("ko_layer"), "head": t("ko_headw"), "scale": t("ko_imp_scale")})), key="ko_importance")
    rows = sorted(({t("ko_col_head"): n, t("ko_col_inc"): table.increase(h), t("ko_col_loss"): table.loss[h]}
                   for n, h in names.items()), key=lambda r: -r[t("ko_col_inc")])
    three = st.column_config.NumberColumn(format="%.3f")  # three decimals, as the heatmap and the metrics show them
    st.dataframe(rows, key="ko_table", hide_index=True, column_config={t("ko_col_inc"): three, t("ko_col_loss"): three})
