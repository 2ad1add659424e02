"""Figures for positional encodings: sinusoidal PE, similarity between positions, the rotation M_k.

`position_similarity_heatmap` takes any (T, d) position-embedding matrix, so the GPT-1 page uses it
for a trained model's learned W_p as well. All shown text is passed in by the caller.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from core.charts.style import DIVERGING_SCALE, PALETTE, colorscale, styled_layout, unvalidated_figure
from core.transformer.positional import ByDistance, dot_similarity


def _legend_below(layout: dict) -> dict:
    """In a half-width column a legend above the plot collides with the title: put it under the x axis."""
    layout["legend"] = dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0)
    layout["margin"]["b"] = 110
    return layout


def _np(t: torch.Tensor) -> np.ndarray:
    """float32 numpy for plotting (half the bytes of float64, plenty for colors)."""
    return t.detach().to("cpu", torch.float32).numpy()


def _axes(layout: dict, x_title: str, y_title: str, **y) -> dict:
    layout.update(xaxis=dict(title=dict(text=x_title)), yaxis=dict(title=dict(text=y_title), **y))
    return layout


def _unit_heatmap(m: torch.Tensor, hover: str, title: str, x_title: str, y_title: str) -> go.Figure:
    """A matrix with values in [−1, 1] on a diverging scale, first row at the top."""
    trace = dict(type="heatmap", z=_np(m), colorscale=colorscale(DIVERGING_SCALE), zmin=-1, zmax=1, zmid=0,
                 hovertemplate=hover)
    return unvalidated_figure([trace], _axes(styled_layout(title, height=460), x_title, y_title, autorange="reversed"))


def pe_heatmap(pe: torch.Tensor, title: str, x_title: str, y_title: str) -> go.Figure:
    """(T, d) encoding as a heatmap: positions down, dimensions across, values in [−1, 1]."""
    return _unit_heatmap(pe, "pos %{y}, dim %{x}: %{z:.3f}<extra></extra>", title, x_title, y_title)


def pe_curves(pe: torch.Tensor, dims: Sequence[int], title: str, x_title: str, y_title: str,
              name_fmt: str) -> go.Figure:
    """Chosen columns of the encoding against position. `name_fmt` has {dim}, {fn} ("sin"/"cos") and {i}."""
    pos = np.arange(pe.shape[0])
    traces = []
    for n, dim in enumerate(dims):
        name = name_fmt.format(dim=dim, fn="sin" if dim % 2 == 0 else "cos", i=dim // 2)
        traces.append(dict(type="scatter", x=pos, y=_np(pe[:, dim]),
                           mode="lines+markers" if len(pos) <= 60 else "lines",
                           name=name, line=dict(color=PALETTE[n % len(PALETTE)], width=3)))
    layout = styled_layout(title, height=460 + 22 * max(0, len(dims) - 2))
    return unvalidated_figure(traces, _legend_below(_axes(layout, x_title, y_title, range=[-1.1, 1.1])))


def position_similarity_heatmap(matrix: torch.Tensor, title: str, cosine: bool = False,
                                x_title: str = "position", y_title: str = "position",
                                colorbar_title: str | None = None) -> go.Figure:
    """Similarity between every pair of positions of a (T, d) embedding matrix: E·Eᵀ, or cosine if `cosine`.

    Works for the sinusoidal PE and for a trained GPT's learned `wpe.weight` alike (any device, any dtype).
    The color scale is centred on 0 (red negative, blue positive).
    """
    if matrix.ndim != 2:
        raise ValueError(f"expected a (T, d) matrix of position embeddings, got shape {tuple(matrix.shape)}")
    sim = dot_similarity(matrix.detach().to("cpu"), cosine=cosine)  # (T, T)
    bound = 1.0 if cosine else float(sim.abs().max()) or 1.0
    trace = dict(type="heatmap", z=_np(sim), colorscale=colorscale(DIVERGING_SCALE), zmin=-bound, zmax=bound, zmid=0,
                 hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>")
    if colorbar_title:
        trace["colorbar"] = dict(title=dict(text=colorbar_title))
    return unvalidated_figure([trace], _axes(styled_layout(title, height=460), x_title, y_title, autorange="reversed"))


def similarity_distance_figure(bd: ByDistance, title: str, x_title: str, y_title: str, mean_name: str,
                               band_name: str) -> go.Figure:
    """Similarity against distance Δ: the mean over all pairs (p, p+Δ) and the min–max band around it."""
    d = bd.distance.numpy()
    traces = [
        dict(type="scatter", x=d, y=_np(bd.hi), mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"),
        dict(type="scatter", x=d, y=_np(bd.lo), mode="lines", line=dict(width=0), fill="tonexty",
             fillcolor="rgba(230,159,0,0.35)", name=band_name, hoverinfo="skip"),
        dict(type="scatter", x=d, y=_np(bd.mean), mode="lines", name=mean_name, line=dict(color=PALETTE[0], width=3)),
    ]
    return unvalidated_figure(traces, _legend_below(_axes(styled_layout(title, height=460), x_title, y_title)))


def rotation_heatmap(m: torch.Tensor, title: str, x_title: str, y_title: str) -> go.Figure:
    """M_k as a heatmap: 2×2 blocks along the diagonal, zeros elsewhere."""
    return _unit_heatmap(m, "row %{y}, col %{x}: %{z:.4f}<extra></extra>", title, x_title, y_title)


def residual_figure(residuals: dict[str, torch.Tensor], title: str, x_title: str, y_title: str) -> go.Figure:
    """max_j |PE(pos+k) − M_k PE(pos)|_j per position, one line per dtype name, on a log axis."""
    traces = []
    for n, (name, r) in enumerate(residuals.items()):
        y = r.detach().to("cpu", torch.float64).numpy().copy()
        y[y <= 0] = np.nan  # an exact 0 has no place on a log axis
        traces.append(dict(type="scatter", x=np.arange(len(y)), y=y, mode="lines", name=name,
                           line=dict(color=PALETTE[n % len(PALETTE)], width=2)))
    layout = _axes(styled_layout(title, height=380), x_title, y_title, type="log", exponentformat="power")
    return unvalidated_figure(traces, layout)
