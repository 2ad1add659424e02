"""Figures for the GELU page: the functions, their errors, their derivatives, their cost.

Every text shown (names, titles, axis labels) is passed in, so the page supplies it in its language.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from core.charts.style import PALETTE, styled
from core.gpt.gelu import Cost, GeluCurves, MaxError

COLORS = {"exact": PALETTE[0], "tanh": PALETTE[1], "sigmoid": PALETTE[2], "relu": "#888888"}
DASH = {"exact": "solid", "tanh": "dash", "sigmoid": "dot", "relu": "solid"}


def _line(x, y, key: str, name: str, width: float = 3) -> go.Scatter:
    return go.Scatter(x=x, y=y, mode="lines", name=name,
                      line=dict(color=COLORS[key], dash=DASH[key], width=width if key != "relu" else 2))


def _all_forms(x, series: dict, names: dict[str, str], title: str, x_title: str, y_title: str) -> go.Figure:
    """One line per form (ReLU first, drawn underneath) against x."""
    fig = go.Figure([_line(x, series[k].numpy(), k, names[k]) for k in ("relu", "exact", "tanh", "sigmoid")])
    fig.update_xaxes(title=x_title, zeroline=True)
    fig.update_yaxes(title=y_title, zeroline=True)
    return styled(fig, title, height=420)


def functions_figure(c: GeluCurves, names: dict[str, str], title: str, x_title: str, y_title: str) -> go.Figure:
    """GELU, its approximations and ReLU against x."""
    return _all_forms(c.x.numpy(), c.values, names, title, x_title, y_title)


def errors_figure(c: GeluCurves, names: dict[str, str], maxima: Sequence[MaxError], title: str, x_title: str,
                  y_title: str, peak_label: str) -> go.Figure:
    """|approximation − GELU| on a log axis; the measured peaks on [−10, 10] marked where they fall in view.

    `peak_label` is a format string with {name}, {value} and {x}.
    """
    x = c.x.numpy()
    traces = []
    for k in ("tanh", "sigmoid"):
        err = c.errors[k].numpy().copy()
        err[err <= 0] = float("nan")  # exactly 0 (at x = 0) has no place on a log axis
        traces.append(_line(x, err, k, names[k]))
    lo, hi = float(c.x[0]), float(c.x[-1])
    for m in maxima:
        pts = [s * m.at for s in (-1.0, 1.0) if lo <= s * m.at <= hi]
        if pts:
            traces.append(go.Scatter(
                x=pts, y=[m.value] * len(pts), mode="markers", showlegend=False,
                marker=dict(color=COLORS[m.name], size=12, symbol="diamond", line=dict(color="black", width=1)),
                hovertext=[peak_label.format(name=names[m.name], value=m.value, x=p) for p in pts],
                hoverinfo="text",
            ))
    fig = go.Figure(traces)
    fig.update_xaxes(title=x_title)
    # Near x = 0 the errors fall towards 1e-30; showing 7 decades below the largest keeps the shape readable.
    top = max(float(c.errors[k].max()) for k in ("tanh", "sigmoid"))
    log_top = math.log10(top) if top > 0 else 0.0
    fig.update_yaxes(title=y_title, type="log", exponentformat="power", range=[log_top - 7, log_top + 0.5])
    return styled(fig, title, height=420)


def derivatives_figure(c: GeluCurves, names: dict[str, str], title: str, x_title: str, y_title: str) -> go.Figure:
    """d/dx of every form (autograd). GELU's derivative dips below 0 and overshoots 1; ReLU's is a step."""
    return _all_forms(c.x.numpy(), c.derivatives, names, title, x_title, y_title)


def cost_figure(costs: Sequence[Cost], names: dict[str, str], title: str, x_title: str,
                ratio_label: str) -> go.Figure:
    """Horizontal bars: nanoseconds per element, each labelled with its ratio to ReLU.

    `ratio_label` is a format string with {ratio}.
    """
    costs = list(costs)[::-1]  # first entry on top
    fig = go.Figure(go.Bar(
        x=[c.ns_per_element for c in costs], y=[names[c.name] for c in costs], orientation="h",
        text=[ratio_label.format(ratio=c.ratio_vs_relu) for c in costs], textposition="outside",
        marker_color=[PALETTE[0] if "builtin" in c.name or c.name == "relu" else PALETTE[1] for c in costs],
        cliponaxis=False,
    ))
    fig.update_xaxes(title=x_title, rangemode="tozero")
    fig.update_layout(showlegend=False)
    fig = styled(fig, title, height=80 + 50 * len(costs))
    fig.update_layout(margin=dict(l=20, r=90))
    fig.update_yaxes(automargin=True)
    return fig
