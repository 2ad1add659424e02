"""Scaled dot-product attention and multi-head attention, with every intermediate kept for drawing.

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + mask) V

The query/key product measures how close each query is to each key; softmax turns the closeness into
a distribution ("how strongly to read"); that distribution reads a weighted mix of the values. It is a
*soft* dictionary lookup: a Python dict returns the value of the one key equal to the query, attention
returns a blend of all values, weighted by how well each key matches. Dividing by √d_k keeps the
logits' variance at 1 whatever d_k is, so softmax does not saturate and its gradient does not vanish
(`attention_study.scaling_study` measures it).

Names follow the paper (d_model, d_k, h). Masks are boolean with True = "may attend", as in
`torch.nn.functional.scaled_dot_product_attention`; padding masks are True = "padding", as in
`torch.nn.MultiheadAttention(key_padding_mask=...)`.

Neighbours: `inputs` turns a sentence into the rows X this module attends over; `attention_study`
holds the measurements the pages draw (the √d_k study, head statistics, the concat + W_O demo).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn as nn

NEG_INF = float("-inf")


# --- masks --------------------------------------------------------------------------------------

def causal_mask(t_q: int, t_k: int | None = None, device: torch.device | None = None) -> torch.Tensor:
    """(T_q, T_k) bool, True on and below the diagonal: position i may attend to positions ≤ i.

    >>> causal_mask(3).int().tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    t_k = t_q if t_k is None else t_k
    return torch.ones(t_q, t_k, dtype=torch.bool, device=device).tril()


def combine_masks(
    t_q: int,
    t_k: int,
    attn_mask: torch.Tensor | None = None,
    causal: bool = False,
    key_padding_mask: torch.Tensor | None = None,
    device: torch.device | None = None,
) -> torch.Tensor | None:
    """One boolean "may attend" mask broadcastable to (..., T_q, T_k), or None when nothing is masked.

    attn_mask: bool (…, T_q, T_k), True = may attend.  key_padding_mask: bool (B, T_k), True = padding.
    """
    mask = None
    if attn_mask is not None:
        if attn_mask.dtype != torch.bool:
            raise ValueError("attn_mask must be boolean (True = may attend); add float biases to the scores instead")
        mask = attn_mask
    if causal:
        c = causal_mask(t_q, t_k, device)
        mask = c if mask is None else mask & c
    if key_padding_mask is not None:
        keep = ~key_padding_mask.bool()  # (B, T_k)
        keep = keep[:, None, None, :]  # (B, 1, 1, T_k): broadcast over heads and queries
        mask = keep if mask is None else mask & keep
    return mask


# --- scaled dot-product attention ---------------------------------------------------------------

def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    causal: bool = False,
    key_padding_mask: torch.Tensor | None = None,
    scale: bool | float = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(q kᵀ · s + mask) v, returning (output, weights).

    q: (..., T_q, d_k), k: (..., T_k, d_k), v: (..., T_k, d_v) -> output (..., T_q, d_v),
    weights (..., T_q, T_k). `scale`: True -> s = 1/√d_k, False -> s = 1, a float -> s = that float.
    A query row with every key masked gets all-zero weights (not NaN).
    """
    d_k = q.shape[-1]
    s = (1.0 / math.sqrt(d_k)) if scale is True else (1.0 if scale is False else float(scale))
    scores = (q @ k.transpose(-2, -1)) * s  # (..., T_q, d_k) x (..., d_k, T_k) -> (..., T_q, T_k)
    mask = combine_masks(q.shape[-2], k.shape[-2], attn_mask, causal, key_padding_mask, q.device)
    if mask is not None:
        scores = scores.masked_fill(~mask, NEG_INF)
    weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)  # a fully masked row: 0, not NaN
    return weights @ v, weights  # (..., T_q, T_k) x (..., T_k, d_v) -> (..., T_q, d_v)


@dataclass
class AttentionSteps:
    """Every intermediate of one attention head, for the step-by-step page (all (T, ·) tensors)."""

    x: torch.Tensor  # (T, d_model) token embedding + position
    q: torch.Tensor  # (T, d_k) = x W_q
    k: torch.Tensor  # (T, d_k) = x W_k
    v: torch.Tensor  # (T, d_k) = x W_v
    scores: torch.Tensor  # (T, T) = q kᵀ
    scaled: torch.Tensor  # (T, T) = q kᵀ / √d_k (or q kᵀ when scaling is off)
    masked: torch.Tensor  # (T, T) scaled with -inf where the mask forbids
    weights: torch.Tensor  # (T, T) softmax(masked), rows sum to 1
    output: torch.Tensor  # (T, d_k) = weights v
    scale: float  # the factor applied (1/√d_k or 1)


def attention_steps(x: torch.Tensor, w_q: torch.Tensor, w_k: torch.Tensor, w_v: torch.Tensor,
                    scale: bool = True, causal: bool = False) -> AttentionSteps:
    """One head on x (T, d_model) with projections (d_model, d_k), keeping each step."""
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (T, d_model) x (d_model, d_k) -> (T, d_k)
    d_k = q.shape[-1]
    s = 1.0 / math.sqrt(d_k) if scale else 1.0
    scores = q @ k.T  # (T, d_k) x (d_k, T) -> (T, T)
    scaled = scores * s
    masked = scaled.masked_fill(~causal_mask(len(x), device=x.device), NEG_INF) if causal else scaled
    weights = torch.softmax(masked, dim=-1)
    return AttentionSteps(x, q, k, v, scores, scaled, masked, weights, weights @ v, s)


def lookup_table(steps: AttentionSteps, tokens: list[str], query: int) -> list[dict]:
    """The soft dictionary lookup of one query: keys ranked by weight (a dict returns only the top one).

    Each row: rank, position, token, score (q·k, scaled), weight.
    """
    w = steps.weights[query]
    order = torch.argsort(w, descending=True, stable=True).tolist()
    return [
        {"rank": r + 1, "pos": j, "token": tokens[j], "score": float(steps.masked[query, j]), "weight": float(w[j])}
        for r, j in enumerate(order)
    ]


# --- multi-head attention -----------------------------------------------------------------------

class MultiHeadAttention(nn.Module):
    """h heads of scaled dot-product attention on d_model / h dimensions each, concatenated, then W_O.

        head_i = Attention(X W_q^i, X W_k^i, X W_v^i);  MultiHead(X) = Concat(head_1..head_h) W_O

    Projecting to d_k = d_model / h before attending keeps the cost of h heads about that of one
    full-width head. forward() returns (output, weights (B, h, T, T)) and keeps `last_heads`
    (B, h, T, d_k) and `last_concat` (B, T, d_model) so the concat + W_O step can be drawn.
    """

    def __init__(self, d_model: int, h: int, bias: bool = True):
        super().__init__()
        if d_model % h:
            raise ValueError(f"d_model={d_model} is not divisible by h={h}: choose h that divides d_model")
        self.d_model, self.h, self.d_k = d_model, h, d_model // h
        self.w_q = nn.Linear(d_model, d_model, bias=bias)
        self.w_k = nn.Linear(d_model, d_model, bias=bias)
        self.w_v = nn.Linear(d_model, d_model, bias=bias)
        self.w_o = nn.Linear(d_model, d_model, bias=bias)
        self.last_heads: torch.Tensor | None = None
        self.last_concat: torch.Tensor | None = None

    def _split(self, t: torch.Tensor) -> torch.Tensor:
        b, n, _ = t.shape
        return t.view(b, n, self.h, self.d_k).transpose(1, 2)  # (B, T, d_model) -> (B, h, T, d_k)

    def forward(self, x: torch.Tensor, causal: bool = False, key_padding_mask: torch.Tensor | None = None,
                attn_mask: torch.Tensor | None = None, memory: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, T, d_model) -> output (B, T, d_model), weights (B, h, T, S).

        Self-attention by default (S = T). With `memory` (B, S, d_model) it is cross-attention, as in the
        decoder of an encoder-decoder: queries come from x, keys and values from memory.
        """
        b, n, _ = x.shape
        src = x if memory is None else memory
        q, k, v = self._split(self.w_q(x)), self._split(self.w_k(src)), self._split(self.w_v(src))
        heads, weights = scaled_dot_product_attention(q, k, v, attn_mask, causal, key_padding_mask)
        concat = heads.transpose(1, 2).reshape(b, n, self.d_model)  # (B, h, T, d_k) -> (B, T, d_model)
        self.last_heads, self.last_concat = heads.detach(), concat.detach()
        return self.w_o(concat), weights
