"""The residual-stream page's figures: norms through the stream per layer, and the held-out loss with one
skip connection removed (pure functions of numbers; no user text)."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

from core.charts.lm import ChartText
from core.charts.style import PALETTE, styled


def norms_figure(norms: Sequence[dict], text: ChartText) -> go.Figure:
    """Per layer: ‖x‖ entering attention, ‖attention's output‖, ‖x‖ entering the MLP, ‖MLP's output‖.

    text.names: {"attn_in", "attn_out", "mlp_in", "mlp_out"} -> legend names."""
    layers = [str(i + 1) for i in range(len(norms))]
    fig = go.Figure()
    for j, key in enumerate(("attn_in", "attn_out", "mlp_in", "mlp_out")):
        vals = [row[key] for row in norms]
        fig.add_bar(x=layers, y=vals, name=text.names[key], marker_color=PALETTE[j % len(PALETTE)],
                    marker_pattern_shape="" if key.endswith("_in") else "/", text=[f"{v:.1f}" for v in vals],
                    textposition="outside")
    fig.update_layout(barmode="group", xaxis=dict(title=text.x, type="category"), yaxis=dict(title=text.y),
                      legend=dict(orientation="h", x=0, xanchor="left", y=-0.2, yanchor="top"), margin=dict(b=95))
    return styled(fig, text.title, height=420)


def cut_loss_figure(cut: Sequence[dict], base: float, selected: tuple[int, str], text: ChartText) -> go.Figure:
    """Held-out loss with each skip removed (bars per layer, attention and MLP), the intact model as a line;
    the selected (layer index, part) outlined. text.names: {"attn", "mlp", "base"}."""
    layers = [str(i + 1) for i in range(len(cut))]
    fig = go.Figure()
    for j, part in enumerate(("attn", "mlp")):
        vals = [row[part] for row in cut]
        fig.add_bar(x=layers, y=vals, name=text.names[part], marker_color=PALETTE[j],
                    marker_line_width=[4 if (i, part) == selected else 0 for i in range(len(cut))],
                    marker_line_color="#000", text=[f"{v:.2f}" for v in vals], textposition="outside")
    fig.add_hline(y=base, line_dash="dash", line_color="#444", annotation_text=f"{text.names['base']}: {base:.2f}",
                  annotation_position="top left")
    top = max([base] + [row[p] for row in cut for p in ("attn", "mlp")])
    fig.update_layout(barmode="group", xaxis=dict(title=text.x, type="category"),
                      yaxis=dict(title=text.y, range=[0, top * 1.15]),
                      legend=dict(orientation="h", x=0, xanchor="left", y=-0.2, yanchor="top"), margin=dict(b=95))
    return styled(fig, text.title, height=420)
