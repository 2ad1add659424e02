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

from core.charts.style import HEATMAP_SCALE, PALETTE, plot_text, styled, styled_layout, unvalidated_figure

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


def _xy(xs: Sequence[float], ys: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Thinned points as float64 arrays: plotly keeps an array as it is (base64 in the JSON), where a list
    is walked and checked value by value — most of a live poll's cost with a few hundred points."""
    xs, ys = thin(xs, ys)
    return np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)


def _line(x, y, name: str, color: str, width: float, **extra) -> dict:
    return dict(type="scatter", x=x, y=y, mode="lines", name=name, line=dict(color=color, width=width), **extra)


def loss_figure(steps: Sequence[int], loss: Sequence[float], eval_steps: Sequence[int],
                eval_train: Sequence[float], eval_val: Sequence[float], references: dict[str, float],
                names: dict[str, str], title: str, x_title: str, y_title: str, perplexity: bool = False,
                max_steps: int | None = None, height: int = 470) -> go.Figure:
    """Training loss per step (faint) and smoothed, evaluated train / held-out loss, and horizontal
    reference lines: the held-out cross-entropy of the unigram, bigram and best Kneser–Ney n-gram
    ("kn") models, and a shipped model's held-out loss ("shipped"), each drawn when in `references`.

    `names` keys: batch, smoothed, train, val, and one per line drawn. With `perplexity`, every value is
    shown as exp(loss) on a log axis (perplexity = e^cross-entropy in nats).
    Built in one unvalidated call (style.unvalidated_figure): the page redraws it every poll while a training runs.
    """
    f = (lambda v: [math.exp(min(x, 50.0)) for x in v]) if perplexity else (lambda v: list(v))
    traces = []
    if steps:
        traces.append(_line(*_xy(steps, f(loss)), names["batch"], PALETTE[5], 1, opacity=0.3))
        traces.append(_line(*_xy(steps, f(ema(loss))), names["smoothed"], PALETTE[0], 3))
    if eval_steps:
        traces.append(dict(type="scatter", x=list(eval_steps), y=f(eval_train), mode="lines+markers",
                           name=names["train"], line=dict(color=PALETTE[2], width=2, dash="dot"), marker=dict(size=8)))
        traces.append(dict(type="scatter", x=list(eval_steps), y=f(eval_val), mode="lines+markers", name=names["val"],
                           line=dict(color=PALETTE[1], width=3), marker=dict(size=9)))
    x_end = max(max_steps or 0, steps[-1] if steps else 1)
    for key in REF_COLORS:
        if key in references:
            v = f([references[key]])[0]
            traces.append(_line([0, x_end], [v, v], names[key], REF_COLORS[key], 2, hoverinfo="name+y"))
            traces[-1]["line"]["dash"] = REF_DASH[key]
    layout = styled_layout(title, height=height)
    layout.update(xaxis=dict(title=dict(text=x_title), range=[0, x_end], rangemode="tozero"),
                  yaxis=dict(title=dict(text=y_title), type="log" if perplexity else "linear"),
                  # Eight legend entries: below the plot, where they cannot collide with a long (Japanese) title.
                  legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0))
    layout["margin"]["b"] = 110
    return unvalidated_figure(traces, layout)


def series_figure(steps: Sequence[int], values: Sequence[float], name: str, title: str, x_title: str,
                  y_title: str, color: str = PALETTE[4], smooth: bool = False, max_steps: int | None = None,
                  tickformat: str | None = None) -> go.Figure:
    """One quantity against the step (learning rate, tokens per second)."""
    x_end = max(max_steps or 0, steps[-1] if steps else 1)
    layout = styled_layout(title, height=300)
    layout.update(xaxis=dict(title=dict(text=x_title), range=[0, x_end]), showlegend=False,
                  yaxis=dict(title=dict(text=y_title), rangemode="tozero",
                             **({"tickformat": tickformat} if tickformat is not None else {})))
    return unvalidated_figure([_line(*_xy(steps, ema(values, 0.2) if smooth else values), name, color, 3)], layout)


def log_loss_figure(losses: Sequence[float], name: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """A training loss per step on a log axis (one tick per decade): falls of 100x stay readable."""
    layout = styled_layout(title, height=300)
    layout.update(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title), type="log", dtick=1))
    return unvalidated_figure([_line(*_xy(list(range(1, len(losses) + 1)), losses), name, PALETTE[0], 2)], layout)


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
