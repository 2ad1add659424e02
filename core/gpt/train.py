"""One trainer for GPT-1, used by the "Train GPT-1 live" page, the command line and torchrun.

The trainer knows nothing about pages or terminals (minGPT's design): it reports through callbacks
(`on_step`, `on_eval`, `on_sample`, `on_stop`) and asks a `gate` before every step whether to go on
(the page's pause / stop buttons). It never prints and never touches Streamlit.

    python -m core.train --text FILE --tokenizer char --n-layer 4 --n-head 4 --n-embd 128 \
        --block-size 64 --batch-size 12 --max-iters 2000 --eval-interval 250 --lr 1e-3 --out DIR
    torchrun --nproc_per_node=2 -m core.train ...   # DistributedDataParallel (gloo on CPU, nccl on CUDA)

The last line printed is one JSON object: {"val_loss", "train_loss", "iters", "tokens_per_s", "wall_s"}.

Speed on a small CPU (profiled with torch.profiler at 4 layers × 128 wide, batch 12 × 64): matmuls are
~60% of a step, so the rest is kept small: fused attention (SDPA), erf-GELU (ATen's tanh-GELU kernel
is ~4× slower on this CPU), fused AdamW, batches gathered from one pre-built tensor with one index
op, gradients set to None, and no Python work per step beyond a loss.item() for NaN checks.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import torch
import torch.nn as nn

from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.base import Tokenizer
from core.tokenizers.char import CharTokenizer

TOKENIZERS = ("char", "bpe", "unigram")


# ------------------------------------------------------------------------------------------------
# Settings
# ------------------------------------------------------------------------------------------------
@dataclass
class TrainConfig:
    max_iters: int = 2000  # optimizer steps
    batch_size: int = 12  # sequences per step (per process under torchrun)
    lr: float = 1e-3  # peak learning rate; GPT-1 used 2.5e-4 at 117M parameters, small models like more
    # Linear warm-up, as GPT-1 (2000 steps there). Post-LN needs it: with 30 steps at lr 1e-3 the
    # class-demo model stalls at the unigram loss; with 200 it learns (measured on the shipped corpus).
    warmup_iters: int = 200
    min_lr_ratio: float = 0.1  # cosine decay down to lr × this (GPT-1 went to 0)
    weight_decay: float = 0.01  # GPT-1's w = 0.01, on matrices only (not biases, gains or W_p)
    beta1: float = 0.9
    beta2: float = 0.99  # 0.99 rather than Adam's 0.999: small batches, short runs
    grad_clip: float = 1.0  # clip the global gradient norm (0 = off)
    eval_interval: int = 250  # steps between held-out evaluations (0 = only at the end)
    eval_iters: int = 20  # batches averaged per evaluation
    sample_interval: int = 0  # steps between samples (0 = none)
    sample_tokens: int = 200
    sample_prompt: str = ""
    seed: int = 1337
    threads: int | str | None = None  # torch intra-op threads; None = leave as set; "auto" = ThreadTuner

    def __post_init__(self) -> None:
        if self.max_iters < 1 or self.batch_size < 1:
            raise UserInputError("Steps and batch size must be at least 1.",
                                 "ステップ数とバッチサイズは 1 以上にしてください。")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise UserInputError("The learning rate must be a positive number.", "学習率は正の数にしてください。")

    def lr_at(self, it: int) -> float:
        """GPT-1's schedule: linear warm-up from 0, then cosine decay to lr × min_lr_ratio at max_iters."""
        warm = min(self.warmup_iters, max(1, self.max_iters // 10))
        if it < warm:
            return self.lr * (it + 1) / warm
        progress = min(1.0, (it - warm) / max(1, self.max_iters - warm))
        floor = self.lr * self.min_lr_ratio
        return floor + 0.5 * (self.lr - floor) * (1.0 + math.cos(math.pi * progress))


# ------------------------------------------------------------------------------------------------
# Data: token ids in one tensor, batches cut out of it by one gather
# ------------------------------------------------------------------------------------------------
def build_tokenizer(kind: str, text: str, vocab_size: int = 1000, fit_vocab: bool = True) -> Tokenizer:
    """Characters, or SentencePiece BPE / unigram trained on `text`.

    With `fit_vocab`, a vocabulary larger than the corpus supports shrinks to the largest possible
    one (check `tokenizer.vocab_size`); a vocabulary too small for the corpus's characters still raises.
    """
    if kind == "char":
        return CharTokenizer.train(text)
    if kind in ("bpe", "unigram"):
        from core.tokenizers.spm import VocabSizeError, train_sentencepiece

        try:
            return train_sentencepiece(text, model_type=kind, vocab_size=int(vocab_size))
        except VocabSizeError as e:
            if not (fit_vocab and e.too_large):
                raise
            return train_sentencepiece(text, model_type=kind, vocab_size=int(e.limit))
    raise ValueError(f"unknown tokenizer {kind!r}; choose one of {TOKENIZERS}")


class TokenData:
    """Train and held-out token ids, and random (B, T) batches of them.

    A batch is x = ids[i : i+T], y = ids[i+1 : i+T+1] for B random starts i: one gather
    `data[starts[:, None] + arange(T+1)]` instead of a Python loop over rows.
    """

    def __init__(self, train_ids: torch.Tensor, heldout_ids: torch.Tensor, block_size: int,
                 device: torch.device | str = "cpu"):
        need = block_size + 1
        for ids, en, ja in ((train_ids, "training part", "学習用の部分"), (heldout_ids, "held-out part", "評価用（held-out）の部分")):
            if len(ids) < need:
                raise UserInputError(
                    f"The corpus is too short for a context of {block_size} tokens: its {en} has "
                    f"{len(ids)} tokens and needs at least {need}. Use a longer text or a shorter context.",
                    f"コーパスが短すぎます。文脈長 {block_size} トークンに対し、{ja}は {len(ids)} トークンしか"
                    f"ありません（{need} 以上必要）。長いテキストを使うか、文脈長を短くしてください。",
                )
        self.device = torch.device(device)
        self.block_size = block_size
        self.train = train_ids.to(self.device, torch.long)
        self.heldout = heldout_ids.to(self.device, torch.long)
        self._offsets = torch.arange(block_size + 1, device=self.device)  # (T+1,)

    @classmethod
    def from_text(cls, tokenizer: Tokenizer, train_text: str, heldout_text: str, block_size: int,
                  device: torch.device | str = "cpu") -> "TokenData":
        enc = lambda s: torch.tensor(tokenizer.encode(s), dtype=torch.long)  # noqa: E731
        return cls(enc(train_text), enc(heldout_text), block_size, device)

    def batch(self, split: str, batch_size: int, generator: torch.Generator | None = None,
              block_size: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        data = self.train if split == "train" else self.heldout
        T = block_size or self.block_size
        starts = torch.randint(len(data) - T, (batch_size,), generator=generator)  # (B,) on the CPU
        rows = data[starts.to(self.device)[:, None] + self._offsets[: T + 1]]  # (B, 1) + (T+1,) -> (B, T+1)
        return rows[:, :-1], rows[:, 1:]  # x, y: (B, T) each, y shifted by one


def ngram_reference(train_ids: torch.Tensor, heldout_ids: torch.Tensor, vocab_size: int,
                    k: float = 0.1) -> dict[str, float]:
    """Held-out cross-entropy (nats per token, like the GPT's loss) of add-k unigram and bigram models.

    P(b) = (c(b) + k) / (N + kV) and P(b | a) = (c(a b) + k) / (c(a) + kV), counted on the training ids.
    These are the lines a GPT must get under to have learned more than letter frequencies and pairs.
    >>> r = ngram_reference(torch.tensor([0, 1, 0, 1, 0, 1]), torch.tensor([0, 1, 0]), 2)
    >>> round(r["unigram"], 3), r["bigram"] < 0.1
    (0.693, True)
    """
    tr, ho = train_ids.long().cpu(), heldout_ids.long().cpu()
    V = int(vocab_size)
    uni = torch.bincount(tr, minlength=V).double()
    p_uni = (uni + k) / (uni.sum() + k * V)
    h_uni = float(-p_uni[ho].log().mean())
    # Bigram counts kept sparse (pair code a·V + b): a 32k vocabulary would need a 1G-cell table.
    pairs, counts = torch.unique(tr[:-1] * V + tr[1:], return_counts=True)
    prev = uni.clone()
    prev[tr[-1]] -= 1  # c(a) as a first element of a pair
    q = ho[:-1] * V + ho[1:]
    pos = torch.searchsorted(pairs, q).clamp_max(len(pairs) - 1)
    c_ab = torch.where(pairs[pos] == q, counts[pos], torch.zeros_like(q)).double()
    p_bi = (c_ab + k) / (prev[ho[:-1]] + k * V)
    return {"unigram": h_uni, "bigram": float(-p_bi.log().mean())}


# ------------------------------------------------------------------------------------------------
# Threads: measured, not guessed
# ------------------------------------------------------------------------------------------------
class ThreadTuner:
    """Picks the faster of (all cores, one core) by timing real steps, and checks again now and then.

    On a quiet 2-core machine two threads are ~1.7× faster than one; when other processes keep a core
    busy, every small parallel region waits for a descheduled thread and two threads become slower
    than one (measured ~3× slower on a loaded shared machine). Which case holds changes while a class
    uses the server, so it is measured: `probe` steps with each count, then the faster one for
    `every` steps, then measure again.
    """

    def __init__(self, max_threads: int | None = None, probe: int = 6, every: int = 300):
        n = max_threads or os.cpu_count() or 1
        self.options = [n, 1] if n > 1 else [1]
        self.probe, self.every = probe, every
        self.times: dict[int, list[float]] = {}
        self.choice = self.options[0]
        self.plan: list[int] = []
        self.since, self.slow, self.reference = 0, 0, float("inf")
        self._schedule()

    def _schedule(self) -> None:
        self.times = {n: [] for n in self.options}
        self.plan = [n for n in self.options for _ in range(self.probe + 1)] if len(self.options) > 1 else []

    def threads_for_next_step(self) -> int:
        if self.plan:
            return self.plan[0]
        return self.choice

    def record(self, threads: int, seconds: float) -> None:
        """The time of the step just run with `threads`."""
        if self.plan:
            self.times[self.plan.pop(0)].append(seconds)
            if not self.plan:
                # The first step after a switch warms caches: drop it and compare medians.
                med = {k: statistics.median(v[1:]) for k, v in self.times.items() if len(v) > 1}
                self.choice = min(med, key=med.get) if med else self.options[0]
                self.reference = med.get(self.choice, seconds)
                self.since, self.slow = 0, 0
            return
        self.since += 1
        # Load changes: three steps in a row at twice the measured time mean measure again now.
        self.slow = self.slow + 1 if seconds > 2.0 * self.reference else 0
        if self.since >= self.every or self.slow >= 3:
            self._schedule()


# ------------------------------------------------------------------------------------------------
# The trainer
# ------------------------------------------------------------------------------------------------
@dataclass
class StepInfo:
    step: int  # steps done (1-based after the first)
    loss: float  # training loss of this step's batch
    lr: float
    tokens_per_s: float  # recent throughput, counting only time spent training
    elapsed_s: float  # training time so far (pauses and evaluations excluded)
    threads: int = 0  # torch threads this step ran with


@dataclass
class EvalInfo:
    step: int
    train_loss: float  # mean over eval_iters training batches, model in eval mode
    val_loss: float


@dataclass
class TrainResult:
    status: str  # "finished" | "stopped" | "diverged"
    iters: int
    train_loss: float | None
    val_loss: float | None
    tokens_per_s: float
    wall_s: float
    reason: UserInputError | None = None  # why it stopped, when not simply finished

    def summary(self) -> dict:
        return {"val_loss": self.val_loss, "train_loss": self.train_loss, "iters": self.iters,
                "tokens_per_s": round(self.tokens_per_s, 1), "wall_s": round(self.wall_s, 3)}


def configure_optimizer(model: nn.Module, tc: TrainConfig, device: torch.device) -> torch.optim.Optimizer:
    """AdamW with decay on 2-D weight matrices only; fused (one kernel for all parameters) where supported."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (decay if p.dim() >= 2 and "wpe" not in name else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": tc.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    kw = dict(lr=tc.lr, betas=(tc.beta1, tc.beta2), eps=1e-8)
    try:
        return torch.optim.AdamW(groups, fused=True, **kw)
    except (RuntimeError, TypeError):  # a device without the fused kernel
        return torch.optim.AdamW(groups, **kw)


class Trainer:
    """Trains `model` on `data`; callbacks see every step, evaluation and sample.

    `gate()` is called before each step: return False to stop (it may block while paused; time
    spent there does not count as training time). `step_lock`, if given, is held during each
    optimizer step so another thread can copy the weights between steps.
    """

    EVENTS = ("on_step", "on_eval", "on_sample", "on_stop")

    def __init__(self, model: nn.Module, data: TokenData, tc: TrainConfig,
                 tokenizer: Tokenizer | None = None, device: torch.device | str = "cpu",
                 gate: Callable[[], bool] | None = None, step_lock=None, start_step: int = 0,
                 optimizer: torch.optim.Optimizer | None = None, rank: int = 0, max_threads: int | None = None):
        self.model = model  # possibly DDP-wrapped
        self.raw_model: GPT = model.module if hasattr(model, "module") else model  # type: ignore[assignment]
        self.data = data
        self.tc = tc
        self.tokenizer = tokenizer
        self.device = torch.device(device)
        self.gate = gate
        self.step_lock = step_lock
        self.step = start_step
        self.rank = rank
        self.max_threads = max_threads  # for threads="auto": the most it may use
        self.world = 1
        if hasattr(model, "module"):
            import torch.distributed as dist

            self.world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
        self.optimizer = optimizer or configure_optimizer(self.raw_model, tc, self.device)
        self.callbacks: dict[str, list[Callable]] = {e: [] for e in self.EVENTS}
        self.last_eval: EvalInfo | None = None
        self.last_loss: float | None = None
        # Different ranks draw different batches; evaluation uses its own fixed generator.
        self.gen = torch.Generator().manual_seed(tc.seed + 1000 * rank + start_step)

    def _all_finite(self, value: float) -> bool:
        """Under torchrun every rank must agree, or one would stop while the others wait in backward."""
        finite = math.isfinite(value)
        if self.world > 1:
            import torch.distributed as dist

            flag = torch.tensor([0.0 if finite else 1.0], device=self.device)
            dist.all_reduce(flag)
            finite = flag.item() == 0.0
        return finite

    def add_callback(self, event: str, fn: Callable) -> None:
        if event not in self.callbacks:
            raise ValueError(f"unknown event {event!r}; one of {self.EVENTS}")
        self.callbacks[event].append(fn)

    def _emit(self, event: str, *args) -> None:
        for fn in self.callbacks[event]:
            fn(self, *args)

    @torch.inference_mode()
    def evaluate(self) -> EvalInfo:
        """Mean loss over `eval_iters` fixed batches of each split (same batches every time: a smooth curve)."""
        m = self.raw_model
        was_training = m.training
        m.eval()
        gen = torch.Generator().manual_seed(self.tc.seed + 7)
        out = {}
        for split in ("train", "heldout"):
            losses = [m(*self.data.batch(split, self.tc.batch_size, gen)).loss.item() for _ in range(self.tc.eval_iters)]
            out[split] = sum(losses) / len(losses)
        m.train(was_training)
        info = EvalInfo(self.step, out["train"], out["heldout"])
        self.last_eval = info
        return info

    def sample(self, prompt: str = "", max_new_tokens: int | None = None, temperature: float = 0.8,
               top_k: int | None = 40, seed: int | None = None) -> str:
        """Text generated by the current model after `prompt` (empty prompt: start from a newline)."""
        return generate_text(self.raw_model, self.tokenizer, prompt, max_new_tokens or self.tc.sample_tokens,
                             temperature, top_k, seed=self.step if seed is None else seed)

    def run(self) -> TrainResult:
        tc = self.tc
        tuner = ThreadTuner(self.max_threads) if tc.threads == "auto" and self.device.type == "cpu" else None
        if tc.threads and tuner is None:
            torch.set_num_threads(int(tc.threads))
        self.threads = torch.get_num_threads()
        model, opt = self.model, self.optimizer
        B, T = tc.batch_size, self.data.block_size
        model.train()
        t_train, status, reason = 0.0, "finished", None
        window: list[tuple[float, int]] = []  # (seconds, tokens) of recent steps for tokens/s
        tokens_total = 0
        wall0 = time.perf_counter()
        while self.step < tc.max_iters:
            if self.gate is not None and not self.gate():
                status = "stopped"
                break
            if tuner is not None and tuner.threads_for_next_step() != self.threads:
                self.threads = tuner.threads_for_next_step()
                torch.set_num_threads(self.threads)
            t0 = time.perf_counter()
            lr = tc.lr_at(self.step)
            for g in opt.param_groups:
                g["lr"] = lr
            x, y = self.data.batch("train", B, self.gen)
            if self.step_lock is not None:
                self.step_lock.acquire()
            try:
                loss = model(x, y).loss
                loss_value = loss.item()
                if not self._all_finite(loss_value):
                    status, reason = "diverged", diverged_error(self.step, loss_value, lr)
                    break  # before backward: the weights stay those of the last good step
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if tc.grad_clip > 0:
                    nn.utils.clip_grad_norm_(self.raw_model.parameters(), tc.grad_clip, foreach=True)
                opt.step()
            finally:
                if self.step_lock is not None:
                    self.step_lock.release()
            self.step += 1
            self.last_loss = loss_value
            dt = time.perf_counter() - t0
            if tuner is not None:
                tuner.record(self.threads, dt)
            t_train += dt
            tokens_total += B * T
            window.append((dt, B * T))
            if len(window) > 20:
                window.pop(0)
            tps = sum(n for _, n in window) / max(1e-9, sum(s for s, _ in window))
            self._emit("on_step", StepInfo(self.step, loss_value, lr, tps, t_train, self.threads))
            last = self.step == tc.max_iters
            if (tc.eval_interval and self.step % tc.eval_interval == 0) or last:
                self._emit("on_eval", self.evaluate())
            if tc.sample_interval and self.tokenizer is not None and (self.step % tc.sample_interval == 0 or last):
                self._emit("on_sample", self.step, self.sample(tc.sample_prompt))
        wall = time.perf_counter() - wall0
        if status == "finished" and (self.last_eval is None or self.last_eval.step != self.step):
            self._emit("on_eval", self.evaluate())
        ev = self.last_eval
        result = TrainResult(status, self.step, ev.train_loss if ev else self.last_loss, ev.val_loss if ev else None,
                             tokens_total / t_train if t_train > 0 else 0.0, wall, reason)
        self._emit("on_stop", result)
        return result


def diverged_error(step: int, loss: float, lr: float) -> UserInputError:
    return UserInputError(
        f"Training stopped at step {step}: the loss became {loss} (not a finite number). The learning rate "
        f"({lr:.2g} at that step) is probably too high; lower it and start again. The model keeps its last good weights.",
        f"ステップ {step} で学習を止めました：損失が {loss}（有限の数ではありません）になりました。学習率"
        f"（そのステップで {lr:.2g}）が高すぎる可能性があります。下げてやり直してください。モデルは最後の正常な重みを保っています。",
    )


@torch.inference_mode()
def generate_text(model: GPT, tokenizer: Tokenizer, prompt: str, max_new_tokens: int = 200,
                  temperature: float = 0.8, top_k: int | None = 40, seed: int = 0) -> str:
    """Prompt + continuation as text. An empty prompt starts from a newline (or id 0)."""
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    ids = tokenizer.encode(prompt) if prompt else []
    if not ids:
        ids = tokenizer.encode("\n") or [0]
    idx = torch.tensor([ids], dtype=torch.long, device=device)
    gen = torch.Generator(device=device).manual_seed(int(seed))
    out = model.generate(idx, max_new_tokens, temperature=temperature, top_k=top_k, generator=gen)
    model.train(was_training)
    text = tokenizer.decode(out[0].tolist())
    return text if prompt else text.lstrip("\n")


# ------------------------------------------------------------------------------------------------
# Command line (and torchrun)
# ------------------------------------------------------------------------------------------------
def ddp_env() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m core.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--text", required=True, help="UTF-8 text file; its last ~10%% is held out")
    p.add_argument("--tokenizer", choices=TOKENIZERS, default="char")
    p.add_argument("--vocab-size", type=int, default=1000, help="for bpe / unigram")
    p.add_argument("--preset", default=None, help="named size (tiny, class-demo, small, medium, gpt-1); flags override it")
    p.add_argument("--n-layer", type=int)
    p.add_argument("--n-head", type=int)
    p.add_argument("--n-embd", type=int)
    p.add_argument("--block-size", type=int)
    p.add_argument("--dropout", type=float)
    p.add_argument("--pre-ln", action="store_true", help="GPT-2's pre-LN instead of GPT-1's post-LN")
    p.add_argument("--batch-size", type=int, default=12)
    p.add_argument("--max-iters", type=int, default=2000)
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--eval-iters", type=int, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup-iters", type=int, default=200)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--sample-interval", type=int, default=0)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", default=None,
                   help="torch threads per process: a number, or auto (time all cores against one and use the faster; "
                        "the default for one process; under torchrun the default is cores / processes)")
    p.add_argument("--device", default=None, help="cpu, cuda, mps (default: the best available)")
    p.add_argument("--out", default=None, help="folder for checkpoints (ckpt.safetensors)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/ckpt.safetensors")
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args(argv)


def model_config_from_args(a: argparse.Namespace, vocab_size: int) -> GPTConfig:
    base = dict(GPTConfig.preset(a.preset or "class-demo", vocab_size).to_dict())
    for k in ("n_layer", "n_head", "n_embd", "block_size", "dropout"):
        v = getattr(a, k)
        if v is not None:
            base[k] = v
    base["pre_ln"] = bool(a.pre_ln) or (base.get("pre_ln", False))
    base["vocab_size"] = vocab_size
    return GPTConfig.from_dict(base)


def main(argv: list[str] | None = None) -> dict:
    from core.gpt.checkpoint import load_checkpoint, save_checkpoint
    from core.corpus import split_train_heldout
    from core.runtime.device import pick_device

    a = parse_args(argv)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(a.device) if a.device else pick_device()
    if device.type == "cuda" and world > 1:
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    threads = max(1, (os.cpu_count() or 1) // world)
    if a.threads is None and not ddp_env():
        a.threads = "auto"
    if a.threads not in (None, "auto"):
        threads = int(a.threads)
    torch.set_num_threads(threads)
    ddp = world > 1
    if ddp:
        import torch.distributed as dist

        dist.init_process_group(backend="nccl" if device.type == "cuda" else "gloo")

    text = Path(a.text).read_text(encoding="utf-8")
    train_text, held_text = split_train_heldout(text)
    out = Path(a.out) if a.out else None
    ckpt_path = out / "ckpt.safetensors" if out else None
    resume = None
    if a.resume and ckpt_path and ckpt_path.exists():
        resume = load_checkpoint(ckpt_path)
        tokenizer = resume.tokenizer
        mcfg = resume.config
    else:
        tokenizer = build_tokenizer(a.tokenizer, train_text, a.vocab_size)
        mcfg = model_config_from_args(a, tokenizer.vocab_size)
    tc = TrainConfig(max_iters=a.max_iters, batch_size=a.batch_size, lr=a.lr, warmup_iters=a.warmup_iters,
                     weight_decay=a.weight_decay, grad_clip=a.grad_clip, eval_interval=a.eval_interval,
                     eval_iters=a.eval_iters, sample_interval=a.sample_interval, seed=a.seed,
                     threads="auto" if a.threads == "auto" else None)
    data = TokenData.from_text(tokenizer, train_text, held_text, mcfg.block_size, device)

    torch.manual_seed(a.seed)  # identical initial weights on every rank
    model = GPT(mcfg).to(device)
    start = 0
    optimizer = configure_optimizer(model, tc, device)
    if resume is not None:
        resume.load_into(model, optimizer)
        start = resume.step
    wrapped: nn.Module = model
    if ddp:
        from torch.nn.parallel import DistributedDataParallel as DDP

        wrapped = DDP(model, device_ids=[device.index] if device.type == "cuda" else None)

    trainer = Trainer(wrapped, data, tc, tokenizer, device, start_step=start, optimizer=optimizer, rank=rank,
                      max_threads=threads)
    is_main = rank == 0
    bar = None
    if is_main and not a.no_progress:
        from tqdm import tqdm

        bar = tqdm(total=tc.max_iters, initial=start, unit="step", file=sys.stderr, dynamic_ncols=True)

        def on_step(tr: Trainer, s: StepInfo) -> None:
            bar.update(1)
            if s.step % 10 == 0:
                bar.set_postfix(loss=f"{s.loss:.3f}", tok_s=f"{s.tokens_per_s * world:,.0f}")

        trainer.add_callback("on_step", on_step)

    def on_eval(tr: Trainer, e: EvalInfo) -> None:
        if not is_main:
            return
        msg = f"step {e.step}: train {e.train_loss:.4f}, val {e.val_loss:.4f}"
        (bar.write(msg) if bar else print(msg, file=sys.stderr))
        if ckpt_path is not None:
            save_checkpoint(ckpt_path, tr.raw_model, tokenizer, step=e.step, optimizer=tr.optimizer,
                            extra={"train_config": asdict(tc), "val_loss": e.val_loss})

    def on_sample(tr: Trainer, step: int, text_: str) -> None:
        if is_main:
            (bar.write if bar else print)(f"--- sample at step {step} ---\n{text_}")

    trainer.add_callback("on_eval", on_eval)
    trainer.add_callback("on_sample", on_sample)
    result = trainer.run()
    if bar is not None:
        bar.close()
    summary = result.summary()
    summary["tokens_per_s"] = round(result.tokens_per_s * world, 1)  # all processes together
    if ddp:
        import torch.distributed as dist

        dist.barrier()
        dist.destroy_process_group()
    if is_main:
        if result.reason is not None:
            print(result.reason.en, file=sys.stderr)
        print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
