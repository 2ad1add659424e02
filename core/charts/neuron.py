"""The neuron view drawn with plotly: the query vector, each key vector, their elementwise products, the
scores and the softmax weights of one head for one query token (core.transformer.neuron_view)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.charts.attention import short
from core.charts.lm import ChartText
from core.charts.style import DIVERGING_SCALE, PALETTE, plot_texts, styled


def neuron_figure(view, tokens: Sequence[str], text: ChartText) -> go.Figure:
    """Rows: the query (first row) and the keys 0..i; panels: vectors q / k_j, products q ∘ k_j, scores, softmax.

    `tokens` are the sentence's tokens (user text: escaped here). text.names: {"vectors", "products",
    "scores", "weights", "query"} panel titles and the query row's prefix."""
    i = view.query
    rows = [f"{text.names['query']}: {i}·{short(tokens[i])}"] + [f"{j}·{short(tokens[j])}" for j in range(i + 1)]
    labels = plot_texts(rows)
    vec = np.vstack([view.q.numpy()[None, :], view.k.numpy()])  # (i + 2, hs)
    prod = np.vstack([np.full((1, vec.shape[1]), np.nan), view.products.numpy()])
    lim_v = float(np.abs(vec).max()) or 1.0
    lim_p = float(np.nanmax(np.abs(prod))) if i >= 0 else 1.0
    fig = make_subplots(1, 4, shared_yaxes=True, column_widths=[0.34, 0.34, 0.16, 0.16], horizontal_spacing=0.02,
                        subplot_titles=[text.names[k] for k in ("vectors", "products", "scores", "weights")])
    y = list(range(len(rows)))
    fig.add_heatmap(z=vec, y=y, colorscale=DIVERGING_SCALE, zmid=0, zmin=-lim_v, zmax=lim_v, showscale=False,
                    hovertemplate="%{z:.3f}<extra></extra>", row=1, col=1)
    fig.add_heatmap(z=prod, y=y, colorscale=DIVERGING_SCALE, zmid=0, zmin=-lim_p, zmax=lim_p, showscale=False,
                    hovertemplate="%{z:.3f}<extra></extra>", row=1, col=2)
    s, w = view.scores.numpy(), view.weights.numpy()
    fig.add_bar(x=s, y=y[1:], orientation="h", marker_color=PALETTE[0], text=[f"{v:.2f}" for v in s],
                textposition="auto", showlegend=False, row=1, col=3)
    fig.add_bar(x=w, y=y[1:], orientation="h", marker_color=PALETTE[1], text=[f"{v:.2f}" for v in w],
                textposition="auto", showlegend=False, row=1, col=4)
    fig.update_yaxes(tickmode="array", tickvals=y, ticktext=labels, autorange="reversed", row=1, col=1)
    fig.update_xaxes(range=[0, 1.05], row=1, col=4)
    fig.update_xaxes(title_text=text.x, row=1, col=1)
    fig.update_xaxes(title_text=text.x, row=1, col=2)
    return styled(fig, text.title, height=max(360, 120 + 26 * len(rows)))
