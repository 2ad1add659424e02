"""The vocabulary sweep without a wait: the shipped default sweeps, and other sweeps as shared background jobs."""
from __future__ import annotations

import pytest

from core.corpus import corpus_id, load_shipped, split_train_heldout
from core.tokenizers import sweep_job as sj
from core.tokenizers.sweep import run_sweep

SMALL = ("the cat sat on the mat. the dog sat on the log. " * 40, "the cat and the dog sat. " * 8)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_sweep_is_current_and_matches_a_recomputed_point(lang):
    text = load_shipped(lang)
    train, held = split_train_heldout(text)
    request = sj.default_request(corpus_id(text), train)
    shipped = sj.shipped_result(lang, request)  # raises if missing, damaged or for another corpus
    assert {p.method for p in shipped.points} == set(sj.METHODS)
    v = request.sizes[0]
    (again,), _ = run_sweep(train, held, [v], ["spm_bpe"])
    stored = next(p for p in shipped.points if p.method == "spm_bpe" and p.vocab_size == v)
    assert stored.tokens_per_char == pytest.approx(again.tokens_per_char, rel=1e-12)
    for m in sj.METHODS:  # a larger vocabulary never needs more tokens per character
        tpc = [p.tokens_per_char for p in sorted((p for p in shipped.points if p.method == m),
                                                 key=lambda p: p.vocab_size)]
        assert tpc == sorted(tpc, reverse=True) and 0 < tpc[-1] < 1


def test_shipped_sweep_refuses_other_settings_and_damaged_files(tmp_path, monkeypatch):
    text = load_shipped("en")
    request = sj.default_request(corpus_id(text), split_train_heldout(text)[0])
    with pytest.raises(ValueError):
        sj.read_shipped(sj.shipped_paths("en")[0],
                        sj.SweepRequest(request.corpus_key, request.sizes[:2], request.methods))
    monkeypatch.setattr(sj, "SHIPPED_DIR", tmp_path)
    (tmp_path / "sweep-en.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(sj.UserInputError) as e:
        sj.shipped_result("en", request)
    assert "damaged" in e.value.en and "壊れて" in e.value.ja


def test_two_sessions_share_one_run_and_the_result_is_cached():
    request = sj.SweepRequest(corpus_id("".join(SMALL)), (40, 60), ("bpe_raw", "spm_bpe"))
    a = sj.result_or_job(request, *SMALL)
    b = sj.result_or_job(request, *SMALL)
    assert isinstance(a, sj.SweepJob) and a is b
    assert a.wait(120) and a.status == "finished" and a.stored
    expected = sj.compute(request, *SMALL).to_json()
    assert a.result.to_json() == expected
    sj._READY.clear()  # a new process: read back from the disk cache, no job
    assert sj.result_or_job(request, *SMALL, start=False).to_json() == expected


def test_a_stopped_sweep_keeps_nothing_and_can_run_again():
    request = sj.SweepRequest(corpus_id("".join(SMALL) + "stop"), (40, 50, 60), ("spm_bpe", "spm_unigram"))
    class CancelledAfterOne(sj.SweepJob):  # the Cancel button pressed while the first tokenizer trains
        calls = 0

        def gate(self) -> bool:
            self.calls += 1
            return self.calls < 2

    job = CancelledAfterOne(request, *SMALL)
    job.start()
    assert job.wait(60) and job.status == "stopped" and job.result is None
    assert sj.ready(request) is None
    again = sj.restart(request, *SMALL)
    assert again.wait(60) and again.status == "finished" and again.result.points


def test_an_unwritable_cache_still_gives_the_result_with_a_message(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(blocker))  # mkdir under a file fails, even for root
    request = sj.SweepRequest("unwritable", (40,), ("spm_bpe",))
    job = sj.SweepJob(request, *SMALL)
    job.start()
    assert job.wait(60) and job.status == "finished" and job.result.points and not job.stored
    msg = job.state().message
    assert msg is not None and "could not be saved" in msg.en and "保存できません" in msg.ja
