"""Figures for the attention pages: labelled matrices, the scaling study, the head grid, concat + W_O.

Pure functions: tensors and (already translated) labels in, a plotly Figure out. Token axes are
numeric positions with the tokens as tick text, so a repeated word keeps its own row and column.
"""
from __future__ import annotations

import functools
import json
import math
from typing import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from core.transformer.attention import AttentionSteps
from core.transformer.attention_study import HeadStats, ScalingPoint
from core.charts.style import (DIVERGING_SCALE, HEATMAP_SCALE, PALETTE, plot_texts, styled, styled_layout,
                               text_width, unvalidated_figure)

LABEL_CHARS = 12  # longer tokens are cut on axes (the hover shows them whole)


def short(token: str, n: int = LABEL_CHARS) -> str:
    """A token for an axis: at most n characters, newlines shown as ⏎.

    >>> short("</script><script>alert(1)</script>")
    '</script><s…'
    """
    t = token.replace("\n", "⏎")
    return t if len(t) <= n else t[: n - 1] + "…"


def _positions(tokens: Sequence[str]) -> tuple[list[int], list[str]]:
    return list(range(len(tokens))), [short(t) for t in tokens]


def _finite(m: torch.Tensor) -> list[list[float | None]]:
    """Matrix as lists, -inf (masked) as None: drawn as an empty cell."""
    m = m.detach().float().cpu()
    return [[(float(v) if math.isfinite(v) else None) for v in row] for row in m.tolist()]


def _cells(m: torch.Tensor) -> np.ndarray | list[list[float | None]]:
    """A heatmap's z: a float64 array when every value is finite (plotly sends it as base64, the exact
    doubles in ~2/3 of the bytes of their decimal text, and copies it in one go where nested lists are walked
    value by value), else `_finite`'s lists with masked cells as None (an empty cell, no "NaN" text)."""
    a = m.detach().to("cpu", torch.float64).numpy()
    return a if np.isfinite(a).all() else _finite(m)


@functools.lru_cache(maxsize=None)
def _scale(name: str) -> tuple:
    """A named colorscale as the (position, color) pairs plotly's validator makes of it (once, not per figure)."""
    return go.Heatmap(colorscale=name).colorscale


def matrix_figure(
    m: torch.Tensor,
    row_tokens: Sequence[str],
    col_labels: Sequence[str] | None,
    title: str,
    x_title: str,
    y_title: str,
    diverging: bool = True,
    zrange: tuple[float, float] | None = None,
    annotate: bool = False,
    height: int | None = None,
) -> go.Figure:
    """A heatmap of m (rows = tokens; columns = tokens when col_labels is None-free list, else dims).

    col_labels=None labels columns 0..n-1 (vector dimensions). Masked cells (-inf) are left blank.
    """
    rows, rtext = _positions(row_tokens)
    ncol = m.shape[1]
    ctext = [short(c) for c in col_labels] if col_labels is not None else [str(j) for j in range(ncol)]
    z = _cells(m)
    kw: dict = dict(colorscale=_scale(DIVERGING_SCALE if diverging else HEATMAP_SCALE))
    if zrange is not None:
        kw.update(zmin=zrange[0], zmax=zrange[1])
    elif diverging:
        kw.update(zmid=0)
    hover_rows = plot_texts(row_tokens)  # user text: escaped where it enters the figure (plot_text)
    hover_cols = plot_texts(col_labels) if col_labels is not None else ctext
    custom = np.empty((len(rows), ncol, 2), dtype=object)  # cell (i, j) -> [row token, column label]
    custom[:, :, 0] = np.array(hover_rows, dtype=object)[:, None]
    custom[:, :, 1] = np.array(hover_cols, dtype=object)[None, :]
    if annotate:
        kw.update(texttemplate="%{z:.2f}")
    angle = 0
    if col_labels is None and ncol > 16:  # vector dimensions: a tick every 8, not 64 crowded numbers
        xt = list(range(0, ncol, 8))
        xaxis = dict(tickmode="array", tickvals=xt, ticktext=[str(j) for j in xt])
    else:
        angle = key_tick_angle(ctext)
        xaxis = dict(tickmode="array", tickvals=list(range(ncol)), ticktext=plot_texts(ctext), tickangle=angle)
    xaxis.update(title=dict(text=x_title, standoff=6), side="top")
    layout = styled_layout(title, height=height or max(320, 80 + 26 * len(rows)))
    # Top margin = the title's line + the key labels (taller when turned) + the key axis title, so the
    # three never overlap; the title is pinned to the top of the figure.
    ticks_px = 24 if angle == 0 else 16 + int(0.75 * 9 * max((len(c) for c in ctext), default=1))
    layout["margin"]["t"] = (48 if title else 8) + ticks_px + 30
    if title:
        layout["title"].update(y=1.0, yref="container", yanchor="top", pad=dict(t=10))
    layout.update(xaxis=xaxis, yaxis=dict(title=dict(text=y_title), tickmode="array", tickvals=rows,
                                          ticktext=plot_texts(rtext), autorange="reversed"))
    # Built in one unvalidated call (style.unvalidated_figure, no update_* after it): plotly's per-property checks
    # and its path parsing in update_xaxes/update_layout were ~90% of building the page's nine heatmaps,
    # paid again for every new sentence or seed. The properties are fixed here and valid;
    # tests/test_speed_paths.py checks the JSON equals the validated build's.
    return unvalidated_figure([dict(
        type="heatmap", z=z, x=list(range(ncol)), y=rows, customdata=custom, **kw,
        hovertemplate="%{customdata[0]} → %{customdata[1]}<br>%{z:.3f}<extra></extra>",
    )], layout)


def key_tick_angle(labels: Sequence[str], max_chars: int = 48) -> int:
    """0 (upright) while the labels fit side by side, else -45. A single kanji or a short word reads
    upright; turning it 45° only made it harder to read. `max_chars`: total label characters that fit.

    >>> key_tick_angle(["三", "百", "二", "十"]), key_tick_angle(["tokenization"] * 8)
    (0, -45)
    """
    width = sum(max(text_width(t), 1) + 1 for t in labels)  # CJK glyphs count twice: they are twice as wide
    return 0 if width <= max_chars else -45


# The step-by-step page's tabs: (tab, the figures it shows). A figure name is also an AttentionSteps field.
STEP_TABS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("x", ("x",)), ("qkv", ("q", "k", "v")), ("scores", ("scores",)), ("scaled", ("scaled",)),
    ("mask", ("masked",)), ("softmax", ("weights",)), ("out", ("output",)),
)
_TOKEN_BY_DIM = ("x", "q", "k", "v", "output")  # rows are tokens, columns vector dimensions


def step_figures(s: AttentionSteps, tokens: Sequence[str], titles: dict[str, str], dims: str, token_axis: str,
                 query_axis: str, key_axis: str) -> dict[str, go.Figure]:
    """One heatmap per step of `s`, keyed by field name ("x", "q", …, "weights", "output").

    titles: field -> title. (T, d) steps put dimensions across; (T, T) steps put keys across, annotated
    with their values while they fit (≤ 12 tokens); the softmax weights use a 0..1 sequential scale.
    """
    annotate = len(tokens) <= 12
    out = {}
    for name in (n for _, names in STEP_TABS for n in names):
        m = getattr(s, name)
        if name in _TOKEN_BY_DIM:
            out[name] = matrix_figure(m, tokens, None, titles[name], dims, token_axis)
        elif name == "weights":
            out[name] = matrix_figure(m, tokens, tokens, titles[name], key_axis, query_axis, diverging=False,
                                      zrange=(0, 1), annotate=annotate)
        else:
            out[name] = matrix_figure(m, tokens, tokens, titles[name], key_axis, query_axis, annotate=annotate)
    return out


def _panel_domains(n: int, spacing: float) -> list[tuple[float, float]]:
    """x domains of n side-by-side panels, as make_subplots(rows=1, cols=n, horizontal_spacing) lays them."""
    w = (1 - spacing * (n - 1)) / n
    return [(i * (w + spacing), i * (w + spacing) + w) for i in range(n)]


def scaling_figure(points: Sequence[ScalingPoint], names: dict[str, str], titles: Sequence[str], x_title: str,
                   current_dk: int | None = None, height: int = 420) -> go.Figure:
    """Three panels against d_k (log axis): softmax entropy, largest weight, gradient norm; scaled vs not.

    names: {"scaled": ..., "unscaled": ...}; titles: three panel titles.
    The layout make_subplots would build (axes, titles as annotations, d_k marks as shapes), written out
    and passed in one unvalidated call: make_subplots and add_vline took ~0.5 s of a rerun at load;
    tests/test_speed_paths.py checks the JSON against the make_subplots build.
    """
    layout: dict = {"annotations": [], "shapes": []}
    for i, ((x0, x1), title) in enumerate(zip(_panel_domains(3, 0.08), titles), 1):
        n = "" if i == 1 else str(i)  # plotly names the axes x, x2, x3
        layout[f"xaxis{n}"] = dict(anchor=f"y{n}", domain=[x0, x1], type="log", title=dict(text=x_title))
        layout[f"yaxis{n}"] = dict(anchor=f"x{n}", domain=[0.0, 1.0])
        layout["annotations"].append(dict(font=dict(size=16), showarrow=False, text=title, x=(x0 + x1) / 2,
                                          xanchor="center", xref="paper", y=1.0, yanchor="bottom", yref="paper"))
        if current_dk:
            layout["shapes"].append(dict(type="line", x0=current_dk, x1=current_dk, xref=f"x{n}", y0=0, y1=1,
                                         yref=f"y{n} domain", line=dict(color="#888", dash="dot")))
    if not layout["shapes"]:
        del layout["shapes"]
    traces = []
    for scaled, color, dash in ((False, PALETTE[3], "solid"), (True, PALETTE[0], "dash")):
        pts = [p for p in points if p.scaled == scaled]
        xs = [p.d_k for p in pts]
        name = names["scaled" if scaled else "unscaled"]
        columns = ([p.entropy for p in pts], [p.max_weight for p in pts], [p.grad_norm for p in pts])
        for col, ys in enumerate(columns, 1):
            n = "" if col == 1 else str(col)
            traces.append(dict(type="scatter", x=xs, y=ys, mode="lines+markers", name=name, legendgroup=name,
                               showlegend=col == 1, line=dict(color=color, width=3, dash=dash), xaxis=f"x{n}",
                               yaxis=f"y{n}"))
    fig = unvalidated_figure(traces, layout)
    styled(fig, None, height=height)
    fig.update_layout(legend=dict(y=1.15))
    return fig


def head_grid_figure(attn: torch.Tensor, layer_label: str, head_label: str, selected: tuple[int, int] | None = None,
                     title: str | None = None, cell_px: int = 92) -> go.Figure:
    """Every head of every layer as a small heatmap: rows = layers, columns = heads.

    Layers and heads are labelled from 1, as people count (index 0 is "head 1"); `selected` is 0-based.
    Drawn as one heatmap of tiles separated by blank gaps (72 plotly subplots take a second to build;
    one tiled heatmap takes milliseconds). In each tile, row = query, column = key.
    """
    a = attn.detach().float().cpu()
    n_layer, n_head, t, _ = a.shape
    gap = max(1, t // 8)
    step = t + gap
    big = torch.full((n_layer * step - gap, n_head * step - gap), float("nan"))
    for li in range(n_layer):
        for hi in range(n_head):
            big[li * step: li * step + t, hi * step: hi * step + t] = a[li, hi]
    z = big.numpy()  # a numpy array goes to the browser as compact base64; NaN draws as a gap
    centers = [i * step + (t - 1) / 2 for i in range(max(n_layer, n_head))]
    fig = go.Figure(go.Heatmap(z=z, zmin=0, zmax=1, colorscale=HEATMAP_SCALE, showscale=False,
                               hovertemplate="%{z:.3f}<extra></extra>", hoverongaps=False))
    fig.update_xaxes(tickmode="array", tickvals=centers[:n_head],
                     ticktext=[f"{head_label} {h + 1}" for h in range(n_head)],
                     side="top", showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(tickmode="array", tickvals=centers[:n_layer],
                     ticktext=[f"{layer_label} {li + 1}" for li in range(n_layer)],
                     autorange="reversed", showgrid=False, zeroline=False, scaleanchor="x", constrain="domain")
    if selected is not None:
        mark_tile(fig, t, *selected)
    styled(fig, title, height=90 + cell_px * n_layer)
    fig.update_layout(margin=dict(l=80, r=10, t=60 if title else 50, b=10), plot_bgcolor="white")
    return fig


def mark_tile(fig: go.Figure, t: int, layer: int, head: int) -> go.Figure:
    """Frame the tile of (layer, head) in a head_grid_figure of T = t tokens (replacing any frame)."""
    gap = max(1, t // 8)
    step = t + gap
    fig.layout.shapes = ()
    fig.add_shape(type="rect", x0=head * step - 0.5 - gap / 2, x1=head * step + t - 0.5 + gap / 2,
                  y0=layer * step - 0.5 - gap / 2, y1=layer * step + t - 0.5 + gap / 2,
                  line=dict(color=PALETTE[3], width=4))
    return fig


def head_kind_figure(stats: Sequence[HeadStats], kind_names: dict[str, str], layer_label: str, head_label: str,
                     title: str) -> go.Figure:
    """Layers x heads, each cell coloured by the head's kind and labelled with it; axes count from 1."""
    n_layer = max(s.layer for s in stats) + 1
    n_head = max(s.head for s in stats) + 1
    kinds = list(kind_names)
    z = [[0.0] * n_head for _ in range(n_layer)]
    text = [[""] * n_head for _ in range(n_layer)]
    for s in stats:
        z[s.layer][s.head] = kinds.index(s.kind)
        text[s.layer][s.head] = kind_names[s.kind]
    colors = [PALETTE[3], PALETTE[1], PALETTE[2], PALETTE[4], PALETTE[5], "#dddddd"][: len(kinds)]
    n = len(kinds)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / n, c], [(i + 1) / n, c]]
    fig = go.Figure(go.Heatmap(z=z, text=text, texttemplate="%{text}", zmin=-0.5, zmax=n - 0.5,
                               x=list(range(1, n_head + 1)), y=list(range(1, n_layer + 1)),
                               colorscale=scale, showscale=False, xgap=2, ygap=2,
                               hovertemplate=f"{layer_label} %{{y}} · {head_label} %{{x}}: %{{text}}<extra></extra>"))
    fig.update_xaxes(title=head_label, tickmode="linear", dtick=1, side="top")
    fig.update_yaxes(title=layer_label, tickmode="linear", dtick=1, autorange="reversed")
    styled(fig, title, height=120 + 46 * n_layer)
    fig.update_layout(margin=dict(t=100))
    return fig


@functools.lru_cache(maxsize=32)
def _subplot_row_layout(widths: tuple[float, ...], titles: tuple[str, ...], spacing: float) -> str:
    """The layout make_subplots builds for one row of panels (domains, anchors, titles as annotations), as
    JSON: computed once per (widths, titles) instead of on every new sentence (make_subplots validates
    every axis it makes: most of a concat figure's build)."""
    fig = make_subplots(rows=1, cols=len(widths), column_widths=list(widths), horizontal_spacing=spacing,
                        subplot_titles=list(titles))
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)  # every new figure gets the default template itself
    return json.dumps(layout)


def concat_figure(heads: torch.Tensor, w_o: torch.Tensor, output: torch.Tensor, tokens: Sequence[str],
                  titles: Sequence[str], height: int | None = None) -> go.Figure:
    """heads (h, T, d_k) side by side = Concat (T, h·d_k), then x W_O (d_model, d_model) = output (T, d_model).

    titles: [head 0 … head h-1 labels (h strings)] + [W_O title, output title].
    Built in one unvalidated call on make_subplots' layout (cached per widths and titles);
    tests/test_interaction_paths.py checks the JSON equals the make_subplots build's.
    """
    h, t, d_k = heads.shape
    widths = [d_k] * h + [w_o.shape[0] * 0.6, output.shape[1]]
    layout = json.loads(_subplot_row_layout(tuple(widths), tuple(titles), 0.012))
    lim = float(max(heads.abs().max(), 1e-6))
    _, rtext = _positions(tokens)

    def panel(z: torch.Tensor, bound: float, col: int) -> dict:
        n = "" if col == 1 else str(col)  # plotly names the axes x, x2, x3, ...
        return dict(type="heatmap", z=z.tolist(), colorscale=_scale(DIVERGING_SCALE), zmid=0, zmin=-bound, zmax=bound,
                    showscale=False, xaxis=f"x{n}", yaxis=f"y{n}")

    traces = [panel(heads[i], lim, i + 1) for i in range(h)]
    traces.append(panel(w_o, float(max(w_o.abs().max(), 1e-6)), h + 1))
    traces.append(panel(output, float(max(output.abs().max(), 1e-6)), h + 2))
    for key, axis in layout.items():
        if key.startswith("xaxis"):
            axis["showticklabels"] = False
        elif key.startswith("yaxis"):
            axis.update(autorange="reversed", showticklabels=False)
    layout["yaxis"].update(showticklabels=True, tickmode="array", tickvals=list(range(t)), ticktext=plot_texts(rtext))
    for key, value in styled_layout(None, height=height or max(300, 90 + 22 * t)).items():
        layout[key] = {**layout.get(key, {}), **value} if isinstance(value, dict) else value
    return unvalidated_figure(traces, layout)
