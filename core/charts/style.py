"""One look for every chart: large type for a projector, fonts that have Japanese glyphs."""
from __future__ import annotations

from contextvars import ContextVar

import plotly.graph_objects as go

FONT_FAMILY = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"
FONT_SIZE = 15
# Presenter view (?present=1) scales chart text for a projector; set per script run by the UI shell.
FONT_SCALE: ContextVar[float] = ContextVar("FONT_SCALE", default=1.0)
HEATMAP_SCALE = "Viridis"
DIVERGING_SCALE = "RdBu"
# Colors that stay distinct for common color-blindness (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def styled(fig: go.Figure, title: str | None = None, height: int | None = None) -> go.Figure:
    """Apply the shared layout to `fig` (in place) and return it."""
    fig.update_layout(
        font=dict(family=FONT_FAMILY, size=round(FONT_SIZE * FONT_SCALE.get())),
        title=dict(text=title) if title else None,
        margin=dict(l=60, r=20, t=60 if title else 30, b=50),
        colorway=PALETTE,
        template="plotly_white",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    if height:
        fig.update_layout(height=height)
    return fig
