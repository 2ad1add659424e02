"""Figures of the notes' checks: how far back a position reads, one layer alone vs composed through depth."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from core.charts.style import PALETTE, styled


def reach_figure(single: Sequence[float], rollout: Sequence[float], names: tuple[str, str], title: str,
                 x_label: str, y_label: str) -> go.Figure:
    """Mean distance (tokens back) a position draws from: one layer alone vs all layers up to it composed."""
    layers = list(range(1, len(single) + 1))
    fig = go.Figure([go.Scatter(x=layers, y=list(single), name=names[0], mode="lines+markers",
                                line=dict(color=PALETTE[1], width=3)),
                     go.Scatter(x=layers, y=list(rollout), name=names[1], mode="lines+markers",
                                line=dict(color=PALETTE[0], width=3))])
    fig.update_xaxes(title=x_label, dtick=1)
    fig.update_yaxes(title=y_label, rangemode="tozero")
    return styled(fig, title, height=360)
