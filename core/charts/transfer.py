"""Figures for the task-formats page: a task's token row with its special tokens marked (Figure 1),
Table 5 with the spread over seeds, and both panels of Figure 2 (layers transferred; zero-shot over
pre-training). Pure functions: every text shown is passed in by the page in its language.
"""
from __future__ import annotations

import plotly.graph_objects as go

from core.charts.style import PALETTE, plot_text, styled, text_width

ROLE_COLORS = {"start": PALETTE[3], "delim": PALETTE[1], "extract": PALETTE[4]}  # the added tokens stand out
PART_COLORS = [PALETTE[0], PALETTE[2], PALETTE[5]]  # first, second, third text part
ARCH_COLORS = {"transformer": PALETTE[0], "lstm": PALETTE[4]}


def chip_width(piece: str) -> float:
    """A chip's width in text units: one per Latin character, two per CJK one (they are twice as wide),
    plus padding, so a chip holds its piece whatever its length.

    >>> chip_width("a"), chip_width("the"), chip_width("日本")
    (2.2, 4.2, 5.2)
    """
    return text_width(piece) + 1.2


def chip_layout(rows: list[list[tuple[str, str]]], per_line: float = 84.0, gap: float = 0.5
                ) -> tuple[list[list[tuple[float, float, int]]], list[int]]:
    """Where each piece's chip goes: for every row, (x0, x1, line) per piece, and the line each row starts on.

    Chips flow left to right and wrap before a chip would pass `per_line` units; each row starts on a new
    line, one blank line after the previous row. A chip never spans two lines.

    >>> boxes, starts = chip_layout([[("a", "ab"), ("a", "cd")], [("b", "x")]], per_line=6)
    >>> boxes, starts
    ([[(0.0, 3.2, 0), (0.0, 3.2, 1)], [(0.0, 2.2, 3)]], [0, 3])
    """
    out, starts, line = [], [], 0
    for row in rows:
        starts.append(line)
        x, placed = 0.0, []
        for _, piece in row:
            w = chip_width(piece)
            if x > 0 and x + w > per_line:
                x, line = 0.0, line + 1
            placed.append((x, x + w, line))
            x += w + gap
        out.append(placed)
        line += 2
    return out, starts


def sequence_figure(rows: list[list[tuple[str, str]]], row_names: list[str], role_names: dict[str, str],
                    title: str, per_line: float = 84.0) -> go.Figure:
    """Each row of (role, piece) pairs drawn as chips sized to their piece and flowing like text, as a
    projector reads them: start / delimiter / extract in strong colours, each text part in a light one.
    Pieces are plotted as text (plotly draws them as SVG text, never as page HTML)."""
    fig = go.Figure()
    boxes, starts = chip_layout([[(r, _shown(p)) for r, p in row] for row in rows], per_line)
    shapes, seen = [], set()
    by_role: dict[str, tuple[list, list, list]] = {}
    colors: dict[str, str] = {}  # role -> the colour of its first chip (the legend's swatch)
    for row, placed in zip(rows, boxes):
        order = list(dict.fromkeys(r for r, _ in row if r not in ROLE_COLORS))
        for (role, piece), (x0, x1, line) in zip(row, placed):
            strong = role in ROLE_COLORS
            color = ROLE_COLORS.get(role) or PART_COLORS[order.index(role) % len(PART_COLORS)]
            colors.setdefault(role, color)
            shapes.append(dict(type="rect", x0=x0, x1=x1, y0=-line - 0.38, y1=-line + 0.38, line=dict(width=1,
                               color=color), fillcolor=color, opacity=0.9 if strong else 0.3, layer="below"))
            xs, ys, texts = by_role.setdefault(role, ([], [], []))
            xs.append((x0 + x1) / 2)
            ys.append(-line)
            texts.append(_text(piece))
    for role, (xs, ys, texts) in by_role.items():
        strong = role in ROLE_COLORS
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="text", text=texts, name=role_names.get(role, role),
                                 textfont=dict(color="#FFFFFF" if strong else "#000000"),
                                 hovertext=[role_names.get(role, role)] * len(xs), hoverinfo="text", showlegend=False))
        if role not in seen:  # the legend's swatch: a square in the chip's colour
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=role_names.get(role, role),
                                     marker=dict(symbol="square", size=14, color=colors[role],
                                                 opacity=0.9 if strong else 0.4)))
            seen.add(role)
    n_lines = max((b[-1][2] for b in boxes if b), default=0) + 1
    fig.update_layout(shapes=shapes)
    fig.update_xaxes(visible=False, range=[-0.3, per_line + 0.3], fixedrange=True)
    fig.update_yaxes(tickvals=[-s for s in starts], ticktext=row_names, showgrid=False, zeroline=False,
                     range=[-n_lines + 0.4, 0.6], fixedrange=True)
    return styled(fig, title, height=120 + 40 * n_lines)


def _shown(piece: str) -> str:
    return piece.replace(" ", "␣").replace("▁", "␣")


def _text(piece: str) -> str:
    """A piece as plotly text, escaped: plotly reads a subset of HTML in text, so "<s>" (the start token)
    would draw as an empty strikethrough and a piece like "<b>" would restyle what follows."""
    return plot_text(_shown(piece))


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
