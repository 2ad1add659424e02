"""What the attention pages measure and draw, beyond attention itself.

- `scaling_study`: why softmax(q kᵀ / √d_k): logit variance, entropy, saturation and the gradient
  through softmax, with and without the scaling, for several d_k;
- `head_stats`: per-head statistics (entropy, weight on the previous / first / own / last token) that
  reveal what kind of head a trained model grew;
- `concat_demo`: a small random multi-head attention with the concat + W_O step kept, to draw;
- `step_numbers`, `study_at`: the few numbers the step-by-step page prints under its figures.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from core.transformer.attention import AttentionSteps, MultiHeadAttention
from core.transformer.inputs import random_inputs


# --- why scale by √d_k: a measurement -----------------------------------------------------------

@dataclass
class ScalingPoint:
    d_k: int
    scaled: bool
    logit_var: float  # variance of the logits fed to softmax
    entropy: float  # mean softmax entropy, bits (log2 T = uniform)
    max_weight: float  # mean largest weight in a row (1 = one-hot, saturated)
    grad_norm: float  # mean ‖∂L/∂logits‖ through softmax for a random upstream gradient: what learning sees


STUDY_D_KS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)  # one dimension to past GPT-1's d_model (768)
STUDY_KEYS = 16  # one query against 16 keys: a short sentence's worth of softmax
STUDY_SAMPLES = 256  # draws per point: the means hold to about two digits, in a fraction of a second


def scaling_study(d_ks: list[int], n_keys: int = STUDY_KEYS, n_samples: int = STUDY_SAMPLES,
                  seed: int = 0) -> list[ScalingPoint]:
    """For each d_k: q, k ~ N(0, 1), one query against n_keys keys, n_samples draws, unscaled and scaled.

    q·k is a sum of d_k products of unit variance, so its variance is d_k; dividing by √d_k brings it
    back to 1. Unscaled, large logits make softmax nearly one-hot, its Jacobian diag(p) − ppᵀ nearly
    zero, and the gradient that flows back through softmax (to q and k) vanishes.

    The keys are not drawn one by one: given q, each q·k_j is a sum of d_k independent normals with
    variances q_i², so q·k_j ~ N(0, ‖q‖²), independently for each key. Drawing q, then one standard
    normal per key scaled by ‖q‖, gives exactly the same distribution of logits from n_keys·d_k times
    fewer random numbers (the page redraws all of them for every new seed).
    """
    out: list[ScalingPoint] = []
    for d_k in d_ks:
        g = torch.Generator().manual_seed(seed * 100_003 + int(d_k))
        q = torch.randn(n_samples, 1, d_k, generator=g)
        z = torch.randn(n_samples, 1, n_keys, generator=g)  # one N(0, 1) per key
        upstream = torch.randn(n_samples, 1, n_keys, generator=g)  # ∂L/∂p from the layers above
        raw = q.norm(dim=-1, keepdim=True) * z  # (S, 1, 1) * (S, 1, n_keys): q kᵀ in distribution
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


def most_focused_head(stats: list[HeadStats]) -> tuple[int, int]:
    """(layer, head), 0-based, of the head whose rows are most focused: the lowest mean normalized entropy.

    A view opens on it rather than on head 0, which in a trained model is often nearly uniform. Normalized
    entropy (1 = spread evenly over the keys a row may see) compares causal and bidirectional heads fairly;
    ties go to the earliest head.

    >>> s = [HeadStats(0, 0, 3.0, 0.95, 0, 0, 0, 0, "broad"), HeadStats(0, 1, 0.2, 0.1, .9, 0, 0, 0, "previous")]
    >>> most_focused_head(s)
    (0, 1)
    """
    if not stats:
        raise ValueError("most_focused_head needs the statistics of at least one head (head_stats(attn))")
    best = min(stats, key=lambda s: (s.entropy_norm, s.layer, s.head))
    return best.layer, best.head


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


# --- numbers printed under the step-by-step figures ------------------------------------------------

@dataclass
class StepNumbers:
    scores_var: float  # variance of q·k over all cells: ≈ d_k for unit-variance q and k
    scaled_var: float  # the same after scaling: ≈ 1 with ÷√d_k
    sqrt_dk: float  # the divisor √d_k
    mean_max_weight: float  # mean largest softmax weight of a row: 1 = every row one-hot
    attended: int  # keys with a non-zero weight for a query, beyond the strongest (the soft part of the lookup)


def step_numbers(s: AttentionSteps, query: int = 0) -> StepNumbers:
    """The statistics the page quotes about `s` (population variances, as the √d_k argument uses)."""
    return StepNumbers(float(s.scores.var(correction=0)), float(s.scaled.var(correction=0)),
                       math.sqrt(s.q.shape[-1]), float(s.weights.max(-1).values.mean()),
                       int((s.weights[query] > 0).sum()) - 1)


def study_at(points: list[ScalingPoint], d_k: int) -> tuple[ScalingPoint, ScalingPoint] | None:
    """(unscaled, scaled) measurements at `d_k`, or None when the study did not measure that d_k.

    >>> pts = scaling_study([4, 16], n_samples=8)
    >>> [p.scaled for p in study_at(pts, 16)], study_at(pts, 8)
    ([False, True], None)
    """
    at = {(p.d_k, p.scaled): p for p in points}
    return (at[(d_k, False)], at[(d_k, True)]) if (d_k, True) in at else None
