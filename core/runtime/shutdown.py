"""Stop background work when the server stops: callbacks run once on SIGTERM / SIGINT or at exit.

Streamlit's server handles SIGTERM and SIGINT by stopping its event loop, but knows nothing of our
worker threads (training, fine-tuning): a thread still in a training step keeps the process alive
past the signal. Jobs register a callback that sets their stop event:

    unregister = shutdown.register(job.stop, wait=job.wait)   # unregister() when the job ends by itself

`wait`, if given, is called after *every* callback has run (so all jobs stop in parallel), with what is
left of WAIT_S: a job's thread is a daemon, which the interpreter would kill mid-write, so waiting is
what lets a stopped training finish its step and write its checkpoint before the process exits.

How a server stop reaches the callbacks: Streamlit's own SIGTERM handler stops its event loop, the
main thread returns, and the interpreter then joins every non-daemon thread *before* running atexit
hooks, so a training thread would hold the process forever. `install()` (app.py, once per process)
therefore hooks `run_all` into that join (`threading._register_atexit`, the hook
concurrent.futures uses to stop its workers) as well as atexit; from the main thread it also chains
a handler in front of the existing SIGTERM / SIGINT handler, which still runs afterwards.
Callbacks run once each, newest first, and one that raises does not stop the others.
"""
from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
import time
from typing import Callable

log = logging.getLogger("atlas.shutdown")
_lock = threading.Lock()
_callbacks: dict[int, Callable[[], None]] = {}
_waits: dict[int, Callable[[float], object]] = {}
WAIT_S = 8.0  # all jobs together: a step (~0.2 s) and a checkpoint write (~0.1 s) fit many times over
_next_id = 0
_installed = False


def register(callback: Callable[[], None], wait: Callable[[float], object] | None = None) -> Callable[[], None]:
    """Run `callback` at shutdown (then `wait(seconds_left)`); returns a function that unregisters both."""
    global _next_id
    with _lock:
        key = _next_id
        _next_id += 1
        _callbacks[key] = callback
        if wait is not None:
            _waits[key] = wait

    def unregister() -> None:
        with _lock:
            _callbacks.pop(key, None)
            _waits.pop(key, None)

    return unregister


def pending() -> int:
    with _lock:
        return len(_callbacks)


def run_all() -> int:
    """Run (and forget) every registered callback, newest first; returns how many ran."""
    with _lock:
        todo = [cb for _, cb in sorted(_callbacks.items(), reverse=True)]
        waits = [w for _, w in sorted(_waits.items(), reverse=True)]
        _callbacks.clear()
        _waits.clear()
    for cb in todo:
        try:
            cb()
        except Exception:  # noqa: BLE001 - one broken callback must not keep the others from stopping
            log.exception("shutdown callback %r failed", cb)
    global _late
    deadline = time.monotonic() + WAIT_S
    _late = 0
    for w in waits:  # everything was asked to stop above: these waits overlap
        try:
            if w(max(0.0, deadline - time.monotonic())) is False:
                _late += 1
        except Exception:  # noqa: BLE001
            log.exception("shutdown wait %r failed", w)
    return len(todo)


_late = 0  # waits of the last run_all that ran out of time (their thread still running)


def _before_join() -> None:
    """The interpreter's exit path: stop everything; if a job's thread is still inside a torch op after
    WAIT_S (a starved, lowered-priority thread on a busy machine), leave at once with status 0 rather than
    let the interpreter finalize under it (torch then aborts the process: "terminate called without an
    active exception", exit -6). Its last autosaved checkpoint is what remains."""
    run_all()
    if _late:
        log.warning("%d background job(s) did not stop within %.0f s; exiting without them", _late, WAIT_S)
        logging.shutdown()
        os._exit(0)


def _chain(signum: int) -> None:
    previous = signal.getsignal(signum)

    def handler(sig, frame):
        run_all()
        if callable(previous):
            previous(sig, frame)
        elif previous == signal.SIG_DFL:  # nobody else handles it: behave as the default would
            signal.signal(sig, signal.SIG_DFL)
            signal.raise_signal(sig)

    signal.signal(signum, handler)


def install(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> bool:
    """Hook run_all into interpreter exit (before threads are joined), once per process; from the main
    thread also into `signals`. Returns whether the signal handlers were chained (False from a
    Streamlit script thread, where Streamlit's handler stops the server and the exit hook follows)."""
    global _installed
    with _lock:
        if _installed:
            return False
        _installed = True
    atexit.register(run_all)
    register_before_join = getattr(threading, "_register_atexit", None)
    if register_before_join is not None:
        try:
            register_before_join(_before_join)
        except RuntimeError:  # the interpreter is already shutting down
            pass
    if threading.current_thread() is not threading.main_thread():
        return False
    for s in signals:
        _chain(s)
    return True
