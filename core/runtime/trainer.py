"""One training loop for every model in the app (minGPT's design): it knows nothing about GPT.

The caller brings a model, a source of batches and a loss function; the trainer owns everything a
training needs around them:

    trainer = Trainer(model, batches, loss_fn, TrainerConfig(max_iters=500, lr=1e-3), evaluate=...)
    trainer.add_callback("on_step", lambda tr, s: print(s.step, s.loss))
    result = trainer.run()          # TrainResult(status="finished" | "stopped" | "diverged", ...)
    result = trainer.run_to_end()   # a finished run's result; raises the diverged run's error, or Stopped

- `batches`: an iterator of batches, or a callable `batches(generator) -> batch` given the trainer's
  seeded `torch.Generator` (seed + 1000·rank + start step: ranks draw different batches, a resumed run
  does not repeat the first ones).
- `loss_fn(model, batch)`: the loss tensor, or `(loss, extras)`; extras reach `on_step` untouched.
- `evaluate(model, step)`: anything (run in eval mode, without autograd); it reaches `on_eval`.
- AdamW (fused where the device has it) with weight decay on matrices only, GPT-1's warm-up + cosine
  schedule, global-norm clipping, the load-aware thread policy of core.runtime.threads, DDP under
  torchrun (the process group: core.runtime.distributed), and a `gate()` asked before every step
  (return False to stop; it may block to pause).
- A non-finite loss stops the run and puts back the last weights whose loss was finite (copied before
  every update), and the result says so.

Events: on_step(tr, StepInfo), on_eval(tr, info), on_stop(tr, TrainResult). It never prints.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import torch
import torch.nn as nn

from core.errors import UserInputError
from core.runtime.jobs import Stopped
from core.runtime.threads import ThreadTuner, use_threads


@dataclass
class TrainerConfig:
    max_iters: int = 2000  # optimizer steps
    lr: float = 1e-3  # peak learning rate; GPT-1 used 2.5e-4 at 117M parameters, small models like more
    # Linear warm-up, as GPT-1 (2000 steps there). Post-LN needs it: with 30 steps at lr 1e-3 the
    # class-demo model stalls at the unigram loss; with 200 it learns (measured on the shipped corpus).
    warmup_iters: int = 200
    min_lr_ratio: float = 0.1  # cosine decay down to lr x this (GPT-1 went to 0)
    weight_decay: float = 0.01  # GPT-1's w = 0.01, on matrices only (never biases or LayerNorm gains)
    no_decay: tuple[str, ...] = ()  # names of matrices that are tables, not maps, also left undecayed
    beta1: float = 0.9
    beta2: float = 0.99  # 0.99 rather than Adam's 0.999: small batches, short runs
    grad_clip: float = 1.0  # clip the global gradient norm (0 = off): one bad batch cannot wreck the weights
    eval_interval: int = 250  # steps between evaluations (0 = only at the end)
    eval_iters: int = 20  # batches an evaluation averages (read by the caller's evaluate)
    seed: int = 1337  # of the trainer's batch generator
    threads: int | str | None = None  # torch intra-op threads; None = leave as set; "auto" = ThreadTuner
    # "bf16": forward and loss under bfloat16 autocast (weights, grads and AdamW stay fp32). Pays on CPUs with
    # bf16 matmuls for larger work (+17% at batch 48 on 1 thread here), barely at batch 12: off by default.
    autocast: str | None = None

    def __post_init__(self) -> None:
        if self.max_iters < 1:
            raise UserInputError("Steps must be at least 1.", "ステップ数は 1 以上にしてください。")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise UserInputError("The learning rate must be a positive number.", "学習率は正の数にしてください。")

    def lr_at(self, it: int) -> float:
        """GPT-1's schedule: linear warm-up from 0, then cosine decay to lr x min_lr_ratio at max_iters.

        The warm-up is at most a tenth of the run, so a short run still spends most steps learning.
        >>> c = TrainerConfig(max_iters=100, lr=1.0, warmup_iters=10, min_lr_ratio=0.0)
        >>> c.lr_at(0), c.lr_at(9), c.lr_at(100)
        (0.1, 1.0, 0.0)
        """
        warm = min(self.warmup_iters, max(1, self.max_iters // 10))
        if it < warm:
            return self.lr * (it + 1) / warm
        progress = min(1.0, (it - warm) / max(1, self.max_iters - warm))
        floor = self.lr * self.min_lr_ratio
        return floor + 0.5 * (self.lr - floor) * (1.0 + math.cos(math.pi * progress))


@dataclass
class StepInfo:
    step: int  # steps done (1 after the first)
    loss: float  # training loss of this step's batch
    lr: float
    tokens_per_s: float  # recent throughput (items of the batch's first tensor), training time only
    elapsed_s: float  # training time so far (pauses and evaluations excluded)
    threads: int = 0  # torch threads this step ran with
    extras: dict = field(default_factory=dict)  # what loss_fn returned beside the loss


@dataclass
class TrainResult:
    status: str  # "finished" | "stopped" | "diverged"
    iters: int
    loss: float | None  # the last finite training-batch loss
    eval: Any  # the last evaluation (None if none ran)
    tokens_per_s: float
    wall_s: float
    reason: UserInputError | None = None  # why it stopped, when not simply finished
    restored_step: int | None = None  # diverged: the step whose weights were put back


def configure_optimizer(model: nn.Module, cfg: TrainerConfig) -> torch.optim.Optimizer:
    """AdamW with decay on 2-D weight matrices only; fused (one kernel for all parameters) where supported."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        table = any(n in name for n in cfg.no_decay)
        (decay if p.dim() >= 2 and not table else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    kw = dict(lr=cfg.lr, betas=(cfg.beta1, cfg.beta2), eps=1e-8)
    try:
        return torch.optim.AdamW(groups, fused=True, **kw)
    except (RuntimeError, TypeError):  # a device without the fused kernel
        return torch.optim.AdamW(groups, **kw)


def diverged_error(step: int, loss: float, lr: float, restored: int | None) -> UserInputError:
    kept_en = (f"The weights of step {restored}, the last with a finite loss, were put back." if restored is not None
               else "The model keeps its starting weights.")
    kept_ja = (f"損失が有限だった最後の重み（ステップ {restored}）に戻しました。" if restored is not None
               else "モデルは開始時の重みのままです。")
    return UserInputError(
        f"Training stopped at step {step + 1}: the loss became {loss} (not a finite number). The learning rate "
        f"({lr:.2g} at that step) is probably too high; lower it and start again. {kept_en}",
        f"ステップ {step + 1} で学習を止めました：損失が {loss}（有限の数ではありません）になりました。学習率"
        f"（そのステップで {lr:.2g}）が高すぎる可能性があります。下げてやり直してください。{kept_ja}",
    )


def _items(batch) -> int:
    first = batch[0] if isinstance(batch, (tuple, list)) else batch
    return int(first.numel()) if isinstance(first, torch.Tensor) else 1


class Trainer:
    """Trains `model` with `loss_fn` on `batches`; callbacks see every step and evaluation.

    `step_lock`, if given, is held during each update so another thread can copy the weights between
    steps. With `distributed=True` under torchrun (a process group initialised) the model is wrapped in
    DistributedDataParallel and every rank agrees before stopping on a non-finite loss.
    """

    EVENTS = ("on_step", "on_eval", "on_stop")

    def __init__(self, model: nn.Module, batches: Callable[[torch.Generator], Any] | Iterator,
                 loss_fn: Callable[[nn.Module, Any], Any], config: TrainerConfig,
                 evaluate: Callable[[nn.Module, int], Any] | None = None, gate: Callable[[], bool] | None = None,
                 step_lock=None, start_step: int = 0, optimizer: torch.optim.Optimizer | None = None,
                 rank: int = 0, max_threads: int | None = None, distributed: bool = False):
        self.raw_model = model
        self.world = 1
        self.model = model  # what the loss sees: DDP-wrapped under torchrun
        if distributed:
            import torch.distributed as dist

            if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
                from torch.nn.parallel import DistributedDataParallel as DDP

                self.world = dist.get_world_size()
                dev = next(model.parameters()).device
                self.model = DDP(model, device_ids=[dev.index] if dev.type == "cuda" else None)
        self.batches, self.loss_fn, self.config = batches, loss_fn, config
        self.evaluate_fn, self.gate, self.step_lock = evaluate, gate, step_lock
        self.step = start_step
        self.max_threads = max_threads  # for threads="auto": the most it may use
        self.optimizer = optimizer or configure_optimizer(model, config)
        self.callbacks: dict[str, list[Callable]] = {e: [] for e in self.EVENTS}
        self.last_eval: Any = None
        self.last_eval_step: int | None = None
        self.last_loss: float | None = None
        self.threads = torch.get_num_threads()
        self.generator = torch.Generator().manual_seed(config.seed + 1000 * rank + start_step)
        self._params = [p for p in model.parameters() if p.requires_grad]
        self._finite: list[torch.Tensor] | None = None  # weights whose loss was last seen finite
        self._finite_step: int | None = None

    def add_callback(self, event: str, fn: Callable) -> None:
        if event not in self.callbacks:
            raise ValueError(f"unknown event {event!r}; one of {self.EVENTS}")
        self.callbacks[event].append(fn)

    def _emit(self, event: str, *args) -> None:
        for fn in self.callbacks[event]:
            fn(self, *args)

    def next_batch(self):
        return self.batches(self.generator) if callable(self.batches) else next(self.batches)

    def evaluate(self) -> Any:
        """Run the caller's evaluation in eval mode without autograd, remember and emit it."""
        if self.evaluate_fn is None:
            return None
        m = self.raw_model
        was = m.training
        m.eval()
        with torch.inference_mode():
            info = self.evaluate_fn(m, self.step)
        m.train(was)
        if info is None:  # the evaluation saw a stop (its gate) and left early: nothing to record
            return None
        self.last_eval, self.last_eval_step = info, self.step
        self._emit("on_eval", info)
        return info

    def _all_finite(self, value: float) -> bool:
        """Under torchrun every rank must agree, or one would stop while the others wait in backward."""
        finite = math.isfinite(value)
        if self.world > 1:
            import torch.distributed as dist

            flag = torch.tensor([0.0 if finite else 1.0], device=self._params[0].device)
            dist.all_reduce(flag)
            finite = flag.item() == 0.0
        return finite

    def _keep_finite(self) -> None:
        """Copy the weights that just gave a finite loss (one fused copy: ~3 MB for the class-demo GPT)."""
        with torch.no_grad():
            if self._finite is None:
                self._finite = [p.detach().clone() for p in self._params]
            else:
                torch._foreach_copy_(self._finite, [p.detach() for p in self._params])
        self._finite_step = self.step

    def _restore_finite(self) -> int | None:
        if self._finite is None:
            return None
        with torch.no_grad():
            torch._foreach_copy_([p.detach() for p in self._params], self._finite)
        return self._finite_step

    def _step(self, lr: float):
        """One update; returns (loss value, extras) or (non-finite value, None) without updating."""
        for g in self.optimizer.param_groups:
            g["lr"] = lr * g.get("lr_scale", 1.0)  # a group may ask for a multiple (a new head)
        batch = self.next_batch()
        with torch.autocast(self._params[0].device.type, torch.bfloat16, enabled=self.config.autocast == "bf16"):
            out = self.loss_fn(self.model, batch)
        loss, extras = out if isinstance(out, tuple) else (out, {})
        value = loss.item()
        if not self._all_finite(value):
            return value, None, batch
        self._keep_finite()
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()  # the one backward pass for training in the app
        if self.config.grad_clip > 0:
            nn.utils.clip_grad_norm_(self._params, self.config.grad_clip, foreach=True)
        self.optimizer.step()
        return value, extras, batch

    def run(self) -> TrainResult:
        cfg = self.config
        cpu = self._params[0].device.type == "cpu" if self._params else True
        tuner = ThreadTuner(self.max_threads) if cfg.threads == "auto" and cpu else None
        if cfg.threads and tuner is None and cfg.threads != "auto":
            use_threads(int(cfg.threads))
        self.threads = torch.get_num_threads()
        self.model.train()
        t_train, status, reason, restored = 0.0, "finished", None, None
        window: list[tuple[float, int]] = []  # (seconds, items) of recent steps for tokens/s
        items_total = 0
        wall0 = time.perf_counter()
        while self.step < cfg.max_iters:
            if self.gate is not None and not self.gate():
                status = "stopped"
                break
            if tuner is not None and tuner.threads_for_next_step() != self.threads:
                self.threads = tuner.threads_for_next_step()
                use_threads(self.threads)
            t0 = time.perf_counter()
            lr = cfg.lr_at(self.step)
            if self.step_lock is not None:
                self.step_lock.acquire()
            try:
                value, extras, batch = self._step(lr)
                if extras is None:
                    restored = self._restore_finite()
                    status, reason = "diverged", diverged_error(self.step, value, lr, restored)
                    break
            finally:
                if self.step_lock is not None:
                    self.step_lock.release()
            self.step += 1
            self.last_loss = value
            dt = time.perf_counter() - t0
            if tuner is not None:
                tuner.record(self.threads, dt)
            n = _items(batch)
            t_train += dt
            items_total += n
            window.append((dt, n))
            if len(window) > 20:
                window.pop(0)
            tps = sum(k for _, k in window) / max(1e-9, sum(s for s, _ in window))
            self._emit("on_step", StepInfo(self.step, value, lr, tps, t_train, self.threads, extras))
            if (cfg.eval_interval and self.step % cfg.eval_interval == 0) or self.step == cfg.max_iters:
                self.evaluate()
        wall = time.perf_counter() - wall0
        if status == "finished" and self.last_eval_step != self.step:
            self.evaluate()
        result = TrainResult(status, self.step, self.last_loss, self.last_eval,
                             items_total / t_train if t_train > 0 else 0.0, wall, reason, restored)
        self._emit("on_stop", result)
        return result

    def run_to_end(self) -> TrainResult:
        """run(), for a caller that wants a finished training or nothing: the finished result, else the diverged
        run's UserInputError or core.runtime.jobs.Stopped raised (so get_or_build stores nothing)."""
        result = self.run()
        if result.status == "diverged":
            raise result.reason
        if result.status != "finished":
            raise Stopped()
        return result
