"""GPT pre-training on the core.runtime Trainer: the LM loss, the held-out evaluation and samples.

    L1 = −Σ_t log P(u_t | u_<t)     cross-entropy of the next token, the GPT's own `loss`

`gpt_trainer(model, data, tc, tokenizer)` is the generic Trainer given GPT's pieces: batches cut from
`TokenData`, that loss, an evaluation on fixed batches of both splits (the same batches every time,
so the curve is smooth), and a sample every `sample_interval` steps. The page's job, the command line
and the fine-tuning experiment's LM pre-training all train through it.

Speed on a small CPU (torch.profiler at 4 layers x 128 wide, batch 12 x 64): matmuls are ~60% of a
step, so the rest is kept small: fused attention (SDPA), erf-GELU (ATen's tanh-GELU kernel is ~4x
slower here), fused AdamW, batches gathered from one tensor with one index op, no Python per step
beyond a loss.item() for the NaN check.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn as nn

from core.errors import UserInputError
from core.gpt.data import TokenData
from core.gpt.model import DivergedError
from core.runtime.trainer import Trainer, TrainerConfig, TrainResult
from core.tokenizers.base import Tokenizer


@dataclass
class TrainConfig(TrainerConfig):
    """The Trainer's settings plus what GPT pre-training adds: batch size and samples."""

    batch_size: int = 12  # sequences per step (per process under torchrun)
    sample_interval: int = 0  # steps between samples (0 = none)
    sample_tokens: int = 200  # length of each sample
    sample_prompt: str = ""  # empty: start from a newline
    no_decay: tuple[str, ...] = ("wpe",)  # W_p is a table of positions, kept out of weight decay as GPT-1

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.batch_size < 1:
            raise UserInputError("Steps and batch size must be at least 1.",
                                 "ステップ数とバッチサイズは 1 以上にしてください。")


@dataclass
class EvalInfo:
    step: int
    train_loss: float  # mean over eval_iters training batches, model in eval mode
    val_loss: float


def lm_loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    x, y = batch  # (B, T) each, y shifted by one
    return model(x, y).loss


def lm_evaluate(data: TokenData, tc: TrainConfig, gate: Callable[[], bool] | None = None
                ) -> Callable[[nn.Module, int], EvalInfo | None]:
    """Mean loss over `eval_iters` fixed batches of each split (same batches every time: a smooth curve).
    None once `gate()` says stop: 2 × eval_iters forwards take seconds on a busy machine, and a server
    stop must not wait for them."""
    def evaluate(model: nn.Module, step: int) -> EvalInfo | None:
        gen = torch.Generator().manual_seed(tc.seed + 7)
        out = {}
        for split in ("train", "heldout"):
            losses = []
            for _ in range(tc.eval_iters):
                if gate is not None and not gate():
                    return None
                losses.append(model(*data.batch(split, tc.batch_size, gen)).loss.item())
            out[split] = sum(losses) / len(losses)
        return EvalInfo(step, out["train"], out["heldout"])
    return evaluate


def gpt_trainer(model: nn.Module, data: TokenData, tc: TrainConfig, tokenizer: Tokenizer | None = None,
                on_sample: Callable[[Trainer, int, str], None] | None = None, **kw) -> Trainer:
    """The generic Trainer set up for LM pre-training; `kw` goes to Trainer (gate, step_lock, ...)."""
    trainer = Trainer(model, lambda g: data.batch("train", tc.batch_size, g), lm_loss, tc,
                      evaluate=lm_evaluate(data, tc, kw.get("gate")), **kw)
    if on_sample is not None and tokenizer is not None and tc.sample_interval:
        def sample(tr: Trainer, s) -> None:
            if (s.step % tc.sample_interval == 0 or s.step == tc.max_iters) and (tr.gate is None or tr.gate()):
                on_sample(tr, s.step, generate_text(tr.raw_model, tokenizer, tc.sample_prompt, tc.sample_tokens,
                                                    seed=s.step))
        trainer.add_callback("on_step", sample)
    return trainer


def summary(result: TrainResult) -> dict:
    """The command line's last line: {"val_loss", "train_loss", "iters", "tokens_per_s", "wall_s"}."""
    ev = result.eval
    return {"val_loss": ev.val_loss if ev else None, "train_loss": ev.train_loss if ev else result.loss,
            "iters": result.iters, "tokens_per_s": round(result.tokens_per_s, 1), "wall_s": round(result.wall_s, 3)}


@torch.inference_mode()
def generate_text(model: nn.Module, tokenizer: Tokenizer, prompt: str, max_new_tokens: int = 200,
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
    try:
        out = model.generate(idx, max_new_tokens, temperature=temperature, top_k=top_k, generator=gen)
    except DivergedError:
        raise UserInputError(
            "The model has diverged (its outputs are NaN or infinite), so it cannot generate text. "
            "Reset it and train again with a lower learning rate.",
            "モデルが発散しています（出力が NaN か無限大）ので、文を生成できません。"
            "リセットして、学習率を下げてもう一度学習してください。") from None
    finally:
        model.train(was_training)
    text = tokenizer.decode(out[0].tolist())
    return text if prompt else text.lstrip("\n")
