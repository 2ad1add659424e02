"""Figures built once per input, so a rerun caused by another widget does not rebuild them.

    fig = figcache.figure(("pe_heat", cfg.length, cfg.d_model), lang, lambda: charts.pe_heatmap(...))

The key names the figure and spells out every input it depends on (widget values, a model's
fingerprint); the UI language and the presenter's font scale are added here, since every figure's
labels and type size depend on them. A key that leaves out an input shows a stale figure, so the
pages' AppTests change each widget and check that the figure they feed changes.

Why objects and not data (st.cache_data): a cache_data hit unpickles a fresh copy of every plotly
Figure (the slowest part of a multi-head rerun), and st.plotly_chart re-validates a dict through
`go.Figure(**d)` while it takes a Figure as it is, through `fig.to_dict()`: a deep copy plus a walk that
packs every number list into base64, most of what a cache hit still cost. `freeze` does that once and
keeps the result. So a cached Figure is shared by all sessions and frozen: nothing may change it after
it is built (a change would not reach the browser; copy it first: `go.Figure(fig)`).

Bounded by count *and* bytes, least recently used first out: keys hold typed sentences, so a class
typing all day would otherwise keep every figure it ever made (st.cache_resource bounds only the count,
and one entry of the attention page is nine heatmaps). A value larger than a quarter of the byte budget
is handed out but not kept, so one huge figure cannot empty the cache for everyone else.

When every tab has closed, ui.memory's idle keeper calls `release()`: the figures go, the counters stay.
A figure made while a private scope is current (an uploaded text: core.runtime.private) is kept in that
scope, with its session, never in the shared table.
"""
from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np
from plotly.basedatatypes import BaseFigure

from core.charts.style import FONT_SCALE
from core.runtime import private

MAX_FIGURES = 256  # a few pages × a few dozen inputs tried per class
# A server's share for figures, all sessions together: ~35 entries of the attention page (24 tokens, nine
# heatmaps: 3.7 MB each as `nbytes` counts, ~2.2 MB of resident memory), hundreds of small figures.
MAX_BYTES = 128 * 2**20

_lock = threading.Lock()
_items: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()  # key -> (frozen value, its size in bytes)
_counts = {"bytes": 0, "hits": 0, "misses": 0, "evicted": 0, "too_big": 0, "released": 0}


def freeze(obj: Any) -> Any:
    """Compute each Figure's `to_dict()` (in obj, or in a dict/tuple/list of them) once and hand out a
    shallow copy of it from then on; st.plotly_chart only reads it."""
    if isinstance(obj, BaseFigure):
        sent = obj.to_dict()
        obj.to_dict = lambda: dict(sent)  # an instance attribute over the method (plotly allows known names)
        obj._atlas_sent = sent  # what nbytes measures
    elif isinstance(obj, dict):
        for v in obj.values():
            freeze(v)
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            freeze(v)
    return obj


def nbytes(obj: Any) -> int:
    """About how many bytes `obj` holds: arrays by their buffers, strings and numbers by sys.getsizeof,
    containers by their items. A frozen Figure counts twice its dict (the Figure keeps its own copy)."""
    if isinstance(obj, BaseFigure):
        sent = getattr(obj, "_atlas_sent", None)
        return 2 * nbytes(sent if sent is not None else obj.to_dict())
    if isinstance(obj, np.ndarray):
        return obj.nbytes + 112
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(nbytes(k) + nbytes(v) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (float, int)) and not isinstance(obj[-1], (str, list, tuple, dict)):
            return sys.getsizeof(obj) + 24 * len(obj)  # a row of numbers: one float object each, no walk
        return sys.getsizeof(obj) + sum(nbytes(v) for v in obj)
    return sys.getsizeof(obj)


def figure(key: tuple, lang: str, make: Callable[[], Any]) -> Any:
    """`make()` (a Figure, or a dict/tuple of them), built once per (key, lang, font scale). The key must be
    hashable: strings, numbers, booleans, None and tuples of them (a list: pass `tuple(...)`)."""
    full = (*key, lang, FONT_SCALE.get())
    scope = private.current()
    if scope is not None:  # drawn from an upload: its session's table
        value = scope.get(("figure", full))
        if value is None:
            value = freeze(make())
            scope.put(("figure", full), value)
        return value
    with _lock:
        hit = _items.get(full)
        if hit is not None:
            _items.move_to_end(full)
            _counts["hits"] += 1
            return hit[0]
        _counts["misses"] += 1
    value = freeze(make())  # outside the lock: another session's figure need not wait for this one
    put(full, value)
    return value


def put(key: tuple, value: Any) -> None:
    """Keep `value` under `key`, dropping the least recently used entries past MAX_FIGURES / MAX_BYTES."""
    size = nbytes(value)
    with _lock:
        if size > MAX_BYTES // 4:
            _counts["too_big"] += 1
            return
        old = _items.pop(key, None)
        if old is not None:  # two sessions built the same figure at once: keep the newer
            _counts["bytes"] -= old[1]
        _items[key] = (value, size)
        _counts["bytes"] += size
        while len(_items) > MAX_FIGURES or _counts["bytes"] > MAX_BYTES:
            _, (_, gone) = _items.popitem(last=False)
            _counts["bytes"] -= gone
            _counts["evicted"] += 1


def release() -> int:
    """Drop every figure (the server is idle: no one will ask soon); the counters stay. Returns how many went."""
    with _lock:
        n = len(_items)
        _items.clear()
        _counts["bytes"] = 0
        _counts["released"] += n
        return n


def clear() -> None:
    """Drop every figure and zero the counters."""
    with _lock:
        _items.clear()
        for k in _counts:
            _counts[k] = 0


def stats() -> dict:
    """Entries, bytes held and the limits, with hits / misses / evictions since the last clear() (for
    bench/cache_rss.py [docs/FINDINGS.md])."""
    with _lock:
        return {"entries": len(_items), **_counts, "max_entries": MAX_FIGURES, "max_bytes": MAX_BYTES}
