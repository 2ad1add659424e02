"""The next-token panel: from the GPT's logits to the distribution a sampler draws from.

    logits --÷ temperature--> softmax --top-k--> keep the k likeliest --top-p--> keep the smallest set of the
    likeliest whose mass (after top-k, renormalised) reaches p --renormalise--> draw one token (seeded)

Every setting has a defined result at its edges, so a typed value never gives NaN:
- temperature 0 is greedy decoding: all mass on the argmax (the limit of T -> 0); a huge temperature
  (1e6) flattens the distribution toward uniform; a negative or non-finite one is a bilingual message;
- top_k 0 (or ≥ V) keeps everything; top_p 1 keeps everything; top_p 0 keeps only the likeliest token
  (the nucleus always holds at least one token).

>>> s = shape_next(torch.tensor([2.0, 1.0, 0.0]), temperature=1.0, top_k=0, top_p=0.5)
>>> s.kept.tolist(), round(s.kept_mass, 3), s.final.tolist()[1:]
([True, False, False], 0.665, [0.0, 0.0])
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core.errors import UserInputError
from core.gpt.inside.predict import context_ids, model_device

MAX_NEW = 40  # "one more token" presses kept: a projector's line of text, ~40 forward passes at most


@dataclass(frozen=True)
class NextDist:
    probs: np.ndarray  # (V,) the model's own softmax (temperature 1)
    scaled: np.ndarray  # (V,) softmax(logits / T): one-hot on the argmax when greedy
    kept: np.ndarray  # (V,) bool: what survives top-k and top-p
    final: np.ndarray  # (V,) `scaled` restricted to `kept`, renormalised: what is drawn from
    kept_mass: float  # mass of the kept tokens under `scaled` (1.0 = nothing cut)
    greedy: bool  # temperature 0: argmax decoding

    @property
    def kept_count(self) -> int:
        return int(self.kept.sum())


def check_settings(temperature: float, top_k: int, top_p: float) -> None:
    if not (math.isfinite(temperature) and temperature >= 0):
        raise UserInputError("Temperature must be a number ≥ 0 (0 = always the likeliest token).",
                             "温度は 0 以上の数にしてください（0 = いつも最も確率の高いトークン）。")
    if not (0 <= top_p <= 1):
        raise UserInputError("top-p must be between 0 and 1.", "top-p は 0 から 1 の間にしてください。")
    if top_k < 0:
        raise UserInputError("top-k must be 0 (off) or more.", "top-k は 0（なし）以上にしてください。")


def shape_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0) -> NextDist:
    """(V,) logits and the sampler's settings -> every stage of the distribution (float64 throughout)."""
    check_settings(temperature, top_k, top_p)
    z = logits.detach().double().cpu().flatten()  # (V,)
    V = z.numel()
    probs = z.softmax(-1)
    greedy = temperature == 0
    if greedy:
        scaled = torch.zeros(V, dtype=torch.float64)
        scaled[int(z.argmax())] = 1.0
    else:
        scaled = (z / temperature).softmax(-1)  # float64: 1e6 is near-uniform, never NaN
    order = torch.argsort(scaled, descending=True, stable=True)  # (V,) likeliest first, ties by id
    keep_sorted = torch.ones(V, dtype=torch.bool)
    if 0 < top_k < V:
        keep_sorted[top_k:] = False
    p = scaled[order] * keep_sorted  # top-k survivors, in order
    p = p / p.sum()
    before = torch.cumsum(p, 0) - p  # mass of the likelier tokens before each one
    keep_sorted &= before < top_p
    keep_sorted[0] = True  # the nucleus holds at least the likeliest token (top_p = 0)
    kept = torch.zeros(V, dtype=torch.bool)
    kept[order] = keep_sorted
    mass = float(scaled[kept].sum())
    final = torch.where(kept, scaled, torch.zeros_like(scaled))
    final = final / final.sum()
    return NextDist(probs.numpy(), scaled.numpy(), kept.numpy(), final.numpy(), mass, greedy)


def draw(dist: NextDist, seed: int, step: int) -> int:
    """One token id from `dist.final`; the same (seed, step) always draws the same token."""
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, int(step)])
    return int(rng.choice(len(dist.final), p=dist.final))


@dataclass(frozen=True)
class Continuation:
    prompt_ids: list[int]  # what the model read of the prompt (after the start symbol, if any)
    added: list[int]  # the sampled tokens, in order
    dist: NextDist  # the distribution for the next token after prompt + added
    cropped: bool  # the text was longer than the context: only its last block_size tokens are read
    unknown: int  # prompt tokens that are the tokenizer's <unk>


@torch.no_grad()
def continue_text(model: Any, tokenizer: Any, prompt: str, n_added: int, temperature: float, top_k: int,
                  top_p: float, seed: int) -> Continuation:
    """The prompt, `n_added` tokens drawn after it (step i with seed (seed, i)), and the next distribution.

    An empty prompt starts from the start symbol alone when the tokenizer has one, else is a message."""
    from core.gpt.inside.predict import unknown_count

    check_settings(temperature, top_k, top_p)
    ids, first, _ = context_ids(model, tokenizer, "")
    start = ids[:first]
    prompt_ids = list(tokenizer.encode(prompt))
    if not prompt_ids and not start:
        raise UserInputError("Type a prompt: the model needs at least one token to continue.",
                             "プロンプトを入力してください。続きを予測するには 1 トークン以上が必要です。")
    block = model.config.block_size
    seq = start + prompt_ids
    added: list[int] = []
    cropped = False
    dev = model_device(model)
    for step in range(max(0, min(int(n_added), MAX_NEW)) + 1):
        ctx = seq[-block:]
        cropped = cropped or len(seq) > block
        logits = model(torch.tensor([ctx], dtype=torch.long, device=dev)).logits[0, -1]  # (V,)
        if not bool(torch.isfinite(logits).all()):
            raise UserInputError("The model's outputs are not finite numbers (a diverged model): it cannot predict.",
                                 "モデルの出力が有限の数ではありません（発散したモデル）。予測できません。")
        dist = shape_next(logits, temperature, top_k, top_p)
        if step == min(int(n_added), MAX_NEW):
            break
        nxt = draw(dist, seed, step)
        added.append(nxt)
        seq.append(nxt)
    return Continuation(prompt_ids, added, dist, cropped, unknown_count(tokenizer, prompt_ids))
