"""What a fine-tuning job reports: one Table 5 row per variant (VariantResult) and a consistent copy of the
job's state for a page (FinetuneView)."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from core.errors import UserInputError
from core.gpt.finetune.settings import Settings
from core.gpt.finetune.tasks import Task


@dataclass
class VariantResult:
    name: str
    accs: list[float]  # held-out accuracy, one per seed
    confusion: list[list[int]]  # of the first seed
    curves: dict  # Curves of the first seed, as a dict
    seconds: float
    cached: bool = False
    nll_ce: tuple[float, float] | None = None  # the first seed's held-out L2 as NLL and as cross entropy

    @property
    def mean(self) -> float:
        return statistics.fmean(self.accs)

    @property
    def std(self) -> float:
        return statistics.stdev(self.accs) if len(self.accs) > 1 else 0.0


@dataclass
class FinetuneView:
    """A consistent copy of a job's state for a page."""

    status: str  # ready | running | paused | stopped | finished | failed | diverged
    phase: str  # "" | pretrain_transformer | pretrain_lstm | finetune | layers | zero_shot
    variant: str  # the variant being fine-tuned now
    seed: int
    progress: float
    eta_s: float | None
    elapsed_s: float
    curves: dict[str, dict]  # variant -> Curves dict (first seed; live while it trains)
    results: dict[str, VariantResult]
    pretrain: dict[str, dict]  # arch -> where its weights came from ({"shipped", "steps", ...})
    message: UserInputError | None
    task: Task
    settings: Settings
    backbone_note: UserInputError | None = None  # why the shipped models were not used (then pre-trained here)
    layers: dict[int, float] = field(default_factory=dict)  # blocks transferred -> accuracy (full model, seed 0)
    zero_shot: dict[str, dict[int, float]] = field(default_factory=dict)  # arch -> update -> accuracy
    steps: int = 0  # fine-tuning steps of the runs trained by this job (a run found in the cache adds none)
    train_s: float = 0.0  # seconds those runs spent in fine-tuning and their held-out scoring

    @property
    def active(self) -> bool:
        return self.status in ("running", "paused")

    def best(self) -> str | None:
        return max(self.results, key=lambda k: self.results[k].mean) if self.results else None

    def accs(self) -> dict[str, list[float]]:
        return {k: r.accs for k, r in self.results.items()}

    @property
    def majority(self) -> float:
        return self.task.majority

    def counts(self, split: str) -> list[int]:
        """Examples per class in "train" or "heldout"."""
        counts = [0] * len(self.task.labels)
        for e in getattr(self.task, split):
            counts[e.label] += 1
        return counts

    def label_names(self, lang: str) -> list[str]:
        return [ja if lang == "ja" else en for en, ja in self.task.labels]


def variant_result(v: str, runs: list[dict], cached: bool = False) -> VariantResult:
    """A variant's row from its runs' results (one per seed, as job.FinetuneJob caches them)."""
    first = runs[0]
    return VariantResult(v, [r["accuracy"] for r in runs], first["confusion"], first["curves"],
                         round(sum(r["seconds"] for r in runs), 2), cached, tuple(first["nll_ce"]))
