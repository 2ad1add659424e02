"""How many CPU threads a training uses, measured rather than guessed: one policy for every trainer.

On a quiet 2-core machine two torch threads are ~1.7x faster than one; when other processes keep a
core busy, every small parallel region waits for a descheduled thread and two threads become slower
than one (measured ~3x slower on a loaded shared machine). Which case holds changes while a class
uses the server, so `ThreadTuner` times real steps with each count and re-measures now and then.
"""
from __future__ import annotations

import os
import statistics
import threading


def ui_threads() -> int:
    """Threads for a training that shares the machine with a web page: all cores on a 2-core
    machine (one fewer halves the speed; the ThreadTuner drops to one when the cores are busy),
    one core left free on larger machines."""
    n = os.cpu_count() or 1
    return n if n <= 2 else n - 1


def interactive_threads() -> int:
    """Threads for work a person waits on in a page rerun (a forward pass, a seeded draw, a study of a
    few thousand numbers): one. Such work is many small ops, where a second thread saves microseconds
    on a quiet machine and costs seconds on a busy one (every op waits for a descheduled thread): the
    attention page's scaling study took 0.06 s on 1 thread and 0.60 s on 2 at load 9, 0.04 s and 2.7 s
    at load 14 (bench/threads.py --interactive [docs/FINDINGS.md])."""
    return 1


def use_threads(n: int) -> None:
    """`torch.set_num_threads(n)` that takes effect in the calling thread, which the plain call does not always do.

    torch skips the call when `n` equals its current count, and what it skips is per thread: in a thread started
    later (every background job, every training thread) MKL's matmuls then ran on ONE thread while torch reported
    `n` — bench/worker_threads.py [docs/FINDINGS.md]: CPU/wall 1.00–1.03 in a worker against 1.15–1.23 in the main
    thread at n = 2
    (load ~2), 1.67–1.69 in a worker after a real change of count (1, then 2). So a job's "two threads" was one
    for the matmuls, and the thread policy compared one with one.
    """
    import torch

    if n > 1 and torch.get_num_threads() == n:
        torch.set_num_threads(1)  # a real change, so the next call is not skipped
    torch.set_num_threads(n)


def serial_main_thread() -> None:
    """One torch thread for the process's main thread, before it runs any torch op: call it first thing in a
    server (ui.preload) or anything that trains in worker threads.

    With GNU OpenMP, once the main thread has run a parallel region on 2 threads (torch's default count),
    its team stays and a worker thread's own 2-thread team no longer speeds up: a reference-config step took
    66-69 ms on 2 threads in a worker against 68 ms on 1 (CPU/wall 1.46: the second thread burns, the step
    does not shrink), while with the main thread kept at one thread from the start the worker's 2-thread step
    took 41.5-45 ms (CPU/wall 1.99) — the 39 ms of the main thread itself (measured 2026-11-30, load ~1.3).
    The page's training job runs in a worker, so this is the page's speed against the CLI's."""
    import torch

    if threading.current_thread() is threading.main_thread() and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def for_interactive() -> None:
    """Give the calling thread (a page's script thread) `interactive_threads()` torch threads.

    torch keeps the count per thread here (OpenMP), and threads started later begin with the last count
    set; background jobs set their own when they start (core.runtime.jobs), and the trainer per step.
    """
    import torch

    if torch.get_num_threads() != interactive_threads():
        torch.set_num_threads(interactive_threads())


# Niceness of a background training's thread: none. Measured (bench/page_vs_cli.py --page-nice 5,0 [docs/FINDINGS.md],
# two
# rounds at load 20-30 on 2 cores): at nice +5 the page's job trained at 849 tok/s, at nice 0 at 2350
# (CFS gives a nice-5 thread a third of the share of each other busy process: 335 vs 1024), while the
# page's own work beside it was not faster at nice +5 (a poll: view() + three figures, p50 392 vs 292 ms,
# p90 744 vs 656 ms; a 50 ms sleep woke 27 vs 21 ms late at p90): it waits on the GIL and the load, which
# a niced training does not lift.
TRAINING_NICE = 0


def base_priority() -> int:
    """The server's own niceness (its main thread's): a thread's niceness is set relative to it, so a
    server started under `nice` keeps every thread at or below its own priority."""
    try:
        return os.getpriority(os.PRIO_PROCESS, os.getpid())
    except (AttributeError, OSError):
        return 0


def lower_priority(nice: int | None = None) -> None:
    """Nice the calling thread `nice` steps below the server (default TRAINING_NICE); OpenMP workers
    created after this inherit it. A no-op at 0, and where the platform has no per-thread priority."""
    nice = TRAINING_NICE if nice is None else nice
    if nice <= 0:
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, base_priority() + nice))
    except (AttributeError, OSError, PermissionError):
        pass


class ThreadTuner:
    """Picks the faster of (all cores, one core) by timing real steps, and checks again now and then.

    `probe` steps with each count (the first after a switch is dropped: it warms caches), one thread
    first, then the faster one for `every` steps, then measure again; three steps in a row at twice the
    measured time (the machine got busy) trigger a new measurement at once. A count whose step takes over
    `ABANDON` times one thread's median is dropped at once: on busy cores a two-thread step collapses to
    8-15x one thread's (bench/thread_placement.py [docs/FINDINGS.md]: 2.6-6.3 s against 0.18-0.53 s at load 8-13), and
    seven
    such probe steps were ~20 s of a 50-step run.
    """

    ABANDON = 3.0  # a warm-up step after a switch costs ~1.2x; a collapsed one 8-15x

    def __init__(self, max_threads: int | None = None, probe: int = 6, every: int = 300):
        n = max_threads or os.cpu_count() or 1
        self.options = [n, 1] if n > 1 else [1]
        self.probe, self.every = probe, every
        self.times: dict[int, list[float]] = {}
        self.choice = self.options[0]
        self.plan: list[int] = []
        self.since, self.slow, self.reference = 0, 0, float("inf")
        self._schedule()

    def _schedule(self) -> None:
        self.times = {n: [] for n in self.options}
        order = sorted(self.options)  # one thread first: the yardstick a collapsing count is dropped against
        self.plan = [n for n in order for _ in range(self.probe + 1)] if len(self.options) > 1 else []

    def threads_for_next_step(self) -> int:
        return self.plan[0] if self.plan else self.choice

    def record(self, threads: int, seconds: float) -> None:
        """The time of the step just run with `threads`."""
        if self.plan:
            n = self.plan.pop(0)
            self.times[n].append(seconds)
            one = self.times.get(1, [])[1:]
            if n != 1 and one and seconds > self.ABANDON * statistics.median(one):
                self.times[n] = []  # collapsed: not a candidate this round
                self.plan = [k for k in self.plan if k != n]
            if not self.plan:
                med = {k: statistics.median(v[1:]) for k, v in self.times.items() if len(v) > 1}
                self.choice = min(med, key=med.get) if med else 1
                self.reference = med.get(self.choice, seconds)
                self.since, self.slow = 0, 0
            return
        self.since += 1
        self.slow = self.slow + 1 if seconds > 2.0 * self.reference else 0
        if self.since >= self.every or self.slow >= 3:
            self._schedule()
