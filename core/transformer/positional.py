"""Sinusoidal positional encoding (Vaswani et al., 2017) and the rotation that shifts it.

    PE[pos, 2i]   = sin(pos · ω_i)
    PE[pos, 2i+1] = cos(pos · ω_i),      ω_i = 1 / 10000^(2i / d_model)

The paper's reason for this choice: for every offset k there is a fixed linear map M_k with
PE(pos + k) = M_k · PE(pos) for *every* pos. M_k is block-diagonal; block i rotates the pair
(sin, cos) of frequency ω_i by the angle k·ω_i:

    [sin((p+k)ω)]   [ cos kω   sin kω] [sin pω]
    [cos((p+k)ω)] = [−sin kω   cos kω] [cos pω]

(The course notes write this as PE(pos, i+k) = a·PE(pos, i) + b — a relation between *dimensions*.
That is not what holds: the map is linear in *position*, and it mixes the sin and cos of one frequency.)

>>> pe = sinusoidal_pe(length=3, d_model=4)
>>> pe.shape
torch.Size([3, 4])
>>> [round(v, 4) for v in pe[1].tolist()]  # sin 1, cos 1, sin 0.01, cos 0.01
[0.8415, 0.5403, 0.01, 1.0]
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.errors import UserInputError

BASE = 10000.0
# Bounds on what a user may ask for: a (length × d_model) heatmap and a (length × length) similarity
# matrix are drawn in the browser; beyond these sizes they only get slower, not clearer.
MAX_D_MODEL = 512
MAX_LENGTH = 512
MAX_OFFSET = 512


@dataclass(frozen=True)
class PEConfig:
    """What the user chose: model width, number of positions and the offset k."""

    d_model: int = 64  # wide enough to show slow and fast sinusoids side by side, small enough to read
    length: int = 100  # longer than any sentence a student types, short enough for a crisp heatmap
    k: int = 1  # the offset to the next position: the rotation a student checks first

    def check(self) -> "PEConfig":
        """Raise UserInputError with a message that says the fix; return self when usable."""
        d, n, k = int(self.d_model), int(self.length), int(self.k)
        if d < 2 or d > MAX_D_MODEL:
            raise UserInputError(
                f"d_model must be between 2 and {MAX_D_MODEL} (got {d}).",
                f"d_model は 2 〜 {MAX_D_MODEL} にしてください（入力：{d}）。",
            )
        if d % 2:
            raise UserInputError(
                f"d_model must be even (got {d}): the dimensions come in (sin, cos) pairs, one pair per frequency.",
                f"d_model は偶数にしてください（入力：{d}）。次元は周波数ごとに (sin, cos) の組になっています。",
            )
        if n < 1 or n > MAX_LENGTH:
            raise UserInputError(
                f"The length must be between 1 and {MAX_LENGTH} positions (got {n}).",
                f"長さ（位置の数）は 1 〜 {MAX_LENGTH} にしてください（入力：{n}）。",
            )
        if k < 0 or k > MAX_OFFSET:
            raise UserInputError(
                f"The offset k must be between 0 and {MAX_OFFSET} (got {k}).",
                f"オフセット k は 0 〜 {MAX_OFFSET} にしてください（入力：{k}）。",
            )
        return self


def frequencies(d_model: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """ω_i = 10000^(−2i/d_model) for i = 0 … d_model/2 − 1, shape (d_model/2,)."""
    i = torch.arange(d_model // 2, dtype=dtype)
    return BASE ** (-2.0 * i / d_model)


def sinusoidal_pe(length: int, d_model: int, dtype: torch.dtype = torch.float64, start: int = 0) -> torch.Tensor:
    """PE for positions start … start+length−1, shape (length, d_model); even columns sin, odd cos."""
    pos = torch.arange(start, start + length, dtype=dtype)[:, None]  # (T, 1)
    angles = pos * frequencies(d_model, dtype)[None, :]  # (T, 1) * (1, d/2) -> (T, d/2)
    pe = torch.empty(length, d_model, dtype=dtype)
    pe[:, 0::2] = torch.sin(angles)
    pe[:, 1::2] = torch.cos(angles)
    return pe


def rotation_block(k: int, omega: float, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """The 2×2 block of M_k for one frequency ω: [[cos kω, sin kω], [−sin kω, cos kω]]."""
    a = torch.tensor(k * omega, dtype=dtype)
    c, s = torch.cos(a), torch.sin(a)
    return torch.stack([torch.stack([c, s]), torch.stack([-s, c])])


def rotation_matrix(k: int, d_model: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """M_k, shape (d_model, d_model): block-diagonal, independent of position.

    >>> m = rotation_matrix(0, 4)
    >>> bool(torch.equal(m, torch.eye(4, dtype=torch.float64)))
    True
    """
    angles = k * frequencies(d_model, dtype)  # (d/2,)
    c, s = torch.cos(angles), torch.sin(angles)
    m = torch.zeros(d_model, d_model, dtype=dtype)
    idx = torch.arange(0, d_model, 2)
    m[idx, idx] = c
    m[idx, idx + 1] = s
    m[idx + 1, idx] = -s
    m[idx + 1, idx + 1] = c
    return m


def rotation_residual(length: int, d_model: int, k: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """max_j |PE(pos+k) − M_k·PE(pos)|_j for every pos in 0 … length−1, shape (length,).

    PE is computed for length + k positions, so every one of the `length` positions is checked.
    """
    pe = sinusoidal_pe(length + k, d_model, dtype)  # (T+k, d)
    m = rotation_matrix(k, d_model, dtype)  # (d, d)
    shifted = pe[:length] @ m.T  # row form of M_k·PE(pos): (T, d) @ (d, d) -> (T, d)
    return (pe[k:k + length] - shifted).abs().amax(dim=1)


def rotation_residuals(length: int, d_model: int, k: int) -> dict[str, torch.Tensor]:
    """`rotation_residual` in float64 and float32, keyed "float64" / "float32": the identity is exact,
    so what is left is rounding, ~1e-15 against ~1e-7."""
    return {str(dt).removeprefix("torch."): rotation_residual(length, d_model, k, dt)
            for dt in (torch.float64, torch.float32)}


def shown_blocks(d_model: int) -> list[int]:
    """The 2×2 blocks of M_k worth printing: the two fastest, one in the middle, the slowest.

    >>> shown_blocks(64), shown_blocks(4)
    ([0, 1, 16, 31], [0, 1])
    """
    return sorted(i for i in {0, 1, d_model // 4, d_model // 2 - 1} if i < d_model // 2)


@dataclass(frozen=True)
class LearnedPositions:
    """A trained model's position table W_p, cut to what can be drawn, and the sinusoid width to compare."""

    wpe: torch.Tensor  # (n, d) float32 on the CPU
    total: int  # rows of W_p (the model's context length)
    d_sin: int  # an even width ≥ 2 for the sinusoidal table drawn next to it

    @property
    def cut(self) -> bool:
        return self.wpe.shape[0] < self.total


def learned_positions(weight: torch.Tensor, max_length: int = MAX_LENGTH) -> LearnedPositions:
    """W_p (block_size, n_embd) of a trained GPT -> its first `max_length` rows, detached, float32, CPU."""
    w = weight.detach().to("cpu", torch.float32)  # (block_size, n_embd)
    t, d = w.shape
    return LearnedPositions(w[:min(t, max_length)], t, max(2, d - d % 2))


def dot_similarity(pe: torch.Tensor, cosine: bool = False) -> torch.Tensor:
    """(T, d) -> (T, T): PE·PEᵀ, or cosine similarity (rows scaled to unit length first)."""
    x = pe.to(torch.float64)
    if cosine:
        x = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return x @ x.T  # (T, d) @ (d, T) -> (T, T)


@dataclass(frozen=True)
class ByDistance:
    distance: torch.Tensor  # (T,) 0 … T−1
    mean: torch.Tensor  # (T,) mean similarity over all pairs (p, p+Δ)
    lo: torch.Tensor  # (T,) smallest over those pairs
    hi: torch.Tensor  # (T,) largest

    @property
    def spread(self) -> float:
        """The widest gap between the largest and smallest similarity at one distance (0: Δ alone decides)."""
        return float((self.hi - self.lo).max())


def similarity_by_distance(sim: torch.Tensor) -> ByDistance:
    """Group the (T, T) similarity by distance Δ = |p − q|: mean, min and max over the pairs at each Δ.

    For the sinusoidal PE, PE(p)·PE(p+Δ) = Σ_i cos(Δ·ω_i): min and max coincide (it depends on Δ only).
    """
    t = sim.shape[0]
    means, los, his = [], [], []
    for delta in range(t):
        diag = torch.diagonal(sim, offset=delta)  # the T−Δ pairs (p, p+Δ)
        means.append(diag.mean())
        los.append(diag.min())
        his.append(diag.max())
    return ByDistance(torch.arange(t), torch.stack(means), torch.stack(los), torch.stack(his))


def rotation_block_latex(k: int, i: int, d_model: int) -> str:
    """LaTeX for block i of M_k, its frequency and angle, with numbers (for st.latex).

    >>> latex = rotation_block_latex(1, 0, 4)  # ω_0 = 1, so the block rotates by 1 radian
    >>> "+0.5403 & +0.8415" in latex and "-0.8415 & +0.5403" in latex
    True
    """
    omega = float(frequencies(d_model)[i])
    b = rotation_block(k, omega)
    c, s = float(b[0, 0]), float(b[0, 1])
    return (rf"\begin{{gathered}}i = {i}:\ \omega_{{{i}}} = {omega:.4g},\ k\omega_{{{i}}} = {k * omega:.4g} \\ "
            rf"\begin{{bmatrix}} {c:+.4f} & {s:+.4f} \\ {-s:+.4f} & {c:+.4f} \end{{bmatrix}}\end{{gathered}}")
