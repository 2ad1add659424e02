"""Stop background work when the server stops: callbacks run once on SIGTERM / SIGINT or at exit.

Streamlit's server handles SIGTERM and SIGINT by stopping its event loop, but knows nothing of our
worker threads (training, fine-tuning): a thread still in a training step keeps the process alive
past the signal. Jobs register a callback that sets their stop event:

    unregister = shutdown.register(job.stop, wait=job.wait)   # unregister() when the job ends by itself

A server stop has two halves. `stop_all()` runs every callback at once and waits for nothing: our
handler, chained in front of Streamlit's SIGTERM / SIGINT handler, calls it the moment the signal
arrives, so the jobs finish their step while Streamlit closes its sessions (~0.6 s). `run_all()`, on
the interpreter's exit path, then calls each `wait(seconds_left)`: a job's thread is a daemon, which
the interpreter would kill mid-write, so waiting is what lets a stopped training write its checkpoint.
All waits together end WAIT_S after the stop began.

Measured (bench/shutdown.py): the slow part of a stop was never Streamlit; it was the wait for a
training thread still inside an evaluation that did not look at its stop flag, and then 4-5 s of
interpreter finalization (tearing down torch, plotly, pandas module by module). After a signal, once
the waits are over, the process therefore leaves with `os._exit(0)` after atexit hooks and a log flush:
nothing is left to finalize that a file on disk depends on.

How a server stop reaches the callbacks: Streamlit's own SIGTERM handler stops its event loop, the
main thread returns, and the interpreter then joins every non-daemon thread *before* running atexit
hooks, so a training thread would hold the process forever. `install()` (app.py, once per process)
therefore hooks `run_all` into that join (`threading._register_atexit`, the hook
concurrent.futures uses to stop its workers) as well as atexit. The signal handlers can only be set
from the main thread: from there directly, or through `call_on_main` (the UI passes a function that
schedules a call on Streamlit's event loop, which is the main thread), and the previous handler still
runs afterwards. Callbacks run once each, newest first, and one that raises does not stop the others.
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
WAIT_S = 2.5  # all jobs together, from the signal: a step (~0.2 s) and a checkpoint write (~0.1 s), many times over
_next_id = 0
_installed = False
_signalled = False  # a SIGTERM / SIGINT arrived: leave without finalizing once the jobs are saved
_stop_began: float | None = None  # when stop_all first ran (the waits' deadline counts from it)


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


def stop_all() -> int:
    """Run (and forget) every registered callback, newest first, waiting for nothing; returns how many ran.
    Safe in a signal handler: callbacks only set events."""
    global _stop_began
    with _lock:
        todo = [cb for _, cb in sorted(_callbacks.items(), reverse=True)]
        _callbacks.clear()
        if _stop_began is None:
            _stop_began = time.monotonic()
    for cb in todo:
        try:
            cb()
        except Exception:  # one broken callback must not keep the others from stopping
            log.exception("shutdown callback %r failed", cb)
    return len(todo)


def run_all() -> int:
    """stop_all(), then every wait, all of them ending WAIT_S after the stop began; returns how many callbacks ran."""
    global _late, _stop_began
    n = stop_all()
    with _lock:
        waits = [w for _, w in sorted(_waits.items(), reverse=True)]
        _waits.clear()
        deadline = (_stop_began or time.monotonic()) + WAIT_S
        _stop_began = None
    _late = 0
    for w in waits:  # everything was asked to stop above: these waits overlap
        try:
            if w(max(0.0, deadline - time.monotonic())) is False:
                _late += 1
        except Exception:
            log.exception("shutdown wait %r failed", w)
    return n


_late = 0  # waits of the last run_all that ran out of time (their thread still running)


def _before_join() -> None:
    """The interpreter's exit path: stop everything and wait for the jobs' checkpoints (run_all). Then, after a
    signal, or if a job's thread is still inside a torch op (a starved, lowered-priority thread on a busy
    machine; finalizing under it makes torch abort the process: "terminate called without an active
    exception", exit -6), leave at once with status 0: atexit hooks run, logs are flushed, and the
    interpreter's module-by-module teardown (seconds, measured) is skipped. A late job's last autosave remains."""
    run_all()
    if _late:
        log.warning("%d background job(s) did not stop within %.1f s; exiting without them", _late, WAIT_S)
    if _late or _signalled:
        _exit_now()


def _exit_now() -> None:
    import atexit as _atexit
    import sys

    _atexit._run_exitfuncs()  # what the interpreter would run next (logging's flush among them)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(0)


def _chain(signum: int) -> None:
    previous = signal.getsignal(signum)

    def handler(sig, frame):
        global _signalled
        _signalled = True
        stop_all()  # the jobs start stopping now; the waits come on the exit path, after Streamlit's stop
        if callable(previous):
            previous(sig, frame)
        elif previous == signal.SIG_DFL:  # nobody else handles it: behave as the default would
            signal.signal(sig, signal.SIG_DFL)
            signal.raise_signal(sig)

    signal.signal(signum, handler)


def chain_signals(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT)) -> bool:
    """Put our handler in front of the current ones; only from the main thread (False elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    for s in signals:
        _chain(s)
    return True


def install(signals: tuple[int, ...] = (signal.SIGTERM, signal.SIGINT),
            call_on_main: Callable[[Callable[[], None]], bool] | None = None) -> bool:
    """Hook run_all into interpreter exit (before threads are joined), once per process, and our handler
    into `signals`: directly from the main thread, else through `call_on_main(fn)` (which runs fn on the
    main thread later and says whether it could). Returns whether the handlers are (or will be) chained."""
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
    if threading.current_thread() is threading.main_thread():
        return chain_signals(signals)
    if call_on_main is not None:
        return bool(call_on_main(lambda: chain_signals(signals)))
    return False
