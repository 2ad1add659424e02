"""AppTest of "Train GPT-1 live" at the server's training limit: Start queues the training, the page shows its
place and wait in both languages with a Cancel button, Cancel leaves the queue, and the turn comes by itself."""
from __future__ import annotations

import threading

import pytest

from core.runtime import jobs
from tests.apptest import errors, open_page, run_until
from tests.test_jobs import Counting
from tests.test_page_gpt_train import PAGE, tiny


@pytest.fixture
def busy(monkeypatch):
    """The server's one training slot taken by another session's job, until the test lets it go."""
    monkeypatch.setattr(jobs, "MAX_CONCURRENT", 1)
    hold = threading.Event()
    other = Counting(n=10**6, hold=hold)
    other.start()
    yield other
    other.stop()
    hold.set()
    assert other.wait(30)


@pytest.mark.parametrize("lang,place,waiting", [("en", "number **1** in the queue", "Waiting for a turn"),
                                                ("ja", "待ち行列の **1** 番目", "順番待ち")])
def test_a_queued_training_shows_its_place_and_can_be_cancelled(busy, lang, place, waiting):
    at = tiny(open_page(PAGE, lang=lang), steps=20)
    at.button(key="gpt_start").click().run()
    assert not at.exception, errors(at)
    assert any(place in i.value for i in at.info), [i.value for i in at.info]
    run_until(at, (waiting,), timeout=30)
    at.button(key="gpt_queue_cancel").click().run()
    assert not at.exception, errors(at)
    assert at.button(key="gpt_start") and jobs.LIMITER.queued() == 0  # in the same rerun: the cancel is synchronous


def test_a_queued_training_starts_when_its_turn_comes(busy):
    at = tiny(open_page(PAGE, lang="en"), steps=20)
    at.button(key="gpt_start").click().run()
    run_until(at, ("Waiting for a turn",), timeout=30)
    busy.stop()
    busy.hold.set()
    run_until(at, ("Finished",), timeout=120)
    assert not at.exception, errors(at)
