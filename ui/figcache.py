"""Figures built once per input, so a rerun caused by another widget does not rebuild them.

    fig = figcache.figure(("pe_heat", cfg.length, cfg.d_model), lang, lambda: charts.pe_heatmap(...))

The key names the figure and spells out every input it depends on (widget values, a model's
fingerprint); the UI language and the presenter's font scale are added here, since every figure's
labels and type size depend on them. A key that leaves out an input shows a stale figure, so the
pages' AppTests change each widget and check that the figure they feed changes.

Why objects (st.cache_resource) and not data (st.cache_data): a cache_data hit unpickles a fresh copy
of every plotly Figure (the slowest part of a multi-head rerun), and st.plotly_chart re-validates a
dict through `go.Figure(**d)` while it takes a Figure as it is, through `fig.to_dict()`: a deep copy plus
a walk that packs every number list into base64, most of what a cache hit still cost. `freeze` does that
once and keeps the result. So a cached Figure is shared by all sessions and frozen: nothing may change it
after it is built (a change would not reach the browser; copy it first: `go.Figure(fig)`).
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st
from plotly.basedatatypes import BaseFigure

from core.charts.style import FONT_SCALE

MAX_FIGURES = 256  # a few pages × a few dozen inputs tried per class; a figure is ~10–500 KB


@st.cache_resource(show_spinner=False, max_entries=MAX_FIGURES)
def _built(key: tuple, _make: Callable[[], Any]) -> Any:
    return freeze(_make())


def freeze(obj: Any) -> Any:
    """Compute each Figure's `to_dict()` (in obj, or in a dict/tuple/list of them) once and hand out a
    shallow copy of it from then on; st.plotly_chart only reads it."""
    if isinstance(obj, BaseFigure):
        sent = obj.to_dict()
        obj.to_dict = lambda: dict(sent)  # an instance attribute over the method (plotly allows known names)
    elif isinstance(obj, dict):
        for v in obj.values():
            freeze(v)
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            freeze(v)
    return obj


def figure(key: tuple, lang: str, make: Callable[[], Any]) -> Any:
    """`make()` (a Figure, or a dict/tuple of them), built once per (key, lang, font scale)."""
    return _built((*key, lang, FONT_SCALE.get()), make)
