"""core.runtime.diskcache: the one get-or-build cache (hits, rebuilds, one build per key, unwritable disks)."""
from __future__ import annotations

import json
import os
import threading
import time

import pytest

from core.runtime import diskcache as dc


@pytest.fixture()
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _json_cache(key, build):
    return dc.get_or_build("demo", key, build, dump=lambda v: json.dumps(v).encode(),
                           load=lambda b: json.loads(b), suffix=".json")


def test_build_then_hit(root):
    calls = []
    v1, i1 = _json_cache("k", lambda: calls.append(1) or {"x": 1})
    v2, i2 = _json_cache("k", lambda: calls.append(1) or {"x": 2})
    assert v1 == v2 == {"x": 1} and len(calls) == 1
    assert (i1.hit, i1.stored, i2.hit) == (False, True, True)
    assert i1.path == root / "demo" / "k.json" and json.loads(i1.path.read_text()) == {"x": 1}


def test_unreadable_file_is_rebuilt(root):
    path = root / "demo" / "k.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{not json")
    v, info = _json_cache("k", lambda: [1, 2])
    assert v == [1, 2] and not info.hit and json.loads(path.read_text()) == [1, 2]


def test_same_key_builds_once_across_threads(root):
    calls, results = [], []

    def build():
        calls.append(1)
        time.sleep(0.2)  # long enough for the other threads to arrive while this one builds
        return "built"

    threads = [threading.Thread(target=lambda: results.append(_json_cache("same", build))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and [v for v, _ in results] == ["built"] * 4
    assert sum(not info.hit for _, info in results) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_keeps_value(root):
    root.mkdir(parents=True)
    os.chmod(root, 0o500)
    try:
        v, info = _json_cache("k", lambda: 7)
    finally:
        os.chmod(root, 0o700)
    assert v == 7 and not info.stored and info.error


def test_write_failure_keeps_value(root, monkeypatch):
    """A full disk (ENOSPC) costs only the cache: the value comes back, with the reason."""
    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dc, "write_atomic", full)
    v, info = _json_cache("k", lambda: "value")
    assert v == "value" and info.stored is False and "No space left" in info.error


@pytest.mark.parametrize("bad", ["", "..", "a/b", "a\\b", ".tmp-x"])
def test_keys_must_be_plain_names(root, bad):
    with pytest.raises(ValueError):
        dc.cache_path("demo", bad)


def test_clean_stale_tmp(root):
    (root / "demo").mkdir(parents=True)
    old, young, keep = root / "demo" / ".tmp-old.bin", root / "demo" / ".tmp-young.bin", root / "demo" / "k.bin"
    for p in (old, young, keep):
        p.write_bytes(b"x")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert dc.clean_stale_tmp(max_age_s=3600) == 1
    assert not old.exists() and young.exists() and keep.exists()


def test_write_atomic_leaves_no_tmp_on_failure(tmp_path):

    with pytest.raises(TypeError):
        dc.write_atomic(tmp_path / "f.bin", object())  # type: ignore[arg-type]
    assert not list(tmp_path.glob(".tmp-*"))


def test_lock_table_keeps_only_keys_in_use(root):
    """The per-key lock table does not grow with the keys ever built: a server sees thousands."""
    for i in range(200):
        _json_cache(f"k{i}", lambda: i)
    assert dc.locks_held() == 0
    started, release, results = threading.Event(), threading.Event(), []

    def slow():
        started.set()
        release.wait(5)
        return "slow"

    a = threading.Thread(target=lambda: results.append(_json_cache("busy", slow)))
    a.start()
    started.wait(5)
    b = threading.Thread(target=lambda: results.append(_json_cache("busy", lambda: "second")))
    b.start()
    time.sleep(0.1)
    assert dc.locks_held() == 1  # one key in use: one lock, shared by the builder and the waiter
    release.set()
    a.join()
    b.join()
    assert [v for v, _ in results] == ["slow", "slow"] and dc.locks_held() == 0


def test_lock_entry_goes_even_when_the_build_raises(root):
    with pytest.raises(RuntimeError):
        _json_cache("bad", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    assert dc.locks_held() == 0


def _age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_a_kind_over_its_budget_loses_its_least_recently_used_files(root, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_MAX_MB", str(2500 / 2**20))  # 2,500 bytes
    blob = lambda n: dc.get_or_build("demo", f"k{n}", lambda: b"x" * 1000, dump=bytes, load=bytes)
    for n in range(3):
        blob(n)
    folder = root / "demo"
    for n, age in ((0, 3000), (1, 2000), (2, 1000)):
        _age(folder / f"k{n}", age)
    blob(0)  # a read: k0 is now the most recently used
    assert time.time() - (folder / "k0").stat().st_mtime < 60
    blob(3)  # 4,000 bytes > 2,500: the two least recently used (k1, k2) go, k0 (just read) and k3 stay
    assert sorted(p.name for p in folder.iterdir()) == ["k0", "k3"]


def test_trim_spares_recent_files_and_writes_in_flight(root):
    folder = root / "demo"
    folder.mkdir(parents=True)
    for name in ("old", "new", ".tmp-abc"):
        (folder / name).write_bytes(b"y" * 100)
    _age(folder / "old", 3600)
    _age(folder / ".tmp-abc", 3600)
    assert dc.trim("demo", max_bytes=0) == 1  # only "old": "new" was used under TRIM_SPARE_S ago
    assert sorted(p.name for p in folder.iterdir()) == [".tmp-abc", "new"]
    assert dc.trim("demo", max_bytes=0, spare_s=0) == 1 and [p.name for p in folder.iterdir()] == [".tmp-abc"]
    assert dc.trim("absent", max_bytes=0) == 0


def test_budget_from_the_environment(monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_MAX_MB", "1")
    assert dc.max_kind_bytes() == 2**20
    monkeypatch.setenv("ATLAS_CACHE_MAX_MB", "lots")
    assert dc.max_kind_bytes() == dc.DEFAULT_MAX_MB * 2**20
