"""Who holds a background job: a browser session's one slot, and the process-wide registry by key.

Both only start, stop and read the status of `core.runtime.jobs.BackgroundJob`s (imported from there too).

    REGISTRY = JobRegistry(scoped=True)
    job = REGISTRY.get_or_start(key, lambda: MyJob(...))   # the running one for `key`, or a new one
"""
from __future__ import annotations

import threading
from typing import Callable, Protocol, TypeVar

from core.runtime import private


class BackgroundJob(Protocol):
    """What a slot and a registry use of a `core.runtime.jobs.BackgroundJob` (which imports this module)."""

    status: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


J = TypeVar("J", bound=BackgroundJob)


class JobSlot:
    """The one job a browser session owns. Replacing or closing it stops the old one (without waiting).

    `on_job(job)`, if set, is told of every replacement (None: the slot was emptied, e.g. by Reset)."""

    def __init__(self, job: BackgroundJob | None = None):
        self.job = job
        self.on_job: Callable[[BackgroundJob | None], None] | None = None

    def replace(self, job: BackgroundJob | None) -> None:
        old, self.job = self.job, job
        if old is not None and old is not job:
            old.stop()
        if self.on_job is not None and old is not job:
            self.on_job(job)

    def close(self) -> None:
        if self.job is not None:
            self.job.stop()


class JobRegistry:
    """Process-wide jobs by key: two sessions asking for the same work share one run.

    A job that failed or was stopped is replaced by a fresh one on the next request. `scoped`: inside a
    `core.runtime.private` scope (an upload's work) the jobs are that session's own, never shared.
    """

    def __init__(self, scoped: bool = False) -> None:
        self._lock = threading.Lock()
        self._shared: dict[str, BackgroundJob] = {}
        self._scoped = scoped

    @property
    def _jobs(self) -> dict[str, BackgroundJob]:
        return private.table(f"jobs-{id(self)}", self._shared, dict) if self._scoped else self._shared

    def get(self, key: str) -> BackgroundJob | None:
        with self._lock:
            return self._jobs.get(key)

    def get_or_start(self, key: str, factory: Callable[[], J]) -> J:
        """The job for `key`, started if new (TooManyTrainings propagates and nothing is kept)."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.status in ("failed", "stopped"):
                job = factory()
                job.start()
                self._jobs[key] = job
            return job  # type: ignore[return-value]

    def forget_done(self) -> int:
        """Drop the jobs that no longer run (finished ones left their result in a cache; a failed or stopped
        one is started afresh on the next request anyway). For an idle server (ui.memory). Returns how many."""
        with self._lock:
            done = [k for k, j in self._jobs.items() if j.status not in ("ready", "queued", "running", "paused")]
            for k in done:
                del self._jobs[k]
        return len(done)

    def clear(self) -> None:
        with self._lock:
            jobs = [self._jobs.pop(k) for k in list(self._jobs)]
        for j in jobs:
            j.stop()
