"""How much memory one page training takes, estimated from its settings before it starts, and the budget.

A class shares one server: one training of the "medium" preset at batch 32 took it from ~0.6 GB to
~2.8 GB. So the page estimates a training's peak from its settings and refuses one over the budget
(`budget_mb()`: `$ATLAS_TRAINING_MB`, default 600 MB), saying which batch would fit.

What a training holds at its peak (fp32, 4 bytes a number; P parameters, B × T tokens a batch, d wide,
L layers, V the vocabulary):

- the model and its training state, ~24 bytes a parameter: weights, gradients, AdamW's two moments,
  the trainer's copy of the last finite weights, the eval-mode copy that samples are drawn from;
- activations kept for the backward pass, ~ACT_FLOATS numbers per token, layer and unit of width: LayerNorm
  inputs and outputs, q/k/v, attention output (the fused kernel keeps no T × T matrix), the feed-forward's
  4d before and after GELU, plus the gradients alive during the backward pass;
- the logits: B × T × V three times (the logits, their log-softmax, its gradient);
- a fixed allowance for the rest of the step (the allocator, evaluation batches, token ids).

tests/test_memory_budget.py checks the estimate against the peak RSS of real trainings (generous tolerance:
it is for refusing a setting 3× too large, not for counting megabytes).

    est = estimate(GPTConfig.preset("medium", 1000), batch_size=32)   # est.total_mb ≈ 2,400
    check(cfg, 32)                                                     # UserInputError over the budget
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from core.errors import UserInputError
from core.gpt.model import GPTConfig

DEFAULT_BUDGET_MB = 600  # one training of the class-demo preset needs ~60 MB; small at batch 32 ~450 MB
BYTES_PER_PARAM = 24  # weights 4 + grads 4 + AdamW 8 + last finite copy 4 + sampling snapshot 4
ACT_FLOATS = 20  # numbers kept per token, layer and unit of width (see the module docstring)
LOGIT_COPIES = 3  # logits, log-softmax, gradient
OVERHEAD_MB = 30  # evaluation batches, token ids, the allocator's slack
MB = 2**20


def budget_mb() -> float:
    """The per-training budget in MB: `$ATLAS_TRAINING_MB` (read each time, so tests and servers can set it)."""
    try:
        return max(1.0, float(os.environ.get("ATLAS_TRAINING_MB", DEFAULT_BUDGET_MB)))
    except ValueError:
        return float(DEFAULT_BUDGET_MB)


def n_params(cfg: GPTConfig) -> int:
    """Parameters of core.gpt.model.GPT for `cfg` (the output head shares W_e), without building it.

    The tiny preset (d = 64, 2 layers, 32 positions): W_e 100×64 + W_p 32×64 + 2 × (12·64² + 13·64).
    >>> n_params(GPTConfig.preset("tiny", 100))
    108416
    """
    d = cfg.n_embd
    # c_attn (d×3d + 3d), c_proj (d×d + d), c_fc (d×4d + 4d), its proj (4d×d + d), 2 LayerNorms (2d each);
    # without biases only the weights and the LayerNorms' gains are left
    block = 12 * d * d + (13 * d if cfg.bias else 2 * d)
    final_ln = (2 * d if cfg.bias else d) if cfg.pre_ln else 0  # a pre-LN stack ends with one more LayerNorm
    return cfg.vocab_size * d + cfg.block_size * d + cfg.n_layer * block + final_ln


@dataclass(frozen=True)
class Estimate:
    params: int
    state_mb: float  # the model and its training state
    activations_mb: float
    logits_mb: float

    @property
    def total_mb(self) -> float:
        return self.state_mb + self.activations_mb + self.logits_mb + OVERHEAD_MB


def estimate(cfg: GPTConfig, batch_size: int) -> Estimate:
    """The peak memory of training `cfg` at `batch_size` (a full context per sequence), in MB."""
    tokens = int(batch_size) * cfg.block_size
    p = n_params(cfg)
    return Estimate(p, p * BYTES_PER_PARAM / MB, tokens * cfg.n_layer * cfg.n_embd * ACT_FLOATS * 4 / MB,
                    tokens * cfg.vocab_size * LOGIT_COPIES * 4 / MB)


def largest_batch(cfg: GPTConfig, options: list[int] | tuple[int, ...], budget: float | None = None) -> int | None:
    """The largest of `options` whose estimate fits the budget, or None when none does."""
    budget = budget_mb() if budget is None else budget
    fits = [b for b in options if estimate(cfg, b).total_mb <= budget]
    return max(fits) if fits else None


BATCHES = (1, 2, 4, 8, 12, 16, 32, 64)  # the page's batch choices


def check(cfg: GPTConfig, batch_size: int) -> Estimate:
    """The estimate, or UserInputError (both languages) when it is over the budget, naming a batch that fits."""
    est, budget = estimate(cfg, batch_size), budget_mb()
    if est.total_mb <= budget:
        return est
    fit = largest_batch(cfg, [b for b in BATCHES if b < batch_size], budget)
    need = f"{est.total_mb:,.0f}"
    parts_en = (f"the model and its optimizer {est.state_mb:,.0f} MB, activations {est.activations_mb:,.0f} MB, "
                f"logits {est.logits_mb:,.0f} MB")
    parts_ja = (f"モデルと最適化の状態 {est.state_mb:,.0f} MB、活性化 {est.activations_mb:,.0f} MB、"
                f"ロジット {est.logits_mb:,.0f} MB")
    if fit is not None:
        how_en, how_ja = (f"Choose a batch of {fit} or less, or a smaller model or context.",
                          f"バッチを {fit} 以下にするか、モデルか文脈長を小さくしてください。")
    else:
        how_en, how_ja = ("Even a batch of 1 is too large: choose a smaller model, width or context.",
                          "バッチ 1 でも大きすぎます。モデル・幅・文脈長を小さくしてください。")
    raise UserInputError(
        f"This training would need about {need} MB of the server's memory ({parts_en}); one training may use "
        f"{budget:,.0f} MB here, so that a class can train at once. {how_en}",
        f"この学習にはサーバーのメモリが約 {need} MB 必要です（{parts_ja}）。クラス全員が同時に学習できるよう、"
        f"このサーバーでは 1 つの学習に {budget:,.0f} MB までです。{how_ja}")
