"""A sentence -> the rows X that attention reads: tokens, seeded embeddings, positions, projections.

The step-by-step attention page needs inputs with the statistics the √d_k argument assumes (unit
variance per dimension) and that a student can reproduce: the same token string always gets the same
embedding, the projections are seeded, and a trained GPT's own embeddings can stand in for the
random ones (`model_inputs`).

>>> split_tokens("the cat sat", "whitespace")
(['the', 'cat', 'sat'], 3)
>>> random_inputs(["the", "cat", "the"], d_model=8).shape
torch.Size([3, 8])
"""
from __future__ import annotations

import hashlib
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.japanese import has_japanese
from core.transformer.attention import AttentionSteps, attention_steps
from core.transformer.positional import sinusoidal_pe


# --- seeded embeddings and projections -----------------------------------------------------------

def sinusoidal_positions(n: int, d_model: int) -> torch.Tensor:
    """(n, d_model) float32: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same)
    (core.transformer.positional)."""
    return sinusoidal_pe(n, d_model, dtype=torch.float32)


def _seed_of(token: str, seed: int) -> int:
    return int.from_bytes(hashlib.sha1(f"{seed}\x00{token}".encode("utf-8")).digest()[:8], "little") & (2**63 - 1)


def token_embeddings(tokens: list[str], d_model: int, seed: int = 0) -> torch.Tensor:
    """(T, d_model) random-but-seeded embeddings: the same token string always gets the same vector,
    so a repeated word attends like itself. Variance 1 per dimension."""
    rows = []
    for tok in tokens:
        g = torch.Generator().manual_seed(_seed_of(tok, seed))
        rows.append(torch.randn(d_model, generator=g))
    return torch.stack(rows) if rows else torch.zeros(0, d_model)


def projections(d_model: int, d_k: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """W_q, W_k, W_v (d_model, d_k), N(0, 1/d_model) so that q, k entries have variance ≈ 1."""
    g = torch.Generator().manual_seed(seed + 1)
    std = 1.0 / math.sqrt(d_model)
    return tuple(torch.randn(d_model, d_k, generator=g) * std for _ in range(3))  # type: ignore[return-value]


# --- a typed sentence -> tokens -----------------------------------------------------------------

SPLITS = ("auto", "whitespace", "mecab", "chars")


def split_tokens(text: str, method: str = "auto", max_tokens: int | None = None) -> tuple[list[str], int]:
    """(tokens, how many there were before cutting to max_tokens).

    "whitespace" splits on spaces (English words), "mecab" into morphemes (Japanese), "chars" into
    characters (spaces dropped); "auto" picks MeCab when the text has Japanese, else whitespace.

    >>> split_tokens("the cat sat", "whitespace")
    (['the', 'cat', 'sat'], 3)
    >>> split_tokens("a b c d", "chars", max_tokens=2)
    (['a', 'b'], 4)
    """
    if method not in SPLITS:
        raise ValueError(f"method must be one of {SPLITS}")
    if method == "auto":
        method = "mecab" if has_japanese(text) else "whitespace"
    if method == "whitespace":
        tokens = text.split()
    elif method == "mecab":
        from core.tokenizers.mecab import split

        tokens = [t for t in split(text) if t.strip()]
    else:
        tokens = [ch for ch in text if not ch.isspace()]
    n = len(tokens)
    return (tokens[:max_tokens] if max_tokens is not None else tokens), n


# --- the step-by-step page's inputs -------------------------------------------------------------

STEP_D_MODEL = 64  # width of the random embeddings on the step-by-step page
STEP_MAX_TOKENS = 24  # more rows than this do not fit a projector's heatmap


def random_inputs(tokens: list[str], d_model: int = STEP_D_MODEL, seed: int = 0) -> torch.Tensor:
    """X (T, d_model) = LayerNorm(seeded token embedding + sinusoidal position): unit variance per row, so
    q·k has variance ≈ d_k, as the √d_k argument assumes."""
    x = token_embeddings(tokens, d_model, seed) + sinusoidal_positions(len(tokens), d_model)
    return F.layer_norm(x, x.shape[-1:]) if len(tokens) else x


def model_inputs(model: nn.Module, tokenizer, text: str,
                 max_tokens: int = STEP_MAX_TOKENS) -> tuple[list[str], int, torch.Tensor]:
    """(tokens, total tokens, X) from a GPT's own token + position embeddings (`wte`, `wpe`).

    X (T, n_embd) = LayerNorm(W_e[ids] + W_p[0..T-1]): GPT-1's h_0, normalized to unit scale (trained
    embeddings are ~0.02 wide; unnormalized, random projections of them would give all-equal weights).
    """
    ids = tokenizer.encode(text)
    block = int(getattr(getattr(model, "config", None), "block_size", max_tokens))
    ids_in = ids[: min(max_tokens, block)]
    if not ids_in:
        return [], 0, torch.zeros(0, 1)
    with torch.no_grad():
        dev = model.wte.weight.device
        idx = torch.tensor(ids_in, dtype=torch.long, device=dev)
        x = (model.wte(idx) + model.wpe(torch.arange(len(ids_in), device=dev))).float().cpu()  # (T, n_embd)
        x = F.layer_norm(x, x.shape[-1:])
    return [tokenizer.id_to_piece(i) for i in ids_in], len(ids), x


def sentence_steps(x: torch.Tensor, d_k: int, scale: bool, causal: bool, seed: int = 0) -> AttentionSteps:
    """One random-projection head (W_Q, W_K, W_V seeded) over the rows of X, every step kept."""
    w_q, w_k, w_v = projections(x.shape[1], d_k, seed)
    return attention_steps(x, w_q, w_k, w_v, scale=scale, causal=causal)
