"""Every cache a visitor can fill is bounded: a server a class uses all day must not keep every typed
sentence's figures (bench/cache_rss.py [docs/FINDINGS.md] measures the memory). Streamlit's caches in views/ and ui/
carry
`max_entries` (or take no argument, or are listed below with the reason); the figure cache evicts by
count and by bytes, least recently used first.
"""
from __future__ import annotations

import ast

import numpy as np
import plotly.graph_objects as go
import pytest

from tests.conftest import ROOT
from ui import figcache

# "path:function" -> why it needs no max_entries.
UNBOUNDED_OK = {
    "ui/train_session.py:_hold": "scope='session': one hold per session and run token, released when the tab closes",
}


def _st_cache(node: ast.expr) -> ast.Call | ast.Attribute | None:
    """The st.cache_data / st.cache_resource in a decorator or a wrapping call, else None."""
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute) and target.attr in ("cache_data", "cache_resource"):
        return node
    return None


def caches() -> list[tuple[str, str, bool, int]]:
    """(path, name, has max_entries, number of parameters; -1 if unknown) for every Streamlit cache in views/
    and ui/."""
    found = []
    for path in sorted([*ROOT.glob("views/**/*.py"), *ROOT.glob("ui/**/*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    if (c := _st_cache(dec)) is not None:
                        has = isinstance(c, ast.Call) and any(k.arg == "max_entries" for k in c.keywords)
                        a = node.args
                        found.append((rel, node.name, has, len(a.posonlyargs + a.args + a.kwonlyargs)
                                      + bool(a.vararg) + bool(a.kwarg)))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):  # name = st.cache_x(...)(fn)
                if (c := _st_cache(node.value.func)) is not None:
                    has = isinstance(c, ast.Call) and any(k.arg == "max_entries" for k in c.keywords)
                    found.append((rel, ast.unparse(node.targets[0]), has, -1))
    return found


def test_the_scan_finds_the_caches():
    names = {f"{p}:{n}" for p, n, _, _ in caches()}
    assert {"views/tf_attention/page.py:_study", "views/gpt_tasks/sections.py:load",
            "ui/shell.py:_device_info"} <= names
    assert set(UNBOUNDED_OK) <= names, "an excused cache no longer exists: remove it from UNBOUNDED_OK"


def test_every_streamlit_cache_in_pages_and_ui_is_bounded():
    unbounded = [f"{p}:{n}" for p, n, has, params in caches()
                 if not has and params != 0 and f"{p}:{n}" not in UNBOUNDED_OK]  # no argument: one entry
    assert unbounded == [], "give each max_entries (with the reason), or excuse it in UNBOUNDED_OK"


@pytest.fixture
def fresh_cache():
    figcache.clear()
    yield
    figcache.clear()


def _fig(n: int) -> go.Figure:
    return go.Figure(go.Heatmap(z=np.zeros((n, n)), x=[f"<t{i}>" for i in range(n)]))


def test_figure_cache_evicts_the_least_recently_used_past_its_count(fresh_cache, monkeypatch):
    monkeypatch.setattr(figcache, "MAX_FIGURES", 3)
    built = []

    def make(i):
        return lambda: built.append(i) or _fig(2)

    for i in range(3):
        figcache.figure(("bounds", i), "en", make(i))
    first = figcache.figure(("bounds", 0), "en", make(0))  # a hit: 0 becomes the most recent
    assert built == [0, 1, 2]
    figcache.figure(("bounds", 3), "en", make(3))  # the fourth pushes out the least recent: 1
    assert figcache.stats()["entries"] == 3 and figcache.stats()["evicted"] == 1
    assert figcache.figure(("bounds", 0), "en", make(0)) is first and built == [0, 1, 2, 3]
    figcache.figure(("bounds", 1), "en", make(1))  # gone: built again
    assert built == [0, 1, 2, 3, 1]


def test_figure_cache_evicts_by_bytes_and_keeps_no_giant(fresh_cache, monkeypatch):
    small, big = (figcache.nbytes(figcache.freeze(_fig(n))) for n in (10, 100))
    assert big - small > 2 * 8 * (100 * 100 - 10 * 10)  # z's float64 buffer, counted twice (dict and Figure)
    monkeypatch.setattr(figcache, "MAX_BYTES", int(4.5 * small))
    for i in range(5):
        figcache.figure(("bytes", i), "en", lambda: _fig(10))
    s = figcache.stats()
    assert s["bytes"] <= 4.5 * small and s["entries"] == 4 and s["evicted"] == 1  # the fifth passed the budget
    giant = figcache.figure(("bytes", "giant"), "en", lambda: _fig(100))  # more than a quarter of the budget
    assert isinstance(giant, go.Figure) and figcache.stats()["too_big"] == 1 and figcache.stats()["entries"] == 4


def test_a_cached_figure_still_sends_the_same_dict():
    fig = figcache.freeze(_fig(3))
    assert fig.to_dict() == _fig(3).to_dict() and fig.to_dict() is not fig.to_dict()  # shallow copies


def test_finished_sweeps_kept_in_memory_are_bounded(monkeypatch):
    """Sweeps of uploaded corpora are keyed by the upload: memory keeps the last KEEP, the disk all."""
    from core.tokenizers import sweep_job as sj
    from core.runtime.diskcache import cache_path

    monkeypatch.setattr(sj, "KEEP", 2)
    monkeypatch.setattr(sj, "_READY", {})
    result = sj.SweepResult([sj.SweepPoint("bpe_raw", 40, 0.5)], [])
    requests = [sj.SweepRequest(f"upload-{i}", (40,), ("bpe_raw",)) for i in range(3)]
    for r in requests:  # as a finished job leaves them on disk
        path = cache_path(sj.KIND, r.key(), ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sj._dump(result))
    for r in requests:
        assert sj.ready(r).to_json() == result.to_json()
    assert list(sj._READY) == [r.key() for r in requests[1:]]  # the oldest went first
    assert sj.ready(requests[0]) is not None  # read back from the disk cache
