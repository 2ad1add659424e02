"""Figures for the task-formats page: a task's token row with its special tokens marked (Figure 1),
Table 5 with the spread over seeds, and both panels of Figure 2 (layers transferred; zero-shot over
pre-training). Pure functions: every text shown is passed in by the page in its language.
"""
from __future__ import annotations

import plotly.graph_objects as go

from core.charts.style import PALETTE, styled

ROLE_COLORS = {"start": PALETTE[3], "delim": PALETTE[1], "extract": PALETTE[4]}  # the added tokens stand out
PART_COLORS = [PALETTE[0], PALETTE[2], PALETTE[5]]  # first, second, third text part
ARCH_COLORS = {"transformer": PALETTE[0], "lstm": PALETTE[4]}


def sequence_figure(rows: list[list[tuple[str, str]]], row_names: list[str], role_names: dict[str, str],
                    title: str, per_line: int = 16) -> go.Figure:
    """Each row of (role, piece) pairs drawn as coloured boxes, wrapped every `per_line` tokens;
    start / delimiter / extract in their own colours, each text part in another. Pieces are plotted as
    text (plotly escapes them), never as HTML."""
    fig = go.Figure()
    y, ticks, seen = 0, [], set()
    for name, row in zip(row_names, rows):
        parts = [r for r, _ in row if r not in ROLE_COLORS]
        order = list(dict.fromkeys(parts))
        for i, (role, piece) in enumerate(row):
            x, line = i % per_line, y - i // per_line
            color = ROLE_COLORS.get(role) or PART_COLORS[order.index(role) % len(PART_COLORS)]
            fig.add_trace(go.Scatter(
                x=[x], y=[line], mode="markers+text", text=[piece.replace(" ", "␣").replace("▁", "␣")],
                marker=dict(symbol="square", size=34, color=color, opacity=0.85 if role in ROLE_COLORS else 0.35),
                textfont=dict(color="#000000"), name=role_names.get(role, role), legendgroup=role,
                showlegend=role not in seen, hovertext=[role_names.get(role, role)], hoverinfo="text"))
            seen.add(role)
        ticks.append((y, name))
        y -= len(row) // per_line + 2
    fig.update_xaxes(visible=False, range=[-0.7, per_line - 0.3])
    fig.update_yaxes(tickvals=[t for t, _ in ticks], ticktext=[n for _, n in ticks], showgrid=False, zeroline=False)
    return styled(fig, title, height=max(180, 46 * (1 - y)))


def table5_figure(order: list[str], names: dict[str, str], accs: dict[str, list[float]], baseline: float,
                  labels: dict[str, str], title: str, y_title: str) -> go.Figure:
    """Each variant's seeds as dots and their mean as a bar, with the baseline: the spread is visible."""
    fig = go.Figure()
    xs = [names[v] for v in order if v in accs]
    means = [100 * sum(accs[v]) / len(accs[v]) for v in order if v in accs]
    fig.add_trace(go.Bar(x=xs, y=means, name=labels["mean"], marker_color=PALETTE[0], opacity=0.6))
    fig.add_trace(go.Scatter(x=[names[v] for v in order if v in accs for _ in accs[v]],
                             y=[100 * a for v in order if v in accs for a in accs[v]], mode="markers",
                             name=labels["seed"], marker=dict(size=11, color="#000000")))
    fig.add_hline(y=100 * baseline, line=dict(color="#888888", dash="dash"), annotation_text=labels["baseline"])
    fig.update_yaxes(title=y_title, range=[0, 100])
    return styled(fig, title)


def layers_figure(layers: dict[int, float], baseline: float, labels: dict[str, str], title: str, x_title: str,
                  y_title: str) -> go.Figure:
    """Figure 2 (left): held-out accuracy against the number of pre-trained blocks kept."""
    ns = sorted(layers)
    fig = go.Figure(go.Scatter(x=ns, y=[100 * layers[n] for n in ns], mode="lines+markers", name=labels["ours"],
                               line=dict(color=PALETTE[0], width=3), marker=dict(size=10)))
    fig.add_hline(y=100 * baseline, line=dict(color="#888888", dash="dash"), annotation_text=labels["baseline"])
    fig.update_xaxes(title=x_title, tickvals=ns)
    fig.update_yaxes(title=y_title, range=[0, 100])
    return styled(fig, title)


def zero_shot_figure(curves: dict[str, dict[int, float]], names: dict[str, str], chance: float,
                     labels: dict[str, str], title: str, x_title: str, y_title: str) -> go.Figure:
    """Figure 2 (right): zero-shot accuracy of each LM's snapshots against pre-training updates."""
    fig = go.Figure()
    for arch, curve in curves.items():
        steps = sorted(curve)
        fig.add_trace(go.Scatter(x=steps, y=[100 * curve[s] for s in steps], mode="lines+markers",
                                 name=names.get(arch, arch), line=dict(color=ARCH_COLORS.get(arch), width=3),
                                 marker=dict(size=9)))
    fig.add_hline(y=100 * chance, line=dict(color="#888888", dash="dash"), annotation_text=labels["chance"])
    fig.update_xaxes(title=x_title, rangemode="tozero")
    fig.update_yaxes(title=y_title, range=[0, 100])
    return styled(fig, title)
