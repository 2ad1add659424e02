"""core/runtime/limiter.py and a queued BackgroundJob: at the server's limit a training waits its turn (first come
first), shows its place and an estimated wait, and can be cancelled; a job that does not queue is refused as before."""
from __future__ import annotations

import threading

import pytest

from core.runtime import jobs
from core.runtime.jobs import LIMITER, TooManyTrainings
from core.runtime.limiter import Limiter
from tests.test_jobs import Counting, wait_for


class Queued(Counting):
    queue_when_full = True


def test_the_wait_estimate_follows_the_running_jobs_etas():
    lim = Limiter()
    lim.acquire(1, 2, lambda: (120.0, 280.0))  # 120 s left of a 400 s run
    lim.acquire(2, 2, lambda: (300.0, 100.0))  # 300 s left of a 400 s run
    assert [lim.enqueue(j, 2) for j in (3, 4, 5)] == [False, False, False]
    assert [lim.position(j) for j in (3, 4, 5)] == [1, 2, 3]
    assert lim.wait_estimate(3) == 120.0  # the first slot to free
    assert lim.wait_estimate(4) == 300.0  # the second
    assert lim.wait_estimate(5) == 520.0  # the first again, after job 3's ~400 s run
    assert lim.wait_estimate(1) is None  # running, not queued
    with pytest.raises(TooManyTrainings):
        lim.acquire(6, 2)  # a job that does not queue is refused at the limit


def test_no_estimate_before_the_running_jobs_have_a_pace():
    lim = Limiter()
    lim.acquire(1, 1, lambda: (None, 0.5))
    assert lim.enqueue(2, 1) is False
    assert lim.position(2) == 1 and lim.wait_estimate(2) is None


def test_a_full_queue_refuses():
    lim = Limiter()
    lim.acquire(1, 1)
    assert lim.enqueue(2, 1, max_queue=1) is False
    with pytest.raises(TooManyTrainings) as e:
        lim.enqueue(3, 1, max_queue=1)
    assert "limit" in e.value.en and "上限" in e.value.ja


def test_first_come_first_served_and_a_cancel_leaves_the_queue(monkeypatch):
    monkeypatch.setattr(jobs, "MAX_CONCURRENT", 1)
    hold = threading.Event()
    a, b, c = Counting(hold=hold), Queued(n=20), Queued(n=20)
    a.start()
    try:
        b.start()
        c.start()
        assert (b.status, c.status) == ("queued", "queued")
        assert b.queue_info()[0] == 1 and c.queue_info()[0] == 2
        assert b.state().elapsed_s == 0.0 and b.state().eta_s is None  # waiting is not running
        b.stop()  # Cancel: leaves the queue at once, and its thread ends as "stopped"
        assert b.wait(30) and b.status == "stopped" and b.count == 0
        assert c.queue_info()[0] == 1
    finally:
        a.stop()
        hold.set()
        assert a.wait(30)
    assert c.wait(30) and c.status == "finished" and c.count == 20  # its turn came by itself
    assert LIMITER.active() == 0 and LIMITER.queued() == 0


def test_a_cancelled_training_can_queue_again(monkeypatch):
    monkeypatch.setattr(jobs, "MAX_CONCURRENT", 1)
    hold = threading.Event()
    a, b = Counting(hold=hold), Queued(n=5)
    a.start()
    try:
        b.start()
        b.stop()
        assert b.wait(30) and b.status == "stopped"
        b.start()
        wait_for(lambda: b.status == "queued")
    finally:
        a.stop()
        hold.set()
        assert a.wait(30)
    assert b.wait(30) and b.status == "finished"


def test_the_dense_bigram_count_agrees_with_the_sparse_one():
    """core.gpt.data.ngram_reference counts pairs in a dense table for small vocabularies (a Start press builds
    it in the page): the same numbers as the sparse path, unseen pairs included."""
    import torch

    from core.gpt.data import ngram_reference

    g = torch.Generator().manual_seed(0)
    tr, ho = torch.randint(0, 50, (5000,), generator=g), torch.randint(0, 60, (500,), generator=g)
    dense, sparse = ngram_reference(tr, ho, 60), ngram_reference(tr, ho, 60, dense_cells=0)
    assert dense == pytest.approx(sparse, rel=1e-12)


def test_a_pages_job_is_not_refused_while_trainings_fill_their_limit(monkeypatch):
    """Two pools: trainings at their limit leave a page's short job (tokenizers, n-grams) its own slots."""
    monkeypatch.setattr(jobs, "MAX_CONCURRENT", 1)
    monkeypatch.setattr(jobs, "MAX_PAGE_JOBS", 1)

    class PageJob(Counting):
        pool = "page"

    hold = threading.Event()
    training, page, page2 = Counting(hold=hold), PageJob(n=5), PageJob(hold=hold)
    training.start()
    try:
        page.start()  # not refused: its own pool
        assert page.wait(30) and page.status == "finished"
        page2.start()
        with pytest.raises(TooManyTrainings):
            PageJob().start()  # the page pool has its own limit
        assert LIMITER.active("training") == 1 and LIMITER.active("page") == 1
    finally:
        for j in (training, page2):
            j.stop()
        hold.set()
        assert training.wait(30) and page2.wait(30)
    assert LIMITER.active() == 0


def test_each_job_is_in_the_pool_of_its_kind():
    """A page's own short job (seconds: a measurement, a count, a note) never waits behind the trainings (minutes);
    bench/class_load.py found the GELU page's timing refused while two trainings ran."""
    from core.gpt.finetune.job import FinetuneJob
    from core.gpt.timing.gelu_cost import CostJob
    from core.gpt.inside.knockout import ImportanceJob
    from core.shipped.rebuild import RebuildJob
    from core.gpt.training_job import TrainingJob
    from core.lm.ngram_job import NGramJob
    from core.notes_store import NoteJob
    from core.tokenizers.bpe_job import BPEJob
    from core.tokenizers.compare_job import ToolkitJob
    from core.tokenizers.sweep_job import SweepJob
    from core.transformer.encoder_decoder_job import EncoderDecoderJob

    page = [CostJob, ImportanceJob, NGramJob, NoteJob, BPEJob, ToolkitJob, SweepJob]
    training = [TrainingJob, FinetuneJob, EncoderDecoderJob, RebuildJob]  # FinetuneJob: both fine-tuning pages
    assert {c.__name__: c.pool for c in page} == {c.__name__: "page" for c in page}
    assert {c.__name__: c.pool for c in training} == {c.__name__: "training" for c in training}
