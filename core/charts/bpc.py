"""Bits per character against vocabulary size: our BPE as a line over its merge counts, bytes and each
production tokenizer as one labelled point. A pure function of numbers and labels.

>>> fig = bpc_figure({"ours": [(300, 3.2), (600, 2.8)]}, {"GPT-2": (50257, 3.3)}, "t", "V", "bits/char")
>>> [t.name for t in fig.data], fig.layout.xaxis.type
(['ours', 'GPT-2'], 'log')
"""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go

from core.charts.style import PALETTE, plot_text, styled

SYMBOLS = ["square", "diamond", "triangle-up", "x", "star", "cross", "triangle-down", "pentagon"]


def bpc_figure(lines: Mapping[str, Sequence[tuple[int, float]]], points: Mapping[str, tuple[int, float]],
               title: str, x_label: str, y_label: str) -> go.Figure:
    """`lines`: label -> [(vocab size, bits per char)]; `points`: label -> (vocab size, bits per char)."""
    fig = go.Figure()
    for k, (label, pts) in enumerate(lines.items()):
        pts = sorted(pts)
        fig.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], name=plot_text(label),
                                 mode="lines+markers", line=dict(width=3, color=PALETTE[k % len(PALETTE)]),
                                 marker=dict(size=9)))
    for k, (label, (v, b)) in enumerate(points.items()):
        fig.add_trace(go.Scatter(x=[v], y=[b], name=plot_text(label), mode="markers+text", text=[plot_text(label)],
                                 textposition="top center",
                                 marker=dict(size=13, symbol=SYMBOLS[k % len(SYMBOLS)],
                                             color=PALETTE[(k + len(lines)) % len(PALETTE)])))
    fig.update_xaxes(title=x_label, type="log")
    fig.update_yaxes(title=y_label)
    return styled(fig, title, height=480).update_layout(showlegend=False)
