"""core.runtime.trainer: the one training loop, checked against a hand-written AdamW loop, its schedule,
clipping, NaN stop (restoring the last finite weights), the gate, extras, batch sources and events."""
from __future__ import annotations

import math
import threading

import pytest
import torch
import torch.nn as nn

from core.errors import UserInputError
from core.runtime.trainer import Trainer, TrainerConfig, configure_optimizer


def regression(seed: int = 0):
    """A tiny model and data with large gradients (targets x 100), so clipping matters."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    x = torch.randn(64, 4)
    y = (x @ torch.tensor([1.0, -2.0, 3.0, 0.5]))[:, None] * 100
    return model, x, y


def mse(model, batch):
    x, y = batch
    return ((model(x) - y) ** 2).mean()


def batches_of(x, y, B=8):
    return lambda g: (lambda i: (x[i], y[i]))(torch.randint(len(x), (B,), generator=g))


def test_schedule_warmup_cosine_and_floor():
    c = TrainerConfig(max_iters=1000, lr=1e-3, warmup_iters=100, min_lr_ratio=0.1)
    assert c.lr_at(0) == pytest.approx(1e-5) and c.lr_at(99) == pytest.approx(1e-3)
    assert c.lr_at(550) == pytest.approx(1e-4 + 0.5 * 9e-4)  # halfway through the cosine
    assert c.lr_at(1000) == pytest.approx(1e-4) and c.lr_at(5000) == pytest.approx(1e-4)
    lrs = [c.lr_at(i) for i in range(100, 1001)]
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))
    assert TrainerConfig(max_iters=50, warmup_iters=200).lr_at(4) == pytest.approx(1e-3)  # warm-up ≤ a tenth
    for bad in (dict(max_iters=0), dict(lr=0.0), dict(lr=float("nan"))):
        with pytest.raises(UserInputError):
            TrainerConfig(**bad)


@pytest.mark.parametrize("clip", [1.0, 0.0])
def test_same_weights_as_a_hand_written_adamw_loop(clip):
    cfg = TrainerConfig(max_iters=30, lr=1e-2, warmup_iters=5, grad_clip=clip, eval_interval=0, seed=3)
    model, x, y = regression()
    tr = Trainer(model, batches_of(x, y), mse, cfg)
    seen_lr = []
    tr.add_callback("on_step", lambda t, s: seen_lr.append(s.lr))
    tr.run()

    ref, _, _ = regression()
    decay = [p for p in ref.parameters() if p.dim() >= 2]
    other = [p for p in ref.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": other, "weight_decay": 0.0}],
                            lr=cfg.lr, betas=(0.9, 0.99), eps=1e-8)
    g = torch.Generator().manual_seed(3)
    norms = []
    for it in range(30):
        for grp in opt.param_groups:
            grp["lr"] = cfg.lr_at(it)
        loss = mse(ref, batches_of(x, y)(g))
        opt.zero_grad()
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(ref.parameters(), clip if clip else float("inf"))))
        opt.step()
    assert seen_lr == [cfg.lr_at(i) for i in range(30)]
    assert max(norms) > 10  # the gradients were big enough for clipping to act
    for a, b in zip(model.parameters(), ref.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_weight_decay_only_on_matrices_and_not_on_named_tables():
    model = nn.ModuleDict({"wpe": nn.Embedding(4, 3), "lin": nn.Linear(3, 2)})
    opt = configure_optimizer(model, TrainerConfig(no_decay=("wpe",)))
    decayed, plain = opt.param_groups
    assert [p.shape for p in decayed["params"]] == [torch.Size([2, 3])] and decayed["weight_decay"] == 0.01
    assert sorted(p.dim() for p in plain["params"]) == [1, 2] and plain["weight_decay"] == 0.0


def test_nan_stops_and_restores_the_last_finite_weights():
    model, x, y = regression()
    after: dict[int, list[torch.Tensor]] = {}

    def loss_fn(m, batch):
        loss = mse(m, batch)
        return loss * float("nan") if tr.step == 5 else loss  # the 6th step's loss is NaN

    tr = Trainer(model, batches_of(x, y), loss_fn, TrainerConfig(max_iters=20, lr=1e-2, eval_interval=0))
    tr.add_callback("on_step", lambda t, s: after.__setitem__(s.step, [p.detach().clone() for p in model.parameters()]))
    stops = []
    tr.add_callback("on_stop", lambda t, r: stops.append(r))
    r = tr.run()
    assert r.status == "diverged" and r.iters == 5 and stops == [r]
    # step 6 failed on the weights after step 5; the last weights whose loss was finite are those after step 4
    assert r.restored_step == 4 and "step 4" in r.reason.en and "ステップ 4" in r.reason.ja
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), after[4]))
    assert r.loss is not None and math.isfinite(r.loss)


def test_gate_pauses_and_stops():
    model, x, y = regression()
    release, paused = threading.Event(), threading.Event()
    steps = []

    def gate():
        if len(steps) == 3 and not release.is_set():
            paused.set()
            release.wait(30)  # paused: the trainer waits here
        return len(steps) < 6

    tr = Trainer(model, batches_of(x, y), mse, TrainerConfig(max_iters=100, eval_interval=0), gate=gate)
    tr.add_callback("on_step", lambda t, s: steps.append(s.step))
    result: list = []
    th = threading.Thread(target=lambda: result.append(tr.run()))
    th.start()
    assert paused.wait(30)
    assert steps == [1, 2, 3]  # nothing runs while the gate holds it
    release.set()
    th.join(30)
    assert result[0].status == "stopped" and result[0].iters == 6 and steps == [1, 2, 3, 4, 5, 6]


def test_extras_iterators_and_evaluation_events():
    model, x, y = regression()

    def loss_fn(m, batch):
        loss = mse(m, batch)
        return loss, {"double": 2 * loss.detach()}

    batches = iter([(x[:8], y[:8])] * 10)
    evals = []
    tr = Trainer(model, batches, loss_fn, TrainerConfig(max_iters=10, eval_interval=4),
                 evaluate=lambda m, step: (step, torch.is_grad_enabled(), m.training))
    infos = []
    tr.add_callback("on_step", lambda t, s: infos.append(s))
    tr.add_callback("on_eval", lambda t, e: evals.append(e))
    r = tr.run()
    assert r.status == "finished" and r.eval == (10, False, False)  # evaluated without autograd, in eval mode
    assert [e[0] for e in evals] == [4, 8, 10] and model.training
    assert all(float(s.extras["double"]) == pytest.approx(2 * s.loss) for s in infos)
    assert infos[-1].tokens_per_s > 0 and infos[-1].elapsed_s > 0
    with pytest.raises(ValueError):
        tr.add_callback("on_nothing", print)


def test_batches_come_from_the_trainers_seeded_generator():
    drawn = []
    for _ in range(2):
        model, x, y = regression()
        seen = []

        def source(g):
            i = torch.randint(len(x), (8,), generator=g)
            seen.append(i)
            return x[i], y[i]
        Trainer(model, source, mse, TrainerConfig(max_iters=3, eval_interval=0, seed=5)).run()
        drawn.append(torch.stack(seen))
    assert torch.equal(drawn[0], drawn[1])
    other = Trainer(regression()[0], source, mse, TrainerConfig(max_iters=1, seed=5), rank=1)
    assert not torch.equal(torch.randint(64, (8,), generator=other.generator), drawn[0][0])


def test_bf16_autocast_trains_like_fp32():
    """Same seed, same batches: 30 steps with autocast="bf16" end near the fp32 run's loss."""
    finals = {}
    for ac in (None, "bf16"):
        model, x, y = regression()
        tc = TrainerConfig(max_iters=30, lr=1e-2, warmup_iters=3, eval_interval=0, autocast=ac)
        finals[ac] = Trainer(model, batches_of(x, y), mse, tc).run().loss
    assert finals["bf16"] == pytest.approx(finals[None], rel=0.05)


class _Clock:
    """A stand-in for time.perf_counter that moves only when a synthetic step says so."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _eta_run(monkeypatch, step_times: list[float]) -> list[tuple[int, float | None, float]]:
    """(step, the job's ETA after it, the true time left) for a job whose steps take `step_times`."""
    from core.runtime import jobs

    clock = _Clock()
    monkeypatch.setattr(jobs.time, "perf_counter", clock)
    seen = []

    class Synthetic(jobs.BackgroundJob):
        def work(self) -> str:
            n = len(step_times)
            for i, dt in enumerate(step_times):
                if not self.gate():
                    return "stopped"
                clock.t += dt
                self.set_progress(i + 1, n)
                seen.append((i + 1, self.state().eta_s, sum(step_times[i + 1:])))
            return "finished"

    job = Synthetic(threads=torch.get_num_threads())
    job.start()
    assert job.wait(30)
    return seen


def test_eta_is_sane_from_the_first_steps(monkeypatch):
    """A 2000-step page training: the thread policy's probe (7 steps on all cores, 7 on one, 1.7x slower),
    then steady 0.2 s steps. The ETA exists once 1% is done (~5 s of training) and is never off by more
    than 1.5x; by a quarter of the run it is within 10%."""
    times = [0.2] * 7 + [0.34] * 7 + [0.2] * 1986
    seen = _eta_run(monkeypatch, times)
    first = next(s for s, eta, _ in seen if eta is not None)
    assert first <= 21 and sum(times[:first]) < 6.0
    for step, eta, true in seen:
        if eta is not None and true > 0:
            assert 1 / 1.5 < eta / true < 1.5, (step, eta, true)
            if step >= 500:
                assert abs(eta / true - 1) < 0.10, (step, eta, true)


def test_eta_follows_a_machine_that_gets_busy(monkeypatch):
    """Steps twice as slow from the middle on: the ETA rises with them (not stuck at the old pace)."""
    times = [0.1] * 100 + [0.2] * 100
    seen = dict((s, eta) for s, eta, _ in _eta_run(monkeypatch, times))
    assert seen[100] == pytest.approx(10.0, rel=1e-6)  # 100 steps left at 0.1 s
    assert seen[150] > 50 * 0.1 * 1.2  # slower than the old pace would say


def test_every_trainer_path_uses_the_thread_policy():
    """One load-aware policy (core.runtime.threads via the Trainer's threads="auto") for every trainer that
    shares the machine: each TrainConfig/TrainerConfig built in core/ says threads=..., or the job that
    runs it replaces it with threads="auto" (the page's TrainingJob)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "core"
    missing = []
    for path in root.rglob("*.py"):
        src = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(src)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("TrainConfig", "TrainerConfig"):
                if not any(k.arg == "threads" for k in node.keywords) and 'threads="auto"' not in src:
                    missing.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    assert not missing, f"trainings without the thread policy: {missing}"
    job = (root / "gpt" / "training_job.py").read_text(encoding="utf-8")
    assert 'replace(self.tc, threads="auto")' in job
