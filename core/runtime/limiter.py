"""How many background jobs run at once in this process, and the queue of trainings waiting for a turn.

Two pools, each with its own limit: "training" (trainings, fine-tunings, experiments, rebuilds: minutes each;
`ATLAS_MAX_TRAININGS`) and "page" (a page's own short job: tokenizers, n-gram counts, a section's numbers;
`ATLAS_MAX_PAGE_JOBS`). Why two: with one shared limit, two running trainings refused every tokenizer page's
job for as long as they ran (bench/class_load.py at 5 students: the Compare and Vocabulary-size pages).

Every browser session shares the cores, so a server runs at most `limit` jobs at once (the teacher's setting,
`ATLAS_MAX_TRAININGS`, read by core.runtime.jobs). A job that is refused when the limit is reached
(`acquire`) raises TooManyTrainings; a job that may wait (a training: `enqueue`) joins a first-come queue of at
most `ATLAS_TRAINING_QUEUE` jobs, and its thread blocks in `wait_turn` until it is first and a slot is free, or
until it is cancelled. A queued student sees `position` (1 = next) and `wait_estimate` (seconds):

    running jobs' ETAs [120, 300], limit 2, position 2, a running job takes ~400 s in all
    -> slot 1 frees at 120 s (position 1 starts), slot 2 at 300 s (position 2 starts): 300 s
    position 3 -> the next slot frees at 120 + 400 = 520 s

The estimate is None while a running job has no ETA yet (its first steps set its pace).
Lock order: a job's lock, then this one's (BackgroundJob.start calls in holding its own); `wait_estimate`
calls the jobs' ETA functions after letting go of this lock, so a caller must hold no job's lock.
"""
from __future__ import annotations

import heapq
import os
import threading
from typing import Callable

from core.errors import UserInputError

MAX_QUEUE = max(0, int(os.environ.get("ATLAS_TRAINING_QUEUE", "30")))
Eta = Callable[[], "tuple[float | None, float]"]  # a running job's (seconds left or None, seconds run so far)


class TooManyTrainings(UserInputError):
    def __init__(self, limit: int):
        super().__init__(
            f"{limit} trainings are already running on this server (the limit, so that each gets enough CPU). "
            "Wait until one finishes or is stopped, then press Start again.",
            f"このサーバーではすでに {limit} 件の学習が動いています（CPU を分け合うための上限です）。"
            "どれかが終わるか止められてから、もう一度「開始」を押してください。",
        )


class Limiter:
    """The running jobs (by id, each with its ETA function) and the queue of waiting ones (first come first)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active: dict[int, Eta] = {}
        self._pools: dict[int, str] = {}  # job id -> its pool, while active
        self._queue: list[int] = []  # trainings waiting (the "training" pool's queue)
        self._limit = 1  # the limit the last caller gave: what the queue waits against

    def _running(self, pool: str) -> int:  # under the lock
        return sum(1 for p in self._pools.values() if p == pool)

    def _take(self, job_id: int, eta: Eta, pool: str) -> None:  # under the lock
        self._active[job_id], self._pools[job_id] = eta, pool

    def acquire(self, job_id: int, limit: int, eta: Eta = lambda: (None, 0.0), pool: str = "training") -> bool:
        """Take a slot of `pool` now (True), or raise TooManyTrainings (a job that does not queue)."""
        with self._cond:
            if pool == "training":
                self._limit = limit
            if job_id in self._active:
                return True
            if self._running(pool) >= limit:
                raise TooManyTrainings(limit)
            self._take(job_id, eta, pool)
            return True

    def enqueue(self, job_id: int, limit: int, eta: Eta = lambda: (None, 0.0), max_queue: int | None = None) -> bool:
        """Take a slot now (True), or join the queue (False: then `wait_turn`); TooManyTrainings if it is full."""
        max_queue = MAX_QUEUE if max_queue is None else max_queue
        with self._cond:
            self._limit = limit
            if job_id in self._active:
                return True
            if self._running("training") < limit and not self._queue:
                self._take(job_id, eta, "training")
                return True
            if job_id not in self._queue:
                if len(self._queue) >= max_queue:
                    raise TooManyTrainings(limit)
                self._queue.append(job_id)
            return False

    def wait_turn(self, job_id: int, eta: Eta, cancelled: Callable[[], bool], poll_s: float = 0.5) -> bool:
        """Block until `job_id` is first in the queue and a slot is free (True: the slot is taken), or until
        `cancelled()` (False: it left the queue). A cancel is seen within `poll_s`."""
        with self._cond:
            while True:
                if cancelled():
                    self._drop(job_id)
                    return False
                if self._queue and self._queue[0] == job_id and self._running("training") < self._limit:
                    self._queue.pop(0)
                    self._take(job_id, eta, "training")
                    self._cond.notify_all()  # the next in line may fit too (the limit was raised)
                    return True
                if job_id not in self._queue:  # dropped by someone else: nothing to wait for
                    return False
                self._cond.wait(poll_s)

    def _drop(self, job_id: int) -> None:  # under the condition's lock
        if job_id in self._queue:
            self._queue.remove(job_id)
            self._cond.notify_all()

    def leave(self, job_id: int) -> None:
        """Leave the queue without running (a cancel, seen at once)."""
        with self._cond:
            self._drop(job_id)

    def release(self, job_id: int) -> None:
        with self._cond:
            self._active.pop(job_id, None)
            self._pools.pop(job_id, None)
            self._drop(job_id)
            self._cond.notify_all()

    def active(self, pool: str | None = None) -> int:
        """Running jobs (of `pool`, or of both)."""
        with self._cond:
            return len(self._active) if pool is None else self._running(pool)

    def queued(self) -> int:
        with self._cond:
            return len(self._queue)

    def position(self, job_id: int) -> int | None:
        """1 for the next to run, None when not queued."""
        with self._cond:
            return self._queue.index(job_id) + 1 if job_id in self._queue else None

    def queue_info(self, job_id: int) -> tuple[int, float | None] | None:
        """(position, wait_estimate) while `job_id` is queued, else None."""
        pos = self.position(job_id)
        return None if pos is None else (pos, self.wait_estimate(job_id))

    def wait_estimate(self, job_id: int) -> float | None:
        """Seconds until `job_id` should start (see the module docstring), None when not queued or unknown."""
        with self._cond:
            if job_id not in self._queue:
                return None
            ahead, limit = self._queue.index(job_id), self._limit
            etas = [f for j, f in self._active.items() if self._pools.get(j) == "training"]
        pairs = [f() for f in etas]  # outside the lock: each takes its job's lock
        if any(left is None for left, _ in pairs):
            return None
        free = sorted(left for left, _ in pairs)[:limit] + [0.0] * max(0, limit - len(pairs))
        whole = [left + done for left, done in pairs]
        per_job = sum(whole) / len(whole) if whole else None
        heapq.heapify(free)
        for _ in range(ahead):  # each job ahead takes the first slot to free, for about a whole run
            if per_job is None:
                return None
            heapq.heappush(free, heapq.heappop(free) + per_job)
        return free[0]
