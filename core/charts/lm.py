"""Figures for the language-model pages: chain rule, perplexity against n, bigram heatmap, entropy."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import plotly.graph_objects as go

from core.charts.style import FONT_SCALE, HEATMAP_SCALE, PALETTE, plot_texts, styled, wrapped_lines
from core.lm.units import show_token


@dataclass(frozen=True)
class ChartText:
    """Every (already translated) word a chart shows, passed as one object instead of many strings.

    `names` holds the names of traces and marks by role, e.g. {"heldout": "held-out", "train": "train"}.
    """

    title: str
    x: str
    y: str
    names: dict[str, str] = field(default_factory=dict)


def chain_figure(tokens: Sequence[str], log2_probs: Sequence[float], title: str, x_label: str,
                 bar_label: str, line_label: str) -> go.Figure:
    """Bars: surprisal -log2 p of each token; line: running log2 P(w_1 … w_i) (right axis).

    The x axis is the position 1…N labelled with the token, upright while the labels fit (a rotated kanji
    is hard to read), turned 45° when they do not, and thinned to every k-th token past 60 tokens. Both y
    axes tick at whole numbers of bits from a 1-2-5 ladder, so the two scales read alike.
    """
    lp = np.asarray(log2_probs, dtype=float)
    n = len(lp)
    pos = list(range(1, n + 1))
    short = [t if len(t) <= 10 else t[:9] + "…" for t in tokens]
    every = max(1, -(-n // 60))  # ceil(n / 60): at most 60 labels on ~1100 px
    ticks = pos[::every]
    width = sum(max(1, len(short[i - 1])) for i in ticks) * 10 + 8 * len(ticks)  # px at ~15 px text
    angle = 0 if width <= 1000 else -45
    fig = go.Figure()
    hover = plot_texts(tokens)  # user text: plotly reads HTML in tick labels and hover text (plot_text)
    fig.add_bar(x=pos, y=-lp, name=bar_label, marker_color=PALETTE[0], customdata=hover,
                hovertemplate="%{x}: %{customdata}<br>-log₂ p = %{y:.2f}<extra></extra>")
    running = np.cumsum(lp)
    fig.add_scatter(x=pos, y=running, name=line_label, yaxis="y2", mode="lines+markers",
                    line=dict(color=PALETTE[3], width=3), customdata=hover,
                    hovertemplate="%{x}: %{customdata}<br>log₂ P = %{y:.2f}<extra></extra>")
    top = max(float((-lp).max()) if n else 1.0, 1.0)
    low = min(float(running.min()) if n else -1.0, -1.0)
    fig.update_layout(
        xaxis=dict(title=x_label, tickmode="array", tickvals=ticks, ticktext=plot_texts(short[i - 1] for i in ticks),
                   tickangle=angle, range=[0.4, n + 0.6]),
        yaxis=dict(title=bar_label, range=[0, top * 1.1], dtick=_nice_step(top * 1.1), tickformat="d"),
        yaxis2=dict(title=line_label, overlaying="y", side="right", showgrid=False, range=[low * 1.1, 0],
                    dtick=_nice_step(-low * 1.1), tickformat="d"))
    styled(fig, title, height=430)
    fig.update_layout(margin_t=88, legend=dict(y=1.01, yanchor="bottom"))  # the legend between title and plot
    return fig


def _nice_step(span: float, ticks: int = 5) -> float:
    """A 1-2-5 step giving about `ticks` ticks over `span`, at least 1 (bits are counted whole here).

    >>> _nice_step(23.0), _nice_step(3.0), _nice_step(140.0)
    (5.0, 1.0, 50.0)
    """
    raw = max(span / ticks, 1.0)
    base = 10.0 ** np.floor(np.log10(raw))
    return float(next(m * base for m in (1, 2, 5, 10) if m * base >= raw))


def perplexity_vs_n(heldout: Sequence[float], train: Sequence[float], text: ChartText) -> go.Figure:
    """Perplexity of the models of order n = 1, 2, … on held-out and training text (log axis).

    text.names: {"heldout": …, "train": …}."""
    ns = list(range(1, len(heldout) + 1))
    fig = go.Figure()
    fig.add_scatter(x=ns, y=list(heldout), name=text.names["heldout"], mode="lines+markers+text",
                    text=[f"{v:.1f}" for v in heldout], textposition="top center", cliponaxis=False,
                    line=dict(color=PALETTE[0], width=3), marker=dict(size=10))
    fig.add_scatter(x=ns, y=list(train), name=text.names["train"], mode="lines+markers",
                    line=dict(color=PALETTE[1], width=3, dash="dash"), marker=dict(size=10))
    values = [v for v in list(heldout) + list(train) if v > 0]
    ticks = _log_ticks(min(values), max(values)) if values else None
    fig.update_layout(xaxis=dict(title=text.x, dtick=1), yaxis=dict(title=text.y, type="log", tickvals=ticks))
    styled(fig, text.title, height=440)
    # Under the plot, not over it: inside the axes the legend covered the n = 5 point of one curve or other.
    fig.update_layout(legend=dict(orientation="h", x=0, xanchor="left", y=-0.2, yanchor="top"),
                      margin=dict(b=95))
    return fig


def _log_ticks(lo: float, hi: float) -> list[float]:
    """1, 2, 5, 10, 20, 50, … covering [lo, hi]: readable ticks for a log axis."""
    out, base = [], 10.0 ** np.floor(np.log10(lo))
    while base <= hi * 10:
        out += [base * m for m in (1, 2, 5) if lo / 1.5 <= base * m <= hi * 1.5]
        base *= 10
    return out


def transition_heatmap(matrix: np.ndarray, tokens: Sequence[str], text: ChartText) -> go.Figure:
    """matrix[i, j] = P(tokens[j] | tokens[i]); spaces and line breaks drawn as visible symbols."""
    labels = plot_texts(show_token(t) for t in tokens)  # category values are drawn as tick labels
    fig = go.Figure(go.Heatmap(z=matrix, x=labels, y=labels, colorscale=HEATMAP_SCALE,
                               colorbar=dict(title="P"),
                               hovertemplate=f"{text.y}: %{{y}}<br>{text.x}: %{{x}}<br>P = %{{z:.3f}}<extra></extra>"))
    fig.update_layout(xaxis=dict(title=text.x, type="category", side="bottom", tickfont=dict(size=17)),
                      yaxis=dict(title=text.y, type="category", autorange="reversed", tickfont=dict(size=17)))
    return styled(fig, text.title, height=560)


def distribution_bar(symbols: Sequence[str], p: Sequence[float], text: ChartText) -> go.Figure:
    fig = go.Figure(go.Bar(x=plot_texts(symbols), y=list(p), marker_color=PALETTE[0],
                           text=[f"{v:.2f}" for v in p], textposition="outside"))
    fig.update_layout(xaxis=dict(title=text.x, type="category"), yaxis=dict(title=text.y, range=[0, 1.08]))
    return styled(fig, text.title, height=380)


def perplexity_vs_temperature(temps: Sequence[float], ppl: Sequence[float], current_t: float, current_ppl: float,
                              vocab: int, text: ChartText) -> go.Figure:
    """PP = 2^H as the temperature goes from near 0 (one-hot, PP = 1) to large (uniform, PP = |V|).

    text.names: {"now": the current point, "low": the PP = 1 line, "high": the PP = |V| line}."""
    fig = go.Figure()
    fig.add_scatter(x=list(temps), y=list(ppl), mode="lines", line=dict(color=PALETTE[0], width=3), name=text.y)
    fig.add_scatter(x=[current_t], y=[current_ppl], mode="markers", marker=dict(size=14, color=PALETTE[3]),
                    name=text.names["now"])
    fig.add_hline(y=1, line_dash="dot", line_color=PALETTE[2], annotation_text=text.names["low"],
                  annotation_position="bottom right")
    fig.add_hline(y=vocab, line_dash="dot", line_color=PALETTE[4], annotation_text=text.names["high"],
                  annotation_position="top left")
    fig.update_layout(xaxis=dict(title=text.x, type="log", tickvals=[0.02, 0.1, 0.5, 1, 2, 10, 50, 200]),
                      yaxis=dict(title=text.y, range=[0, vocab * 1.15]))
    styled(fig, text.title, height=400)
    fig.update_layout(showlegend=False)
    return fig


FORMS_TITLE_UNITS = 40  # the chart sits in half of the page: ~440 px hold ~40 half-width title characters


def forms_figure(forms: Sequence[str], values: Sequence[float], title: str, y_label: str) -> go.Figure:
    """Held-out perplexity per normalization; the title wrapped to fit a half-width column."""
    scale = FONT_SCALE.get()  # presenter view: larger letters, fewer per line
    fig = go.Figure(go.Bar(x=plot_texts(forms), y=list(values), marker_color=PALETTE[:len(forms)],
                           text=[f"{v:.2f}" for v in values], textposition="outside"))
    top = max(values) if len(values) else 1.0
    fig.update_layout(xaxis=dict(type="category"), yaxis=dict(title=y_label, range=[0, top * 1.18]))
    lines = wrapped_lines(title, round(FORMS_TITLE_UNITS / scale))
    styled(fig, "<br>".join(plot_texts(lines)), height=380 + 24 * (len(lines) - 1))
    fig.update_layout(margin_t=fig.layout.margin.t + round(24 * scale) * (len(lines) - 1))
    return fig


_CHIP = "padding:2px 6px;margin:2px;border-radius:4px;display:inline-block"
_CHIP_WINDOW = "border:3px solid #D55E00;background:#FFF1E6"  # what the n-gram sees
_CHIP_REPEAT = "background:#0072B2;color:white"  # the word and its return
_CHIP_OTHER = "background:#EEE"


def repeat_chips_html(tokens: Sequence[str], first: int, second: int, window_start: int) -> str:
    """A sentence as coloured chips: the n-gram's window outlined, the repeated word filled.

    Tokens are user text (an upload): every one is HTML-escaped here, so the result is safe to render.

    >>> repeat_chips_html(["<b>", "x"], 0, 1, 1).count("&lt;b&gt;"), "<b>" in repeat_chips_html(["<b>"], 0, 0, 0)
    (1, False)
    """
    chips = []
    for i, tok in enumerate(tokens):
        look = _CHIP_WINDOW if window_start <= i < second else _CHIP_REPEAT if i in (first, second) else _CHIP_OTHER
        chips.append(f"<span style='{look};{_CHIP}'>{html.escape(show_token(tok))}</span>")
    return f"<div style='font-size:1.25rem;line-height:2.2'>{''.join(chips)}</div>"


def p_vs_q_bars(labels: Sequence[str], p: Sequence[float], q: Sequence[float], text: ChartText) -> go.Figure:
    """p and a model's q side by side on one support; a q of exactly 0 under a p > 0 is marked ∞.

    text.names: {"p": …, "q": …, "inf": label drawn over an impossible outcome}."""
    x = plot_texts(labels)
    fig = go.Figure()
    fig.add_bar(x=x, y=list(p), name=text.names["p"], marker_color=PALETTE[0], text=[f"{v:.2f}" for v in p],
                textposition="outside")
    fig.add_bar(x=x, y=list(q), name=text.names["q"], marker_color=PALETTE[1], text=[
        text.names["inf"] if qv <= 0 < pv else f"{qv:.2f}" for pv, qv in zip(p, q)], textposition="outside")
    fig.update_layout(barmode="group", xaxis=dict(title=text.x, type="category"),
                      yaxis=dict(title=text.y, range=[0, 1.12]),
                      legend=dict(orientation="h", x=0, xanchor="left", y=1.0, yanchor="bottom"))
    return styled(fig, text.title, height=400)
