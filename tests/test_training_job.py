"""core.gpt.training_job (a core.runtime.jobs.BackgroundJob): a background training that can be paused, stopped,
limited and snapshotted."""
from __future__ import annotations

import time

import pytest
import torch

from core.gpt.checkpoints.files import load_checkpoint_bytes
from core.errors import UserInputError
from core.gpt.training_job import JobSettings, TrainingJob, build_job
from core.gpt.inside.attention import position_matrices, prompt_attention
from core.runtime.jobs import LIMITER, JobSlot, TooManyTrainings

TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 60
TRAIN, HELD = TEXT[: int(len(TEXT) * 0.9)], TEXT[int(len(TEXT) * 0.9):]


def job(steps: int = 20, **kw) -> TrainingJob:
    s = JobSettings(preset="tiny", max_iters=steps, batch_size=4, eval_interval=10, eval_iters=2,
                    sample_interval=10, sample_tokens=8, **kw)
    j = build_job(s, TRAIN, HELD, "cpu", "test")
    j.threads = 1
    return j


def wait_for(pred, timeout=60.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_runs_to_the_end_in_the_background():
    j = job()
    assert j.view().status == "ready" and j.view().step == 0
    j.start()
    assert j.wait(60)
    v = j.view()
    assert v.status == "finished" and v.step == 20 and len(v.loss) == 20
    assert [e.step for e in v.evals] == [0, 10, 20]  # step 0: the untrained loss
    assert [s for s, _ in v.samples] == [10, 20]
    assert set(v.references) == {"unigram", "bigram", "kn", "kn_n"} and v.references["bigram"] < v.references["unigram"]
    assert LIMITER.active() == 0


def test_pause_resume_stop_keeps_the_model():
    j = job(steps=100000)
    j.start()
    wait_for(lambda: j.view().step >= 3)
    j.pause()
    time.sleep(0.3)
    s1 = j.view().step
    time.sleep(0.3)
    assert j.view().status == "paused" and j.view().step <= s1 + 1
    j.resume()
    wait_for(lambda: j.view().step > s1 + 2)
    j.stop()
    assert j.wait(30)
    v = j.view()
    assert v.status == "stopped" and 0 < v.step < 100000
    snap = j.model_snapshot()
    assert not snap.training and snap is not j.model
    assert all(torch.equal(a, b.cpu()) for a, b in zip(snap.state_dict().values(), j.model.state_dict().values()))
    tokens, atts = prompt_attention(snap, j.tokenizer, "the cat")
    assert tokens == list("the cat") and atts[0].shape == (2, 7, 7)
    wp, pe = position_matrices(snap)
    assert wp.shape == pe.shape == (32, 64)
    with pytest.raises(UserInputError):
        prompt_attention(snap, j.tokenizer, "")
    # continue after stop
    j.tc.max_iters = v.step + 3
    j.start()
    assert j.wait(60) and j.view().status == "finished" and j.view().step == v.step + 3


def test_limit_on_concurrent_trainings_queues_the_next(monkeypatch):
    """At the limit a training waits its turn (place 1, then runs when the first stops); a full queue refuses."""
    monkeypatch.setattr("core.runtime.jobs.MAX_CONCURRENT", 1)
    monkeypatch.setattr("core.runtime.limiter.MAX_QUEUE", 1)
    a, b, c = job(steps=100000), job(steps=100000), job(steps=100000)
    a.start()
    try:
        b.start()
        assert b.view().status == "queued" and b.view().queue[0] == 1
        with pytest.raises(TooManyTrainings) as e:
            c.start()
        assert "limit" in e.value.en and "上限" in e.value.ja
        assert c.view().status == "ready"
    finally:
        a.stop()
        assert a.wait(30)
    wait_for(lambda: b.view().status == "running" and b.view().queue is None)
    b.stop()
    assert b.wait(30)
    assert LIMITER.active() == 0 and LIMITER.queued() == 0


def test_slot_close_stops_the_training():
    slot = JobSlot()
    slot.replace(job(steps=100000))
    slot.job.start()
    wait_for(lambda: slot.job.view().step >= 1)
    first = slot.job
    slot.replace(job())  # replacing stops the old one
    assert first.wait(30) and first.view().status == "stopped"
    slot.job.start()
    slot.close()
    assert slot.job.wait(30)


def test_diverging_learning_rate_stops_with_a_reason():
    j = job(steps=200, lr=1e4)
    j.start()
    assert j.wait(60)
    v = j.view()
    assert v.status in ("diverged", "finished")
    if v.status == "diverged":
        assert "learning rate" in v.message.en


def test_checkpoint_round_trip_through_a_job():
    j = job()
    j.start()
    j.wait(60)
    ck = load_checkpoint_bytes(j.checkpoint())
    assert ck.step == 20 and ck.optim_state
    j2 = TrainingJob.from_checkpoint(ck, JobSettings(max_iters=5, batch_size=4, eval_iters=1).train_config(),
                                     TRAIN, HELD, "cpu", "loaded", threads=1)
    assert j2.view().step == 20 and j2.view().max_iters == 25
    x = torch.tensor([j.tokenizer.encode("the cat")])
    assert torch.equal(j2.model_snapshot()(x).logits, j.model_snapshot()(x).logits)
    j2.start()
    assert j2.wait(60) and j2.view().step == 25


def test_impossible_custom_size_is_explained_in_both_languages():
    with pytest.raises(UserInputError) as e:
        JobSettings(preset="custom", n_head=3, n_embd=128).model_config(50)
    assert "divisible" in e.value.en and "割り切れる" in e.value.ja


def test_corpus_shorter_than_the_context():
    with pytest.raises(UserInputError) as e:
        build_job(JobSettings(preset="tiny"), "abc" * 5, "abc" * 5, "cpu", "short")
    assert "too short" in e.value.en


# ---------------------------------------------------------------- reference lines
def test_kneser_ney_line_is_the_best_order_over_the_same_ids():
    import math

    from core.gpt.data import cached_references, kneser_ney_reference, ngram_reference
    from core.lm.ngram import NGramCounts, perplexity_curve

    j = job()
    tr, ho = j.data.train, j.data.heldout
    curve = perplexity_curve(NGramCounts.train([str(i) for i in tr.tolist()], 5), [str(i) for i in ho.tolist()])
    kn, n = kneser_ney_reference(tr, ho)
    assert n == 1 + min(range(5), key=lambda i: curve[i].bits)
    assert kn == pytest.approx(min(p.bits for p in curve) * math.log(2))
    refs = cached_references(tr, ho, j.tokenizer.vocab_size)
    assert refs["kn"] == pytest.approx(kn) and refs["kn_n"] == n
    assert refs["bigram"] == pytest.approx(ngram_reference(tr, ho, j.tokenizer.vocab_size)["bigram"])
    assert refs["kn"] < refs["bigram"] < refs["unigram"]  # a repetitive text: longer contexts help
    assert cached_references(tr, ho, j.tokenizer.vocab_size) == refs  # read back from the disk cache


def test_the_job_adds_the_kn_line_on_its_thread_and_reports_crossings():
    j = job(steps=20)
    assert "kn" not in j.view().references  # not computed on the page's thread
    j.start()
    assert j.wait(60)
    v = j.view()
    assert {"unigram", "bigram", "kn", "kn_n"} <= set(v.references)
    assert v.evals[0].step == 0
    for key, step in v.crossings().items():
        first = [e for e in v.evals if e.step > 0 and e.val_loss < v.references[key]][0]
        assert step == first.step


def test_crossings_take_the_first_evaluation_under_each_line():
    from core.gpt.pretrain import EvalInfo
    from core.gpt.training_job import JobView

    evals = [EvalInfo(0, 9.0, 1.0), EvalInfo(10, 5.0, 5.0), EvalInfo(20, 4.0, 3.9), EvalInfo(30, 3.0, 2.9)]
    v = JobView("running", 30, 100, [], [], [], [], evals, [], {"unigram": 5.5, "bigram": 4.0, "kn": 3.0, "kn_n": 4},
                None, None, 0.0, "cpu", 1, "")
    assert v.crossings() == {"unigram": 10, "bigram": 20, "kn": 30}  # step 0 (untrained, 1.0) never counts


def test_shipped_line_only_for_the_shipped_split_and_tokenizer(monkeypatch):
    import json

    from core.corpus import corpus_id, load_shipped, split_train_heldout
    from core.gpt import job_settings
    from core.shipped.models import gpt_path
    from core.gpt.tasks.pretrain_text import pretraining_split
    from core.gpt.job_settings import shipped_reference

    card = json.loads(gpt_path("en").with_suffix(".json").read_text(encoding="utf-8"))
    s, v = pretraining_split("en"), card["tokenizer"]["vocab_size"]
    # The shipped GPT reads the Debian books + the corpus (the standard split), which no page trains on: no line.
    assert shipped_reference("bpe", v, s.train + s.heldout, s.heldout) is None
    # A card whose split is this run's gives its loss as the line.
    own = dict(card, pretrain_text={"train_id": corpus_id(s.train), "heldout_id": corpus_id(s.heldout)})
    monkeypatch.setattr(job_settings, "read_card", lambda path: own)
    assert shipped_reference("bpe", v, s.train + s.heldout, s.heldout) == card["heldout_loss"]
    assert shipped_reference("char", v, s.train + s.heldout, s.heldout) is None
    assert shipped_reference("bpe", v + 1, s.train + s.heldout, s.heldout) is None
    assert shipped_reference("bpe", v, TEXT, TEXT[-50:]) is None
    # The pages' last-10 % split of the same corpus holds other held-out text: no line to cross.
    train, held = split_train_heldout(load_shipped("en"))
    assert shipped_reference("bpe", v, train + held, held) is None
