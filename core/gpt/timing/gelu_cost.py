"""The GELU page's cost measurement as a background job, kept per (device, size) for the process.

Timing six kernels at 2M or 4M elements takes 0.4-0.8 s on this CPU (core.gpt.gelu.time_forms: five
round-robin samples per kernel, the fastest kept). Done in the page's script thread, that was the whole
answer time of the size switch (bench/pages.py `select_slider:gelu_cost_n`, 0.40-0.50 s median). Here it
runs in a job thread instead, with the same samples and the page thread's own settings (one torch thread,
normal priority), so the measurement is the one the page made before; the page answers at once, shows the
figure it had with a note, and polls until the new one is done. A size timed once is kept: switching back
is instant, and every session shares the figure (as st.cache_data shared it before).

    got = cost_or_job(torch.device("cpu"), 2_000_000)   # list[Cost] at once, or the CostJob timing it
    measured(torch.device("cpu"), 2_000_000)            # list[Cost], or None until a job has finished

ui.memory forgets finished jobs when the server is idle (COSTS is a JobRegistry): the next visitor times again.
"""
from __future__ import annotations

import torch

from core.gpt.gelu import Cost, check_size, time_forms
from core.runtime.jobs import BackgroundJob, JobRegistry
from core.runtime.threads import interactive_threads


class CostJob(BackgroundJob):
    """`time_forms(device, n)` in a thread; `result` is set before the job reports "finished"."""

    what = ("Timing the GELU kernels", "GELU カーネルの計測")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, device: torch.device, n: int):
        # One torch thread, as the page's script thread has (ui.guard): the figure measures what it always did.
        super().__init__(threads=interactive_threads(), label=f"gelu-cost {device} {n}")
        self.device, self.n = device, n
        self.result: list[Cost] | None = None

    def work(self) -> str:
        def round_done(done: int, total: int) -> bool:
            self.set_progress(done, total)
            return self.gate()

        costs = time_forms(self.device, self.n, on_round=round_done)
        if not self.gate():
            return "stopped"  # a stopped run's samples are fewer: never shown
        self.result = costs
        return "finished"


COSTS = JobRegistry()  # (device, size) -> its CostJob; a finished one holds the figure's numbers


def _key(device: torch.device, n: int) -> str:
    return f"{device}:{n}"


def measured(device: torch.device, n: int) -> list[Cost] | None:
    job = COSTS.get(_key(device, n))
    return job.result if job is not None else None


def cost_or_job(device: torch.device, n: int) -> list[Cost] | CostJob:
    """The costs at once if this process has timed (device, n), else the job timing it (started if none
    runs; a failed or stopped one is replaced). UserInputError for a size out of range, TooManyTrainings
    when the server runs its limit of jobs (a timing then would measure the trainings, not GELU)."""
    check_size(n)
    got = measured(device, n)
    if got is not None:
        return got
    return COSTS.get_or_start(_key(device, n), lambda: CostJob(device, n))
