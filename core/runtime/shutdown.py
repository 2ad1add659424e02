"""Stop background work when the server stops: callbacks run once on SIGTERM / SIGINT or at exit.

Streamlit's server handles SIGTERM and SIGINT by stopping its event loop, but knows nothing of our
worker threads (training, fine-tuning): a thread still in a training step keeps the process alive
past the signal. Jobs register a callback that sets their stop event:

    unregister = shutdown.register(job.stop)   # and call unregister() when the job ends by itself

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
import signal
import threading
from typing import Callable

log = logging.getLogger("atlas.shutdown")
_lock = threading.Lock()
_callbacks: dict[int, Callable[[], None]] = {}
_next_id = 0
_installed = False


def register(callback: Callable[[], None]) -> Callable[[], None]:
    """Run `callback` at shutdown; returns a function that unregisters it."""
    global _next_id
    with _lock:
        key = _next_id
        _next_id += 1
        _callbacks[key] = callback

    def unregister() -> None:
        with _lock:
            _callbacks.pop(key, None)

    return unregister


def pending() -> int:
    with _lock:
        return len(_callbacks)


def run_all() -> int:
    """Run (and forget) every registered callback, newest first; returns how many ran."""
    with _lock:
        todo = [cb for _, cb in sorted(_callbacks.items(), reverse=True)]
        _callbacks.clear()
    for cb in todo:
        try:
            cb()
        except Exception:  # noqa: BLE001 - one broken callback must not keep the others from stopping
            log.exception("shutdown callback %r failed", cb)
    return len(todo)


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
            register_before_join(run_all)
        except RuntimeError:  # the interpreter is already shutting down
            pass
    if threading.current_thread() is not threading.main_thread():
        return False
    for s in signals:
        _chain(s)
    return True
