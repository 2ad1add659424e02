"""The logit lens (nostalgebraist 2020): read the residual stream after every layer with the model's own
output head, as if the model stopped there.

    lens_l = lm_head(ln_f(h_l))      h_0 = token + position embedding, h_l = block l's output

What "through the final LayerNorm" means depends on where the LayerNorms sit:
- GPT-1 (post-LN, our shipped GPT): every block ends with a LayerNorm (x = LN(x + MLP(x))), so h_l is
  already normalised, and the model has no final LayerNorm (`ln_f` is the identity): the lens is the
  tied head W_eᵀ applied to each block's output, exactly what the model does after its last block.
  Only h_0, the embeddings, has been through no LayerNorm; its row is drawn as it is (the head's ranking
  of a vector does not depend on its length, but on its direction, which LayerNorm would shift).
- GPT-2 (pre-LN, `pre_ln=True`): blocks add to an unnormalised stream and the final LayerNorm ln_f is
  applied before the head; the lens applies that same ln_f to every layer.
Either way the last row is the model's own logits (tests/test_inside.py checks it).

    lens = logit_lens(model, ids)        # Lens: logits per layer (L + 1, T, V), ranks of the final guess
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import torch

from core.gpt.inside.predict import model_device


@torch.no_grad()
def residual_states(model: Any, ids: Sequence[int]) -> list[torch.Tensor]:
    """[h_0, h_1, …, h_L], each (T, C): the embeddings, then the stream after each block (as GPT.features)."""
    T = len(ids)
    if not 1 <= T <= model.config.block_size:
        raise ValueError(f"need 1..{model.config.block_size} tokens, got {T}")
    idx = torch.tensor([list(ids)], dtype=torch.long, device=model_device(model))  # (1, T)
    x = model.wte(idx) + model.wpe(model.pos[:T])  # (1, T, C) + (T, C) -> (1, T, C); dropout is off in eval
    states = [x[0]]
    for block in model.h:
        x, _ = block(x)
        states.append(x[0])
    return states


@dataclass(frozen=True)
class Lens:
    logits: torch.Tensor  # (L + 1, T, V): row 0 the embeddings, row l the output of block l
    final: torch.Tensor  # (T,) the model's own top token at each position (argmax of the last row)
    ranks: torch.Tensor  # (L + 1, T) rank (1 = top) of `final` at each layer
    top_ids: torch.Tensor  # (L + 1, T, k) each layer's k likeliest tokens
    top_probs: torch.Tensor  # (L + 1, T, k) and their probabilities

    @property
    def layers(self) -> int:
        """Rows: the embeddings plus one per block."""
        return self.logits.size(0)


@torch.no_grad()
def logit_lens(model: Any, ids: Sequence[int], k: int = 5) -> Lens:
    """The lens at every layer and position of `ids` (1..block_size tokens)."""
    states = torch.stack(residual_states(model, ids))  # (L + 1, T, C)
    logits = model.lm_head(model.ln_f(states)).float().cpu()  # (L + 1, T, C) x (C, V) -> (L + 1, T, V)
    final = logits[-1].argmax(-1)  # (T,)
    own = logits.gather(2, final[None, :, None].expand(logits.size(0), -1, 1))  # (L + 1, T, 1)
    ranks = (logits > own).sum(-1) + 1  # (L + 1, T)
    probs = logits.softmax(-1)
    top_p, top_i = torch.topk(probs, min(k, probs.size(-1)), dim=-1)  # (L + 1, T, k)
    return Lens(logits, final, ranks, top_i, top_p)
