"""The server gives memory back when idle: core.runtime.memory (keeper, trim, releases), gcpolicy.refreeze,
ui.memory's releases of the process-wide caches, and a closed tab's job and model becoming garbage.
No timing: the keeper's clock is a fake one, and tick() is called by hand."""
from __future__ import annotations

import functools
import gc
import sys
import threading
import types
import weakref

import pytest
import torch

from core.runtime import gcpolicy, memory
from core.runtime.jobs import BackgroundJob, JobRegistry
from core.runtime.sessions import Leases, new_secret, new_token

SECRET = new_secret()


class Node:
    pass


@pytest.fixture()
def releasers(monkeypatch):
    """An empty release table for the test (the app's registrations are put back afterwards)."""
    monkeypatch.setattr(memory, "_releasers", {})
    return memory._releasers


def test_trim_and_status_never_raise():
    assert isinstance(memory.trim(), bool)
    st = memory.status()
    assert st == {} or (st["rss"] > 0 and st["anon"] > 0 and abs(st["anon"] + st["file"] - st["rss"]) < 64)
    assert memory.status("/no/such/proc/status") == {}


def test_trim_is_a_no_op_without_glibc(monkeypatch):
    """musl or macOS: no malloc_trim; the keeper carries on."""
    monkeypatch.setattr(memory, "_libc", None)
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda *_: types.SimpleNamespace())  # a libc without malloc_trim
    assert memory.trim() is False
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda *_: (_ for _ in ()).throw(OSError("no libc")))
    assert memory.trim() is False


def test_release_all_runs_every_release_and_survives_one_that_raises(releasers):
    calls = []
    memory.on_idle("b", lambda: calls.append("b"))
    memory.on_idle("a", lambda: (_ for _ in ()).throw(RuntimeError("broken cache")))
    memory.on_idle("c", lambda: calls.append("c"))
    report = memory.release_all(collect=lambda: calls.append("collect"))
    assert calls == ["b", "c", "collect"] and report["released"] == ["b", "c"] and report["failed"] == ["a"]
    assert set(report["after"]) == set(report["before"])


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def test_keeper_releases_once_after_idle_then_collects_when_sessions_are_dropped(releasers):
    released, collected, state = [], [], {"active": 2, "total": 2}
    memory.on_idle("x", lambda: released.append(1))
    clock = Clock()
    k = memory.IdleKeeper(lambda: (state["active"], state["total"]), idle_s=45, collect=lambda: collected.append(1),
                          clock=clock)
    assert k.tick() is None  # sessions connected: nothing
    state["active"] = 0  # every tab closed; Streamlit keeps both sessions for a reconnect
    assert k.tick() is None
    clock.t += 44
    assert k.tick() is None and not released
    clock.t += 2
    assert k.tick() == "release" and released == [1] and collected == [1]
    clock.t += 30
    assert k.tick() is None and released == [1]  # once per idle period
    state["total"] = 0  # the reconnect window ran out: their state is garbage now
    assert k.tick() == "collect" and collected == [1, 1] and released == [1]
    state["active"] = state["total"] = 1  # a visitor: the next idle period releases again
    assert k.tick() is None
    state["active"] = state["total"] = 0
    k.tick()
    clock.t += 46
    assert k.tick() == "release" and released == [1, 1]
    assert [what for what, _ in k.history] == ["release", "collect", "release"]


def test_keeper_without_a_server_does_nothing_and_never_raises(releasers):
    memory.on_idle("boom", lambda: (_ for _ in ()).throw(RuntimeError("x")))
    k = memory.IdleKeeper(lambda: (_ for _ in ()).throw(RuntimeError("no runtime")), idle_s=0)
    assert k.tick() is None
    k2 = memory.IdleKeeper(lambda: (0, 0), idle_s=0, collect=lambda: (_ for _ in ()).throw(MemoryError()))
    assert k2.tick() == "release"  # the release failed inside, was logged, and the keeper lives on


def test_keeper_thread_starts_once_and_stops(releasers):
    k = memory.IdleKeeper(lambda: (1, 1), every_s=0.01)
    assert k.start() is True and k.start() is False
    k.stop()
    k._thread.join(5)
    assert not k._thread.is_alive()


def test_refreeze_frees_a_cycle_that_a_freeze_caught(monkeypatch):
    """A session's objects frozen with the imports are never collected, unless thawed: refreeze does it."""
    monkeypatch.setattr(gcpolicy, "ENABLED", True)
    freed = []
    try:
        with gcpolicy._lock:
            a, b = Node(), Node()
            a.other, b.other = b, a
            weakref.finalize(a, freed.append, "a")
            gc.freeze()  # as freeze_if_imported would while a session holds them
            del a, b
            gc.collect()
            assert freed == []  # frozen: a full collection skips it
        gcpolicy.refreeze()
        assert freed == ["a"] and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_registry_forgets_jobs_that_no_longer_run():
    class Quick(BackgroundJob):
        def work(self) -> str:
            return "finished"

    class Waits(BackgroundJob):
        def work(self) -> str:
            while self.gate():
                threading.Event().wait(0.01)
            return "stopped"

    reg = JobRegistry()
    done = reg.get_or_start("done", Quick)
    done.wait(10)
    running = reg.get_or_start("running", Waits)
    try:
        ref = weakref.ref(done)
        assert reg.forget_done() == 1 and reg.get("done") is None and reg.get("running") is running
        del done
        gc.collect()
        assert ref() is None  # the finished job (and its result) is garbage now
    finally:
        running.stop()
        running.wait(10)


class Holding(BackgroundJob):
    """A job holding a model, as a training does, until it is stopped."""

    def __init__(self):
        super().__init__()
        self.model = torch.nn.Linear(64, 64)

    def work(self) -> str:
        while self.gate():
            threading.Event().wait(0.01)
        return "stopped"


def test_a_closed_tabs_job_and_model_become_garbage_after_the_grace_period():
    clock = Clock()
    leases = Leases(grace_s=60, clock=clock)
    tok = new_token(SECRET)
    slot = leases.attach(tok, "s1", "train")
    job = Holding()
    slot.replace(job)
    job.start()
    model_ref, job_ref = weakref.ref(job.model), weakref.ref(job)
    leases.detach(tok, "s1", "train")  # the tab closed
    clock.t += 61
    assert leases.reap() == 1
    assert job.wait(10)
    del job, slot
    gc.collect()
    assert job_ref() is None and model_ref() is None


def test_ui_releases_empty_the_process_wide_caches(monkeypatch):
    """What ui.memory registers drops the figures, core's lru caches, the tokenizer table and finished jobs."""
    from core.tokenizers import cache as tok_cache
    from ui import figcache
    from ui import memory as ui_memory

    mod = types.ModuleType("core.atlas_test_mod")

    @functools.lru_cache(maxsize=4)
    def heavy(x):
        return [x] * 1000

    heavy.__module__ = mod.__name__
    mod.heavy = heavy
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    heavy(1)
    figcache.put(("memtest",), {"a": 1})
    tok_cache.MEMORY.put("memtest", object())
    assert heavy.cache_info().currsize == 1 and figcache.stats()["entries"] >= 1
    census = ui_memory.census()
    assert census["lru"]["core.atlas_test_mod.heavy"] == 1 and census["figures"] >= 1
    monkeypatch.setattr(memory, "_releasers", {})
    ui_memory.register_releases()
    report = memory.release_all()
    assert not report["failed"], report
    assert heavy.cache_info().currsize == 0 and figcache.stats()["entries"] == 0
    assert figcache.stats()["released"] >= 1 and tok_cache.MEMORY.get("memtest") is None


def test_ui_keeper_counts_no_sessions_outside_a_server():
    from ui import memory as ui_memory

    with pytest.raises(Exception):
        ui_memory.sessions()  # AppTest and bare mode: no Runtime; the keeper's tick then does nothing


def test_streamlit_caches_are_emptied_except_the_process_setup():
    import streamlit as st

    from ui import memory as ui_memory

    calls = []

    @st.cache_resource(max_entries=2, show_spinner=False)
    def model(x):
        calls.append(("model", x))
        return [x]

    @st.cache_data(max_entries=2, show_spinner=False)
    def table(x):
        calls.append(("table", x))
        return [x]

    @st.cache_resource(show_spinner=False)
    def start_process():  # the name ui.memory.KEEP protects: run once per process, never again
        calls.append(("setup",))
        return 1

    model(1), table(1), start_process()
    model(1), table(1), start_process()
    assert len(calls) == 3  # cached
    assert ui_memory.clear_streamlit_caches() >= 2
    model(1), table(1), start_process()
    assert calls[3:] == [("model", 1), ("table", 1)]  # rebuilt on the next use; the setup was kept


def test_every_table_the_idle_release_names_exists_and_is_emptied():
    """ui.memory.TABLES names other modules' globals: a rename there must fail here, not leak silently."""
    import importlib

    from ui import memory as ui_memory

    for where, lock_name in ui_memory.TABLES.items():
        mod_name, attr = where.split(":")
        mod = importlib.import_module(mod_name)
        assert isinstance(getattr(mod, attr), dict), where
        assert not lock_name or hasattr(getattr(mod, lock_name), "__enter__"), where
    from core.lm import ngram_job

    with ngram_job._READY_LOCK:
        ngram_job._READY["memtest"] = object()
    assert ui_memory._clear_core_tables() == len(ui_memory.TABLES)
    assert "memtest" not in ngram_job._READY


def test_closed_sessions_past_their_reconnect_window_are_shut_down_and_freed(monkeypatch):
    """Streamlit's storage of closed sessions hides an expired one but keeps it (and everything its state holds)
    until the next write; ui.memory removes and shuts it down. Here with Streamlit's own storage and a fake clock."""
    from streamlit.runtime.memory_session_storage import MemorySessionStorage

    from ui import memory as ui_memory

    clock = Clock()
    storage = MemorySessionStorage(ttl_seconds=120)
    storage._cache._timer = clock  # the storage's TTL table, on a fake clock

    class FakeSession:
        def __init__(self, sid):
            self.id, self.shut = sid, False
            self.state = {"model": torch.nn.Linear(32, 32)}  # what a session's state holds

        def shutdown(self):
            self.shut = True

    sessions = [FakeSession("a"), FakeSession("b")]
    for s in sessions:
        storage.save(types.SimpleNamespace(session=s, client=None, script_run_count=1))
    mgr = types.SimpleNamespace(_session_storage=storage, num_active_sessions=lambda: 0,
                                list_sessions=lambda: storage.list())
    fake_runtime = types.SimpleNamespace(instance=lambda: types.SimpleNamespace(_session_mgr=mgr))
    import streamlit.runtime

    monkeypatch.setattr(streamlit.runtime, "Runtime", fake_runtime)
    monkeypatch.setattr("ui.server_loop.call_on_main", lambda fn: fn() or True)  # the event loop: at once
    assert ui_memory.sessions() == (0, 2)
    clock.t += 121  # the reconnect window is over: Streamlit's reads no longer see them ...
    assert storage.list() == []
    assert len(storage._cache._data) == 2  # ... but it still holds both
    model_ref = weakref.ref(sessions[0].state["model"])
    assert ui_memory._expire_closed_sessions() == 2
    assert all(s.shut for s in sessions) and ui_memory.sessions() == (0, 0)
    del sessions
    gc.collect()
    assert model_ref() is None
