"""core.runtime.gcpolicy: after a freeze, a full collection walks only what was created since; garbage
is collected before freezing; nothing happens again until a module is imported."""
from __future__ import annotations

import gc
import sys
import types

from core.runtime import gcpolicy


def test_freeze_after_an_import_shrinks_what_a_full_collection_walks(monkeypatch):
    monkeypatch.setattr(gcpolicy, "ENABLED", True)
    gc.unfreeze()  # start from everything tracked (an app test in this process may have frozen already)
    try:
        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle: garbage only the collector frees
        freed = []
        import weakref

        weakref.finalize(a, freed.append, "a")
        del a, b
        monkeypatch.setitem(sys.modules, "atlas_test_fresh_module", types.ModuleType("atlas_test_fresh_module"))
        before = gcpolicy.tracked()
        assert gcpolicy.freeze_if_imported() is True
        assert freed == ["a"]  # collected first: a frozen cycle would never be freed
        after = gcpolicy.tracked()
        assert after < before / 10, (before, after)
        assert gcpolicy.freeze_if_imported() is False  # nothing imported since: no collection, no freeze
    finally:
        gc.unfreeze()  # the test process keeps collecting normally


def test_off_switch(monkeypatch):
    monkeypatch.setattr(gcpolicy, "ENABLED", False)
    monkeypatch.setitem(sys.modules, "atlas_test_other_module", types.ModuleType("atlas_test_other_module"))
    n = gc.get_freeze_count()
    assert gcpolicy.freeze_if_imported() is False and gc.get_freeze_count() == n
