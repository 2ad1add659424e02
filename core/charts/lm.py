"""Figures for the language-model pages: chain rule, perplexity against n, bigram heatmap, entropy."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.style import HEATMAP_SCALE, PALETTE, styled


def chain_figure(tokens: Sequence[str], log2_probs: Sequence[float], title: str, x_label: str,
                 bar_label: str, line_label: str) -> go.Figure:
    """Bars: surprisal -log2 p of each token; line: running log2 P(w_1 … w_i) (right axis)."""
    x = [f"{t}<br><sub>{i + 1}</sub>" for i, t in enumerate(tokens)]  # unique category labels
    lp = np.asarray(log2_probs, dtype=float)
    fig = go.Figure()
    fig.add_bar(x=x, y=-lp, name=bar_label, marker_color=PALETTE[0],
                hovertemplate="-log₂ p = %{y:.2f}<extra></extra>")
    fig.add_scatter(x=x, y=np.cumsum(lp), name=line_label, yaxis="y2", mode="lines+markers",
                    line=dict(color=PALETTE[3], width=3))
    fig.update_layout(xaxis=dict(title=x_label, type="category", tickangle=0 if len(x) <= 40 else -90),
                      yaxis=dict(title=bar_label),
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
    values = [v for v in list(heldout) + list(train) if v > 0]
    ticks = _log_ticks(min(values), max(values)) if values else None
    fig.update_layout(xaxis=dict(title=x_label, dtick=1), yaxis=dict(title=y_label, type="log", tickvals=ticks))
    styled(fig, title, height=440)
    fig.update_layout(legend=dict(orientation="v", x=0.99, xanchor="right", y=0.98, yanchor="top",
                                  bgcolor="rgba(255,255,255,0.85)"))
    return fig


def _log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2, 5, 10, 20, 50, … covering [lo, hi]: readable ticks for a log axis."""
    out, base = [], 10.0 ** np.floor(np.log10(lo))
    while base <= hi * 10:
        out += [base * m for m in (1, 2, 5) if lo / 1.5 <= base * m <= hi * 1.5]
        base *= 10
    return out


def transition_heatmap(matrix: np.ndarray, labels: Sequence[str], title: str, x_label: str, y_label: str) -> go.Figure:
    """matrix[i, j] = P(labels[j] | labels[i])."""
    fig = go.Figure(go.Heatmap(z=matrix, x=list(labels), y=list(labels), colorscale=HEATMAP_SCALE,
                               colorbar=dict(title="P"),
                               hovertemplate=f"{y_label}: %{{y}}<br>{x_label}: %{{x}}<br>P = %{{z:.3f}}<extra></extra>"))
    fig.update_layout(xaxis=dict(title=x_label, type="category", side="bottom", tickfont=dict(size=17)),
                      yaxis=dict(title=y_label, type="category", autorange="reversed", tickfont=dict(size=17)))
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
    fig.update_layout(xaxis=dict(title=x_label, type="log", tickvals=[0.02, 0.1, 0.5, 1, 2, 10, 50, 200]),
                      yaxis=dict(title=y_label, range=[0, vocab * 1.15]))
    styled(fig, title, height=400)
    fig.update_layout(showlegend=False)
    return fig


def forms_figure(forms: Sequence[str], values: Sequence[float], title: str, y_label: str) -> go.Figure:
    fig = go.Figure(go.Bar(x=list(forms), y=list(values), marker_color=PALETTE[:len(forms)],
                           text=[f"{v:.2f}" for v in values], textposition="outside"))
    top = max(values) if len(values) else 1.0
    fig.update_layout(xaxis=dict(type="category"), yaxis=dict(title=y_label, range=[0, top * 1.18]))
    return styled(fig, title, height=380)
