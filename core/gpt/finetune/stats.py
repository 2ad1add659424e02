"""Table 5 with its noise: mean and spread over seeds, and the gap between two variants with its
standard error, so a class can see when a difference is within noise; and the classification loss
written as NLL and as cross entropy (nll_vs_ce, nll_and_ce).

    gap = mean(a) − mean(b)
    SE  = sqrt(s_a² / n_a + s_b² / n_b)          (Welch: seeds of each variant, sample variances)
    one seed each: SE from the held-out size,  sqrt(p_a(1 − p_a)/N + p_b(1 − p_b)/N)   (binomial)

A gap smaller than about 2·SE is within noise (a 95 % interval around it contains 0).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import torch
import torch.nn.functional as F


def mean_std(xs: list[float]) -> tuple[float, float]:
    """(mean, sample standard deviation; 0 for a single value).

    >>> [round(v, 6) for v in mean_std([0.5, 0.7])]
    [0.6, 0.141421]
    """
    if not xs:
        raise ValueError("no values")
    return statistics.fmean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0


@dataclass(frozen=True)
class Gap:
    diff: float  # mean(a) − mean(b)
    se: float | None  # None when neither seeds nor a held-out size give one
    method: str  # "seeds" | "binomial" | "none"

    @property
    def within_noise(self) -> bool | None:
        """True when |diff| < 2·SE (the 95 % interval contains 0); None without an SE."""
        return None if self.se is None else abs(self.diff) < 2 * self.se


def gap(a: list[float], b: list[float], n_heldout: int = 0) -> Gap:
    """The gap between two variants' accuracies over seeds, with its standard error.

    >>> g = gap([0.80, 0.84, 0.82], [0.70, 0.74, 0.72])
    >>> round(g.diff, 6), round(g.se, 6), g.method, g.within_noise
    (0.1, 0.01633, 'seeds', False)
    >>> g = gap([0.6], [0.5], n_heldout=100)
    >>> round(g.se, 6), g.within_noise
    (0.07, True)
    """
    (ma, sa), (mb, sb) = mean_std(a), mean_std(b)
    if len(a) > 1 and len(b) > 1:
        return Gap(ma - mb, math.sqrt(sa ** 2 / len(a) + sb ** 2 / len(b)), "seeds")
    if n_heldout > 0:
        return Gap(ma - mb, math.sqrt((ma * (1 - ma) + mb * (1 - mb)) / n_heldout), "binomial")
    return Gap(ma - mb, None, "none")


def beats(a: list[float], b: list[float] | float, n_heldout: int) -> dict:
    """Is `a` (accuracies over seeds) ahead of `b` (another variant's, or one fixed line such as a baseline)
    by more than two standard errors? The SE is the seeds' (Welch), never below the held-out size's binomial
    SE: three seeds that happen to agree do not make a one-point gap on 84 passages real.

    >>> beats([0.80, 0.84, 0.82], [0.70, 0.74, 0.72], 300)["beats"]
    True
    >>> r = beats([0.52, 0.52, 0.52], 0.5, 100); r["beats"], r["within_noise"]
    (False, True)
    """
    line = isinstance(b, (int, float))
    bs = [float(b)] * len(a) if line else list(b)
    g = gap(a, bs, n_heldout) if not line else Gap(statistics.fmean(a) - float(b),
                                                      mean_std(a)[1] / math.sqrt(len(a)), "seeds")
    ma, mb = statistics.fmean(a), statistics.fmean(bs)
    binomial = math.sqrt((ma * (1 - ma) + (0.0 if line else mb * (1 - mb))) / max(1, n_heldout))
    se = max(g.se or 0.0, binomial)
    return {"gap": round(g.diff, 4), "se": round(se, 4), "beats": g.diff > 2 * se,
            "within_noise": abs(g.diff) < 2 * se}


def nll_vs_ce(logits: list[float], label: int, smoothing: float = 0.1) -> dict[str, float]:
    """Why the paper's "NLL" and cross entropy are one number for a softmax head, and where they part.

    With p = softmax(z) and a one-hot target e_y, cross entropy H(e_y, p) = −Σ_c e_y[c] log p_c = −log p_y:
    exactly the negative log-likelihood of the label. They part when either side changes:
    - the target is not one-hot (label smoothing: (1 − ε) e_y + ε/C): H(target, p) ≠ −log p_y;
    - the scores are not log-probabilities (NLL applied to raw logits without log-softmax): −z_y, which is
      not a log-likelihood at all (it can be negative, and shifting every logit changes it);
    - the classes are scored independently (a sigmoid per class): Σ binary cross entropies, another model.

    >>> d = nll_vs_ce([2.0, 0.5, -1.0], 0)
    >>> abs(d["nll"] - d["ce_one_hot"]) < 1e-12, d["nll_raw_logits"], round(d["nll"], 4), round(d["ce_smoothed"], 4)
    (True, -2.0, 0.2413, 0.3913)
    """
    z = torch.tensor([logits], dtype=torch.float64)
    y = torch.tensor([label])
    logp = F.log_softmax(z, dim=-1)
    onehot = F.one_hot(y, z.size(-1)).double()
    smoothed = (1 - smoothing) * onehot + smoothing / z.size(-1)
    sig = torch.sigmoid(z)
    return {"nll": float(-logp[0, label]), "ce_one_hot": float(-(onehot * logp).sum()),
            "ce_torch": float(F.cross_entropy(z, y)), "ce_smoothed": float(-(smoothed * logp).sum()),
            "ce_torch_smoothed": float(F.cross_entropy(z, y, label_smoothing=smoothing)),
            "nll_raw_logits": float(F.nll_loss(z, y)),
            "bce_sigmoid": float(F.binary_cross_entropy(sig, onehot, reduction="sum")),
            "p": [round(float(v), 4) for v in logp.exp()[0]]}


def nll_and_ce(logits: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """The classification loss written two ways: −mean log softmax(logits)[y] (the paper's "NLL") and
    cross entropy against the one-hot label. They are one formula; the notes' claim that they differ
    is answered by the numbers (equal to float rounding).

    >>> nll, ce = nll_and_ce(torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1]))
    >>> round(nll, 6) == round(ce, 6)
    True
    """
    nll = F.nll_loss(F.log_softmax(logits, dim=-1), labels)
    ce = F.cross_entropy(logits, labels)
    return float(nll), float(ce)
