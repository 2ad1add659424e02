"""core.runtime.gcpolicy: after a freeze, a full collection walks only what was created since; garbage
is collected before freezing; nothing happens again until a module is imported.

The app's lease reaper (started by any app test in this process) may call freeze_if_imported at the same
time: the set-up holds the policy's lock, and the checks hold whichever thread froze."""
from __future__ import annotations

import gc
import sys
import types
import weakref

from core.runtime import gcpolicy


class Node:
    pass


def test_freeze_after_an_import_shrinks_what_a_full_collection_walks(monkeypatch):
    monkeypatch.setattr(gcpolicy, "ENABLED", True)
    freed: list[str] = []
    try:
        with gcpolicy._lock:  # the reaper thread waits while the scene is set
            gc.unfreeze()  # start from everything tracked (an app test in this process may have frozen already)
            a, b = Node(), Node()
            a.other, b.other = b, a  # a reference cycle: garbage only the collector frees
            weakref.finalize(a, freed.append, "a")
            del a, b
            monkeypatch.setitem(sys.modules, "atlas_test_fresh_module", types.ModuleType("atlas_test_fresh_module"))
            before = gcpolicy.tracked()
        gcpolicy.freeze_if_imported()  # here, or just before in the reaper thread
        assert freed == ["a"]  # collected first: a frozen cycle would never be freed
        assert gc.get_freeze_count() > before / 2
        after = gcpolicy.tracked()
        assert after < before / 10, (before, after)
        n = len(sys.modules)
        assert gcpolicy.freeze_if_imported() is False or len(sys.modules) != n  # nothing imported: nothing done
    finally:
        gc.unfreeze()  # the test process keeps collecting normally


def test_off_switch(monkeypatch):
    monkeypatch.setattr(gcpolicy, "ENABLED", False)
    monkeypatch.setitem(sys.modules, "atlas_test_other_module", types.ModuleType("atlas_test_other_module"))
    n = gc.get_freeze_count()
    assert gcpolicy.freeze_if_imported() is False and gc.get_freeze_count() == n
