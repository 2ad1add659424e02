"""GPT pre-training (core.gpt.data / pretrain / cli on core.runtime.trainer): schedule, batches, n-gram lines,
the trainer on a GPT, NaN handling, the CLI and torchrun."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys

import pytest
import torch

from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.char import CharTokenizer
from core.gpt.cli import main
from core.gpt.data import TokenData, build_tokenizer, ngram_reference
from core.gpt.pretrain import TrainConfig, gpt_trainer
from tests.conftest import ROOT

TEXT = ("the cat sat on the mat. the dog sat on the log. " * 40 + "\n") * 3


def tiny_cfg(vocab: int, **kw) -> GPTConfig:
    return GPTConfig(vocab_size=vocab, n_layer=1, n_head=2, n_embd=16, block_size=16, **kw)


def test_lr_schedule_warmup_then_cosine():
    tc = TrainConfig(max_iters=1000, lr=1e-3, warmup_iters=100, min_lr_ratio=0.1)
    assert tc.lr_at(0) == pytest.approx(1e-5)
    assert tc.lr_at(99) == pytest.approx(1e-3)
    assert tc.lr_at(1000) == pytest.approx(1e-4)
    lrs = [tc.lr_at(i) for i in range(100, 1000)]
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))


def test_batches_are_shifted_windows():
    ids = torch.arange(100)
    data = TokenData(ids, ids[:20], block_size=8)
    x, y = data.batch("train", 5, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 8)
    torch.testing.assert_close(y, x + 1)
    torch.testing.assert_close(x[:, 1:], x[:, :-1] + 1)


def test_corpus_shorter_than_context_is_a_clear_error():
    tok = CharTokenizer.train("abc")
    with pytest.raises(UserInputError) as e:
        TokenData.from_text(tok, "abcabc", "ab", block_size=64)
    assert "context" in e.value.en and "文脈長" in e.value.ja


def test_ngram_reference_matches_direct_counts():
    g = torch.Generator().manual_seed(0)
    tr = torch.randint(0, 5, (400,), generator=g)
    ho = torch.randint(0, 5, (100,), generator=g)
    k, V = 0.1, 5
    ref = ngram_reference(tr, ho, V, k=k)
    c1 = torch.bincount(tr, minlength=V).double()
    c2 = torch.zeros(V, V, dtype=torch.double)
    for a, b in zip(tr[:-1].tolist(), tr[1:].tolist()):
        c2[a, b] += 1
    uni = -sum(math.log((c1[b] + k) / (len(tr) + k * V)) for b in ho.tolist()) / len(ho)
    pairs = zip(ho[:-1].tolist(), ho[1:].tolist())
    bi = -sum(math.log((c2[a, b] + k) / (c2[a].sum() + k * V)) for a, b in pairs) / (len(ho) - 1)
    assert ref["unigram"] == pytest.approx(uni)
    assert ref["bigram"] == pytest.approx(bi)


def test_trainer_lowers_loss_and_reports_through_callbacks():
    tok = CharTokenizer.train(TEXT)
    data = TokenData.from_text(tok, TEXT, TEXT[:200], 16)
    torch.manual_seed(0)
    tc = TrainConfig(max_iters=60, batch_size=8, lr=3e-3, warmup_iters=10, eval_interval=30, eval_iters=2,
                     sample_interval=60, sample_tokens=10)
    seen = {"step": 0, "eval": [], "sample": [], "stop": None}
    tr = gpt_trainer(GPT(tiny_cfg(tok.vocab_size, pre_ln=True)), data, tc, tok,
                     on_sample=lambda t, step, text: seen["sample"].append(text))
    tr.add_callback("on_step", lambda t, s: seen.__setitem__("step", s.step))
    tr.add_callback("on_eval", lambda t, e: seen["eval"].append(e))
    tr.add_callback("on_stop", lambda t, r: seen.__setitem__("stop", r))
    first = tr.evaluate().train_loss
    seen["eval"].clear()
    result = tr.run()
    assert result.status == "finished" and result.iters == 60 and seen["step"] == 60
    assert [e.step for e in seen["eval"]] == [30, 60]
    assert result.eval.train_loss < first - 0.5
    assert len(seen["sample"]) == 1 and isinstance(seen["sample"][0], str)
    assert seen["stop"] is result


def test_gate_stops_training():
    tok = CharTokenizer.train(TEXT)
    data = TokenData.from_text(tok, TEXT, TEXT[:200], 16)
    calls = []
    tr = gpt_trainer(GPT(tiny_cfg(tok.vocab_size)), data, TrainConfig(max_iters=100, batch_size=2, eval_iters=1),
                     gate=lambda: calls.append(1) or len(calls) <= 5)
    r = tr.run()
    assert r.status == "stopped" and r.iters == 5


def test_nonfinite_loss_stops_and_restores_the_last_finite_weights():
    tok = CharTokenizer.train(TEXT)
    data = TokenData.from_text(tok, TEXT, TEXT[:200], 16)
    model = GPT(tiny_cfg(tok.vocab_size))
    tr = gpt_trainer(model, data, TrainConfig(max_iters=50, batch_size=2, eval_iters=1))
    weights = {}

    def poison(t, s):
        weights[s.step] = {k: v.clone() for k, v in model.state_dict().items()}
        if s.step == 3:
            with torch.no_grad():
                model.lm_head.weight[0, 0] = float("nan")
    tr.add_callback("on_step", poison)
    r = tr.run()
    # Step 4's loss is NaN; the weights that produced step 3's finite loss are those after step 2.
    assert r.status == "diverged" and r.iters == 3 and r.restored_step == 2
    assert "learning rate" in r.reason.en and "学習率" in r.reason.ja
    assert "step 4" in r.reason.en and "step 2" in r.reason.en  # where it stopped, which weights are back
    for k, v in model.state_dict().items():
        assert torch.equal(v, weights[2][k]), k
    assert torch.isfinite(model.lm_head.weight).all()


def test_spm_tokenizers_build():
    for kind in ("bpe", "unigram"):
        tok = build_tokenizer(kind, TEXT, vocab_size=400)  # shrinks to what the corpus supports
        assert tok.decode(tok.encode("the cat")) == "the cat"
        assert tok.vocab_size < 400


def test_cli_prints_json_and_resumes(tmp_path, capsys):
    f = tmp_path / "corpus.txt"
    f.write_text(TEXT, encoding="utf-8")
    args = ["--text", str(f), "--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16",
            "--batch-size", "4", "--max-iters", "12", "--eval-interval", "6", "--eval-iters", "2",
            "--out", str(tmp_path / "run"), "--no-progress", "--threads", "1"]
    out = main(args)
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(last) == {"val_loss", "train_loss", "iters", "tokens_per_s", "wall_s"}
    assert last["iters"] == 12 and out["iters"] == 12
    assert (tmp_path / "run" / "ckpt.safetensors").exists()
    args[args.index("--max-iters") + 1] = "18"
    out2 = main(args + ["--resume"])
    assert out2["iters"] == 18


def test_cli_refused_resume_prints_one_line_and_no_traceback(tmp_path):
    """`python -m core.train --resume` on a file that is not a checkpoint: the message, exit code 1, no trace."""
    f = tmp_path / "corpus.txt"
    f.write_text(TEXT, encoding="utf-8")
    run = tmp_path / "run"
    run.mkdir()
    (run / "ckpt.safetensors").write_bytes(b"\x80\x04not a safetensors file at all")
    env = {**os.environ, "ATLAS_FORCE_CPU": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "core.train", "--text", str(f), "--out", str(run), "--resume",
           "--max-iters", "2", "--no-progress", "--threads", "1"]
    p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr[-2000:]
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), p.stderr[-2000:]
    assert p.stdout == ""


@pytest.mark.skipif(shutil.which("torchrun") is None and not (ROOT / ".venv/bin/torchrun").exists(),
                    reason="torchrun not installed")
def test_torchrun_two_processes_ddp(tmp_path):
    f = tmp_path / "corpus.txt"
    f.write_text(TEXT, encoding="utf-8")
    env = {**os.environ, "ATLAS_FORCE_CPU": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "core.train", "--text", str(f), "--n-layer", "1", "--n-head", "2", "--n-embd", "16",
           "--block-size", "16", "--batch-size", "4", "--max-iters", "8", "--eval-interval", "4",
           "--eval-iters", "2", "--out", str(tmp_path / "ddp"), "--no-progress", "--threads", "1"]
    p = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stderr[-3000:]
    last = json.loads(p.stdout.strip().splitlines()[-1])
    assert last["iters"] == 8 and math.isfinite(last["val_loss"])
    assert (tmp_path / "ddp" / "ckpt.safetensors").exists()


def test_thread_tuner_measures_then_picks_the_faster():
    from core.runtime.threads import ThreadTuner

    tuner = ThreadTuner(max_threads=2, probe=3, every=5)
    cost = {2: 1.0, 1: 0.4}  # a loaded machine: one thread is faster
    seen = []
    for _ in range(8 + 5 + 8):
        n = tuner.threads_for_next_step()
        seen.append(n)
        tuner.record(n, cost[n])
    assert seen[:8] == [1, 1, 1, 1, 2, 2, 2, 2]  # probe both, one thread first
    assert seen[8:13] == [1] * 5  # then the faster
    assert seen[13:21] == [1, 1, 1, 1, 2, 2, 2, 2]  # and measure again
    assert ThreadTuner(max_threads=1).threads_for_next_step() == 1
    # The machine gets busy: three slow steps in a row trigger a new measurement at once.
    tuner = ThreadTuner(max_threads=2, probe=3, every=1000)
    for _ in range(8):
        n = tuner.threads_for_next_step()
        tuner.record(n, {2: 0.4, 1: 1.0}[n])
    assert tuner.threads_for_next_step() == 2
    for _ in range(3):
        tuner.record(2, 5.0)
    assert tuner.plan  # probing again


def test_thread_tuner_drops_a_collapsing_count_at_once():
    """On busy cores a two-thread step can take 8-15x one thread's: one such step ends the probe of two threads."""
    from core.runtime.threads import ThreadTuner

    tuner = ThreadTuner(max_threads=2, probe=3, every=1000)
    seen = []
    for _ in range(10):
        n = tuner.threads_for_next_step()
        seen.append(n)
        tuner.record(n, {1: 0.2, 2: 3.0}[n])
    assert seen == [1, 1, 1, 1, 2] + [1] * 5  # one collapsed step of two threads, then one thread
    assert tuner.choice == 1 and not tuner.plan
    # a first step after a switch that is merely slower (1.2x) is not a collapse: both counts are measured
    tuner = ThreadTuner(max_threads=2, probe=3, every=1000)
    seen = []
    for _ in range(8):
        n = tuner.threads_for_next_step()
        seen.append(n)
        tuner.record(n, 0.24 if (n == 2 and seen.count(2) == 1) else {1: 0.2, 2: 0.12}[n])
    assert seen == [1] * 4 + [2] * 4 and tuner.choice == 2


@pytest.fixture
def thread_calls(monkeypatch):
    """Every torch.set_num_threads(n) call, recorded (and made); torch starts at 2 threads, restored after."""
    import torch

    before, real, calls = torch.get_num_threads(), torch.set_num_threads, []
    monkeypatch.setattr(torch, "set_num_threads", lambda n: (calls.append(n), real(n)))
    real(2)
    yield calls
    real(before)


def _in_a_thread(fn, *args) -> None:
    import threading

    t = threading.Thread(target=fn, args=args)
    t.start()
    t.join()


def test_use_threads_really_sets_the_count_in_a_new_thread(thread_calls):
    """torch skips set_num_threads(n) when n is already its count, and a thread started later then ran MKL's
    matmuls on one thread (bench/worker_threads.py [docs/FINDINGS.md]): use_threads must make a real change before
    setting n."""
    from core.runtime import threads as T

    _in_a_thread(T.use_threads, 2)
    assert thread_calls == [1, 2]  # a change, then the count: the second call cannot be skipped
    thread_calls.clear()
    T.use_threads(1)
    assert thread_calls == [1]  # one thread needs no detour


def test_serial_main_thread_gives_the_main_thread_one_thread_and_leaves_workers_alone(thread_calls):
    """The server's main thread must not run torch on 2 threads (its OpenMP team then kept the training job's
    2-thread steps from speeding up: 66-69 ms against 41-45 ms): serial_main_thread sets 1 there, and only there."""
    import torch

    from core.runtime import threads as T

    _in_a_thread(T.serial_main_thread)
    assert thread_calls == []  # a worker thread is not the main thread: nothing changes
    T.serial_main_thread()
    assert thread_calls == [1] and torch.get_num_threads() == 1
    T.serial_main_thread()
    assert thread_calls == [1]  # already one: no call
