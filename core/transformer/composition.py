"""Two kinds of composition in a Transformer, measured on real attention weights.

The notes: multi-head attention learns several relations *at once* ("dependency + predicate–object"),
"a composition of a different kind from the compositionality that comes from the number of layers".

    across heads (width)   in one layer, heads look at different keys for the same query: counted as
                           the share of queries whose heads do not all pick the same strongest key
    through layers (depth) a later layer reads positions that already mixed earlier positions in; the
                           attention rollout (Abnar & Zuidema 2020) follows that chain:
                               Â_l = ½(mean over heads of A_l) + ½I    (the residual path)
                               R_l = Â_l · R_{l-1}                     rows still sum to 1
                           and its mean reach (tokens back) grows with depth, beyond any single layer's

>>> import torch
>>> shift = torch.eye(4).roll(-1, dims=1).tril() + torch.diag(torch.tensor([1., 0, 0, 0]))  # each attends 1 back
>>> shift = torch.stack([shift, shift])[:, None]  # (L=2, H=1, T=4, T=4)
>>> c = composition(shift)
>>> [round(x, 2) for x in c.single_reach], [round(x, 2) for x in c.rollout_reach]
([0.75, 0.75], [0.38, 0.69])
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Composition:
    disagree: list[float]  # [layer] share of queries (with ≥ 2 keys to choose from) whose heads' top keys differ
    distinct_tops: list[float]  # [layer] mean number of different top keys among the heads, per query
    single_reach: list[float]  # [layer] mean |i − j| under that layer's head-averaged attention alone
    rollout_reach: list[float]  # [layer] mean |i − j| under the rollout R_l of layers 1..l
    n_head: int


def mean_reach(a: torch.Tensor) -> float:
    """Mean over queries i of Σ_j a[i, j]·|i − j| for one (T, T) weight matrix."""
    T = a.shape[-1]
    idx = torch.arange(T)
    dist = (idx[:, None] - idx[None, :]).abs().to(a.dtype)  # (T, T)
    return float((a * dist).sum(-1).mean())


def rollout(attn: torch.Tensor) -> list[torch.Tensor]:
    """attn (L, H, T, T) -> [R_1 .. R_L], each (T, T): how much each position draws from each input token."""
    L, _, T, _ = attn.shape
    eye = torch.eye(T, dtype=attn.dtype)
    r = eye
    out = []
    for layer in range(L):
        a = 0.5 * attn[layer].mean(0) + 0.5 * eye  # (T, T): heads averaged, plus the residual connection
        a = a / a.sum(-1, keepdim=True)
        r = a @ r  # (T, T) x (T, T) -> (T, T)
        out.append(r)
    return out


def composition(attn: torch.Tensor) -> Composition:
    """attn (L, H, T, T) of one sequence (rows sum to 1; causal or not)."""
    if attn.dim() != 4 or attn.shape[-1] != attn.shape[-2]:
        raise ValueError(f"attn must be (layers, heads, T, T), got {tuple(attn.shape)}")
    attn = attn.float()
    L, H, T, _ = attn.shape
    causal = bool((attn.triu(1) == 0).all())  # nothing above the diagonal: query i may pick keys 0..i only
    rows = list(range(1, T)) if causal else (list(range(T)) if T > 1 else [])  # queries with >= 2 keys to pick
    disagree, distinct, single = [], [], []
    for layer in range(L):
        tops = attn[layer].argmax(-1)  # (H, T)
        n_diff = [len(set(tops[:, i].tolist())) for i in rows]
        disagree.append(sum(d > 1 for d in n_diff) / len(rows) if rows else 0.0)
        distinct.append(sum(n_diff) / len(rows) if rows else 1.0)
        single.append(mean_reach(attn[layer].mean(0)))
    return Composition(disagree, distinct, single, [mean_reach(r) for r in rollout(attn)], H)
