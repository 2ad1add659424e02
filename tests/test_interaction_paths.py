"""Issue 14 item 4 (every interaction ≤ 0.5 s): each figure now built in one unvalidated call against the
figure as first written with plotly's validated update_* calls: the same JSON, so a speed-up cannot quietly
change what a page shows."""
from __future__ import annotations

import base64
import json
import math

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from core.charts import attention as C
from core.charts import style


def _plain_matrix_figure(m, row_tokens, col_labels, title, x_title, y_title, diverging=True, zrange=None,
                         annotate=False, height=None):
    """core.charts.attention.matrix_figure as it was: trace unvalidated, then update_xaxes / update_yaxes /
    styled / update_layout (each validated): the reference."""
    rows, rtext = C._positions(row_tokens)
    ncol = m.shape[1]
    ctext = [C.short(c) for c in col_labels] if col_labels is not None else [str(j) for j in range(ncol)]
    z = C._finite(m)
    kw: dict = dict(colorscale=C._scale(style.DIVERGING_SCALE if diverging else style.HEATMAP_SCALE))
    if zrange is not None:
        kw.update(zmin=zrange[0], zmax=zrange[1])
    elif diverging:
        kw.update(zmid=0)
    hover_rows = style.plot_texts(row_tokens)
    hover_cols = style.plot_texts(col_labels) if col_labels is not None else ctext
    custom = [[[hover_rows[i], hover_cols[j]] for j in range(ncol)] for i in range(len(rows))]
    if annotate:
        kw.update(texttemplate="%{z:.2f}")
    fig = go.Figure([dict(type="heatmap", z=z, x=list(range(ncol)), y=rows, customdata=custom, **kw,
                          hovertemplate="%{customdata[0]} → %{customdata[1]}<br>%{z:.3f}<extra></extra>")],
                    _validate=False)
    angle = 0
    if col_labels is None and ncol > 16:
        xt = list(range(0, ncol, 8))
        fig.update_xaxes(tickmode="array", tickvals=xt, ticktext=[str(j) for j in xt])
    else:
        angle = C.key_tick_angle(ctext)
        fig.update_xaxes(tickmode="array", tickvals=list(range(ncol)), ticktext=style.plot_texts(ctext),
                         tickangle=angle)
    fig.update_xaxes(title=dict(text=x_title, standoff=6), side="top")
    fig.update_yaxes(title=y_title, tickmode="array", tickvals=rows, ticktext=style.plot_texts(rtext),
                     autorange="reversed")
    style.styled(fig, title, height=height or max(320, 80 + 26 * len(rows)))
    ticks_px = 24 if angle == 0 else 16 + int(0.75 * 9 * max((len(c) for c in ctext), default=1))
    pin = dict(title=dict(y=1.0, yref="container", yanchor="top", pad=dict(t=10))) if title else {}
    fig.update_layout(margin=dict(t=(48 if title else 8) + ticks_px + 30), **pin)
    return fig


def _decoded(x):
    """JSON with plotly's base64 arrays ({"dtype", "bdata", "shape"}) read back as nested lists of numbers
    (NaN as "NaN")."""
    if isinstance(x, dict) and "bdata" in x and "dtype" in x:
        a = np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"]))
        shape = x.get("shape")
        dims = [int(n) for n in shape.split(",")] if isinstance(shape, str) else shape or -1
        return _decoded(a.reshape(dims).tolist())
    if isinstance(x, float) and math.isnan(x):
        return "NaN"  # equal to itself, so two figures with the same gaps compare equal
    if isinstance(x, dict):
        return {k: _decoded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_decoded(v) for v in x]
    return x


def _json(fig: go.Figure) -> dict:
    return _decoded(json.loads(fig.to_json()))


TOKENS = ["The", "cat", "</script>", "sat", "on", "the", "mat", "😀", "tokenization", "読売"]


@pytest.mark.parametrize("case", ["dims_wide", "dims_narrow", "square", "masked", "weights", "untitled", "sized"])
@pytest.mark.parametrize("scale", [1.0, 1.5])  # the presenter view's font scale enters the layout
def test_matrix_figure_in_one_call_equals_the_validated_build(case, scale):
    g = torch.Generator().manual_seed(3)
    t = len(TOKENS)
    sq = torch.randn(t, t, generator=g)
    masked = sq.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), -math.inf)
    args = {"dims_wide": (torch.randn(t, 64, generator=g), TOKENS, None, "x", "dims", "token"),
            "dims_narrow": (torch.randn(t, 8, generator=g), TOKENS, None, "q", "dims", "token"),
            "square": (sq, TOKENS, TOKENS, "scores", "key", "query"),
            "masked": (masked, TOKENS, TOKENS, "masked", "key", "query"),
            "weights": (torch.softmax(masked, -1), TOKENS, TOKENS, "w", "key", "query"),
            "untitled": (sq[:8, :8], TOKENS[:4] * 2, TOKENS[:4] * 2, "", "key", "query"),
            "sized": (sq[:3], TOKENS[:3], TOKENS, "cross", "key", "query")}[case]
    kw = {"weights": dict(diverging=False, zrange=(0, 1), annotate=True), "masked": dict(annotate=True),
          "sized": dict(height=300)}.get(case, {})
    token = style.FONT_SCALE.set(scale)
    try:
        fast, plain = C.matrix_figure(*args, **kw), _plain_matrix_figure(*args, **kw)
    finally:
        style.FONT_SCALE.reset(token)
    assert _json(fast) == _json(plain)  # the same doubles: base64 where all finite, exact
    z = json.loads(fast.to_json())["data"][0]["z"]
    assert ("bdata" in z) == (case != "masked")  # masked cells stay None (an empty cell, no "NaN" text)
    assert _decoded(json.loads(go.Figure(fast.to_dict()).to_json())) == _json(fast)  # every property valid
    assert fast.layout.template.layout.font.family == style.FONT_FAMILY  # the default template, as validated


def test_styled_layout_is_what_styled_sets():
    for title, height, scale in ((None, None, 1.0), ("t", 400, 1.0), ("t", None, 1.4), (None, 300, 1.4)):
        token = style.FONT_SCALE.set(scale)
        try:
            a = go.Figure(go.Scatter(x=[1], y=[2]), layout=style.styled_layout(title, height))
            b = style.styled(go.Figure(go.Scatter(x=[1], y=[2])), title, height)
        finally:
            style.FONT_SCALE.reset(token)
        assert _json(a) == _json(b)


# --- positional encodings (tf_positional: six figures rebuilt for every new length or d_model) -------------

def _np32(t):
    return t.detach().to("cpu", torch.float32).numpy()


def _legend_below(fig):
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0), margin=dict(b=110))
    return fig


def _plain_unit_heatmap(m, hover, title, x_title, y_title):
    fig = go.Figure(go.Heatmap(z=_np32(m), colorscale=style.DIVERGING_SCALE, zmin=-1, zmax=1, zmid=0,
                               hovertemplate=hover))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, autorange="reversed")
    return style.styled(fig, title, height=460)


def _plain_positional(name, *a):
    """core.charts.positional's builders as first written (validated go objects and update_* calls)."""
    from core.transformer.positional import dot_similarity

    if name == "pe_heatmap":
        pe, title, xt, yt = a
        return _plain_unit_heatmap(pe, "pos %{y}, dim %{x}: %{z:.3f}<extra></extra>", title, xt, yt)
    if name == "rotation_heatmap":
        m, title, xt, yt = a
        return _plain_unit_heatmap(m, "row %{y}, col %{x}: %{z:.4f}<extra></extra>", title, xt, yt)
    if name == "pe_curves":
        pe, dims, title, xt, yt, fmt = a
        pos = np.arange(pe.shape[0])
        fig = go.Figure([go.Scatter(x=pos, y=_np32(pe[:, d]), mode="lines+markers" if len(pos) <= 60 else "lines",
                                    name=fmt.format(dim=d, fn="sin" if d % 2 == 0 else "cos", i=d // 2),
                                    line=dict(color=style.PALETTE[n % len(style.PALETTE)], width=3))
                         for n, d in enumerate(dims)])
        fig.update_xaxes(title=xt)
        fig.update_yaxes(title=yt, range=[-1.1, 1.1])
        return _legend_below(style.styled(fig, title, height=460 + 22 * max(0, len(dims) - 2)))
    if name == "position_similarity_heatmap":
        mat, title, cosine, xt, yt, cb = a
        sim = dot_similarity(mat.detach().to("cpu"), cosine=cosine)
        bound = 1.0 if cosine else float(sim.abs().max()) or 1.0
        fig = go.Figure(go.Heatmap(z=_np32(sim), colorscale=style.DIVERGING_SCALE, zmin=-bound, zmax=bound, zmid=0,
                                   colorbar=dict(title=dict(text=cb)) if cb else None,
                                   hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>"))
        fig.update_xaxes(title=xt)
        fig.update_yaxes(title=yt, autorange="reversed")
        return style.styled(fig, title, height=460)
    if name == "similarity_distance_figure":
        bd, title, xt, yt, mean_name, band_name = a
        d = bd.distance.numpy()
        fig = go.Figure([
            go.Scatter(x=d, y=_np32(bd.hi), mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"),
            go.Scatter(x=d, y=_np32(bd.lo), mode="lines", line=dict(width=0), fill="tonexty",
                       fillcolor="rgba(230,159,0,0.35)", name=band_name, hoverinfo="skip"),
            go.Scatter(x=d, y=_np32(bd.mean), mode="lines", name=mean_name,
                       line=dict(color=style.PALETTE[0], width=3))])
        fig.update_xaxes(title=xt)
        fig.update_yaxes(title=yt)
        return _legend_below(style.styled(fig, title, height=460))
    if name == "residual_figure":
        res, title, xt, yt = a
        traces = []
        for n, (nm, r) in enumerate(res.items()):
            y = r.detach().to("cpu", torch.float64).numpy().copy()
            y[y <= 0] = np.nan
            traces.append(go.Scatter(x=np.arange(len(y)), y=y, mode="lines", name=nm,
                                     line=dict(color=style.PALETTE[n % len(style.PALETTE)], width=2)))
        fig = go.Figure(traces)
        fig.update_xaxes(title=xt)
        fig.update_yaxes(title=yt, type="log", exponentformat="power")
        return style.styled(fig, title, height=380)
    raise KeyError(name)


@pytest.mark.parametrize("length, d_model", [(7, 4), (100, 64)])  # markers on short curves, lines on long ones
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_positional_figures_in_one_call_equal_the_validated_build(length, d_model, scale):
    from core.charts import positional as P
    from core.transformer import positional as pe_core

    pe = pe_core.sinusoidal_pe(length, d_model)
    cases = [("pe_heatmap", pe, "PE", "dim", "pos"),
             ("rotation_heatmap", pe_core.rotation_matrix(3, d_model), "M", "c", "r"),
             ("pe_curves", pe, [0, 1, 3], "curves", "pos", "value", "{dim} {fn} {i}"),
             ("position_similarity_heatmap", pe, "sim", False, "pos", "pos", None),
             ("position_similarity_heatmap", torch.randn(length, 8), "cos", True, "p", "p", "cos"),
             ("similarity_distance_figure", pe_core.similarity_by_distance(pe_core.dot_similarity(pe)), "d", "Δ", "s",
              "mean", "band"),
             ("residual_figure", pe_core.rotation_residuals(length, d_model, 3), "res", "pos", "err")]
    token = style.FONT_SCALE.set(scale)
    try:
        for name, *a in cases:
            fast, plain = getattr(P, name)(*a), _plain_positional(name, *a)
            assert _json(fast) == _json(plain), name
            assert _decoded(json.loads(go.Figure(fast.to_dict()).to_json())) == _json(fast), name  # valid
    finally:
        style.FONT_SCALE.reset(token)


# --- the pages that use them: each widget still changes what is shown, in both languages ---------------------

def _spec(at, key: str) -> str:
    return next(el.proto.spec for el in at.get("plotly_chart") if el.proto.id and key in el.proto.id)


@pytest.mark.parametrize("lang, text", [("en", "a cat sat on a mat"), ("ja", "猫がマットの上に座った")])
def test_attention_page_sentence_and_d_k_redraw_the_steps(lang, text):
    from tests.apptest import errors, open_page

    at = open_page("views/tf_attention/page.py", lang=lang)
    before = {k: _spec(at, k) for k in ("att_fig_x", "att_fig_q", "att_fig_scores", "att_fig_softmax")}
    at.select_slider(key="att_dk").set_value(64).run()
    assert not at.exception, errors(at)
    q = json.loads(_spec(at, "att_fig_q"))
    assert len(_decoded(q)["data"][0]["z"][0]) == 64  # q has d_k columns now
    assert _spec(at, "att_fig_scores") != before["att_fig_scores"] and _spec(at, "att_fig_x") == before["att_fig_x"]
    at.text_area(key="att_text").set_value(text).run()
    assert not at.exception, errors(at)
    x = json.loads(_spec(at, "att_fig_x"))
    shown = x["layout"]["yaxis"]["ticktext"]
    assert shown != json.loads(before["att_fig_x"])["layout"]["yaxis"]["ticktext"]  # the new sentence's tokens
    assert "".join(shown).replace(" ", "") == text.replace(" ", "")
    w = _decoded(json.loads(_spec(at, "att_fig_softmax")))["data"][0]["z"]
    assert all(abs(sum(row) - 1) < 1e-5 for row in w)  # rows of the (float32) weights still sum to 1


def _gelu_timed(n: int) -> None:
    import torch

    from core.gpt.timing.gelu_cost import cost_or_job

    got = cost_or_job(torch.device("cpu"), n)
    if not isinstance(got, list):
        assert got.wait(60) and got.result is not None, got.state()


@pytest.mark.parametrize("lang, words", [("en", "2,000,000"), ("ja", "2,000,000")])
def test_gelu_cost_size_redraws_its_section_in_both_languages(lang, words):
    from tests.apptest import errors, open_page

    _gelu_timed(1_000_000)  # the first draw waits at most views.gpt_gelu.cost.FIRST_WAIT_S: time the default size first
    at = open_page("views/gpt_gelu/page.py", lang=lang)
    before = _spec(at, "gelu_fig_cost")
    drawn = any("gelu_fig_f" in (el.proto.id or "") for el in at.get("plotly_chart"))
    curves = _spec(at, "gelu_fig_f") if drawn else None
    at.select_slider(key="gelu_cost_n").set_value(2_000_000).run()
    assert not at.exception, errors(at)
    _gelu_timed(2_000_000)  # the timing runs in a job (views/gpt_gelu/cost.py): wait, then rerun as the poll would
    at.run()
    assert _spec(at, "gelu_fig_cost") != before
    assert any(words in c.value for c in at.caption)
    if curves is not None:
        assert _spec(at, "gelu_fig_f") == curves  # the curves above do not depend on the size


# --- Japanese words for the language-model pages (a corpus switch to ja at word level splits it all) -------

def test_mecab_split_fast_path_gives_the_morphemes_surfaces():
    from core.corpus import load_shipped
    from core.tokenizers import mecab

    text = load_shipped("ja")[:20_000] + "\n\n読売巨人軍が勝った。 ｽﾍﾟｰｽ　全角 and English 😀\n"
    assert mecab.split(text) == [m.surface for m in mecab.morphemes(text)]
    assert mecab.split("") == [] and mecab.split("\n") == []


# --- multi-head: concat + W_O (rebuilt for every new sentence) ------------------------------------------------

def _plain_concat_figure(heads, w_o, output, tokens, titles, height=None):
    """core.charts.attention.concat_figure as first written, with make_subplots and update_* calls."""
    from plotly.subplots import make_subplots

    h, t, d_k = heads.shape
    widths = [d_k] * h + [w_o.shape[0] * 0.6, output.shape[1]]
    fig = make_subplots(rows=1, cols=h + 2, column_widths=widths, horizontal_spacing=0.012, subplot_titles=list(titles))
    lim = float(max(heads.abs().max(), 1e-6))
    _, rtext = C._positions(tokens)
    for i in range(h):
        fig.add_trace(go.Heatmap(z=heads[i].tolist(), colorscale=style.DIVERGING_SCALE, zmid=0, zmin=-lim, zmax=lim,
                                 showscale=False), row=1, col=i + 1)
    wl = float(max(w_o.abs().max(), 1e-6))
    fig.add_trace(go.Heatmap(z=w_o.tolist(), colorscale=style.DIVERGING_SCALE, zmid=0, zmin=-wl, zmax=wl,
                             showscale=False), row=1, col=h + 1)
    ol = float(max(output.abs().max(), 1e-6))
    fig.add_trace(go.Heatmap(z=output.tolist(), colorscale=style.DIVERGING_SCALE, zmid=0, zmin=-ol, zmax=ol,
                             showscale=False), row=1, col=h + 2)
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    fig.update_yaxes(showticklabels=True, tickmode="array", tickvals=list(range(t)), ticktext=style.plot_texts(rtext),
                     row=1, col=1)
    fig.update_yaxes(showticklabels=False, row=1, col=h + 1)
    style.styled(fig, None, height=height or max(300, 90 + 22 * t))
    return fig


@pytest.mark.parametrize("n_tokens, height, scale", [(3, None, 1.0), (12, None, 1.5), (7, 500, 1.0)])
def test_concat_figure_in_one_call_equals_the_make_subplots_build(n_tokens, height, scale):
    from core.transformer import attention_study as A

    demo = A.concat_demo(TOKENS[:n_tokens])
    titles = [f"head {i + 1}" for i in range(demo.heads.shape[0])] + ["W_O", "<b>out</b>"]
    token = style.FONT_SCALE.set(scale)
    try:
        args = (demo.heads, demo.w_o, demo.output, TOKENS[:n_tokens], titles, height)
        fast, plain = C.concat_figure(*args), _plain_concat_figure(*args)
        again = C.concat_figure(*args)  # from the cached layout: not changed by the first build
    finally:
        style.FONT_SCALE.reset(token)
    assert _json(fast) == _json(plain) == _json(again)
    assert _decoded(json.loads(go.Figure(fast.to_dict()).to_json())) == _json(fast)  # valid


def _plain_training(name, *a, **kw):
    """core.charts.training's live charts as first written (go.Scatter per trace, then validated update_* calls)."""
    from core.charts import training as TR

    if name == "series_figure":
        steps, values, nm, title, xt, yt = a
        smooth, max_steps, tickformat = kw.get("smooth", False), kw.get("max_steps"), kw.get("tickformat")
        xs, ys = TR.thin(steps, TR.ema(values, 0.2) if smooth else values)
        fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", name=nm, line=dict(color=style.PALETTE[4], width=3)))
        fig.update_xaxes(title=xt, range=[0, max(max_steps or 0, steps[-1] if steps else 1)])
        fig.update_yaxes(title=yt, rangemode="tozero", tickformat=tickformat)
        fig.update_layout(showlegend=False)
        return style.styled(fig, title, height=300)
    if name == "log_loss_figure":
        losses, nm, title, xt, yt = a
        xs, ys = TR.thin(list(range(1, len(losses) + 1)), losses)
        fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", name=nm, line=dict(color=style.PALETTE[0], width=2)))
        fig.update_xaxes(title=xt)
        fig.update_yaxes(title=yt, type="log", dtick=1)
        return style.styled(fig, title, height=300)
    steps, loss, es, et, ev, refs, names, title, xt, yt = a
    perplexity, max_steps = kw.get("perplexity", False), kw.get("max_steps")
    f = (lambda v: [math.exp(min(x, 50.0)) for x in v]) if perplexity else (lambda v: list(v))
    fig = go.Figure()
    if steps:
        xs, ys = TR.thin(steps, f(loss))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=names["batch"], opacity=0.3,
                                 line=dict(color=style.PALETTE[5], width=1)))
        xs, ys = TR.thin(steps, f(TR.ema(loss)))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=names["smoothed"],
                                 line=dict(color=style.PALETTE[0], width=3)))
    if es:
        fig.add_trace(go.Scatter(x=list(es), y=f(et), mode="lines+markers", name=names["train"],
                                 line=dict(color=style.PALETTE[2], width=2, dash="dot"), marker=dict(size=8)))
        fig.add_trace(go.Scatter(x=list(es), y=f(ev), mode="lines+markers", name=names["val"],
                                 line=dict(color=style.PALETTE[1], width=3), marker=dict(size=9)))
    x_end = max(max_steps or 0, steps[-1] if steps else 1)
    for key in TR.REF_COLORS:
        if key in refs:
            v = f([refs[key]])[0]
            fig.add_trace(go.Scatter(x=[0, x_end], y=[v, v], mode="lines", name=names[key],
                                     line=dict(color=TR.REF_COLORS[key], width=2, dash=TR.REF_DASH[key]),
                                     hoverinfo="name+y"))
    fig.update_xaxes(title=xt, range=[0, x_end], rangemode="tozero")
    fig.update_yaxes(title=yt, type="log" if perplexity else "linear")
    style.styled(fig, title, height=kw.get("height", 470))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0), margin=dict(b=110))
    return fig


@pytest.mark.parametrize("n", [0, 7, 1000])  # no steps yet, a few, more than MAX_POINTS (thinned)
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_training_charts_in_one_call_equal_the_validated_build(n, scale):
    """The training page redraws these every poll while its job trains (bench/page_vs_cli.py [docs/FINDINGS.md]:
    a poll of the three took ~31 ms validated, ~8 ms in one call, quiet): same JSON as the validated build."""
    from core.charts import training as TR

    steps = list(range(n))
    loss = [4.0 * math.exp(-s / 300) + 0.5 for s in steps]
    es = steps[::250]
    names = {k: k.upper() for k in ("batch", "smoothed", "train", "val", "unigram", "bigram", "kn", "shipped")}
    refs = {"unigram": 3.3, "kn": 2.2, "shipped": 1.9}
    cases = [("loss_figure",
              (steps, loss, es, [loss[s] for s in es], [loss[s] + 0.1 for s in es], refs, names, "T", "x", "y"),
              {"max_steps": 2000}),
             ("loss_figure", (steps, loss, es, [loss[s] for s in es], [loss[s] for s in es], {}, names, "", "x", "y"),
              {"perplexity": True, "height": 380}),
             ("series_figure", (steps, [1e-3 * (s % 7) for s in steps], "lr", "LR", "x", "y"), {"tickformat": "~g"}),
             ("series_figure", (steps, [1e4 + s for s in steps], "tps", "T", "x", "y"),
              {"smooth": True, "max_steps": 50}),
             ("log_loss_figure", (loss, "l", "T", "x", "y"), {})]
    token = style.FONT_SCALE.set(scale)
    try:
        for name, a, kw in cases:
            if name == "log_loss_figure" and not n:
                continue
            fast, plain = getattr(TR, name)(*a, **kw), _plain_training(name, *a, **kw)
            assert _json(fast) == _json(plain), name
            assert _decoded(json.loads(go.Figure(fast.to_dict()).to_json())) == _json(fast), name  # valid
    finally:
        style.FONT_SCALE.reset(token)
