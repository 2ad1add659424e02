"""Scaled dot-product attention and multi-head attention, with every intermediate kept for drawing.

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + mask) V

The query/key product measures how close each query is to each key; softmax turns the closeness into
a distribution ("how strongly to read"); that distribution reads a weighted mix of the values. It is a
*soft* dictionary lookup: a Python dict returns the value of the one key equal to the query, attention
returns a blend of all values, weighted by how well each key matches. Dividing by √d_k keeps the
logits' variance at 1 whatever d_k is, so softmax does not saturate and its gradient does not vanish
(`scaling_study` measures it).

Names follow the paper (d_model, d_k, h). Masks are boolean with True = "may attend", as in
`torch.nn.functional.scaled_dot_product_attention`; padding masks are True = "padding", as in
`torch.nn.MultiheadAttention(key_padding_mask=...)`.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

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


# --- inputs for the step-by-step page -----------------------------------------------------------

def sinusoidal_positions(n: int, d_model: int) -> torch.Tensor:
    """(n, d_model) float32: PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same) (core.transformer.positional)."""
    from core.transformer.positional import sinusoidal_pe

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


# --- why scale by √d_k: a measurement -----------------------------------------------------------

@dataclass
class ScalingPoint:
    d_k: int
    scaled: bool
    logit_var: float  # variance of the logits fed to softmax
    entropy: float  # mean softmax entropy, bits (log2 T = uniform)
    max_weight: float  # mean largest weight in a row (1 = one-hot, saturated)
    grad_norm: float  # mean ‖∂L/∂logits‖ through softmax for a random upstream gradient: what learning sees


def scaling_study(d_ks: list[int], n_keys: int = 16, n_samples: int = 256, seed: int = 0) -> list[ScalingPoint]:
    """For each d_k: q, k ~ N(0, 1), one query against n_keys keys, n_samples draws, unscaled and scaled.

    q·k is a sum of d_k products of unit variance, so its variance is d_k; dividing by √d_k brings it
    back to 1. Unscaled, large logits make softmax nearly one-hot, its Jacobian diag(p) − ppᵀ nearly
    zero, and the gradient that flows back through softmax (to q and k) vanishes.
    """
    out: list[ScalingPoint] = []
    for d_k in d_ks:
        g = torch.Generator().manual_seed(seed * 100_003 + int(d_k))
        q = torch.randn(n_samples, 1, d_k, generator=g)
        k = torch.randn(n_samples, n_keys, d_k, generator=g)
        upstream = torch.randn(n_samples, 1, n_keys, generator=g)  # ∂L/∂p from the layers above
        raw = q @ k.transpose(-2, -1)  # (S, 1, d_k) x (S, d_k, n_keys) -> (S, 1, n_keys)
        for scaled in (False, True):
            logits = (raw * (1 / math.sqrt(d_k) if scaled else 1.0)).requires_grad_(True)
            p = torch.softmax(logits, dim=-1)
            (p * upstream).sum().backward()  # ∂L/∂logits = (diag(p) − ppᵀ) · upstream
            p = p.detach()
            ent = -(p * torch.log2(p.clamp_min(1e-30))).sum(-1)
            out.append(ScalingPoint(
                int(d_k), scaled, float(logits.detach().var()), float(ent.mean()),
                float(p.max(-1).values.mean()), float(logits.grad.norm(dim=-1).mean()),
            ))
    return out


# --- per-head statistics (head types) -----------------------------------------------------------

@dataclass
class HeadStats:
    layer: int
    head: int
    entropy: float  # mean row entropy in bits
    entropy_norm: float  # entropy / log2(#keys a row may see): 1 = spread evenly
    prev: float  # mean weight on the previous token (rows 1..T-1)
    first: float  # mean weight on the first token (rows 1..T-1)
    self_: float  # mean weight on the token itself
    last: float  # mean weight on the last token (rows 0..T-2): [SEP] in BERT-like models
    kind: str  # "previous" | "first" | "self" | "last" | "broad" | "mixed"


HEAD_KINDS = ("previous", "first", "self", "last", "broad", "mixed")


def head_stats(attn: torch.Tensor, threshold: float = 0.5) -> list[HeadStats]:
    """Statistics of every head of attn (layers, heads, T, T) that reveal what kind of head it is.

    A head is "previous"/"first"/"self"/"last" when more than `threshold` of its weight goes there
    on average; "broad" when its normalized entropy is above 0.8; otherwise "mixed".
    """
    a = attn.detach().float().cpu()
    n_layers, n_heads, t, _ = a.shape
    ent = -(a * torch.log2(a.clamp_min(1e-30))).sum(-1)  # (L, H, T)
    allowed = (a > 0).sum(-1).clamp_min(1).float()  # keys a row actually sees (causal rows see fewer)
    ent_norm = torch.where(allowed > 1, ent / torch.log2(allowed), torch.zeros_like(ent))
    idx = torch.arange(t)
    diag = a[..., idx, idx].mean(-1)  # (L, H)
    if t > 1:
        prev = a[..., idx[1:], idx[:-1]].mean(-1)
        first = a[..., 1:, 0].mean(-1)
        last = a[..., :-1, t - 1].mean(-1)
    else:
        prev = first = last = torch.zeros(n_layers, n_heads)
    out = []
    for li in range(n_layers):
        for hi in range(n_heads):
            vals = {"previous": float(prev[li, hi]), "first": float(first[li, hi]),
                    "self": float(diag[li, hi]), "last": float(last[li, hi])}
            best = max(vals, key=vals.get)
            en = float(ent_norm[li, hi].mean())
            kind = best if vals[best] > threshold and t > 1 else ("broad" if en > 0.8 else "mixed")
            out.append(HeadStats(li, hi, float(ent[li, hi].mean()), en, vals["previous"], vals["first"],
                                 vals["self"], vals["last"], kind))
    return out


# --- a typed sentence -> tokens -----------------------------------------------------------------

SPLITS = ("auto", "whitespace", "mecab", "chars")


def has_japanese(text: str) -> bool:
    """True when text has hiragana, katakana or CJK ideographs (then MeCab splits better than spaces)."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


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


def model_inputs(model: nn.Module, tokenizer, text: str, max_tokens: int = STEP_MAX_TOKENS) -> tuple[list[str], int, torch.Tensor]:
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


@dataclass
class ConcatDemo:
    heads: torch.Tensor  # (h, T, d_k) each head's output
    concat: torch.Tensor  # (T, d_model) the heads side by side
    w_o: torch.Tensor  # (d_model, d_model) as applied: output = concat @ w_o (+ bias)
    output: torch.Tensor  # (T, d_model)
    weights: torch.Tensor  # (h, T, T)


def concat_demo(tokens: list[str], d_model: int = 32, h: int = 4, seed: int = 0) -> ConcatDemo:
    """A small random MultiHeadAttention on the tokens' seeded inputs, with the concat + W_O step kept."""
    x = random_inputs(tokens, d_model, seed)[None]  # (1, T, d_model)
    torch.manual_seed(seed)
    mha = MultiHeadAttention(d_model, h).eval()
    with torch.no_grad():
        out, w = mha(x)
    assert mha.last_heads is not None and mha.last_concat is not None
    return ConcatDemo(mha.last_heads[0], mha.last_concat[0], mha.w_o.weight.detach().T, out[0], w[0])
