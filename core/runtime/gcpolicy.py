"""Keep the garbage collector's full passes short, so one session's rerun never stalls the others.

Streamlit runs `gc.collect(2)` after every script run (its `runner.postScriptGC`, on by default). A full
collection walks every object the collector tracks while holding the GIL, and nothing else in the
process runs meanwhile: not the other sessions, not the event loop that answers every browser. With
torch, pandas, plotly and streamlit imported, that is ~300,000 objects and 0.5 s per pass on this
machine (2-5 s when it is loaded): py-spy dumps taken during slow health checks of the soak found that
pass holding the GIL in 35 of 59 (bench/soak.py, before this module).

Almost all of those objects are modules, classes, functions and constant tables, which live as long
as the process and can never be garbage. `gc.freeze()` moves every object tracked at that moment into a
permanent generation that later passes skip: after it, a full pass walks only what sessions created
(measured 0.5 s -> under 1 ms right after the imports). The cost: a reference cycle among frozen
objects is never collected. So freeze only after a collection, and only when new modules were imported
(a page's first visit imports its libraries): a handful of times per process, and the objects then alive
in sessions that are frozen with them are bounded by that handful.

    freeze_if_imported()    # app start (after the heavy imports) and the lease reaper, every few seconds
    refreeze()              # the idle keeper (core.runtime.memory), once no session is connected

A freeze while sessions are alive freezes their objects too, and a reference cycle among them (a
session's state, its script runner, a figure and the callbacks pointing back) is then never collected,
though every session is gone. `refreeze()` thaws everything, collects, and freezes what survives: a
full pass over all objects (~0.5 s), so the idle keeper does it only while no one is connected.

`ATLAS_GC_FREEZE=0` turns it off (bench/soak.py's before/after comparison).
"""
from __future__ import annotations

import gc
import os
import sys
import threading

_lock = threading.Lock()
_modules_at_freeze = 0
ENABLED = os.environ.get("ATLAS_GC_FREEZE", "1") != "0"


def freeze_if_imported() -> bool:
    """If modules were imported since the last freeze: collect, then freeze what survives. True if it froze."""
    global _modules_at_freeze
    with _lock:
        n = len(sys.modules)
        if n == _modules_at_freeze or not ENABLED:
            return False
        gc.collect()  # garbage first: a cycle frozen would never be freed
        gc.freeze()
        _modules_at_freeze = n
        return True


def refreeze() -> int:
    """Thaw the frozen objects, collect them all, freeze the survivors again; returns what was collected.
    With the policy off, just a full collection."""
    with _lock:
        if not ENABLED:
            return gc.collect()
        gc.unfreeze()
        n = gc.collect()
        gc.freeze()
        return n


def tracked() -> int:
    """Objects a full collection would walk now (the frozen ones excluded)."""
    return len(gc.get_objects())
