"""Nothing lost: a training checkpointed mid-run and resumed from the file continues exactly.

What "exactly" means here (CPU, one torch thread, dropout 0): the same batches (the generator's state is
in the file), the same learning rates (the schedule is in the file, the step is its position), the same
AdamW moments and step counts, hence the same losses as an uninterrupted run, to float rounding (the
weights pass through safetensors bit for bit, so in practice they are equal).
"""
from __future__ import annotations

import json
import struct

import pytest
import torch

from core.errors import UserInputError
from core.gpt.checkpoints.files import checkpoint_bytes, load_checkpoint, load_checkpoint_bytes
from core.gpt.training_job import JobSettings, TrainingJob, build_job

TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 60
TRAIN, HELD = TEXT[: int(len(TEXT) * 0.9)], TEXT[int(len(TEXT) * 0.9):]
SETTINGS = JobSettings(preset="tiny", max_iters=24, batch_size=4, eval_interval=4, eval_iters=2,
                       sample_interval=8, sample_tokens=6)


def run(job: TrainingJob, until: int | None = None) -> TrainingJob:
    job.threads = 1  # one thread: the same float sums in both runs
    if until is not None:
        job.tc = job.tc  # the schedule stays; stop by the gate instead of shortening max_iters
        orig = job.gate
        job.gate = lambda: orig() and job._applied < until  # stop exactly at `until`
    job.start()
    assert job.wait(120)
    return job


def test_resumed_training_matches_an_uninterrupted_one(tmp_path):
    whole = run(build_job(SETTINGS, TRAIN, HELD, "cpu", "t"))
    assert whole.view().status == "finished" and whole.view().step == 24

    first = run(build_job(SETTINGS, TRAIN, HELD, "cpu", "t"), until=10)
    assert first.view().status == "stopped" and first.view().step == 10
    path = tmp_path / "run.safetensors"
    path.write_bytes(first.checkpoint())
    ck = load_checkpoint(path)
    assert ck.step == 10 and ck.resume is not None and ck.resume.train_config.max_iters == 24
    assert ck.resume.steps == list(range(1, 11)) and [e.step for e in ck.resume.evals] == [0, 4, 8]

    second = run(TrainingJob.resumed(ck, TRAIN, HELD, "cpu", "t"))
    a, b = whole.view(), second.view()
    assert b.status == "finished" and b.steps == a.steps == list(range(1, 25))
    assert b.lr == pytest.approx(a.lr, rel=1e-7)  # the schedule continued, not restarted
    assert b.loss == pytest.approx(a.loss, rel=1e-5, abs=1e-6)  # same batches, same AdamW, same weights
    assert [e.val_loss for e in b.evals] == pytest.approx([e.val_loss for e in a.evals], rel=1e-5)
    assert [s for s, _ in b.samples] == [s for s, _ in a.samples]
    for (_, x), (_, y) in zip(a.samples, b.samples):
        assert x == y  # same weights, same sampling seed: the same text
    for p, q in zip(whole.model.parameters(), second.model.parameters()):
        assert torch.allclose(p, q, rtol=1e-5, atol=1e-6)


def test_stop_and_continue_in_one_job_keeps_the_batch_stream():
    whole = run(build_job(SETTINGS, TRAIN, HELD, "cpu", "t"))
    job = run(build_job(SETTINGS, TRAIN, HELD, "cpu", "t"), until=7)
    job.gate = type(job).gate.__get__(job)  # no limit now: continue to the end
    run(job)
    assert job.view().loss == pytest.approx(whole.view().loss, rel=1e-5, abs=1e-6)


def test_autosave_writes_a_resumable_file_during_and_at_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr("core.gpt.training_job.AUTOSAVE_STEPS", 5)
    job = build_job(SETTINGS, TRAIN, HELD, "cpu", "t")
    job.autosave_path = tmp_path / "auto" / "x.safetensors"
    saved = []
    orig = job.autosave
    job.autosave = lambda: (saved.append(job._applied), orig())[1]
    run(job)
    assert saved[:4] == [5, 10, 15, 20] and saved[-1] == 24
    ck = load_checkpoint(job.autosave_path)
    assert ck.step == 24 == job.saved_step and ck.resume.steps == list(range(1, 25))
    assert not list(job.autosave_path.parent.glob(".tmp-*"))


def test_weights_only_download_has_no_resume_state_and_cannot_resume():
    job = run(build_job(SETTINGS, TRAIN, HELD, "cpu", "t"), until=3)
    small, full = job.checkpoint(with_optimizer=False), job.checkpoint()
    assert len(small) < len(full)
    ck = load_checkpoint_bytes(small)
    assert ck.resume is None and not ck.optim_state
    with pytest.raises(UserInputError) as e:
        TrainingJob.resumed(ck, TRAIN, HELD)
    assert "再開" in e.value.ja


def _with_train_meta(blob: bytes, edit) -> bytes:
    """`blob` with its `train` metadata JSON replaced by edit(parsed JSON)."""
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    meta = json.loads(header["__metadata__"]["train"])
    header["__metadata__"]["train"] = json.dumps(edit(meta))
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + blob[8 + n:]


@pytest.mark.parametrize("edit", [
    lambda m: {**m, "config": {**m["config"], "max_iters": 10**9}},  # more work than the page allows
    lambda m: {**m, "config": {**m["config"], "batch_size": 2.0}},  # not an int
    lambda m: {**m, "config": {**m["config"], "batch_size": 4096}},  # a batch the page never offers (memory)
    lambda m: {**m, "config": {**m["config"], "lr": float("nan")}},
    lambda m: {**m, "config": {**m["config"], "sample_prompt": "x"}},  # an unknown field
    lambda m: {**m, "config": {**m["config"], "max_iters": 2}},  # step 3 is past the schedule's end
    lambda m: {**m, "samples": [[1, "x" * 10_000]]},
    lambda m: [1, 2],
])
def test_a_hostile_resume_state_is_refused_with_a_bilingual_message(edit):
    job = run(build_job(SETTINGS, TRAIN, HELD, "cpu", "t"), until=3)
    with pytest.raises(UserInputError) as e:
        load_checkpoint_bytes(_with_train_meta(job.checkpoint(), edit))
    assert "チェックポイント" in e.value.ja


def test_a_wrongly_shaped_generator_state_is_refused():
    from core.gpt.checkpoints.resume import ResumeState
    from core.gpt.pretrain import TrainConfig

    job = build_job(SETTINGS, TRAIN, HELD, "cpu", "t")
    bad = ResumeState(TrainConfig(max_iters=5), rng=torch.zeros(7, dtype=torch.uint8))
    with pytest.raises(UserInputError):
        load_checkpoint_bytes(checkpoint_bytes(job.model, job.tokenizer, 0, job.optimizer, resume=bad))


def test_a_server_stop_saves_a_job_whose_thread_is_too_busy_to_save_itself(tmp_path, monkeypatch):
    import time

    import core.gpt.training_job as tj

    real = tj.cached_references
    monkeypatch.setattr(tj, "cached_references", lambda *a: (time.sleep(3), real(*a))[1])  # a starved thread
    job = build_job(SETTINGS, TRAIN, HELD, "cpu", "t")
    job.autosave_path, job.corpus_path = tmp_path / "x.safetensors", tmp_path / "x.corpus.json"
    job.start()
    job.stop()
    assert job._shutdown_wait(1.0) is False  # what shutdown.run_all calls; the thread lives on
    ck = load_checkpoint(job.autosave_path)  # but the training is on disk, resumable
    assert ck.step == 0 and ck.resume is not None and job.corpus_path.is_file()
    assert job.wait(30)
