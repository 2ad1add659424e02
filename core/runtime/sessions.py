"""Jobs that outlive a browser session for a grace period, so a reload finds its training still running.

A Streamlit session ends when its websocket closes: on a reload (F5), a dropped Wi-Fi connection or a
closed tab alike, and the reloaded page is a *new* session. A job owned by the session (scope="session")
would die with the first two, losing a training the student still wants. Here a job belongs to a
*lease*: a random token the page keeps in its URL (`?run=…`), which a reload keeps and a new tab does not.

    slot = LEASES.attach(token, session_id, "train")   # the lease's JobSlot, created on first use
    LEASES.detach(token, session_id, "train")          # the session ended (never blocks, never joins a thread)
    LEASES.reap()                                      # leases with no session for > grace_s: jobs stopped, forgotten

One token per tab, one lease per (token, kind): the tab's training, fine-tuning experiment and task
experiment ("train", "finetune", "tasks") each keep their own slot, so opening one page never replaces
another page's job.

While any session holds the lease it lives; when the last one leaves, a reaper thread stops the job
after `grace_s` (about a minute) unless a session re-attached, and drops the slot so the model, data
and optimizer are freed. Stopping is asynchronous (JobSlot.close sets the stop event), so neither a
closing tab nor the reaper waits on a training step.

Why a token in the URL and not a cookie: Streamlit gives a page no cookie API, and a URL token is
visible, per tab (two tabs train separately), survives a reload and a server restart (the autosaved
checkpoint is named by it), and needs nothing stored in the browser. A link carrying the token shares
the training with whoever opens it: it is 96 random bits, so it cannot be guessed, only shared.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from core.runtime.gcpolicy import freeze_if_imported
from core.runtime.jobs import JobSlot

TRIM_EVERY_S = 30.0  # give freed memory back to the OS this often (see trim_memory)
GRACE_S = 60.0  # a reload takes seconds; a dropped connection is back within a minute or gone
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,43}")  # what new_token makes (16 chars); longer ones accepted


def trim_memory() -> bool:
    """Hand memory that Python and torch have freed back to the OS (glibc's malloc_trim).

    Each thread that allocates gets its own glibc arena, and a freed model's pages stay in its arena:
    without this, a server's RSS only ever grows as sessions come and go, though the memory is free.
    ctypes releases the GIL for the call, so pages keep rendering meanwhile. False where there is no glibc.
    """
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(_libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False


_libc = None


def new_token() -> str:
    return secrets.token_urlsafe(12)  # 96 bits -> 16 URL-safe characters


def valid_token(value: object) -> bool:
    return isinstance(value, str) and TOKEN.fullmatch(value) is not None


@dataclass
class Lease:
    slot: JobSlot = field(default_factory=JobSlot)
    sessions: set[str] = field(default_factory=set)
    idle_since: float | None = None  # when the last session left (None while one is attached)


class Leases:
    """Process-wide: token -> Lease. Thread-safe; every method returns at once."""

    def __init__(self, grace_s: float = GRACE_S, clock: Callable[[], float] = time.monotonic):
        self.grace_s, self.clock = grace_s, clock
        self._lock = threading.Lock()
        self._leases: dict[tuple[str, str], Lease] = {}  # (kind, token) -> lease
        self._reaper: threading.Thread | None = None
        self._stop = threading.Event()

    def attach(self, token: str, session_id: str, kind: str = "train") -> JobSlot:
        if not valid_token(token):
            raise ValueError("not a lease token")
        with self._lock:
            lease = self._leases.setdefault((kind, token), Lease())
            lease.sessions.add(session_id)
            lease.idle_since = None
            return lease.slot

    def detach(self, token: str, session_id: str, kind: str = "train") -> None:
        with self._lock:
            lease = self._leases.get((kind, token))
            if lease is None:
                return
            lease.sessions.discard(session_id)
            if not lease.sessions and lease.idle_since is None:
                lease.idle_since = self.clock()

    def reap(self, now: float | None = None) -> int:
        """Stop and forget every lease idle for more than grace_s; returns how many went."""
        now = self.clock() if now is None else now
        with self._lock:
            gone = [t for t, ls in self._leases.items() if ls.idle_since is not None and now - ls.idle_since > self.grace_s]
            slots = [self._leases.pop(t).slot for t in gone]
        for slot in slots:
            slot.close()  # asynchronous: the job's thread ends after its current step (and autosaves)
            slot.job = None  # the slot no longer holds the model; the thread drops it when it ends
        return len(slots)

    def get(self, token: str, kind: str = "train") -> JobSlot | None:
        with self._lock:
            lease = self._leases.get((kind, token))
            return lease.slot if lease else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._leases)

    def start_reaper(self, every_s: float = 5.0) -> None:
        """A daemon thread calling reap() every `every_s` seconds (once per process; idempotent)."""
        with self._lock:
            if self._reaper is not None and self._reaper.is_alive():
                return
            self._stop.clear()
            self._reaper = threading.Thread(target=self._reap_loop, args=(every_s,), name="lease-reaper", daemon=True)
            self._reaper.start()

    def _reap_loop(self, every_s: float) -> None:
        last_trim = self.clock()
        while not self._stop.wait(every_s):
            freeze_if_imported()  # a page's first visit imported libraries: keep full GC passes short
            reaped = self.reap()
            if reaped or self.clock() - last_trim >= TRIM_EVERY_S:
                trim_memory()
                last_trim = self.clock()

    def close_all(self) -> None:
        """Stop every job (server shutdown), without waiting."""
        self._stop.set()
        with self._lock:
            slots = [ls.slot for ls in self._leases.values()]
            self._leases.clear()
        for slot in slots:
            slot.close()


LEASES = Leases()
