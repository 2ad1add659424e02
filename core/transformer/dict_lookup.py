"""Attention as a soft dict lookup, with the notes' two other dicts computed on a trained GPT.

The notes explain q·K as a function from a query to a dict {key: score}. Besides self-attention
(query and keys from one sentence), they sketch two more dicts:

    many texts     q = "position 14 + リンゴ";  keys = "position p + token" drawn from many texts
    prefixes       q = "position 6 + で";       keys = whole sentence prefixes (今日,は,雨,が,東京 / …),
                   each summarised by the vector at its last position after the earlier layers

Both are computed here with the shipped GPT's own W_Q and W_K (one head, as attention does it):
score = q·k / √d_k, weight = softmax over the dict's keys. In a post-LN GPT (GPT-1) the first block
reads W_e[token] + W_p[position] directly, so a layer-1 key really is "token + position".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Entry:
    key: str  # what the key stands for: "p14 + リンゴ", or the prefix text
    score: float  # q·k / √d_k
    weight: float  # softmax of the scores over all keys of the dict


@torch.no_grad()
def block_inputs(model, ids: list[int]) -> list[torch.Tensor]:
    """The vectors entering each block for one sequence: [L] of (T, C) (index 0 = W_e + W_p)."""
    idx = torch.tensor([ids], dtype=torch.long, device=model.wte.weight.device)  # (1, T)
    x = model.wte(idx) + model.wpe(model.pos[: idx.shape[1]])  # (1, T, C)
    out = [x[0]]
    for block in model.h[:-1]:
        x, _ = block(x)
        out.append(x[0])
    return out


def _q_k(model, layer: int, head: int, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Head `head` of block `layer`: rows of x (N, C) -> queries (N, d_k), keys (N, d_k)."""
    attn = model.h[layer].attn
    C = x.shape[-1]
    hs = C // attn.n_head
    q, k, _ = attn.c_attn(x).split(C, dim=-1)  # 3 x (N, C)
    return q[:, head * hs:(head + 1) * hs], k[:, head * hs:(head + 1) * hs]


def _entries(labels: list[str], q: torch.Tensor, keys: torch.Tensor) -> list[Entry]:
    """q (d_k,), keys (N, d_k) -> entries sorted by weight (highest first)."""
    scores = keys @ q / math.sqrt(q.shape[-1])  # (N, d_k) x (d_k,) -> (N,)
    weights = scores.softmax(-1)
    order = weights.argsort(descending=True).tolist()
    return [Entry(labels[i], float(scores[i]), float(weights[i])) for i in order]


def _last_piece(tokenizer, text: str) -> int:
    ids = tokenizer.encode(text)
    if not ids:
        raise ValueError(f"the tokenizer gives no token for {text!r}")
    return ids[-1]


@torch.no_grad()
def many_texts(model, tokenizer, query: str, query_pos: int, texts: list[str], head: int = 0,
               max_per_text: int = 32) -> list[Entry]:
    """Layer-1 dict: query = (`query`'s last piece at `query_pos`), keys = every (position, token) of `texts`.

    Returns one entry per distinct key ("p{pos} + token", positions counted from 1), highest weight first.
    """
    block = model.config.block_size
    if not 0 <= query_pos < block:
        raise ValueError(f"query_pos must be in 0..{block - 1}")
    dev = model.wte.weight.device
    qid = _last_piece(tokenizer, query)
    xq = model.wte.weight[qid] + model.wpe.weight[query_pos]  # (C,)
    rows, labels = [], []
    for text in texts:
        ids = tokenizer.encode(text)[: min(max_per_text, block)]
        for pos, i in enumerate(ids):
            if (i, pos) not in rows:  # the same token at the same position is the same key: keep one
                rows.append((i, pos))
                labels.append(f"p{pos + 1} + {tokenizer.id_to_piece(i)}")
    if not rows:
        raise ValueError("no keys: the texts gave no tokens")
    tok = torch.tensor([i for i, _ in rows], device=dev)
    pos = torch.tensor([p for _, p in rows], device=dev)
    xk = model.wte(tok) + model.wpe(pos)  # (N, C): token + position, what block 1 reads
    q, _ = _q_k(model, 0, head, xq[None])
    _, k = _q_k(model, 0, head, xk)
    return _entries(labels, q[0], k)


@torch.no_grad()
def prefix_keys(model, tokenizer, query_text: str, prefixes: list[str], head: int = 0,
                layer: int | None = None) -> list[Entry]:
    """Dict over sentence prefixes: key_i = the vector at the last position of prefixes[i] entering block
    `layer` (default: the last), query = the vector at the last position of `query_text` entering the same
    block. The earlier blocks have already mixed each prefix into its last position: a key is a prefix."""
    layer = model.config.n_layer - 1 if layer is None else layer
    block = model.config.block_size

    def last_vector(text: str) -> torch.Tensor:
        ids = tokenizer.encode(text)[-block:]
        if not ids:
            raise ValueError(f"the tokenizer gives no token for {text!r}")
        return block_inputs(model, ids)[layer][-1]  # (C,)

    xk = torch.stack([last_vector(p) for p in prefixes])  # (N, C)
    q, _ = _q_k(model, layer, head, last_vector(query_text)[None])
    _, k = _q_k(model, layer, head, xk)
    return _entries(list(prefixes), q[0], k)
