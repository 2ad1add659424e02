"""The fine-tuning page's experiment (pre-train, then fine-tune every chosen variant of Table 5 for every
seed on the topic task) as a background job. Each run is loops.fit with the budget's recipe (Budget.fit),
the same loop the task-formats page's TransferJob runs.

`FinetuneJob` is a core.runtime BackgroundJob: the page starts it, polls `view()` and may stop it.
Each finished variant is cached (weights as safetensors, its results as JSON in the header) through
core.runtime.diskcache, so the same settings later come back in milliseconds.
"""
from __future__ import annotations

import copy
import math
import statistics
import time
from dataclasses import asdict, dataclass, replace

import torch

from core.errors import UserInputError
from core.gpt.finetune.backbones import (LivePretrained, ShippedBackbones, build_backbone, check_live_fits,
                                         load_shipped_backbones)
from core.gpt.finetune.heads import TaskModel, task_model
from core.gpt.finetune.loops import Curves, dump_state, fit, load_state, pretrain
from core.gpt.finetune.settings import (BUDGETS, CACHE_VERSION, VARIANT_SPECS, Settings, cache_key, gpt_config,
                                        new_backbone, task_tokenizer)
from core.gpt.finetune.tasks import by_length, encode_split, every_kth
from core.gpt.topic_data import TopicData, load_topic_data
from core.runtime.diskcache import cache_path, get_or_build
from core.runtime.jobs import BackgroundJob
from core.runtime.threads import ThreadTuner


@dataclass
class VariantResult:
    name: str
    accs: list[float]  # held-out accuracy, one per seed
    confusion: list[list[int]]  # of the first seed
    curves: dict  # Curves of the first seed, as a dict
    seconds: float
    cached: bool = False

    @property
    def mean(self) -> float:
        return statistics.fmean(self.accs)

    @property
    def std(self) -> float:
        return statistics.stdev(self.accs) if len(self.accs) > 1 else 0.0


@dataclass
class FinetuneView:
    """A consistent copy of a job's state for the page."""

    status: str  # ready | running | stopped | finished | failed | diverged
    phase: str  # "" | "pretrain_transformer" | "pretrain_lstm" | "finetune"
    variant: str  # the variant being fine-tuned now
    seed: int
    progress: float
    eta_s: float | None
    elapsed_s: float
    curves: dict[str, dict]  # variant -> Curves dict (first seed; live while it trains)
    results: dict[str, VariantResult]
    pretrain: dict[str, dict]
    message: UserInputError | None
    labels: list[str]
    counts_train: list[int]
    counts_heldout: list[int]
    majority: float
    settings: Settings
    backbone_note: UserInputError | None = None  # why the shipped models were not used (then pre-trained here)

    @property
    def active(self) -> bool:
        return self.status == "running"

    def best(self) -> str | None:
        return max(self.results, key=lambda k: self.results[k].mean) if self.results else None


FT_STEP_COST = 2.5  # a fine-tuning step (batch 32) costs about this many pre-training steps (batch 12)
RUNS = "finetune-runs"  # cache kind of finished variants


def _dump_run(value: tuple[VariantResult, dict]) -> bytes:
    res, state = value
    d = asdict(res)
    d.pop("cached")
    return dump_state(state, {"result": d})


def _load_run(data: bytes) -> tuple[VariantResult, dict]:
    state, meta = load_state(data)
    return VariantResult(**{**meta["result"], "cached": True}), state


def _shrink(data: TopicData, max_train: int, max_heldout: int) -> TopicData:
    """Every k-th example, so all topics stay represented (for tests and tiny budgets)."""
    return replace(data, train=every_kth(data.train, max_train), heldout=every_kth(data.heldout, max_heldout))


class FinetuneJob(BackgroundJob):
    """Runs `settings` in a thread; `view()` is safe from any thread; models stay for predictions."""

    what = ("Fine-tuning", "ファインチューニング")

    def __init__(self, settings: Settings, device: torch.device | str = "cpu", live: LivePretrained | None = None,
                 threads: int | None = None):
        super().__init__(threads)
        self.settings = settings
        self.device = torch.device(device)
        self.budget = BUDGETS[settings.budget]
        self.data = load_topic_data(settings.lang, max_chars=self.budget.max_chars)
        if self.budget.max_train or self.budget.max_heldout:
            self.data = _shrink(self.data, self.budget.max_train, self.budget.max_heldout)
        self.live = live
        self.shipped: ShippedBackbones | None = None
        self.backbone_note: UserInputError | None = None
        self._pretrain: dict[str, dict] = {}
        if live is None and self.budget.backbone == "shipped":
            try:
                self.shipped = load_shipped_backbones(settings.lang, self.data)
            except UserInputError as e:  # missing/damaged/unfit: say so, and pre-train here as before
                self.backbone_note = e
        self.lstm_cfg = self.shipped.lstm.config if self.shipped is not None else None
        if live is not None:
            check_live_fits(live, self.data)
            self.tokenizer = live.tokenizer
            self.gpt_cfg = live.model.config
        elif self.shipped is not None:  # every variant reads with the shipped tokenizer, "no_pretrain" too
            self.tokenizer = self.shipped.tokenizer
            self.gpt_cfg = self.shipped.gpt.config
            for arch in ("transformer", "lstm"):
                if any(VARIANT_SPECS[v].pretrained and VARIANT_SPECS[v].arch == arch for v in settings.variants):
                    self._pretrain[arch] = self.shipped.info(arch)
        else:
            self.tokenizer = task_tokenizer(self.data, self.budget, settings.lang)
            self.gpt_cfg = gpt_config(self.budget, self.tokenizer.vocab_size)
        self.max_tokens = min(self.gpt_cfg.block_size, self.budget.block_size)
        self.n_classes = len(self.data.labels)
        self.models: dict[str, TaskModel] = {}
        self._phase, self._variant, self._seed = "", "", 0
        self._curves: dict[str, Curves] = {}
        self._results: dict[str, VariantResult] = {}
        self._states: dict[str, dict] = {}  # cached weights not yet turned into models
        # one thread policy for every run: each is only ~50 steps, too short to measure both counts again
        self.tuner = ThreadTuner(self.threads, probe=3, every=200)
        self._ft_steps = math.ceil(len(self.data.train) / self.budget.batch) * self.budget.epochs
        self._load_cached()
        self._total = self._planned_units()

    # ------------------------------------------------------------ cache
    def _run_key(self, variant: str) -> str:
        live = self.live.label if self.live is not None else self.shipped.label if self.shipped is not None else ""
        return f"{variant}-" + cache_key([CACHE_VERSION, variant, self.settings.lang, self.settings.lam_for(variant),
                                          self.settings.seeds, asdict(self.budget), self.data.key(), live,
                                          self.gpt_cfg.to_dict()])

    def _load_cached(self) -> None:
        """Variants already run with these settings (a read-only look; writing goes through get_or_build)."""
        for v in self.settings.variants:
            path = cache_path(RUNS, self._run_key(v), ".safetensors")
            try:
                res, state = _load_run(path.read_bytes())
            except Exception:  # noqa: BLE001 - missing or unreadable: this variant runs again
                continue
            self._results[v], self._states[v] = res, state
            self._curves[v] = Curves(**res.curves)

    def model_for(self, variant: str) -> TaskModel | None:
        """The fine-tuned model of `variant` (first seed), from memory or the disk cache."""
        if variant in self.models:
            return self.models[variant]
        state = self._states.get(variant)
        if state is None:
            return None
        arch = VARIANT_SPECS[variant].arch
        cfg = self.budget.fit(arch, len(self.data.heldout))
        backbone = new_backbone(arch, self.budget, self.tokenizer.vocab_size, self.gpt_cfg, lstm_cfg=self.lstm_cfg)
        model = task_model(backbone, "classification", self.n_classes, 1, cfg.new_tokens, cfg.special_init)
        model.load_state_dict(state, strict=False)
        self.models[variant] = model.eval()
        return self.models[variant]

    # ------------------------------------------------------------ control
    def _todo(self) -> list[str]:
        return [v for v in self.settings.variants if v not in self._results]

    def _planned_units(self) -> float:
        todo = self._todo()
        units = self._ft_steps * FT_STEP_COST * self.settings.seeds * len(todo)
        own = self.live is None and self.shipped is None
        if any(VARIANT_SPECS[v].pretrained and VARIANT_SPECS[v].arch == "transformer" for v in todo) and own:
            units += self.budget.pretrain_steps
        if "lstm_aux" in todo and self.shipped is None:
            units += self.budget.pretrain_steps
        return max(1.0, units)

    def can_start(self) -> bool:
        if not self._todo():
            self._status = "finished"
            return False
        self._done, self._total = 0.0, self._planned_units()
        return True

    def _tick(self, units: float) -> None:
        with self._lock:
            self._done += units

    # ------------------------------------------------------------ the thread
    def work(self) -> str:
        try:
            return self._experiment()
        except UserInputError as e:  # a diverging run: say why, keep what finished
            self.set_message(e)
            return "diverged"
        finally:
            with self._lock:
                self._phase = ""

    def _pretrained_state(self, arch: str) -> dict[str, torch.Tensor] | None:
        if self.shipped is not None:  # copies: the shipped modules are shared by every session
            src = self.shipped.gpt if arch == "transformer" else self.shipped.lstm
            return {k: v.detach().clone() for k, v in src.state_dict().items()}
        if arch == "transformer" and self.live is not None:
            self._pretrain["transformer"] = {"cached": True, "live": self.live.label}
            return {k: v.detach().clone() for k, v in self.live.model.state_dict().items()}
        with self._lock:
            self._phase = f"pretrain_{arch}"
        model, info = pretrain(arch, self.tokenizer, self.data, self.budget, self.device, gate=self.gate,
                               on_step=lambda s: self._tick(1.0), threads=self.threads,
                               gpt_cfg=self.gpt_cfg if arch == "transformer" else None)
        if model is None:
            return None
        with self._lock:
            self._pretrain[arch] = info
        return model.state_dict()

    def _experiment(self) -> str:
        todo = self._todo()
        states: dict[str, dict] = {}
        for arch in ("transformer", "lstm"):
            if any(VARIANT_SPECS[v].pretrained and VARIANT_SPECS[v].arch == arch for v in todo):
                st = self._pretrained_state(arch)
                if st is None:
                    return "stopped"
                states[arch] = st
        extract = self.tokenizer.vocab_size  # the one row fit adds: "text [extract]"
        enc_train = encode_split(self.tokenizer, self.data.train, extract, self.max_tokens)
        enc_held = by_length(encode_split(self.tokenizer, self.data.heldout, extract, self.max_tokens))
        for v in todo:
            spec = VARIANT_SPECS[v]
            accs, conf, first, t0 = [], None, None, time.perf_counter()
            for seed in range(self.settings.seeds):
                curves = Curves()
                with self._lock:
                    self._phase, self._variant, self._seed = "finetune", v, seed
                    if seed == 0:
                        self._curves[v] = curves
                # the random init of "w/o pre-training" depends on the seed (1000 + seed), the new row and W_y too
                config = self.gpt_cfg if spec.arch == "transformer" else self.lstm_cfg
                backbone = build_backbone(spec.arch, self.budget, self.tokenizer.vocab_size,
                                          states[spec.arch] if spec.pretrained else None, None, 1000 + seed,
                                          self.budget.dropout, config)
                out = fit(backbone, "classification", self.n_classes, enc_train, enc_held, self.settings.lam_for(v),
                          self.budget.fit(spec.arch, len(enc_held.labels)), seed, self.device, gate=self.gate,
                          on_step=lambda s: self._tick(FT_STEP_COST), tuner=self.tuner, curves=curves,
                          lock=self._lock, init_seed=seed)
                if out is None:
                    with self._lock:
                        self._curves.pop(v, None)
                    return "stopped"
                model, run = out
                accs.append(run.accuracy)
                if seed == 0:
                    first, conf = model.cpu(), run.scores.confusion
            res = VariantResult(v, accs, conf, asdict(self._curves[v]), round(time.perf_counter() - t0, 2))
            get_or_build(RUNS, self._run_key(v), lambda: (res, first.state_dict()), suffix=".safetensors",
                         dump=_dump_run, load=_load_run)
            with self._lock:
                self._results[v] = res
                self.models[v] = first
        return "finished"

    # ------------------------------------------------------------ reading
    def view(self) -> FinetuneView:
        with self._lock:
            st = self._state()
            return FinetuneView(
                status=st.status, phase=self._phase, variant=self._variant, seed=self._seed,
                progress=1.0 if st.status == "finished" else st.progress, eta_s=st.eta_s, elapsed_s=st.elapsed_s,
                curves={k: asdict(c) for k, c in self._curves.items()},
                results=dict(self._results), pretrain=copy.deepcopy(self._pretrain), message=st.message,
                labels=list(self.data.labels), counts_train=self.data.counts("train"),
                counts_heldout=self.data.counts("heldout"), majority=self.data.majority_baseline(),
                settings=self.settings, backbone_note=self.backbone_note,
            )


def run_experiment(settings: Settings, device: torch.device | str = "cpu", threads: int | None = None) -> FinetuneView:
    """Run (or load from the cache) the whole experiment, waiting for it; for the bench and scripts."""
    job = FinetuneJob(settings, device, threads=threads)
    job.start()
    job.wait()
    return job.view()

