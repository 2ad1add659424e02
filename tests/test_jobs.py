"""core.runtime.jobs: the one BackgroundJob base (start, pause, stop without waiting, the limit, failures,
progress and ETA, ids), JobSlot and the process-wide JobRegistry."""
from __future__ import annotations

import threading
import time

import pytest

from core.runtime import jobs
from core.runtime.jobs import LIMITER, BackgroundJob, JobRegistry, JobSlot, TooManyTrainings


class Counting(BackgroundJob):
    """Counts to `n`, one unit per gate; `hold` (if given) must be set before each unit."""

    what = ("Counting", "カウント")

    def __init__(self, n: int = 50, hold: threading.Event | None = None, fail_at: int | None = None):
        super().__init__(threads=1)
        self.n, self.hold, self.fail_at, self.count = n, hold, fail_at, 0

    def work(self) -> str:
        while self.count < self.n:
            if not self.gate():
                return "stopped"
            if self.hold is not None:
                self.hold.wait(30)
            if self.count == self.fail_at:
                raise RuntimeError("boom")
            self.count += 1
            self.set_progress(self.count, self.n)
            time.sleep(0.002)
        return "finished"


def wait_for(pred, timeout=30.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.01)
    raise AssertionError("timed out")


def test_runs_to_the_end_with_progress():
    j = Counting(n=40)
    assert j.state().status == "ready" and j.state().progress == 0.0
    j.start()
    assert j.wait(30)
    s = j.state()
    assert s.status == "finished" and s.progress == 1.0 and s.eta_s is None and s.elapsed_s > 0
    assert not s.active and LIMITER.active() == 0


def test_eta_extrapolates_the_pace_while_running():
    hold = threading.Event()
    j = Counting(n=1000, hold=hold)
    hold.set()
    j.start()
    wait_for(lambda: j.state().progress > 0.05)
    s = j.state()
    assert s.status == "running" and s.eta_s is not None and s.eta_s > 0
    j.stop()
    assert j.wait(30)


def test_pause_holds_the_work_and_resume_continues():
    j = Counting(n=100_000)
    j.start()
    wait_for(lambda: j.count >= 3)
    j.pause()
    assert j.status == "paused"
    time.sleep(0.1)
    c = j.count
    time.sleep(0.2)
    assert j.count <= c + 1  # at most the unit in flight finishes
    j.resume()
    wait_for(lambda: j.count > c + 3)
    j.stop()
    assert j.wait(30) and j.status == "stopped"


def test_stop_returns_at_once_and_the_thread_ends_later():
    hold = threading.Event()
    j = Counting(n=10, hold=hold)
    j.start()
    wait_for(lambda: j._thread is not None and j._thread.is_alive())
    j.stop()  # the work is blocked inside a unit: stop must not wait for it
    assert j._thread.is_alive()
    hold.set()
    assert j.wait(30) and j.status == "stopped"
    j2 = Counting(n=100_000)
    j2.start()
    j2.pause()
    j2.close()  # the session-end hook: also asynchronous, and it releases a paused job
    assert j2.wait(30) and j2.status == "stopped" and LIMITER.active() == 0


def test_limit_on_concurrent_jobs(monkeypatch):
    monkeypatch.setattr(jobs, "MAX_CONCURRENT", 1)
    hold = threading.Event()
    a, b = Counting(hold=hold), Counting()
    a.start()
    try:
        with pytest.raises(TooManyTrainings) as e:
            b.start()
        assert "limit" in e.value.en and "上限" in e.value.ja
        assert b.status == "ready"
    finally:
        a.stop()
        hold.set()
        assert a.wait(30)
    b.start()
    assert b.wait(30) and b.status == "finished" and LIMITER.active() == 0


def test_a_failing_job_reports_a_bilingual_message(capsys):
    j = Counting(n=10, fail_at=3)
    j.start()
    assert j.wait(30)
    s = j.state()
    assert s.status == "failed" and "Counting failed: RuntimeError: boom" in s.message.en
    assert "boom" not in s.message.ja and "参照番号" in s.message.ja  # Python's English stays in the log
    assert "カウントに失敗しました" in s.message.ja
    assert LIMITER.active() == 0  # the slot is given back


def test_ids_are_unique_across_job_kinds():
    class Other(Counting):
        pass
    ids = [Counting().id, Other().id, Counting().id]
    assert len(set(ids)) == 3 and ids == sorted(ids)


def test_slot_replaces_and_closes_without_waiting():
    slot = JobSlot()
    first = Counting(n=100_000)
    slot.replace(first)
    first.start()
    slot.replace(Counting(n=5))
    assert first.wait(30) and first.status == "stopped"
    slot.job.start()
    slot.close()
    assert slot.job.wait(30)


def test_registry_shares_one_run_and_replaces_a_stopped_one():
    reg = JobRegistry()
    made = []

    def factory():
        made.append(Counting(n=100_000))
        return made[-1]
    a = reg.get_or_start("k", factory)
    assert reg.get_or_start("k", factory) is a and len(made) == 1 and a.status == "running"
    a.stop()
    assert a.wait(30)
    b = reg.get_or_start("k", factory)
    assert b is not a and len(made) == 2
    reg.clear()
    assert b.wait(30) and reg.get("k") is None


def test_a_job_refusing_its_input_says_why_without_a_traceback(caplog):
    """A UserInputError out of work() (SentencePiece refusing a one-line upload) is the page's message, not a
    server error: status failed, the message kept as it is, nothing logged with a traceback."""
    from core.errors import UserInputError
    from core.runtime.jobs import BackgroundJob

    class Refuses(BackgroundJob):
        def work(self) -> str:
            raise UserInputError("cannot train on this text", "このテキストでは学習できません")

    job = Refuses()
    with caplog.at_level("INFO", logger="atlas.jobs"):
        job.start()
        assert job.wait(10)
    s = job.state()
    assert s.status == "failed" and s.message.en == "cannot train on this text"
    assert not [r for r in caplog.records if r.exc_info]
