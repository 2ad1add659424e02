"""The BPE page's training off the page thread (core.tokenizers.bpe_job): a shared, cached, cancellable job,
and the page showing the characters at once and the merges when the job ends, in both languages."""
from __future__ import annotations

import time

import pytest

from core.corpus import load_shipped, split_train_heldout
from core.errors import UserInputError
from core.runtime.jobs import LIMITER
from core.tokenizers import bpe_job, cache
from core.tokenizers.bpe import train_bpe
from tests.apptest import errors, open_page
from views.tok_bpe.texts import T

TEXT = "the lowest newest widest tokenizers are the lowest and the newest\n" * 40


@pytest.fixture()
def fresh(tmp_path, monkeypatch):
    """Nothing shipped, an empty disk cache, nothing in memory, no job from another test."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "SHIPPED_DIR", tmp_path / "shipped")
    cache.MEMORY.clear()
    bpe_job.REGISTRY.clear()
    yield tmp_path
    bpe_job.REGISTRY.clear()
    cache.MEMORY.clear()


def test_job_trains_what_train_bpe_trains_and_is_shared(fresh):
    assert bpe_job.ready(TEXT, "words", 40) is None  # nothing trains on the asking thread
    job = bpe_job.tokenizer_or_job(TEXT, "words", 40)
    assert isinstance(job, bpe_job.BPEJob)
    assert bpe_job.tokenizer_or_job(TEXT, "words", 40) is job  # a second session watches the same run
    assert job.wait(60) and job.state().status == "finished"
    assert job.state().progress == 1.0 and LIMITER.active() == 0
    tok = bpe_job.tokenizer_or_job(TEXT, "words", 40)
    assert tok is job.result
    cache.MEMORY.clear()
    again = bpe_job.ready(TEXT, "words", 40)  # from the disk cache now, under train_bpe's own key
    assert again is not None and again.merges == tok.merges
    bpe_job.REGISTRY.clear()
    cache.MEMORY.clear()
    assert train_bpe(TEXT, "words", 40).merges == tok.merges  # the same merges as a direct training
    untrained = bpe_job.untrained(TEXT, "words")
    assert untrained.merges == [] and untrained.chars == tok.chars


def test_cancel_keeps_nothing_and_restart_trains(fresh, monkeypatch):
    job = bpe_job.BPEJob(TEXT, "raw", 60)
    real = job._on_merge

    def slow(merge, learned):  # slow enough to cancel mid-way
        time.sleep(0.03)
        real(merge, learned)

    monkeypatch.setattr(job, "_on_merge", slow)
    job.start()
    time.sleep(0.15)
    job.stop()
    assert job.wait(30) and job.state().status == "stopped" and job.result is None
    assert 0 < job.state().progress < 1
    assert bpe_job.ready(TEXT, "raw", 60) is None  # nothing half-trained was kept
    again = bpe_job.restart(TEXT, "raw", 60)
    assert again.wait(60) and again.result is not None and again.result.merges
    assert bpe_job.ready(TEXT, "raw", 60).merges == again.result.merges  # kept this time


def test_empty_text_is_refused_on_the_asking_thread(fresh):
    with pytest.raises(UserInputError):
        bpe_job.tokenizer_or_job("   \n", "words", 10)


def _wait_page(at, timeout: float = 120.0):
    """AppTest never ticks fragments: rerun while the page shows a progress bar."""
    end = time.time() + timeout
    while at.get("progress") and time.time() < end:
        time.sleep(0.3)
        at.run()
    assert not at.get("progress"), "the BPE job did not finish"
    assert not at.exception, errors(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_page_trains_in_the_background_and_shows_characters_meanwhile(fresh, lang):
    at = open_page("views/tok_bpe/page.py", lang=lang)
    infos = " ".join(i.value for i in at.info)
    train, _ = split_train_heldout(load_shipped(lang))
    job = bpe_job.REGISTRY.get(bpe_job.job_key(train, "words", 3000))
    assert job is not None, "the page should have started a job for the unshipped tokenizer"
    if job.state().active:  # usually: the job needs longer than the page's first run
        assert T.t("training_job", lang)[:30] in infos
        assert at.get("progress")
        assert any(b.key == "bpe_job_cancel" for b in at.button)
        learned = " ".join(m.value for m in at.markdown)
        assert "**0**" in learned  # no merge yet, the characters counted
    _wait_page(at)
    learned = " ".join(m.value for m in at.markdown)
    assert "**2,000**" in learned  # the slider's default, from the finished job
    assert at.get("plotly_chart")  # the merge-frequency chart needs merges: drawn now
    at.slider(key="bpe_merges").set_value(300).run()  # a slider move truncates: no new job
    assert not at.exception and "**300**" in " ".join(m.value for m in at.markdown)
