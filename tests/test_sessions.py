"""core.runtime.sessions: a job survives a reload for the grace period, then stops; nothing blocks."""
from __future__ import annotations

import threading
import time

import pytest

from core.runtime.jobs import BackgroundJob
from core.runtime.sessions import Leases, new_secret, new_token, owns, valid_token

SECRET = new_secret()


class Sleeper(BackgroundJob):
    """A job that takes 0.5 s per unit: a session end that joined it would take that long."""

    def work(self) -> str:
        while self.gate():
            time.sleep(0.5)
        return "stopped"


class Held(BackgroundJob):
    """A job inside one step until the test lets it go: a session end that joined it would never return."""

    def __init__(self):
        super().__init__()
        self.inside, self.release = threading.Event(), threading.Event()

    def work(self) -> str:
        self.inside.set()
        self.release.wait()
        return "stopped" if not self.gate() else "finished"


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_tokens():
    t = new_token(SECRET)
    assert valid_token(t) and len(t) == 32 and new_token(SECRET) != t
    for bad in ("", "short", "../../etc/passwd", "a" * 44, "x y" * 8, None, 123):
        assert not valid_token(bad)


def test_a_reload_reattaches_within_the_grace_period_and_the_job_stops_after_it():
    clock = Clock()
    leases = Leases(grace_s=60, clock=clock)
    tok = new_token(SECRET)
    slot = leases.attach(tok, "s1")
    job = Held()
    slot.replace(job)
    job.start()
    assert job.inside.wait(30)
    leases.detach(tok, "s1")  # F5: the old session ends ...
    clock.t += 30
    assert leases.reap() == 0
    assert leases.attach(tok, "s2") is slot and slot.job is job and job.status == "running"  # ... the new one finds it
    leases.detach(tok, "s2")  # the tab is closed
    clock.t += 59
    assert leases.reap() == 0 and job.status == "running"
    clock.t += 2
    reaped = []
    reaper = threading.Thread(target=lambda: reaped.append(leases.reap()))
    reaper.start()
    reaper.join(30)  # a safety bound only: a reap that joined the job would wait for the release below
    assert reaped == [1], "reap() waited for the job's step to end: it must only ask the job to stop"
    assert not job.wait(0)  # asynchronous: the job is still inside its step
    assert slot.job is None and len(leases) == 0  # the slot lets go of the job (its model, data, optimizer)
    job.release.set()
    assert job.wait(30) and job.status == "stopped"
    assert leases.attach(tok, "s3") is not slot  # after the grace period: a fresh, empty slot


def test_two_sessions_on_one_token_keep_it_alive_until_both_leave():
    clock = Clock()
    leases = Leases(grace_s=10, clock=clock)
    tok = new_token(SECRET)
    leases.attach(tok, "a")
    leases.attach(tok, "b")
    leases.detach(tok, "a")
    clock.t += 100
    assert leases.reap() == 0
    leases.detach(tok, "b")
    clock.t += 11
    assert leases.reap() == 1


def test_detach_of_an_unknown_token_and_bad_tokens():
    leases = Leases()
    leases.detach(new_token(SECRET), "x")  # nothing to do, no error
    with pytest.raises(ValueError):
        leases.attach("../x", "s")


def test_the_reaper_thread_runs_and_close_all_stops_everything():
    leases = Leases(grace_s=0.0)
    tok = new_token(SECRET)
    slot = leases.attach(tok, "s")
    job = Sleeper()
    slot.replace(job)
    job.start()
    leases.detach(tok, "s")
    leases.start_reaper(every_s=0.05)
    leases.start_reaper(every_s=0.05)  # idempotent
    end = time.time() + 10
    while len(leases) and time.time() < end:
        time.sleep(0.05)
    assert len(leases) == 0 and job.wait(5) and job.status == "stopped"
    other = leases.attach(new_token(SECRET), "t")
    j2 = Sleeper()
    other.replace(j2)
    j2.start()
    leases.close_all()
    assert j2.wait(5) and len([t for t in threading.enumerate() if t.name == "lease-reaper"]) <= 1


def test_every_started_job_is_registered_for_shutdown_until_it_ends():
    from core.runtime import shutdown

    before = shutdown.pending()
    job = Sleeper()
    job.start()
    assert shutdown.pending() == before + 1
    job.stop()
    assert job.wait(5)
    assert shutdown.pending() == before


def test_trim_memory_gives_freed_memory_back():
    from core.runtime.sessions import trim_memory

    def rss_mb() -> float:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024

    def churn() -> None:  # many small blocks (a freed model's weights and Python objects look like this)
        blocks = [bytearray(64 * 1024) for _ in range(3000)]  # ~190 MB below glibc's mmap threshold
        del blocks[:-1]

    done = threading.Event()
    t = threading.Thread(target=lambda: (churn(), done.set()))  # a thread's own arena, as a session's would be
    t.start()
    t.join()
    before = rss_mb()
    assert trim_memory() in (True, False)
    after = rss_mb()
    assert done.is_set() and after <= before  # never grows; on glibc it shrinks (how much depends on the heap)


def test_shutdown_waits_for_stopped_jobs_and_notes_those_that_outlive_the_wait(monkeypatch):
    from core.runtime import shutdown

    monkeypatch.setattr(shutdown, "WAIT_S", 0.3)
    slow, quick = Sleeper(), Sleeper()
    for j in (slow, quick):
        j.start()
    budgets = []
    shutdown.register(lambda: None, wait=lambda t: budgets.append(t) or False)  # a thread that would not end in time
    shutdown.run_all()
    assert budgets and max(budgets) <= 0.3  # each wait is given what is left of WAIT_S, never more
    assert shutdown._late >= 1  # the exit path reads it (os._exit(0))
    assert slow.wait(5) and quick.wait(5) and slow.status == quick.status == "stopped"


def test_each_page_of_a_tab_has_its_own_lease():
    """One token per tab, one slot per kind: the tab's fine-tuning never replaces its training."""
    clock = Clock()
    leases = Leases(grace_s=10, clock=clock)
    tok = new_token(SECRET)
    train, tune = leases.attach(tok, "s", "train"), leases.attach(tok, "s", "finetune")
    assert train is not tune and leases.get(tok, "finetune") is tune and leases.get(tok) is train
    assert leases.get(tok, "tasks") is None
    leases.detach(tok, "s", "finetune")  # the session stays on the training lease
    clock.t += 11
    assert leases.reap() == 1 and leases.get(tok, "finetune") is None and leases.get(tok) is train


@pytest.mark.parametrize("kind", ["train", "finetune", "tasks"])
def test_a_reaped_leases_job_is_freed(kind):
    """After the grace period nothing keeps the job (its model, data, optimizer): not the lease, not the
    shutdown registry, not the slot, not the reaper once its `settle` saw the thread end (and trimmed)."""
    import gc
    import weakref

    from core.runtime import shutdown

    clock = Clock()
    leases = Leases(grace_s=1, clock=clock)
    tok = new_token(SECRET)
    job = Sleeper()
    job.payload = bytearray(8 << 20)  # stands for a model
    leases.attach(tok, "s", kind).replace(job)
    job.start()
    before = shutdown.pending()
    leases.detach(tok, "s", kind)
    clock.t += 2
    assert leases.reap() == 1 and job.wait(5)
    assert shutdown.pending() == before - 1  # the ended thread unregistered its stop
    assert leases.settle() == 1 and leases.settle() == 0  # the reaper's next tick lets go of the ended job
    ref = weakref.ref(job)
    del job
    gc.collect()
    assert ref() is None


def test_a_token_belongs_to_the_secret_that_made_it():
    mine, theirs = new_secret(), new_secret()
    t = new_token(mine)
    assert owns(mine, t) and not owns(theirs, t)
    assert not owns(mine, t[:16] + "A" * 16)  # a hand-written MAC
    assert not owns(mine, "A" * 32) and not owns(mine, "A" * 16)  # a hand-written token (the old 16 chars)
    for bad_secret in (None, "", "short", t):
        assert not owns(bad_secret, t)
    with pytest.raises(ValueError):
        new_token("not a secret")


def test_a_share_names_one_lease_read_only_and_ends_with_it():
    clock = Clock()
    leases = Leases(grace_s=60, clock=clock)
    tok = new_token(SECRET)
    assert leases.share(tok) is None  # nothing to share yet
    slot = leases.attach(tok, "s1")
    share = leases.share(tok)
    assert share and share != tok and leases.share(tok) == share  # one per lease, not the run token
    assert leases.watch(share) is slot and leases.watch(share, "finetune") is None
    assert leases.watch(tok) is None and leases.watch("../x") is None and leases.watch(None) is None
    leases.detach(tok, "s1")
    clock.t += 61
    leases.reap()
    assert leases.watch(share) is None
