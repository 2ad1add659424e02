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

Why a token in the URL: it is per tab (two tabs train separately), survives a reload and a server
restart (the autosaved checkpoint is named by it). But a URL travels: a student pastes the address bar
into a chat, or a link is written with a token in it. So a token is *bound to its browser*: it is
`nonce + MAC(secret, nonce)`, where `secret` is a random per-browser value the browser keeps in a cookie
(ui/owner.py) and never puts in a URL. `owns(secret, token)` recomputes the MAC and compares in
constant time (hmac.compare_digest); a page treats a token its browser does not own exactly like no
token (a new one), so a copied address shows the stranger nothing, not even that a training exists.
Nothing is stored for this on the server: the check holds across restarts and for autosaved runs.

Sharing on purpose is a separate, read-only token: `share(token)` makes one that names the lease
(`watch(share)` -> its slot) and dies with the lease; the page shows a watcher the progress and the
loss curves only.
"""
from __future__ import annotations

import base64
import gc
import ctypes
import ctypes.util
import hashlib
import hmac
import re
import secrets
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Callable

from core.runtime.gcpolicy import freeze_if_imported
from core.runtime.jobs import JobSlot

TRIM_EVERY_S = 30.0  # give freed memory back to the OS this often (see trim_memory)
GRACE_S = 60.0  # a reload takes seconds; a dropped connection is back within a minute or gone
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,43}")  # the shape of a file-name-safe token (new_token makes 32 chars)
SECRET = re.compile(r"[A-Za-z0-9_-]{32,64}")  # what new_secret makes (43 chars)
NONCE_CHARS = MAC_CHARS = 16  # 96 bits each


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


def new_secret() -> str:
    """A browser's secret (256 bits, URL-safe): kept in its cookie, never in a URL."""
    return secrets.token_urlsafe(32)


def valid_secret(value: object) -> bool:
    return isinstance(value, str) and SECRET.fullmatch(value) is not None


def _mac(secret: str, nonce: str) -> str:
    digest = hmac.new(secret.encode(), b"run-token:" + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]


def new_token(secret: str) -> str:
    """A run token bound to `secret`: 16 random URL-safe characters, then 16 of their MAC under the secret.

    >>> s = new_secret(); t = new_token(s)
    >>> len(t), owns(s, t), owns(new_secret(), t)
    (32, True, False)
    """
    if not valid_secret(secret):
        raise ValueError("not a browser secret")
    nonce = secrets.token_urlsafe(12)  # 96 bits -> 16 URL-safe characters
    return nonce + _mac(secret, nonce)


def owns(secret: object, token: object) -> bool:
    """Was `token` made by new_token(secret)? Constant-time in the MAC; False for anything malformed."""
    if not (valid_secret(secret) and valid_token(token) and len(token) == NONCE_CHARS + MAC_CHARS):
        return False
    return hmac.compare_digest(_mac(secret, token[:NONCE_CHARS]), token[NONCE_CHARS:])


def valid_token(value: object) -> bool:
    """Safe as a file name and a dict key (the shape only; whose it is, `owns` says)."""
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
        self._shares: dict[str, tuple[str, str]] = {}  # share token -> (kind, token): read-only views
        self._reaper: threading.Thread | None = None
        self._stop = threading.Event()
        # Reaped jobs whose thread may still be finishing its step (see settle), held weakly: the lease table
        # never keeps a job alive, so one that nothing else holds is garbage as soon as its thread ends.
        self._ending: list[weakref.ref] = []

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
            gone = [t for t, ls in self._leases.items()
                    if ls.idle_since is not None and now - ls.idle_since > self.grace_s]
            slots = [self._leases.pop(t).slot for t in gone]
            self._shares = {k: v for k, v in self._shares.items() if v in self._leases}
        for slot in slots:
            job, slot.job = slot.job, None  # the slot no longer holds the model
            if job is not None:
                job.stop()  # asynchronous: the job's thread ends after its current step (and autosaves)
                with self._lock:
                    self._ending.append(weakref.ref(job))
        return len(slots)

    def settle(self) -> int:
        """Let go of the reaped jobs whose thread has ended, and hand their memory back to the OS.

        A reaped job's model, optimizer and data are freed when its last reference goes, but glibc keeps the
        freed pages in its arenas: a medium-preset training left the server 2 GB above where it was. Only
        once the thread has ended (its last step and autosave done) are the pages free, so the reaper asks
        here every few seconds, and trims once something ended. Returns how many jobs ended."""
        with self._lock:
            refs, self._ending = self._ending, []
        running, n = [], 0
        for ref in refs:
            job = ref()
            if job is not None and not job.wait(0):
                running.append(ref)
                continue
            n += 1  # ended: already garbage, or kept (a reference cycle that a freeze kept) until released here
            if job is not None:
                job.release()  # its tensors go now, whatever still holds the job itself
            del job
        with self._lock:
            self._ending.extend(running)
        if not n:
            return 0
        gc.collect()  # what else of the run sat in a cycle (its trainer); a short pass: most objects are frozen
        trim_memory()
        return n

    def get(self, token: str, kind: str = "train") -> JobSlot | None:
        with self._lock:
            lease = self._leases.get((kind, token))
            return lease.slot if lease else None

    def share(self, token: str, kind: str = "train") -> str | None:
        """A read-only token for the lease (the same one on every call), or None when there is no lease."""
        with self._lock:
            if (kind, token) not in self._leases:
                return None
            for share, target in self._shares.items():
                if target == (kind, token):
                    return share
            share = secrets.token_urlsafe(12)
            self._shares[share] = (kind, token)
            return share

    def watch(self, share: object, kind: str = "train") -> JobSlot | None:
        """The slot a share token names (to be shown read-only), or None: unknown, of another kind, or gone."""
        if not valid_token(share):
            return None
        with self._lock:
            target = self._shares.get(share)
            lease = self._leases.get(target) if target is not None and target[0] == kind else None
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
            reaped = self.reap() + self.settle()
            if reaped or self.clock() - last_trim >= TRIM_EVERY_S:
                trim_memory()
                last_trim = self.clock()

    def close_all(self) -> None:
        """Stop every job (server shutdown), without waiting."""
        self._stop.set()
        with self._lock:
            slots = [ls.slot for ls in self._leases.values()]
            self._leases.clear()
            self._shares.clear()
        for slot in slots:
            slot.close()


LEASES = Leases()
