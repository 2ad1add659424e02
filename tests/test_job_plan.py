"""core.gpt.job_settings.plan: the page's settings become the tokenizer, model and training configs in one pass,
and the job carries out exactly those."""
from __future__ import annotations

import pytest

from core.errors import UserInputError
from core.gpt.job_settings import JobSettings, plan
from core.gpt.training_job import TrainingJob, build_job

TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 40
TRAIN, HELD = TEXT[: int(len(TEXT) * 0.9)], TEXT[int(len(TEXT) * 0.9):]
SMALL = dict(preset="tiny", max_iters=6, batch_size=2, eval_interval=3, eval_iters=1, sample_interval=0)


def test_plan_settles_the_three_configs():
    s = JobSettings(**SMALL)
    p = plan(s, TRAIN, HELD, "cats")
    assert p.model.vocab_size == p.tokenizer.vocab_size  # the trained tokenizer's, not the settings' request
    assert p.model == s.model_config(p.tokenizer.vocab_size)
    assert p.train == s.train_config() and p.train.threads == "auto"
    assert p.label == f"tiny · cats · {p.tokenizer.name} ({p.tokenizer.vocab_size})"
    assert p.references == {}  # no shipped model was trained on this text


def test_the_job_runs_the_plan_unchanged():
    s = JobSettings(**SMALL)
    p, job = plan(s, TRAIN, HELD, "cats"), build_job(s, TRAIN, HELD, "cpu", "cats")
    assert job.config == p.model and job.tc == p.train and job.label == p.label
    assert job.tokenizer.vocab_size == p.tokenizer.vocab_size


def test_impossible_settings_are_refused_before_any_job():
    with pytest.raises(UserInputError):
        plan(JobSettings(preset="custom", n_head=3, n_embd=128), TRAIN, HELD, "cats")


def test_a_checkpoint_trains_max_iters_more_on_a_fresh_schedule():
    s = JobSettings(**SMALL)
    job = build_job(s, TRAIN, HELD, "cpu", "cats")
    job.threads = 1
    job.start()
    assert job.wait(120) and job.view().status == "finished"
    from core.gpt.checkpoints.files import load_checkpoint_bytes

    ck = load_checkpoint_bytes(job.checkpoint(with_optimizer=False))
    again = TrainingJob.from_checkpoint(ck, s.train_config(), TRAIN, HELD)
    assert again.tc.max_iters == ck.step + s.max_iters and again.view().step == ck.step
