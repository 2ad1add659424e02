"""GELU and its two classic approximations, their errors, derivatives and cost.

GELU(x) = x·Φ(x), where Φ is the standard normal CDF (Hendrycks & Gimpel, 2016). Two cheaper forms:

    tanh form     0.5·x·(1 + tanh[√(2/π)·(x + 0.044715·x³)])
    sigmoid form  x·σ(1.702·x)

Everything here is plain torch; errors are measured in float64 so that the approximation error, not
rounding, is what we see.

>>> x = torch.tensor([-1.0, 0.0, 2.0], dtype=torch.float64)
>>> [round(v, 4) for v in gelu_exact(x).tolist()]
[-0.1587, 0.0, 1.9545]
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import torch

from core.errors import UserInputError

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
SIGMOID_SCALE = 1.702  # fitted so that σ(1.702x) ≈ Φ(x)

# Bounds on what a user may ask for: a plot of more points is not sharper on a projector.
MAX_ABS_X = 1000.0
MIN_POINTS = 3
MAX_POINTS = 20_001


def gelu_exact(x: torch.Tensor) -> torch.Tensor:
    """x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)) = ½·erfc(−x/√2).

    erfc keeps Φ accurate for negative x, where 1 + erf(…) would cancel (in float32 at x ≈ −3.4 the
    erf form is off by 1e-6, a thousandth of the value).
    """
    return 0.5 * x * torch.erfc(-x / math.sqrt(2.0))


def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    """0.5·x·(1 + tanh[√(2/π)(x + 0.044715x³)]) — the form BERT and GPT-2 code use."""
    return 0.5 * x * (1.0 + torch.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x**3)))


def gelu_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """x·σ(1.702x) — the form the course notes give."""
    return x * torch.sigmoid(SIGMOID_SCALE * x)


def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x), for reference."""
    return torch.clamp(x, min=0.0)


# name -> function; "exact" is the reference the approximations are measured against.
FUNCTIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "exact": gelu_exact,
    "tanh": gelu_tanh,
    "sigmoid": gelu_sigmoid,
    "relu": relu,
}
APPROXIMATIONS = ("tanh", "sigmoid")


@dataclass(frozen=True)
class GeluRange:
    """The x range and number of points a user asked to plot."""

    xmin: float = -4.0  # past ±3 GELU is already x or 0: the interesting bend sits well inside
    xmax: float = 4.0
    points: int = 801  # a step of 0.01: smooth curves, and the approximation error's peaks land on the grid

    def checked(self) -> tuple["GeluRange", bool]:
        """Validate; return (range with points capped to MAX_POINTS, whether it was capped).

        Raises UserInputError for min ≥ max, non-finite bounds or bounds beyond ±MAX_ABS_X.
        """
        lo, hi = float(self.xmin), float(self.xmax)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise UserInputError("The range bounds must be finite numbers.", "範囲の端は有限の数にしてください。")
        if lo >= hi:
            raise UserInputError(
                f"The minimum ({lo:g}) must be smaller than the maximum ({hi:g}).",
                f"最小値（{lo:g}）は最大値（{hi:g}）より小さくしてください。",
            )
        if max(abs(lo), abs(hi)) > MAX_ABS_X:
            raise UserInputError(
                f"Keep the range within ±{MAX_ABS_X:g}: far from 0 every form is just 0 or x.",
                f"範囲は ±{MAX_ABS_X:g} 以内にしてください。0 から遠いところではどの形も 0 か x になるだけです。",
            )
        points = int(self.points)
        if points < MIN_POINTS:
            raise UserInputError(
                f"Use at least {MIN_POINTS} points.", f"点の数は {MIN_POINTS} 以上にしてください。"
            )
        capped = points > MAX_POINTS
        return GeluRange(lo, hi, min(points, MAX_POINTS)), capped


@dataclass(frozen=True)
class GeluCurves:
    """Values, absolute errors (vs exact) and derivatives of every form on a grid. All float64."""

    x: torch.Tensor  # (N,)
    values: dict[str, torch.Tensor]  # name -> (N,)
    errors: dict[str, torch.Tensor]  # approximation name -> |f(x) - GELU(x)|, (N,)
    derivatives: dict[str, torch.Tensor]  # name -> df/dx by autograd, (N,)


def derivative(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """df/dx at every point of x, by autograd (f acts elementwise, so grad of the sum is the derivative)."""
    xg = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(fn(xg).sum(), xg)
    return grad.detach()


def curves(rng: GeluRange) -> GeluCurves:
    """Evaluate every form on `rng.points` evenly spaced points (rng must be checked first)."""
    x = torch.linspace(rng.xmin, rng.xmax, rng.points, dtype=torch.float64)
    values = {name: fn(x) for name, fn in FUNCTIONS.items()}
    errors = {name: (values[name] - values["exact"]).abs() for name in APPROXIMATIONS}
    derivs = {name: derivative(fn, x) for name, fn in FUNCTIONS.items()}
    return GeluCurves(x, values, errors, derivs)


@dataclass(frozen=True)
class MaxError:
    name: str
    value: float  # max |f(x) - GELU(x)|
    at: float  # |x| where it occurs (the error is symmetric: f(-x) - GELU(-x) = -(f(x) - GELU(x)) + 0)


def max_abs_error(name: str, lo: float = -10.0, hi: float = 10.0, points: int = 200_001) -> MaxError:
    """Measure max |approximation − GELU| on [lo, hi] in float64: a grid, then a finer grid around the peak.

    >>> m = max_abs_error("tanh")
    >>> round(m.value, 6), round(m.at, 2)
    (0.000473, 2.7)
    """
    fn = FUNCTIONS[name]
    x = torch.linspace(lo, hi, points, dtype=torch.float64)
    err = (fn(x) - gelu_exact(x)).abs()
    i = int(err.argmax())
    step = (hi - lo) / (points - 1)
    # Refine: 2001 points over the two grid cells around the peak (step/1000 resolution).
    fine = torch.linspace(max(lo, float(x[i]) - step), min(hi, float(x[i]) + step), 2001, dtype=torch.float64)
    ferr = (fn(fine) - gelu_exact(fine)).abs()
    j = int(ferr.argmax())
    return MaxError(name, float(ferr[j]), abs(float(fine[j])))


@dataclass(frozen=True)
class Cost:
    name: str  # key of COST_FORMS
    ns_per_element: float
    ratio_vs_relu: float


# What is timed: torch's built-in kernels, and the approximations written out as separate ops
# (what a from-scratch implementation runs, one kernel per operation in eager mode).
COST_FORMS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "gelu_builtin": lambda x: torch.nn.functional.gelu(x),
    "gelu_tanh_builtin": lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
    "exact_written": gelu_exact,
    "tanh_written": gelu_tanh,
    "sigmoid_written": gelu_sigmoid,
}


def check_size(n: int) -> None:
    if not 1 <= n <= 16_000_000:
        raise UserInputError("Time between 1 and 16 million elements.", "要素数は 1 〜 1600 万にしてください。")


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def time_forms(device: torch.device, n: int = 1_000_000, samples: int = 5, min_sample_s: float = 0.005,
               budget_s: float = 1.0, dtype=torch.float32,
               on_round: Callable[[int, int], bool] | None = None) -> list[Cost]:
    """Forward time per element of each COST_FORMS entry on `n` random elements on `device`.

    Each sample loops a form until it has run at least `min_sample_s` (a single call can be shorter
    than the scheduler's time slice). Samples go round-robin over the forms, so a burst of other work
    on the machine hits them all alike, and the fastest sample of each form is kept. Rounds stop once
    `budget_s` has passed (at least one round runs), so a busy machine does not stall the page.
    `on_round(done, samples)` is told after each round; returning False ends the timing there (a stopped job).
    """
    check_size(n)
    gen = torch.Generator().manual_seed(0)
    x = (torch.randn(n, generator=gen, dtype=dtype) * 3).to(device)
    loops: dict[str, int] = {}
    best: dict[str, float] = {}
    with torch.no_grad():
        for name, fn in COST_FORMS.items():
            fn(x)  # warm-up: allocation, kernel selection
            _sync(device)
            t0 = time.perf_counter()
            fn(x)
            _sync(device)
            once = max(time.perf_counter() - t0, 1e-6)
            loops[name] = max(1, min(1000, math.ceil(min_sample_s / once)))
            best[name] = once
        start = time.perf_counter()
        for r in range(samples):
            if time.perf_counter() - start > budget_s:
                break
            for name, fn in COST_FORMS.items():
                t0 = time.perf_counter()
                for _ in range(loops[name]):
                    fn(x)
                _sync(device)
                best[name] = min(best[name], (time.perf_counter() - t0) / loops[name])
            if on_round is not None and not on_round(r + 1, samples):
                break
    base = best["relu"]
    return [Cost(name, t / n * 1e9, t / base) for name, t in best.items()]
