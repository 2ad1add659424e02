"""One fine-tuning experiment as a background job, for both pages: every chosen variant of Table 5 for every
seed (loops.fit with the settings' recipe), then, when asked, Figure 2's layer sweep and zero-shot curves.

    FinetuneJob(Settings("en"))                                              the fine-tuning page: topic classification
    FinetuneJob(Settings("ja", task="similarity", fit=fit_for("similarity"), layer_sweep=True, zero_shot=True))

`FinetuneJob` is a core.runtime BackgroundJob: a page starts it, polls `view()` and may stop it. Each finished
run (variant, seed, layers kept) is cached through core.runtime.diskcache (its results as JSON in a safetensors
header, with the weights of the first seed's full run, which the page's predictions use), so the same settings
later come back in milliseconds.
"""
from __future__ import annotations

import copy
import hashlib
from dataclasses import asdict

import torch

from core.errors import UserInputError
from core.gpt.finetune.backbones import LivePretrained, build_backbone, choose_source
from core.gpt.finetune.heads import TaskModel, task_model
from core.gpt.finetune.loops import Curves, dump_state, fit, load_state
from core.gpt.finetune.results import FinetuneView, VariantResult, variant_result
from core.gpt.finetune.settings import (BUDGETS, CACHE_VERSION, VARIANT_SPECS, FitConfig, Settings, cache_key,
                                        new_backbone)
from core.gpt.finetune.stats import nll_and_ce
from core.gpt.finetune.tasks import by_length, encode_split, encode_task, load_task
from core.gpt.finetune.zeroshot import curve as zero_shot_curve
from core.gpt.tasks.common import all_texts
from core.gpt.tasks.transforms import Specials
from core.runtime.diskcache import cache_path, get_or_build
from core.runtime.jobs import BackgroundJob, Stopped
from core.runtime.threads import ThreadTuner

FT_STEP_COST = 2.5  # a fine-tuning step (batch 32) costs about this many pre-training steps (batch 12)
RUNS = "finetune-runs"  # cache kind of finished runs
PAGE_LIMITS: dict = {}  # extra Settings the Task formats page passes (tests shrink the work: max_train, fit, ...)


def _load_run(data: bytes) -> tuple[dict, dict]:
    state, meta = load_state(data)
    return meta["result"], state


class FinetuneJob(BackgroundJob):
    """Runs `settings` in a thread; `view()` is safe from any thread; first-seed models stay for predictions."""

    what = ("Fine-tuning", "ファインチューニング")

    def __init__(self, settings: Settings, device: torch.device | str = "cpu", live: LivePretrained | None = None,
                 threads: int | None = None):
        super().__init__(threads)
        s = self.settings = settings
        self.device = torch.device(device)
        self.budget = BUDGETS[s.budget]
        self.task = load_task(s.task, s.lang, s.max_train or self.budget.max_train,
                              s.max_heldout or self.budget.max_heldout)
        # the task's own words must be known too (the topic passages are checked for every task)
        words = all_texts(self.task) if s.task != "classification" else ()
        self.source = choose_source(s.lang, self.budget, live, words)
        self.tokenizer, self.backbone_note = self.source.tokenizer, self.source.note
        self.gpt_cfg, self.lstm_cfg = self.source.gpt_cfg, self.source.lstm_cfg
        self.n_classes = len(self.task.labels)
        self.max_tokens = min(self.gpt_cfg.block_size, self.budget.block_size, self.recipe("transformer").block)
        self._pretrain: dict[str, dict] = {a: self.source.info(a) for a in self._archs(s.variants, s.layer_sweep)
                                           if self.source.info(a) is not None}
        self.models: dict[str, TaskModel] = {}
        self._phase, self._variant, self._seed = "", "", 0
        self._curves: dict[str, Curves] = {}
        self._results: dict[str, VariantResult] = {}
        self._states: dict[str, dict] = {}  # cached weights not yet turned into models
        self._layers: dict[int, float] = {}
        self._zero_shot: dict[str, dict[int, float]] = {}
        self._steps, self._train_s = 0, 0.0
        # one thread policy for every run: each is only ~20-300 steps, too short to measure both counts again
        self.tuner = ThreadTuner(self.threads, probe=3, every=200)
        self._ft_steps = self.recipe("transformer").steps(len(self.task.train))
        self._examples = hashlib.sha1(repr((self.task.train, self.task.heldout)).encode("utf-8")).hexdigest()[:16]
        self._load_cached()
        self._total = self._planned_units()

    def recipe(self, arch: str) -> FitConfig:
        return self.settings.recipe(arch, len(self.task.heldout))

    @staticmethod
    def _archs(variants, layer_sweep: bool) -> list[str]:
        """The pre-trained backbones these runs start from."""
        need = {VARIANT_SPECS[v].arch for v in variants if VARIANT_SPECS[v].pretrained}
        need |= {"transformer"} if layer_sweep else set()  # the sweep keeps the full model's first blocks
        return [a for a in ("transformer", "lstm") if a in need]

    def _seeds(self, seed: int) -> tuple[int, int | None]:
        """(backbone seed, seed of the new rows and W_y). The fine-tuning page's runs draw the backbone from
        1000 + seed and the new row and W_y from seed; the formats' draw both from seed, in one stream."""
        return (1000 + seed, seed) if self.settings.fit is None else (seed, None)

    # ------------------------------------------------------------ cache
    def _run_key(self, variant: str, seed: int, layers: int | None) -> str:
        s = self.settings
        return f"{variant}-" + cache_key([CACHE_VERSION, "run1", s.lang, s.task, asdict(self.budget),
                                          asdict(self.recipe(VARIANT_SPECS[variant].arch)), self._examples,
                                          self.source.label, self.gpt_cfg.to_dict(), variant, seed, layers,
                                          s.lam_for(variant)])

    def _cached_run(self, variant: str, seed: int, layers: int | None) -> tuple[dict, dict] | None:
        try:
            return _load_run(cache_path(RUNS, self._run_key(variant, seed, layers), ".safetensors").read_bytes())
        except Exception:  # noqa: BLE001 - missing or unreadable: this run trains again
            return None

    def _load_cached(self) -> None:
        """Runs already done with these settings (a read-only look; writing goes through get_or_build)."""
        s = self.settings
        for v in s.variants:
            runs = [self._cached_run(v, seed, None) for seed in range(s.seeds)]
            if all(r is not None for r in runs):
                self._results[v] = variant_result(v, [r for r, _ in runs], cached=True)
                self._states[v] = runs[0][1]
                self._curves[v] = Curves(**runs[0][0]["curves"])
        if s.layer_sweep:
            found = {n: self._cached_run("full", 0, n if n < self.gpt_cfg.n_layer else None)
                     for n in range(self.gpt_cfg.n_layer + 1)}
            if all(r is not None for r in found.values()):
                self._layers = {n: r[0]["accuracy"] for n, r in found.items()}

    def model_for(self, variant: str) -> TaskModel | None:
        """The fine-tuned model of `variant` (first seed), from memory or the disk cache."""
        if variant in self.models:
            return self.models[variant]
        state = self._states.get(variant)
        if state is None:
            return None
        arch = VARIANT_SPECS[variant].arch
        cfg = self.recipe(arch)
        backbone = new_backbone(arch, self.budget, self.tokenizer.vocab_size, self.gpt_cfg, lstm_cfg=self.lstm_cfg)
        model = task_model(backbone, self.settings.task, self.n_classes, self._rows(), cfg.new_tokens, cfg.special_init)
        model.load_state_dict(state, strict=False)
        self.models[variant] = model.eval()
        return self.models[variant]

    def _rows(self) -> int:
        """Rows per example: 2 for similarity (both orders), k for multiple choice, else 1."""
        k = len(self.task.train[0].answers) if self.settings.task == "multiple_choice" and self.task.train else 1
        return 2 if self.settings.task == "similarity" else k

    # ------------------------------------------------------------ control
    def _todo(self) -> list[str]:
        return [v for v in self.settings.variants if v not in self._results]

    def _zero_shot_todo(self) -> bool:
        return self.settings.zero_shot and self.settings.task != "classification" and not self._zero_shot

    def _planned_units(self) -> float:
        s, todo = self.settings, self._todo()
        runs = s.seeds * len(todo) + (self.gpt_cfg.n_layer if s.layer_sweep and not self._layers else 0)
        units = self._ft_steps * FT_STEP_COST * runs
        units += sum(self.budget.pretrain_steps for a in self._archs(todo, s.layer_sweep and not self._layers)
                     if self.source.trained_here(a))
        if self._zero_shot_todo():  # the shipped curves are read at once; else two snapshot pre-trainings
            units += 2 if self.source.shipped is not None else 2 * self.budget.pretrain_steps
        return max(1.0, units)

    def can_start(self) -> bool:
        if not self._todo() and not (self.settings.layer_sweep and not self._layers) and not self._zero_shot_todo():
            self._status = "finished"
            return False
        self._done, self._total = 0.0, self._planned_units()
        return True

    def _tick(self, units: float) -> None:
        with self._lock:
            self._done += units

    def _set_phase(self, phase: str, variant: str = "", seed: int = 0) -> None:
        with self._lock:
            self._phase, self._variant, self._seed = phase, variant, seed

    # ------------------------------------------------------------ the thread
    def work(self) -> str:
        try:
            self._experiment()
            return "finished"
        except Stopped:
            return "stopped"
        except UserInputError as e:  # a diverging run: say why, keep what finished
            self.set_message(e)
            return "diverged"
        finally:
            self._set_phase("")

    def _weights(self, arch: str) -> dict[str, torch.Tensor]:
        if self.source.trained_here(arch):
            self._set_phase(f"pretrain_{arch}")
        state, info = self.source.weights(arch, self.device, gate=self.gate, on_step=lambda st: self._tick(1.0),
                                          threads=self.threads)
        if state is None:
            raise Stopped()
        with self._lock:
            self._pretrain[arch] = info
        return state

    def _encode(self) -> dict:
        """Train and held-out rows: "text [extract]" for the page's recipe (held-out sorted by length: less
        padding), Figure 1's layouts for the formats'."""
        t, tok, V = self.task, self.tokenizer, self.tokenizer.vocab_size
        if self.recipe("transformer").new_tokens == 1:
            return {"train": encode_split(tok, t.train, V, self.max_tokens),
                    "heldout": by_length(encode_split(tok, t.heldout, V, self.max_tokens))}
        return {k: encode_task(t, getattr(t, k), tok, Specials.after(V), self.max_tokens) for k in ("train", "heldout")}

    def _experiment(self) -> None:
        s, todo = self.settings, self._todo()
        sweep = s.layer_sweep and not self._layers
        states = {arch: self._weights(arch) for arch in self._archs(todo, sweep)}
        enc = self._encode()

        def run(variant: str, seed: int, layers: int | None) -> dict:
            """One fine-tuning run, from the cache when done before."""
            spec, keep = VARIANT_SPECS[variant], seed == 0 and layers is None
            cfg = self.recipe(spec.arch)

            def build() -> tuple[dict, dict]:
                bseed, iseed = self._seeds(seed)
                bb = build_backbone(spec.arch, self.budget, self.tokenizer.vocab_size,
                                    states[spec.arch] if spec.pretrained else None, layers, bseed, cfg.dropout,
                                    self.gpt_cfg if spec.arch == "transformer" else self.lstm_cfg)
                curves = Curves()
                if keep:
                    with self._lock:
                        self._curves[variant] = curves
                out = fit(bb, s.task, self.n_classes, enc["train"], enc["heldout"], s.lam_for(variant), cfg, seed,
                          self.device, gate=self.gate, on_step=lambda st: self._tick(FT_STEP_COST), tuner=self.tuner,
                          curves=curves, lock=self._lock, init_seed=iseed)
                if out is None:
                    if keep:
                        with self._lock:
                            self._curves.pop(variant, None)
                    raise Stopped()
                model, r = out
                with self._lock:  # runs trained here (not ones read from the cache)
                    self._steps += r.steps
                    self._train_s += r.seconds
                    if keep:
                        self.models[variant] = model.cpu()
                result = {"accuracy": r.accuracy, "steps": r.steps, "seconds": r.seconds, "curves": asdict(curves),
                          "nll_ce": list(nll_and_ce(r.scores.logits, enc["heldout"].labels)),
                          "confusion": r.scores.confusion}
                return result, (model.state_dict() if keep else {})

            (result, state), _ = get_or_build(RUNS, self._run_key(variant, seed, layers), build, suffix=".safetensors",
                                              dump=lambda v: dump_state(v[1], {"result": v[0]}), load=_load_run)
            if keep:
                with self._lock:
                    self._curves.setdefault(variant, Curves(**result["curves"]))
                    self._states[variant] = state
            return result

        for v in todo:
            runs = []
            for seed in range(s.seeds):
                self._set_phase("finetune", v, seed)
                runs.append(run(v, seed, None))
            with self._lock:
                self._results[v] = variant_result(v, runs)
        if sweep:
            n_layer = self.gpt_cfg.n_layer
            for n in range(n_layer + 1):
                self._set_phase("layers", "full", 0)
                acc = run("full", 0, n if n < n_layer else None)["accuracy"]
                with self._lock:
                    self._layers[n] = acc
        if self._zero_shot_todo():
            self._set_phase("zero_shot")
            for arch in ("transformer", "lstm"):
                curve = self._zero_shot_curve(arch)
                with self._lock:
                    self._zero_shot[arch] = curve

    def _zero_shot_curve(self, arch: str) -> dict[int, float]:
        return zero_shot_curve(self.task, arch, self.tokenizer, self.budget, self.source.shipped is not None,
                       [self._examples, self.source.label], self.device, self.gate, lambda: self._tick(1.0))

    # ------------------------------------------------------------ reading
    def view(self) -> FinetuneView:
        with self._lock:
            st = self._state()
            return FinetuneView(
                status=st.status, phase=self._phase, variant=self._variant, seed=self._seed,
                progress=1.0 if st.status == "finished" else st.progress, eta_s=st.eta_s, elapsed_s=st.elapsed_s,
                curves={k: asdict(c) for k, c in self._curves.items()}, results=dict(self._results),
                pretrain=copy.deepcopy(self._pretrain), message=st.message, task=self.task, settings=self.settings,
                backbone_note=self.backbone_note, layers=dict(self._layers),
                zero_shot=copy.deepcopy(self._zero_shot), steps=self._steps, train_s=round(self._train_s, 2))


def run_experiment(settings: Settings, device: torch.device | str = "cpu", threads: int | None = None) -> FinetuneView:
    """Run (or load from the cache) the whole experiment, waiting for it; for benches and scripts."""
    job = FinetuneJob(settings, device, threads=threads)
    job.start()
    job.wait()
    return job.view()
