"""Figures for the language-model pages: chain rule, perplexity against n, bigram heatmap, entropy."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.style import HEATMAP_SCALE, PALETTE, styled


def chain_figure(tokens: Sequence[str], log2_probs: Sequence[float], title: str, x_label: str,
                 bar_label: str, line_label: str) -> go.Figure:
    """Bars: surprisal -log2 p of each token; line: running log2 P(w_1 … w_i) (right axis)."""
    x = [f"{i + 1}·{t}" for i, t in enumerate(tokens)]
    lp = np.asarray(log2_probs, dtype=float)
    fig = go.Figure()
    fig.add_bar(x=x, y=-lp, name=bar_label, marker_color=PALETTE[0],
                hovertemplate="%{x}<br>-log₂ p = %{y:.2f}<extra></extra>")
    fig.add_scatter(x=x, y=np.cumsum(lp), name=line_label, yaxis="y2", mode="lines+markers",
                    line=dict(color=PALETTE[3], width=3))
    fig.update_layout(xaxis=dict(title=x_label, type="category"), yaxis=dict(title=bar_label),
                      yaxis2=dict(title=line_label, overlaying="y", side="right", showgrid=False))
    return styled(fig, title, height=430)


def perplexity_vs_n(ns: Sequence[int], heldout: Sequence[float], train: Sequence[float], title: str,
                    x_label: str, y_label: str, heldout_label: str, train_label: str) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=list(ns), y=list(heldout), name=heldout_label, mode="lines+markers+text",
                    text=[f"{v:.1f}" for v in heldout], textposition="top center",
                    line=dict(color=PALETTE[0], width=3), marker=dict(size=10))
    fig.add_scatter(x=list(ns), y=list(train), name=train_label, mode="lines+markers",
                    line=dict(color=PALETTE[1], width=3, dash="dash"), marker=dict(size=10))
    fig.update_layout(xaxis=dict(title=x_label, dtick=1), yaxis=dict(title=y_label, type="log"))
    return styled(fig, title, height=420)


def transition_heatmap(matrix: np.ndarray, labels: Sequence[str], title: str, x_label: str, y_label: str) -> go.Figure:
    """matrix[i, j] = P(labels[j] | labels[i])."""
    fig = go.Figure(go.Heatmap(z=matrix, x=list(labels), y=list(labels), colorscale=HEATMAP_SCALE,
                               colorbar=dict(title="P"),
                               hovertemplate=f"{y_label}: %{{y}}<br>{x_label}: %{{x}}<br>P = %{{z:.3f}}<extra></extra>"))
    fig.update_layout(xaxis=dict(title=x_label, type="category", side="bottom"),
                      yaxis=dict(title=y_label, type="category", autorange="reversed"))
    return styled(fig, title, height=560)


def distribution_bar(symbols: Sequence[str], p: Sequence[float], title: str, x_label: str, y_label: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=list(symbols), y=list(p), marker_color=PALETTE[0],
                           text=[f"{v:.2f}" for v in p], textposition="outside"))
    fig.update_layout(xaxis=dict(title=x_label, type="category"), yaxis=dict(title=y_label, range=[0, 1.08]))
    return styled(fig, title, height=380)


def perplexity_vs_temperature(temps: Sequence[float], ppl: Sequence[float], current_t: float, current_ppl: float,
                              vocab: int, title: str, x_label: str, y_label: str, now_label: str,
                              low_label: str, high_label: str) -> go.Figure:
    """PP = 2^H as the temperature goes from near 0 (one-hot, PP = 1) to large (uniform, PP = |V|)."""
    fig = go.Figure()
    fig.add_scatter(x=list(temps), y=list(ppl), mode="lines", line=dict(color=PALETTE[0], width=3), name=y_label)
    fig.add_scatter(x=[current_t], y=[current_ppl], mode="markers", marker=dict(size=14, color=PALETTE[3]),
                    name=now_label)
    fig.add_hline(y=1, line_dash="dot", line_color=PALETTE[2], annotation_text=low_label,
                  annotation_position="bottom right")
    fig.add_hline(y=vocab, line_dash="dot", line_color=PALETTE[4], annotation_text=high_label,
                  annotation_position="top left")
    fig.update_layout(xaxis=dict(title=x_label, type="log"), yaxis=dict(title=y_label, range=[0, vocab * 1.15]))
    return styled(fig, title, height=380)


def forms_figure(forms: Sequence[str], values: Sequence[float], title: str, y_label: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=list(forms), y=list(values), marker_color=PALETTE[:len(forms)],
                           text=[f"{v:.2f}" for v in values], textposition="outside"))
    top = max(values) if len(values) else 1.0
    fig.update_layout(xaxis=dict(type="category"), yaxis=dict(title=y_label, range=[0, top * 1.18]))
    return styled(fig, title, height=380)
