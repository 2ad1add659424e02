"""Work that runs in a background thread while a page polls it: one base class for every such job.

A page (Streamlit's script thread) never waits on a job: it calls `start / pause / resume / stop` and
reads copies of the state taken under a lock. The job's thread never calls Streamlit. `BackgroundJob`
owns what every job shares: the thread, the pause and stop events, the process-wide cap on how many
run at once (`ATLAS_MAX_TRAININGS`, default 2: each wants every core; a page's own short job, `pool = "page"`,
`ATLAS_MAX_PAGE_JOBS`), for a `queue_when_full` job (a training) a place in a queue instead of a refusal
(core/runtime/limiter.py), a lowered thread priority, progress and ETA, and an exception turned into a message.

A subclass sets `what = ("Training", "学習")` and implements `work()`, which calls `self.gate()` before
each unit of work (it blocks while paused, returns False once stopped), `self.set_progress(done,
total)` as it goes, and returns the final status ("finished", "stopped", "diverged", ...):
    job = MyJob(); job.start(); job.state().progress; job.stop()   # stop never waits for the thread
"""
from __future__ import annotations

import itertools
import logging
import os
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from typing import Callable

import torch  # noqa: F401 - here, not in a job thread's first use_threads (an import of seconds)

from core.errors import UserInputError
from core.runtime import memory, private, shutdown
from core.runtime.limiter import Limiter, TooManyTrainings
from core.runtime.threads import base_priority, lower_priority, ui_threads, use_threads

log = logging.getLogger("atlas.jobs")
MAX_CONCURRENT = max(1, int(os.environ.get("ATLAS_MAX_TRAININGS", "2")))  # the "training" pool's limit
MAX_PAGE_JOBS = max(1, int(os.environ.get("ATLAS_MAX_PAGE_JOBS", "2")))  # the "page" pool's (core/runtime/limiter.py)
_ids = itertools.count(1)  # one id counter for every job in the process


def next_job_id() -> int:
    return next(_ids)


LIMITER = Limiter()  # the process's: every session's jobs share the cores
STARTED: "weakref.WeakSet[BackgroundJob]" = weakref.WeakSet()  # jobs started, not yet collected (for tests)


class Stopped(Exception):
    """The job's `gate()` said stop (or a trainer run under it stopped): the work unwinds and nothing half-done is
    kept (get_or_build stores only what a build returns). The one such exception for every job in the app; a
    `work()` that lets it out ends "stopped"."""


@dataclass(frozen=True)
class JobState:
    """What every job can say about itself, copied under its lock."""

    status: str  # ready | queued | running | paused | stopped | finished | diverged | failed
    progress: float  # 0..1
    eta_s: float | None  # None until enough work is done to extrapolate
    elapsed_s: float  # running time (pauses excluded)
    message: UserInputError | None

    @property
    def active(self) -> bool:
        return self.status in ("running", "paused")


class BackgroundJob:
    """A thread, its controls, and its progress. Subclasses implement `work()`; see the module docstring."""

    what: tuple[str, str] = ("The job", "ジョブ")  # for messages: (English, 日本語)
    queue_when_full = False  # True: at the limit, start() queues the job (status "queued") instead of refusing
    pool = "training"  # "page": a page's own short job, limited apart from the trainings (ATLAS_MAX_PAGE_JOBS)

    def __init__(self, threads: int | None = None, label: str = ""):
        self.id = next_job_id()
        self.label = label
        self.threads = threads or ui_threads()
        self._lock = threading.Lock()  # guards every field below and the subclass's state
        self._run = threading.Event()  # cleared while paused
        self._run.set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = "ready"
        self._message: UserInputError | None = None
        self._done, self._total, self._done_at_start = 0.0, 1.0, 0.0
        self._active_s = 0.0  # running time so far, pauses excluded (up to `_since`)
        self._active_at_start = 0.0  # of this run: the ETA extrapolates this run's pace
        self._since: float | None = None
        self._unregister: Callable[[], None] = lambda: None  # the shutdown hook of the current run
        self._native_id: int | None = None  # the running thread's OS id (its priority is per thread)
        self._scope = private.current()  # made for an upload's work: its thread keeps to that session's tables
        self._queued = False  # started while the server was at its limit: the thread waits for a turn

    # ---------------------------------------------------------------- for subclasses
    def work(self) -> str:
        raise NotImplementedError

    def release(self) -> None:
        """Let go of what the job holds (models, data) once nothing can reach it; a subclass with large state
        overrides it (core.runtime.sessions' reaper calls it after the thread ended)."""

    def can_start(self) -> bool:
        """False when nothing is left to do (start() then does nothing). Called under the job's lock."""
        return True

    def gate(self) -> bool:
        """Called by the work before each unit: waits while paused; False once stopped."""
        while not self._run.is_set():
            self._run.wait(0.2)
        return not self._stop.is_set()

    def set_progress(self, done: float, total: float | None = None) -> None:
        with self._lock:
            self._done = float(done)
            if total is not None:
                self._total = max(1e-9, float(total))

    def set_message(self, message: UserInputError | None) -> None:
        with self._lock:
            self._message = message

    # ---------------------------------------------------------------- control (page thread)
    def start(self) -> None:
        """Start (or continue after Stop) in a background thread; TooManyTrainings when the limit is reached
        (a `queue_when_full` job: status "queued" until a slot frees; TooManyTrainings when the queue is full)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            if not self.can_start():
                return
            limit = MAX_PAGE_JOBS if self.pool == "page" else MAX_CONCURRENT
            now = (LIMITER.enqueue(self.id, MAX_CONCURRENT, self._eta) if self.queue_when_full else
                   LIMITER.acquire(self.id, limit, self._eta, self.pool))
            self._stop.clear()
            self._run.set()
            self._status, self._message, self._queued = ("running" if now else "queued"), None, not now
            self._done_at_start, self._active_at_start = self._done, self._active_s
            self._since = time.perf_counter() if now else None
            self._thread = threading.Thread(target=self._main, name=f"{type(self).__name__}-{self.id}", daemon=True)
            # A server stop (SIGTERM, exit) stops the job and gives it a few seconds to finish its step.
            self._unregister = shutdown.register(self._shutdown_stop, wait=self._shutdown_wait)
            STARTED.add(self)
            self._thread.start()

    def pause(self) -> None:
        with self._lock:
            if self._status == "running":
                self._run.clear()
                self._status = "paused"
                self._account()

    def resume(self) -> None:
        with self._lock:
            if self._status == "paused":
                self._status = "running"
                self._since = time.perf_counter()
                self._run.set()

    def stop(self) -> None:
        """Ask the thread to stop after its current unit, and return at once (never joins the thread):
        whatever it did is kept. A paused thread is released so it sees the stop; a queued one leaves the queue."""
        self._stop.set()
        self._run.set()
        LIMITER.leave(self.id)
        with self._lock:  # a queued job never ran: stopped now, so the page that cancelled shows Start at once
            self._status = "stopped" if self._status == "queued" else self._status

    close = stop  # what a session-end hook calls: the same, asynchronous

    def _shutdown_stop(self) -> None:
        """A server stop: stop(), and give the thread its normal priority back so that, on a busy machine,
        its last step and checkpoint are not starved (it was niced to keep pages responsive)."""
        self.stop()
        tid = self._native_id
        if tid is not None:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, base_priority())  # the server's own, not 0: never above it
            except (AttributeError, OSError):  # not permitted (lowering nice needs CAP_SYS_NICE), or gone
                pass

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread ends (for scripts and tests, never a page); True if it has."""
        t = self._thread
        if t is not None:
            t.join(timeout)
            return not t.is_alive()
        return True

    def _shutdown_wait(self, timeout: float) -> bool:
        """What a server stop waits on, after stop(): the thread's end, for at most `timeout` seconds."""
        return self.wait(timeout)

    # ---------------------------------------------------------------- the thread
    def _account(self) -> None:  # under self._lock
        if self._since is not None:
            self._active_s += time.perf_counter() - self._since
            self._since = None

    def _eta(self) -> tuple[float | None, float]:  # (seconds left or None, seconds run): for the queue's estimate
        s = self.state()
        return s.eta_s, s.elapsed_s

    def _wait_turn(self) -> bool:
        """A queued job's thread: wait for a slot (True), or for a cancel (False, status "stopped")."""
        if not self._queued:
            return True
        self._queued = False
        if LIMITER.wait_turn(self.id, self._eta, self._stop.is_set):
            with self._lock:
                if not self._stop.is_set():  # else a cancel came with the turn: the slot goes back (finally)
                    self._status, self._since = "running", time.perf_counter()
                    return True
        with self._lock:
            self._status = "stopped"
        return False

    def queue_info(self) -> tuple[int, float | None] | None:
        """While queued: (place, 1 = next; seconds to wait or None). Hold no job's lock (it reads their ETAs)."""
        return LIMITER.queue_info(self.id)

    def _main(self) -> None:
        try:
            if not self._wait_turn():
                return
            self._native_id = threading.get_native_id()
            private.enter(self._scope)  # a fresh thread: nothing current until then
            lower_priority()
            use_threads(self.threads)
            try:
                status = self.work()
            except Stopped:
                status = "stopped"
            with self._lock:
                self._status = status
        except UserInputError as e:  # the input cannot be worked on (SentencePiece refused an upload): the page says
            with self._lock:        # why, in both languages; nothing went wrong in the server, so no traceback
                self._status, self._message = "failed", e
        except Exception as e:  # noqa: BLE001 - the page must see a message, never a dead thread
            ref = uuid.uuid4().hex[:8]  # the server log keeps the traceback under this; the page gets a sentence
            log.error("%s failed [ref %s]", type(self).__name__, ref, exc_info=True)
            en, ja = self.what
            with self._lock:
                self._status = "failed"
                # English may name the error; Japanese never carries Python's English text (reference only).
                self._message = UserInputError(f"{en} failed: {type(e).__name__}: {e} (reference {ref}).",
                                               f"{ja}に失敗しました（{type(e).__name__}、参照番号 {ref}）。"
                                               "詳しい原因はサーバーのログにあります。")
        finally:
            self._native_id = None
            with self._lock:
                self._account()
            LIMITER.release(self.id)
            self._unregister()
            memory.trim()  # the step's activations and gradients are free now: their pages back to the OS

    # ---------------------------------------------------------------- reading (any thread)
    def _state(self) -> JobState:  # under self._lock
        active = self._active_s + (time.perf_counter() - self._since if self._since is not None else 0.0)
        progress = min(1.0, self._done / self._total)
        eta = None
        done = self._done - self._done_at_start
        run_s = active - self._active_at_start
        if self._status in ("running", "paused") and done > 0.01 * self._total and run_s > 0:
            eta = (self._total - self._done) * run_s / max(done, 1e-9)
        return JobState(self._status, progress, eta, active, self._message)

    def state(self) -> JobState:
        with self._lock:
            return self._state()

    @property
    def status(self) -> str:
        with self._lock:
            return self._status


# The session's slot and the process-wide registry live beside (core.runtime.registry); imported from here.
from core.runtime.registry import JobRegistry, JobSlot  # noqa: E402 - after BackgroundJob, which they hold

__all__ = ["BackgroundJob", "JobRegistry", "JobSlot", "JobState", "LIMITER", "Limiter", "TooManyTrainings",
           "next_job_id"]
