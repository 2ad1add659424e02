"""Figures for the fine-tuning page: live curves per variant, the accuracy table against the paper's
Table 5, the confusion matrix of the best model, topic probabilities of a typed sentence, class balance.

Every text shown is passed in by the page (its language); variants keep one colour on every chart.
"""
from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from core.charts.style import HEATMAP_SCALE, PALETTE, plot_texts, styled
from core.charts.training import ema, thin

VARIANT_COLORS = {"full": PALETTE[0], "no_pretrain": PALETTE[3], "no_aux": PALETTE[2], "lstm_aux": PALETTE[4]}


def _legend_below(fig: go.Figure) -> go.Figure:
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.22, xanchor="left", x=0),
                      margin=dict(b=110))
    return fig


def curves_figure(curves: dict[str, dict], names: dict[str, str], which: str, title: str, x_title: str,
                  y_title: str, majority: float | None = None, majority_name: str = "") -> go.Figure:
    """One line per variant. which="loss": the classification loss L2 per batch (smoothed);
    which="acc": held-out accuracy at each evaluation (with the majority-class line)."""
    fig = go.Figure()
    x_end = 1
    for v, c in curves.items():
        color = VARIANT_COLORS.get(v, PALETTE[7])
        if which == "loss":
            if not c["steps"]:
                continue
            xs, ys = thin(c["steps"], ema(c["l2"], 0.15))
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=names.get(v, v), line=dict(color=color, width=3)))
            x_end = max(x_end, c["steps"][-1])
        else:
            if not c["eval_steps"]:
                continue
            fig.add_trace(go.Scatter(x=c["eval_steps"], y=[100 * a for a in c["eval_acc"]], mode="lines+markers",
                                     name=names.get(v, v), line=dict(color=color, width=3), marker=dict(size=8)))
            x_end = max(x_end, c["eval_steps"][-1])
    if which == "acc" and majority is not None:
        fig.add_trace(go.Scatter(x=[0, x_end], y=[100 * majority] * 2, mode="lines", name=majority_name,
                                 line=dict(color="#888888", width=2, dash="dash"), hoverinfo="name+y"))
        fig.update_yaxes(range=[0, 100])
    else:
        fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(title=x_title, rangemode="tozero")
    fig.update_yaxes(title=y_title)
    return _legend_below(styled(fig, title, height=430))


def results_figure(variants: Sequence[str], names: dict[str, str], ours: dict[str, tuple[float, float]],
                   paper: dict[str, float], majority: float, labels: dict[str, str], title: str,
                   y_title: str) -> go.Figure:
    """Grouped bars: our held-out accuracy (± std over seeds) next to the paper's Table 5 score.

    `labels` keys: ours, paper, majority. Both are percentages, but of different things: the paper's
    is an average over 12 tasks, ours is one small task; the page's caption says so.
    """
    xs = [names.get(v, v) for v in variants]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=xs, y=[100 * ours[v][0] if v in ours else None for v in variants], name=labels["ours"],
                         marker_color=[VARIANT_COLORS.get(v, PALETTE[7]) for v in variants],
                         error_y=dict(type="data", array=[100 * ours[v][1] if v in ours else 0 for v in variants],
                                      visible=any(ours.get(v, (0, 0))[1] > 0 for v in variants)),
                         text=[f"{100 * ours[v][0]:.1f}" if v in ours else "" for v in variants],
                         textposition="outside"))
    fig.add_trace(go.Bar(x=xs, y=[paper[v] for v in variants], name=labels["paper"], marker_color="#BBBBBB",
                         text=[f"{paper[v]:.1f}" for v in variants], textposition="outside"))
    fig.add_trace(go.Scatter(x=xs, y=[100 * majority] * len(xs), mode="lines", name=labels["majority"],
                             line=dict(color="#555555", width=2, dash="dash")))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=y_title, range=[0, 105])
    return _legend_below(styled(fig, title, height=430))


def confusion_figure(conf: Sequence[Sequence[int]], labels: Sequence[str], title: str, x_title: str,
                     y_title: str) -> go.Figure:
    """Rows: the true topic; columns: the predicted one; each cell's count written in it."""
    z = [list(r) for r in conf]
    labels = plot_texts(labels)  # an uploaded task's own topic names (plot_text)
    fig = go.Figure(go.Heatmap(z=z, x=labels, y=labels, colorscale=HEATMAP_SCALE, showscale=False,
                               text=[[str(v) for v in r] for r in z], texttemplate="%{text}",
                               hovertemplate="%{y} → %{x}: %{z}<extra></extra>"))
    fig.update_yaxes(title=y_title, autorange="reversed")
    fig.update_xaxes(title=x_title, tickangle=-30)
    return styled(fig, title, height=520)


def probs_figure(probs: Sequence[float], labels: Sequence[str], title: str, x_title: str) -> go.Figure:
    """Horizontal bars of P(topic | sentence), the most likely one highlighted."""
    top = max(range(len(probs)), key=lambda i: probs[i]) if probs else -1
    fig = go.Figure(go.Bar(x=[100 * p for p in probs], y=plot_texts(labels), orientation="h",
                           marker_color=[PALETTE[1] if i == top else PALETTE[0] for i in range(len(probs))],
                           text=[f"{100 * p:.1f}%" for p in probs], textposition="outside"))
    fig.update_xaxes(title=x_title, range=[0, 110])
    fig.update_yaxes(autorange="reversed")
    return styled(fig, title, height=360)


def balance_figure(labels: Sequence[str], train: Sequence[int], heldout: Sequence[int], names: dict[str, str],
                   title: str, y_title: str) -> go.Figure:
    """Passages per topic in each split (names keys: train, heldout)."""
    labels = plot_texts(labels)  # an uploaded task's own topic names (plot_text)
    fig = go.Figure([go.Bar(x=labels, y=list(train), name=names["train"], marker_color=PALETTE[0]),
                     go.Bar(x=labels, y=list(heldout), name=names["heldout"], marker_color=PALETTE[1])])
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=y_title)
    fig.update_xaxes(tickangle=-30)
    return styled(fig, title, height=340)
