"""Figures for looking inside the GPT's prediction: GLTR's rank colours, the sampler's distribution, the
logit lens, head knockouts. Pure functions; every token enters through `plot_text` (plotly reads HTML).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.style import HEATMAP_SCALE, PALETTE, plot_text, plot_texts, styled

# GLTR's four buckets (top 10 / 100 / 1000 / the rest): green, yellow, red, violet, as in its paper.
BUCKET_COLORS = ("#7fd17f", "#f5e15b", "#f08a6b", "#c49be0")


@dataclass(frozen=True)
class Labels:
    """Every translated word a figure shows, passed as one object (names of rows, traces, buckets)."""

    title: str
    x: str = ""
    y: str = ""
    names: dict[str, str] = field(default_factory=dict)


def _short(t: str, n: int = 10) -> str:
    return t if len(t) <= n else t[:n - 1] + "…"


def _lines(cells: Sequence[Sequence[Sequence[str]]]) -> tuple[list, str]:
    """Hover text as lines: each cell's lines (plain text, made safe here) padded to one count, and the
    hovertemplate that joins them with our own <br> (markup lives only in the template)."""
    n = max((len(c) for row in cells for c in row), default=1)
    data = [[[plot_text(x) for x in c] + [""] * (n - len(c)) for c in row] for row in cells]
    return data, "<br>".join(f"%{{customdata[{i}]}}" for i in range(n)) + "<extra></extra>"


def gltr_figure(rows: Sequence[tuple[str, Sequence]], labels: Labels) -> go.Figure:
    """One row of cells per model (`rows`: (name, [TokenGuess…]), same tokens in each), one cell per token,
    coloured by GLTR's rank bucket; hover gives the probability, rank and the top alternatives.

    `labels.names`: "b0".."b3" (bucket names for the legend), "p", "rank", "top" (hover words)."""
    n = max((len(g) for _, g in rows), default=0)
    z, text, cells = [], [], []
    for _, guesses in rows:
        z.append([g.bucket for g in guesses])
        text.append([plot_text(_short(g.token, 6)) for g in guesses])
        cells.append([[g.token, f"{labels.names.get('p', 'p')} = {g.prob:.4f} · {labels.names.get('rank', 'rank')} "
                       f"{g.rank}", f"{labels.names.get('top', 'top')}:"] + [f"{t}  {p:.3f}" for t, p in g.top]
                      for g in guesses])
    hover, template = _lines(cells)
    k = len(BUCKET_COLORS)
    scale = [[v, BUCKET_COLORS[i]] for i in range(k) for v in (i / k, (i + 1) / k)]  # flat steps: one colour each
    fig = go.Figure(go.Heatmap(z=z, x=list(range(1, n + 1)), y=plot_texts(name for name, _ in rows), zmin=-0.5,
                               zmax=k - 0.5, colorscale=scale, showscale=False, text=text, texttemplate="%{text}",
                               customdata=hover, hovertemplate=template, xgap=2, ygap=4))
    for i, color in enumerate(BUCKET_COLORS):  # a legend of the buckets: empty markers named and coloured
        fig.add_scatter(x=[None], y=[None], mode="markers", marker=dict(size=14, color=color, symbol="square"),
                        name=labels.names.get(f"b{i}", str(i)))
    fig.update_xaxes(title=labels.x, showgrid=False, dtick=1 if n <= 30 else 5)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    styled(fig, labels.title, height=190 + 70 * len(rows))
    fig.update_layout(legend=dict(orientation="h", y=-0.6, yanchor="top"), plot_bgcolor="white",
                      margin=dict(b=110))
    return fig


def next_token_figure(pieces: Sequence[str], scaled: Sequence[float], final: Sequence[float], kept: Sequence[bool],
                      labels: Labels) -> go.Figure:
    """The top-N tokens (already chosen and ordered by the caller): the temperature-scaled distribution as
    pale bars (cut tokens in grey), the renormalised one a sampler draws from beside it.

    `labels.names`: "scaled", "final", "cut"."""
    y = [f"{i + 1}. {plot_text(_short(p, 14))}" for i, p in enumerate(pieces)]
    kept = list(map(bool, kept))
    fig = go.Figure()
    fig.add_bar(y=y, x=list(scaled), orientation="h", name=labels.names.get("scaled", "p"),
                marker_color=[PALETTE[5] if k else "#bbbbbb" for k in kept],
                hovertemplate="%{y}: %{x:.4f}<extra></extra>")
    fig.add_bar(y=y, x=list(final), orientation="h", name=labels.names.get("final", "p'"), marker_color=PALETTE[0],
                hovertemplate="%{y}: %{x:.4f}<extra></extra>")
    fig.add_scatter(x=[None], y=[None], mode="markers", marker=dict(size=12, color="#bbbbbb", symbol="square"),
                    name=labels.names.get("cut", "cut"))
    fig.update_xaxes(title=labels.x, range=[0, max(1e-9, max(list(final) + list(scaled) + [0.0])) * 1.05])
    fig.update_yaxes(autorange="reversed", type="category")
    styled(fig, labels.title, height=max(260, 90 + 26 * len(pieces)))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.18))
    return fig


def lens_figure(ranks: np.ndarray, top_tokens: Sequence[Sequence[str]], hover: Sequence[Sequence[Sequence[str]]],
                tokens: Sequence[str], row_names: Sequence[str], labels: Labels) -> go.Figure:
    """Logit lens heatmap: rows = layers (embeddings first), columns = positions (x labelled with the token
    read there); colour = log10 rank of the model's final guess at that layer (0 = already its top), text =
    that layer's own top token. `hover[li][t]` is that cell's lines of plain text; all go through plot_text here.
    """
    r = np.asarray(ranks, dtype=float)
    z = np.log10(np.maximum(r, 1.0))
    n = r.shape[1] if r.ndim == 2 else 0
    text = [[plot_text(_short(t, 6)) for t in row] for row in top_tokens]
    custom, template = _lines(hover)
    fig = go.Figure(go.Heatmap(
        z=z, x=list(range(1, n + 1)), y=list(row_names), colorscale=HEATMAP_SCALE, reversescale=True, zmin=0,
        zmax=max(1.0, float(z.max()) if z.size else 1.0), text=text, texttemplate="%{text}", customdata=custom,
        hovertemplate=template, xgap=1, ygap=1,
        colorbar=dict(title=labels.names.get("scale", "log₁₀ rank"))))
    every = max(1, -(-n // 40))
    ticks = list(range(1, n + 1, every))
    fig.update_xaxes(title=labels.x, tickmode="array", tickvals=ticks,
                     ticktext=[plot_text(_short(tokens[i - 1], 8)) for i in ticks], showgrid=False)
    fig.update_yaxes(title=labels.y, autorange="reversed", showgrid=False)
    return styled(fig, labels.title, height=160 + 56 * len(row_names))


def surprisal_pair_figure(tokens: Sequence[str], before: Sequence[float], after: Sequence[float],
                            labels: Labels) -> go.Figure:
    """Per token: two surprisals (bits) side by side (every head on / some off; an n-gram / the GPT).
    `labels.names`: "before", "after"."""
    x = list(range(1, len(tokens) + 1))
    shown = plot_texts(tokens)
    fig = go.Figure()
    fig.add_bar(x=x, y=list(before), name=labels.names.get("before", "before"), marker_color=PALETTE[0],
                customdata=shown, hovertemplate="%{customdata}: %{y:.2f}<extra></extra>")
    fig.add_bar(x=x, y=list(after), name=labels.names.get("after", "after"), marker_color=PALETTE[3],
                customdata=shown, hovertemplate="%{customdata}: %{y:.2f}<extra></extra>")
    every = max(1, -(-len(x) // 40))
    fig.update_xaxes(title=labels.x, tickmode="array", tickvals=x[::every],
                     ticktext=[plot_text(_short(tokens[i - 1], 8)) for i in x[::every]])
    fig.update_yaxes(title=labels.y, rangemode="tozero")
    styled(fig, labels.title, height=380)
    fig.update_layout(barmode="group")  # the template's legend: above the plot, under the title
    return fig


def importance_figure(increase: np.ndarray, off: set[tuple[int, int]], labels: Labels) -> go.Figure:
    """Layer × head grid of each head's importance (loss increase in nats when it alone is off), the heads
    now knocked out framed. `labels.names`: "layer", "head"."""
    inc = np.asarray(increase, dtype=float)
    L, H = inc.shape
    lay, head = labels.names.get("layer", "layer"), labels.names.get("head", "head")
    span = max(1e-6, float(np.abs(inc).max()))
    fig = go.Figure(go.Heatmap(
        z=inc, x=[f"{head} {h + 1}" for h in range(H)], y=[f"{lay} {li + 1}" for li in range(L)],
        colorscale="RdBu", reversescale=True, zmid=0, zmin=-span, zmax=span, text=np.round(inc, 3),
        texttemplate="%{text:+.3f}", hovertemplate="%{y} · %{x}: %{z:+.4f}<extra></extra>", xgap=2, ygap=2,
        colorbar=dict(title=labels.names.get("scale", "Δ loss"))))
    for li, h in off:
        fig.add_shape(type="rect", x0=h - 0.5, x1=h + 0.5, y0=li - 0.5, y1=li + 0.5, line=dict(color="black", width=3))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False)
    return styled(fig, labels.title, height=110 + 60 * L)
