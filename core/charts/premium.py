"""The token premium chart: tokens per sentence pair in English and in Japanese, per tokenizer, with the
Japanese/English ratio written beside each pair of bars. A pure function of numbers and labels.

>>> labels = PremiumLabels("t", "tokens", "English", "Japanese", "×{r:.2f}")
>>> fig = premium_figure([("GPT-2", 13.0, 40.0), ("o200k", 12.0, 14.0)], labels)
>>> [t.name for t in fig.data], sorted(a.text for a in fig.layout.annotations)
(['English', 'Japanese'], ['×1.17', '×3.08'])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import plotly.graph_objects as go

from core.charts.style import PALETTE, plot_text, styled


@dataclass(frozen=True)
class PremiumLabels:
    title: str
    x: str  # the value axis: tokens per pair
    en: str  # legend names
    ja: str
    ratio: str  # format with r=, e.g. "×{r:.2f}"


def premium_figure(rows: Sequence[tuple[str, float, float]], labels: PremiumLabels) -> go.Figure:
    """`rows`: (tokenizer label, English tokens per pair, Japanese tokens per pair), drawn top to bottom."""
    names = [plot_text(r[0]) for r in rows][::-1]  # plotly draws the first category at the bottom
    en = [r[1] for r in rows][::-1]
    ja = [r[2] for r in rows][::-1]
    fig = go.Figure([go.Bar(y=names, x=en, name=labels.en, orientation="h", marker_color=PALETTE[0]),
                     go.Bar(y=names, x=ja, name=labels.ja, orientation="h", marker_color=PALETTE[1])])
    top = max(en + ja, default=1.0)
    for name, e, j in zip(names, en, ja):
        if e > 0:
            fig.add_annotation(x=max(e, j), y=name, text=labels.ratio.format(r=j / e), showarrow=False,
                               xanchor="left", xshift=6, font=dict(size=14))
    fig.update_layout(barmode="group", bargap=0.25, legend=dict(orientation="h", y=1.02, yanchor="bottom"))
    fig.update_xaxes(title=labels.x, range=[0, top * 1.18])
    return styled(fig, labels.title, height=max(320, 60 + 46 * len(rows)))
