"""Entropy and perplexity of a distribution: H(p) = -Σ p(x) log2 p(x) bits, PP(p) = 2^H(p).

PP is the "effective number of equally likely choices": 1 for a one-hot distribution (a certain
answer), |V| for the uniform one (typing at random on a keyboard of |V| keys).

>>> round(entropy_bits([0.5, 0.5]), 6), round(perplexity([0.25] * 4), 6)
(1.0, 4.0)
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

PRESETS = ("uniform", "one_hot", "zipf")
# Temperatures the curve is drawn at: 0.02 is one-hot to the eye, 200 uniform; 80 points look smooth.
TEMPERATURE_GRID = tuple(float(t) for t in np.geomspace(0.02, 200, 80))


def as_distribution(weights: Sequence[float]) -> np.ndarray:
    """Non-negative weights -> probabilities summing to 1 (all-zero weights give the uniform distribution)."""
    w = np.clip(np.asarray(weights, dtype=float), 0.0, None)
    if w.ndim != 1 or len(w) == 0:
        raise ValueError("weights must be a non-empty 1-D sequence")
    s = w.sum()
    return np.full(len(w), 1.0 / len(w)) if not np.isfinite(s) or s <= 0 else w / s


def entropy_bits(p: Sequence[float]) -> float:
    """Shannon entropy in bits; terms with p = 0 contribute 0 (the limit of p log p)."""
    q = as_distribution(p)
    nz = q[q > 0]
    return float(max(0.0, -(nz * np.log2(nz)).sum()))


def perplexity(p: Sequence[float]) -> float:
    return float(2.0 ** entropy_bits(p))


def preset(name: str, size: int, zipf_s: float = 1.0) -> np.ndarray:
    """uniform: all 1/|V|; one_hot: all mass on the first symbol; zipf: p(r) ∝ 1 / r^s."""
    if size < 1:
        raise ValueError("size must be >= 1")
    if name == "uniform":
        return np.full(size, 1.0 / size)
    if name == "one_hot":
        p = np.zeros(size)
        p[0] = 1.0
        return p
    if name == "zipf":
        return as_distribution(1.0 / np.arange(1, size + 1) ** zipf_s)
    raise ValueError(f"preset must be one of {PRESETS}, not {name!r}")


def slider_weights(name: str, size: int) -> list[float]:
    """A preset as slider positions in [0, 1]: the largest weight at 1, rounded to the sliders' 0.01 steps.

    >>> slider_weights("zipf", 4)
    [1.0, 0.5, 0.33, 0.25]
    """
    w = preset(name, size)
    return [float(round(v / w.max(), 2)) for v in w]


def with_temperature(p: Sequence[float], temperature: float) -> np.ndarray:
    """p^(1/T), renormalized: T -> ∞ gives the uniform distribution over the support, T -> 0 one-hot
    on the most likely symbol, T = 1 leaves p unchanged (softmax of log p / T)."""
    q = as_distribution(p)
    if temperature <= 0 or not math.isfinite(temperature):
        raise ValueError("temperature must be a positive finite number")
    support = q > 0
    logs = np.where(support, np.log(np.where(support, q, 1.0)), -np.inf) / temperature
    logs -= logs[support].max()
    out = np.where(support, np.exp(logs), 0.0)
    return out / out.sum()


def temperature_curve(p: Sequence[float], temperatures: Sequence[float]) -> list[float]:
    """Entropy (bits) of p at each temperature."""
    return [entropy_bits(with_temperature(p, t)) for t in temperatures]


def keyboard_example(keys: int = 27) -> tuple[float, float]:
    """Typing at random on `keys` keys (26 letters + space): (H bits, PP)."""
    h = math.log2(keys)
    return h, 2.0 ** h


def perplexity_over_temperature(p: Sequence[float], temperatures: Sequence[float] = TEMPERATURE_GRID) -> list[float]:
    """PP = 2^H of p at each temperature: from 1 (T -> 0) up to the support's size (T -> ∞)."""
    return [2.0 ** h for h in temperature_curve(p, temperatures)]


def merge_first_two(p: Sequence[float]) -> np.ndarray:
    """The distribution with its first two symbols made one (as merging two spellings into one form does).

    >>> merge_first_two([0.25, 0.25, 0.5]).tolist()
    [0.5, 0.5]
    """
    q = as_distribution(p)
    return np.concatenate(([q[0] + q[1]], q[2:])) if len(q) >= 2 else q
