"""Hand a server's memory back when nobody is using it.

A class opens every page: the process then holds the shipped models, the MeCab and Sudachi dictionaries,
the tokenizers, the figures and the pages' st.cache_* entries, shared by every visitor. That is what a
cache is for while the class is there; once every tab is closed it is only memory the machine could use
for something else. Three things keep it after the last session ends (bench/soak.py, bench/rss_pages.py
[docs/FINDINGS.md]):

1. Process-wide caches never expire by themselves (an LRU bounds their size, not their age). Each one
   registers a release here (`on_idle(name, fn)`); the keeper calls them all once the server has had no
   connected session for `IDLE_S`. A visitor after that pays a first open again (disk caches and imports
   stay, so it is the warm first open of bench/first_open.py, not a cold one).
2. Objects in reference cycles that core.runtime.gcpolicy froze while a session was alive: a frozen
   cycle is never collected. While idle, `core.runtime.gcpolicy.refreeze()` thaws, collects, freezes again.
3. glibc keeps freed memory in its arenas (one per thread that allocated: every script thread, every
   training thread); `trim()` (malloc_trim) returns the free pages to the OS.

A fourth is the UI's: closed sessions past their reconnect window that Streamlit hides but keeps
(ui/memory.py shuts them down). Measured by bench/soak.py (90 s, 3 sessions, settle 130 s): settled RSS was
646 MB and flat (fresh 328) before this module; 506-549 MB over four runs after it, against a fresh 396
(ui/preload.py now imports torch._dynamo, which the first training used to import for good). What stays
above fresh is not objects: at settle Python's allocator holds 159 MB live vs 154 MB for a process that
merely imported what the pages import, glibc 154 vs 148 MB; the rest is allocator fragmentation and
file pages (libtorch code run once, MeCab's dictionary, which fugashi never unmaps).

    keeper = IdleKeeper(sessions=lambda: (active, total))   # ui.memory wires Streamlit's session manager
    keeper.start()                                           # a daemon thread; tick() is the whole logic

Nothing here imports Streamlit; the UI says how many sessions there are and what to release.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import os
import threading
import time
from typing import Callable

log = logging.getLogger("atlas.memory")

# No connected session this long: release the caches (a reload or a page switch is back in seconds, a class
# between two lessons is not). ATLAS_IDLE_RELEASE_S sets it for a server (0: at once; a large number: never).
IDLE_S = float(os.environ.get("ATLAS_IDLE_RELEASE_S", "45"))
EVERY_S = 5.0  # the keeper looks this often: a memory read and a session count, nothing while sessions are active

_libc: ctypes.CDLL | None = None
_releasers: dict[str, Callable[[], object]] = {}
_lock = threading.Lock()


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            lib.malloc_trim  # only glibc has it (musl, macOS: AttributeError)
            _libc = lib
        except (OSError, AttributeError):
            return None
    return _libc


def trim() -> bool:
    """Give the free pages of glibc's arenas back to the OS (malloc_trim(0)); False where there is no glibc.
    ctypes releases the GIL for the call, so other threads run meanwhile."""
    lib = _glibc()
    if lib is None:
        return False
    try:
        return bool(lib.malloc_trim(0))
    except Exception:  # noqa: BLE001 - a keeper must never raise
        return False


def allocator_stats() -> None:
    """Print glibc's per-arena totals (malloc_stats: system bytes vs in use) and Python's object allocator
    (sys._debugmallocstats: arenas, used and free blocks) to stderr: where freed memory stays."""
    import sys

    lib = _glibc()
    if lib is not None:
        lib.malloc_stats()
    if hasattr(sys, "_debugmallocstats"):
        sys._debugmallocstats()


def status(path: str = "/proc/self/status") -> dict[str, float]:
    """{"rss", "anon", "file"} in MB (VmRSS, RssAnon: heap; RssFile: mapped files, libraries and dictionaries).
    Empty where /proc is missing."""
    want = {"VmRSS:": "rss", "RssAnon:": "anon", "RssFile:": "file"}
    out: dict[str, float] = {}
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                head = line.split(None, 1)
                if head and head[0] in want:
                    out[want[head[0]]] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


def on_idle(name: str, release: Callable[[], object]) -> None:
    """Call `release()` (drop a process-wide cache) when the server goes idle. Same name: replaced."""
    with _lock:
        _releasers[name] = release


def registered() -> list[str]:
    with _lock:
        return sorted(_releasers)


def release_all(collect: Callable[[], object] = gc.collect) -> dict:
    """Run every registered release, then `collect()` and trim(); a release that raises is logged and skipped.
    Returns {"released": [names], "failed": [names], "before": status(), "after": status()}."""
    before = status()
    with _lock:
        items = sorted(_releasers.items())  # by name: a census named "0 ..." runs first
    done, failed = [], []
    for name, release in items:
        try:
            release()
            done.append(name)
        except Exception:  # one broken cache must not keep the others' memory
            log.warning("idle release %s failed", name, exc_info=True)
            failed.append(name)
    try:
        collect()
    except Exception:
        log.warning("collection after idle release failed", exc_info=True)
    trim()
    return {"released": done, "failed": failed, "before": before, "after": status()}


class IdleKeeper:
    """Release the caches once the server has been idle `idle_s`; collect again when sessions are dropped.

    `sessions()` returns (connected sessions, all sessions Streamlit still keeps): a closed tab stays in
    the second count for the reconnect window (server.disconnectedSessionTTL, 120 s) with its session
    state, so a fall in that count is when its memory becomes free, and worth one more collect + trim;
    so is a fall in the thread count after the release (a training whose lease ran out has ended).
    """

    def __init__(self, sessions: Callable[[], tuple[int, int]], idle_s: float = IDLE_S, every_s: float = EVERY_S,
                 collect: Callable[[], object] = gc.collect, clock: Callable[[], float] = time.monotonic):
        self.sessions, self.idle_s, self.every_s = sessions, idle_s, every_s
        self.collect, self.clock = collect, clock
        self.idle_since: float | None = None
        self.released = False
        self.last_left = (0, 0)
        self.history: list[tuple[str, dict]] = []  # (what, release_all's report), the last few
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def tick(self, now: float | None = None) -> str | None:
        """One look: "release", "collect" or None (nothing to do). Never raises."""
        now = self.clock() if now is None else now
        try:
            active, total = self.sessions()
        except Exception:  # noqa: BLE001 - no server (tests, bare mode): nothing to judge by
            return None
        left = (total, threading.active_count())  # sessions kept, threads running (a stopped job's ends)
        if active > 0:
            self.idle_since, self.released, self.last_left = None, False, left
            return None
        if self.idle_since is None:
            self.idle_since, self.last_left = now, left
        what = None
        if not self.released and now - self.idle_since >= self.idle_s:
            self.released, what = True, "release"
        elif self.released and (left[0] < self.last_left[0] or left[1] < self.last_left[1]):
            what = "collect"  # a closed session's state or a job's model has just become garbage
        self.last_left = left
        if what is None:
            return None
        try:
            report = release_all(self.collect) if what == "release" else self._collect()
        except Exception:  # a keeper must never take the server down
            log.warning("idle %s failed", what, exc_info=True)
            return what
        self.history = [*self.history[-7:], (what, report)]
        log.info("idle %s: RSS %s -> %s MB (anon %s -> %s)", what, report["before"].get("rss"),
                 report["after"].get("rss"), report["before"].get("anon"), report["after"].get("anon"))
        return what

    def _collect(self) -> dict:
        before = status()
        self.collect()
        trim()
        return {"released": [], "failed": [], "before": before, "after": status()}

    def start(self) -> bool:
        """Run tick() every `every_s` in a daemon thread (once; later calls return False)."""
        with _lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="idle-keeper", daemon=True)
            self._thread.start()
            return True

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.every_s):
            self.tick()
