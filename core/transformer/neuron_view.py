"""bertviz's neuron view, for our GPT: the query and key vectors of one head, their elementwise products, the
scores and the softmax, for one query token.

bertviz 1.4.1's `neuron_view.show` cannot take our GPT: it calls `model(ids)` and reads, per layer, a dict
{"attn", "queries", "keys"} that only its own patched copies of BERT / GPT-2 / RoBERTa / XLNet
(`bertviz.transformers_neuron_view`) return, and it loads d3 and jquery from a CDN. GPT-1 is not among them
(GPT-2 is pre-LN: the vectors would come from a different network). So the same picture is computed here and
drawn with plotly (core.charts.neuron):

    q = x_i W_Q,  k_j = x_j W_K   (one head: hs = C / n_head dimensions; x = the stream entering the layer)
    q ∘ k_j                       elementwise products: their sum is q · k_j
    s_j = q · k_j / √hs,  a = softmax(s) over j ≤ i (the causal mask: later tokens are never looked at)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class NeuronView:
    layer: int  # from 0
    head: int  # from 0
    query: int  # the query position i (from 0)
    q: torch.Tensor  # (hs,)
    k: torch.Tensor  # (i + 1, hs): keys of positions 0..i
    products: torch.Tensor  # (i + 1, hs): q ∘ k_j
    scores: torch.Tensor  # (i + 1,): q · k_j / √hs
    weights: torch.Tensor  # (i + 1,): softmax of the scores


@torch.no_grad()
def neuron_view(model, ids: list[int], layer: int, head: int, query: int) -> NeuronView:
    """The neuron view of `model` (core.gpt.model.GPT) on token ids `ids` (at most block_size)."""
    cfg = model.config
    T = len(ids)
    if not 1 <= T <= cfg.block_size:
        raise ValueError(f"need 1..{cfg.block_size} tokens, got {T}")
    if not (0 <= layer < cfg.n_layer and 0 <= head < cfg.n_head and 0 <= query < T):
        raise ValueError(f"layer, head, query out of range: {layer}, {head}, {query}")
    was = model.training
    model.eval()
    try:
        idx = torch.tensor([ids], device=model.wte.weight.device)
        x = model.wte(idx) + model.wpe(model.pos[:T])  # (1, T, C)
        for block in model.h[:layer]:
            x, _ = block(x)
        b = model.h[layer]
        h_in = b.ln_1(x) if cfg.pre_ln else x  # what the attention reads
        C, hs = cfg.n_embd, cfg.n_embd // cfg.n_head
        q, k, _ = b.attn.c_attn(h_in).split(C, dim=2)  # 3 x (1, T, C)
        q = q[0, query, head * hs:(head + 1) * hs].float().cpu()  # (hs,)
        k = k[0, :query + 1, head * hs:(head + 1) * hs].float().cpu()  # (i + 1, hs)
    finally:
        model.train(was)
    products = k * q  # (i + 1, hs) elementwise
    scores = products.sum(dim=1) / math.sqrt(hs)  # (i + 1,)
    return NeuronView(layer, head, query, q, k, products, scores, scores.softmax(dim=0))
