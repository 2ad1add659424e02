"""One task's transfer experiment as a background job: Table 5's variants over seeds, Figure 2's layer
sweep and zero-shot curves. Every finished unit (one fine-tuning run, one zero-shot curve) is cached
as JSON through core.runtime.diskcache.get_or_build, so the same settings come back at once.

    job = TransferJob(TransferSettings("ja", "similarity")); job.start(); job.view().results
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import asdict, dataclass, field

import torch

from core.errors import UserInputError
from core.gpt.finetune.backbones import backbone_source, build_backbone
from core.gpt.finetune.loops import Stopped, fit
from core.gpt.finetune.settings import BUDGETS, CACHE_VERSION, VARIANT_SPECS, VARIANTS, FitConfig, cache_key, fit_for
from core.gpt.finetune.stats import nll_and_ce
from core.gpt.finetune.tasks import TASKS, TOPIC_CHARS, Task, encode_task, load_task
from core.gpt.finetune.zeroshot import (SNAPSHOT_STEPS, model_at, shipped_curves, snapshots, zero_shot_accuracy,
                                        zero_shot_examples)
from core.gpt.tasks.transforms import Specials
from core.runtime.diskcache import get_or_build
from core.runtime.jobs import BackgroundJob
from core.runtime.threads import ThreadTuner

PAGE_LIMITS: dict = {}  # extra TransferSettings the page passes (tests shrink the work: max_train, fit, ...)


@dataclass(frozen=True)
class TransferSettings:
    lang: str = "en"
    task: str = "entailment"
    lam: float = 0.5  # λ in L3 = L2 + λ·L1 (the paper's 0.5)
    seeds: int = 1
    variants: tuple[str, ...] = ("full", "no_aux", "no_pretrain")
    layer_sweep: bool = True  # Figure 2 left: 0 … n_layer pre-trained blocks kept
    zero_shot: bool = True  # Figure 2 right (not for classification: no LM-only heuristic)
    budget: str = "quick"  # settings.BUDGETS: the pre-training it reuses
    fit: FitConfig | None = None  # None = the task's own (settings.fit_for)
    max_train: int = 0  # 0 = every training example
    max_heldout: int = 0

    def __post_init__(self) -> None:
        if self.fit is None and self.task in TASKS:
            object.__setattr__(self, "fit", fit_for(self.task))  # frozen: set once, before anything reads it
        if self.lang not in ("en", "ja") or self.task not in TASKS or self.budget not in BUDGETS:
            raise UserInputError(f"Unknown settings: {self.lang}, {self.task}, {self.budget}.",
                                 f"不明な設定です：{self.lang}, {self.task}, {self.budget}")
        if not (0.0 <= self.lam <= 10.0 and math.isfinite(self.lam)):
            raise UserInputError("λ must be between 0 and 10.", "λ は 0 以上 10 以下にしてください。")
        if not 1 <= self.seeds <= 5:
            raise UserInputError("Use 1 to 5 seeds.", "シードは 1〜5 個にしてください。")
        if not self.variants or any(v not in VARIANTS for v in self.variants):
            raise UserInputError("Choose at least one model to compare.", "比較するモデルを 1 つ以上選んでください。")

    def lam_for(self, variant: str) -> float:
        return VARIANT_SPECS[variant].lam(self.lam)


@dataclass
class TransferResults:
    accs: dict[str, list[float]] = field(default_factory=dict)  # variant -> held-out accuracy per seed
    layers: dict[int, float] = field(default_factory=dict)  # blocks transferred -> accuracy (seed 0)
    zero_shot: dict[str, dict[int, float]] = field(default_factory=dict)  # arch -> update -> accuracy
    nll_ce: tuple[float, float] | None = None  # the full model's held-out L2 as NLL and as cross entropy
    steps: int = 0  # fine-tuning steps of the runs trained by this job (a run found in the cache adds none)
    train_s: float = 0.0  # seconds those runs spent in fine-tuning and their held-out scoring


@dataclass
class TransferView:
    status: str
    phase: str  # "" | pretrain | finetune | layers | zero_shot
    progress: float
    eta_s: float | None
    message: UserInputError | None
    results: TransferResults
    task: Task
    settings: TransferSettings
    source: dict = field(default_factory=dict)  # {"shipped": bool, "steps": {arch: n}, "note": UserInputError | None}

    @property
    def active(self) -> bool:
        return self.status in ("running", "paused")


def _json_cache(key: str, build):
    value, _ = get_or_build("transfer-runs", key, build, suffix=".json",
                            dump=lambda v: json.dumps(v).encode("utf-8"), load=lambda b: json.loads(b.decode("utf-8")))
    return value


class TransferJob(BackgroundJob):
    """Runs `settings` in a thread; `view()` is safe from any thread."""

    what = ("The transfer experiment", "転移の実験")

    def __init__(self, settings: TransferSettings, device="cpu", threads: int | None = None):
        super().__init__(threads)
        self.settings, self.device = settings, torch.device(device)
        self.task = load_task(settings.task, settings.lang, settings.max_train, settings.max_heldout)
        self.budget = BUDGETS[settings.budget]
        self.results = TransferResults()
        self._phase = ""
        self.source: dict = {}  # {"shipped", "steps", "note"} once the backbones are known (the page says which)
        self._units = self._planned()
        # one thread policy for all the job's runs (short probes: each run is only ~20-300 steps)
        self.tuner = ThreadTuner(self.threads, probe=3, every=200)

    def _planned(self) -> int:
        s = self.settings
        n = len(s.variants) * s.seeds + 2  # + pre-training
        n += self.budget.n_layer if s.layer_sweep else 0
        return n + (4 if s.zero_shot and s.task != "classification" else 0)

    def _key(self, *parts) -> str:
        s = self.settings
        return cache_key([CACHE_VERSION, "transfer1", s.lang, s.task, s.budget, asdict(self.budget), asdict(s.fit),
                          s.max_train, s.max_heldout, TOPIC_CHARS, *parts])

    # ------------------------------------------------------------ the thread
    def work(self) -> str:
        try:
            self._experiment()
            return "finished"
        except Stopped:
            return "stopped"
        except UserInputError as e:
            self.set_message(e)
            return "diverged"
        finally:
            with self._lock:
                self._phase = ""

    def _set(self, phase: str, done: float) -> None:
        with self._lock:
            self._phase = phase
        self.set_progress(done, self._units)

    def _experiment(self) -> None:
        s, done = self.settings, 0
        self._set("pretrain", 0)
        archs = ("transformer", "lstm") if "lstm_aux" in s.variants else ("transformer",)
        src = backbone_source(s.lang, archs, s.budget, self.device, gate=self.gate)
        if src is None:
            raise Stopped()
        with self._lock:
            self.source = {"shipped": src.shipped, "steps": dict(src.steps), "note": src.note}
        states, tok = src.states, src.tokenizer
        specials = Specials.after(tok.vocab_size)
        block = min(self.budget.block_size, src.configs["transformer"].block_size, s.fit.block)
        n_layer = src.configs["transformer"].n_layer
        enc = {split: encode_task(self.task, getattr(self.task, split), tok, specials, block)
               for split in ("train", "heldout")}
        done += 2

        steps_per_run = s.fit.steps(len(self.task.train))

        def run(variant: str, seed: int, layers: int | None) -> dict:
            """One fine-tuning run (from the cache when done before): its accuracy, steps, seconds, NLL/CE."""
            spec = VARIANT_SPECS[variant]

            def build() -> dict:
                state = states[spec.arch] if spec.pretrained else None
                bb = build_backbone(spec.arch, self.budget, tok.vocab_size, state, layers, seed, s.fit.dropout,
                                    src.configs.get(spec.arch))
                out = fit(bb, s.task, len(self.task.labels), enc["train"], enc["heldout"], s.lam_for(variant), s.fit,
                          seed, self.device, gate=self.gate,
                          on_step=lambda st: self.set_progress(done + st.step / steps_per_run, self._units),
                          tuner=self.tuner)
                if out is None:
                    raise Stopped()
                res = out[1]
                with self._lock:  # runs trained here (not ones read from the cache, nor one read twice)
                    self.results.steps += res.steps
                    self.results.train_s += res.seconds
                return {"accuracy": res.accuracy, "steps": res.steps, "seconds": res.seconds,
                        "nll_ce": list(nll_and_ce(res.scores.logits, enc["heldout"].labels))}

            return _json_cache(self._key(src.label, variant, seed, layers, s.lam_for(variant)), build)

        for variant in s.variants:
            for seed in range(s.seeds):
                self._set("finetune", done)
                r = run(variant, seed, None)
                with self._lock:
                    self.results.accs.setdefault(variant, []).append(r["accuracy"])
                    if variant == "full" and self.results.nll_ce is None:
                        self.results.nll_ce = tuple(r["nll_ce"])
                done += 1
        if s.layer_sweep:
            for n in range(n_layer + 1):
                self._set("layers", done)
                acc = run("full", 0, n if n < n_layer else None)["accuracy"]
                with self._lock:
                    self.results.layers[n] = acc
                done += 1 if n < n_layer else 0
        if s.zero_shot and s.task != "classification":
            shipped = (shipped_curves(self.task) or {}) if src.shipped else {}  # precomputed: instant
            for arch in ("transformer", "lstm"):
                self._set("zero_shot", done)
                curve = shipped.get(arch) or self._zero_shot(arch, tok)
                with self._lock:
                    self.results.zero_shot[arch] = curve
                done += 2
        self.set_progress(self._units, self._units)

    def _zero_shot(self, arch: str, tok) -> dict[int, float]:
        s = self.settings
        examples = zero_shot_examples(self.task)

        def build() -> dict:
            snaps = snapshots(arch, s.lang, tok, self.budget, SNAPSHOT_STEPS, self.device, gate=self.gate)
            if snaps is None:
                raise Stopped()
            return {str(step): zero_shot_accuracy(model_at(arch, self.budget, tok.vocab_size, st).to(self.device),
                                                  tok, examples, s.task, s.lang, self.budget.block_size)
                    for step, st in sorted(snaps.items())}

        curve = _json_cache(self._key("zero_shot", arch, SNAPSHOT_STEPS, len(examples)), build)
        return {int(k): v for k, v in curve.items()}

    # ------------------------------------------------------------ reading
    def view(self) -> TransferView:
        with self._lock:
            st = self._state()
            return TransferView(st.status, self._phase, 1.0 if st.status == "finished" else st.progress, st.eta_s,
                                st.message, copy.deepcopy(self.results), self.task, self.settings,
                                dict(self.source))


def run_transfer(settings: TransferSettings, device="cpu", threads: int | None = None) -> TransferView:
    """Run (or read from the cache) the whole experiment, waiting for it: for the bench and scripts."""
    job = TransferJob(settings, device, threads)
    job.start()
    job.wait()
    return job.view()
