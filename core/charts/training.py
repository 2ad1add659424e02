"""Figures for the training pages: loss / perplexity with n-gram reference lines, learning rate,
throughput, one layer's attention heads on a prompt, and a plain loss curve on a log axis.

Every text shown (names, titles, axis labels) is passed in, so the page supplies it in its language.
Long histories are thinned to at most `MAX_POINTS` points, so a poll every second stays cheap.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from core.charts.style import HEATMAP_SCALE, PALETTE, plot_text, styled

MAX_POINTS = 400
REF_COLORS = {"unigram": "#888888", "bigram": PALETTE[3], "kn": PALETTE[4], "shipped": PALETTE[2]}
REF_DASH = {"unigram": "dash", "bigram": "dash", "kn": "dashdot", "shipped": "longdash"}


def thin(xs: Sequence[float], ys: Sequence[float], max_points: int = MAX_POINTS) -> tuple[list, list]:
    """Every k-th point (the last one always kept) so that at most ~max_points remain.

    >>> thin(list(range(10)), list(range(10)), 4)
    ([0, 3, 6, 9], [0, 3, 6, 9])
    """
    n = len(xs)
    if n <= max_points:
        return list(xs), list(ys)
    k = math.ceil(n / max_points)
    idx = list(range(0, n, k))
    if idx[-1] != n - 1:
        idx.append(n - 1)
    return [xs[i] for i in idx], [ys[i] for i in idx]


def ema(values: Sequence[float], alpha: float = 0.1) -> list[float]:
    """Exponential moving average (what makes a noisy per-batch loss readable)."""
    out, acc = [], None
    for v in values:
        acc = v if acc is None else (1 - alpha) * acc + alpha * v
        out.append(acc)
    return out


def loss_figure(steps: Sequence[int], loss: Sequence[float], eval_steps: Sequence[int],
                eval_train: Sequence[float], eval_val: Sequence[float], references: dict[str, float],
                names: dict[str, str], title: str, x_title: str, y_title: str, perplexity: bool = False,
                max_steps: int | None = None, height: int = 470) -> go.Figure:
    """Training loss per step (faint) and smoothed, evaluated train / held-out loss, and horizontal
    reference lines: the held-out cross-entropy of the unigram, bigram and best Kneser–Ney n-gram
    ("kn") models, and a shipped model's held-out loss ("shipped"), each drawn when in `references`.

    `names` keys: batch, smoothed, train, val, and one per line drawn. With `perplexity`, every value is
    shown as exp(loss) on a log axis (perplexity = e^cross-entropy in nats).
    """
    f = (lambda v: [math.exp(min(x, 50.0)) for x in v]) if perplexity else (lambda v: list(v))
    fig = go.Figure()
    if steps:
        xs, ys = thin(steps, f(loss))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=names["batch"], opacity=0.3,
                                 line=dict(color=PALETTE[5], width=1)))
        xs, ys = thin(steps, f(ema(loss)))
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=names["smoothed"], line=dict(color=PALETTE[0], width=3)))
    if eval_steps:
        fig.add_trace(go.Scatter(x=list(eval_steps), y=f(eval_train), mode="lines+markers", name=names["train"],
                                 line=dict(color=PALETTE[2], width=2, dash="dot"), marker=dict(size=8)))
        fig.add_trace(go.Scatter(x=list(eval_steps), y=f(eval_val), mode="lines+markers", name=names["val"],
                                 line=dict(color=PALETTE[1], width=3), marker=dict(size=9)))
    x_end = max(max_steps or 0, steps[-1] if steps else 1)
    for key in REF_COLORS:
        if key in references:
            v = f([references[key]])[0]
            fig.add_trace(go.Scatter(x=[0, x_end], y=[v, v], mode="lines", name=names[key],
                                     line=dict(color=REF_COLORS[key], width=2, dash=REF_DASH[key]), hoverinfo="name+y"))
    fig.update_xaxes(title=x_title, range=[0, x_end], rangemode="tozero")
    fig.update_yaxes(title=y_title, type="log" if perplexity else "linear")
    styled(fig, title, height=height)
    # Eight legend entries: below the plot, where they cannot collide with a long (Japanese) title.
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0),
                      margin=dict(b=110))
    return fig


def series_figure(steps: Sequence[int], values: Sequence[float], name: str, title: str, x_title: str,
                  y_title: str, color: str = PALETTE[4], smooth: bool = False, max_steps: int | None = None,
                  tickformat: str | None = None) -> go.Figure:
    """One quantity against the step (learning rate, tokens per second)."""
    xs, ys = thin(steps, ema(values, 0.2) if smooth else values)
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color=color, width=3)))
    x_end = max(max_steps or 0, steps[-1] if steps else 1)
    fig.update_xaxes(title=x_title, range=[0, x_end])
    fig.update_yaxes(title=y_title, rangemode="tozero", tickformat=tickformat)
    fig.update_layout(showlegend=False)
    return styled(fig, title, height=300)


def log_loss_figure(losses: Sequence[float], name: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """A training loss per step on a log axis (one tick per decade): falls of 100x stay readable."""
    xs, ys = thin(list(range(1, len(losses) + 1)), losses)
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", name=name, line=dict(color=PALETTE[0], width=2)))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, type="log", dtick=1)
    return styled(fig, title, height=300)


def attention_heads_figure(attn: torch.Tensor, tokens: Sequence[str], title: str, head_label: str,
                           x_title: str, y_title: str) -> go.Figure:
    """The heads of one layer side by side: attn is (n_head, T, T), rows = queries, columns = keys.

    `head_label` is a format string with {h} (e.g. "head {h}").
    """
    if attn.ndim != 3:
        raise ValueError(f"expected (n_head, T, T) attention weights, got shape {tuple(attn.shape)}")
    H, T, _ = attn.shape
    cols = min(H, 4)
    rows = math.ceil(H / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[head_label.format(h=h + 1) for h in range(H)],
                        horizontal_spacing=0.04, vertical_spacing=0.12 if rows > 1 else 0.05)
    labels = [f"{i}:{plot_text(t)}" for i, t in enumerate(tokens)]  # positions keep repeated tokens apart
    z = attn.detach().to("cpu", torch.float32).numpy()
    for h in range(H):
        r, c = divmod(h, cols)
        fig.add_trace(go.Heatmap(z=np.round(z[h], 3), x=labels, y=labels, coloraxis="coloraxis",
                                 hovertemplate="%{y} → %{x}: %{z:.3f}<extra></extra>"), row=r + 1, col=c + 1)
        fig.update_yaxes(autorange="reversed", row=r + 1, col=c + 1, showticklabels=c == 0 and T <= 40)
        fig.update_xaxes(row=r + 1, col=c + 1, showticklabels=T <= 24, tickangle=-60)
    fig.update_layout(coloraxis=dict(colorscale=HEATMAP_SCALE, cmin=0, cmax=1))
    styled(fig, title, height=340 * rows + 110)
    # Axis names as annotations outside the tick labels (there is one name for all the heads).
    fig.add_annotation(text=x_title, xref="paper", yref="paper", x=0.5, y=0, yshift=-95, showarrow=False)
    fig.add_annotation(text=y_title, xref="paper", yref="paper", x=0, xshift=-105, y=0.5, showarrow=False,
                       textangle=-90)
    fig.update_layout(margin=dict(l=120, b=110))
    return fig
