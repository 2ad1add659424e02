"""The "Train GPT-1 live" page's training: a core.runtime BackgroundJob around gpt_trainer.

The page builds `JobSettings` from its widgets, `build_job` turns them into a `TrainingJob`, and the
page polls `view()`, a consistent copy of the curves, samples and progress. Pausing, stopping, the
limit on concurrent trainings, thread priority, ETA and failures are the base class's business.
"""
from __future__ import annotations

import copy
import threading
from dataclasses import dataclass, replace

import torch

from core.corpus import corpus_id
from core.errors import UserInputError
from core.gpt.checkpoint import Checkpoint, checkpoint_bytes
from core.gpt.data import TokenData, build_tokenizer, cached_references, ngram_reference
from core.gpt.views import position_matrices, prompt_attention  # noqa: F401 - re-exported for pages
from core.gpt.model import GPT, GPTConfig
from core.gpt.shipped import LANGS, gpt_path, read_card
from core.gpt.pretrain import EvalInfo, TrainConfig, configure_optimizer, generate_text, gpt_trainer
from core.runtime.jobs import LIMITER, BackgroundJob, JobSlot, TooManyTrainings  # noqa: F401
from core.runtime.trainer import StepInfo, Trainer
from core.tokenizers.base import Tokenizer


@dataclass
class JobView:
    """A consistent copy of a job's state, safe to use without any lock."""

    status: str  # ready | running | paused | stopped | finished | diverged | failed
    step: int
    max_iters: int
    steps: list[int]
    loss: list[float]
    lr: list[float]
    tokens_per_s: list[float]
    evals: list[EvalInfo]
    samples: list[tuple[int, str]]
    references: dict[str, float]
    message: UserInputError | None
    eta_s: float | None
    elapsed_s: float
    device: str
    threads: int
    label: str

    @property
    def progress(self) -> float:
        return min(1.0, self.step / max(1, self.max_iters))

    @property
    def active(self) -> bool:
        return self.status in ("running", "paused")

    @property
    def last_val(self) -> float | None:
        return self.evals[-1].val_loss if self.evals else None

    def crossings(self) -> dict[str, int]:
        """Reference line -> the first evaluated step (> 0) whose held-out loss is under it."""
        out: dict[str, int] = {}
        for key in (k for k in REFERENCE_LINES if k in self.references):
            first = next((e.step for e in self.evals if e.step > 0 and e.val_loss < self.references[key]), None)
            if first is not None:
                out[key] = first
        return out


REFERENCE_LINES = ("unigram", "bigram", "kn", "shipped")  # weakest first: the order they are usually crossed


class TrainingJob(BackgroundJob):
    """One model, its data and its training thread.

    >>> # job = TrainingJob(cfg, tc, tokenizer, train_text, heldout_text); job.start(); job.view().step
    """

    what = ("Training", "学習")

    def __init__(self, model_config: GPTConfig, train_config: TrainConfig, tokenizer: Tokenizer,
                 train_text: str, heldout_text: str, device: torch.device | str = "cpu", label: str = "",
                 threads: int | None = None, checkpoint: Checkpoint | None = None,
                 extra_references: dict[str, float] | None = None):
        super().__init__(threads, label)
        self.device = torch.device(device)
        self.tokenizer = tokenizer
        self.config = model_config
        self.data = TokenData.from_text(tokenizer, train_text, heldout_text, model_config.block_size, self.device)
        # The add-k lines are instant; the Kneser–Ney line (cached) is added by the training thread, off the page.
        self.references = ngram_reference(self.data.train, self.data.heldout, tokenizer.vocab_size)
        self.references.update(extra_references or {})
        torch.manual_seed(train_config.seed)
        self.model = GPT(model_config)
        start = 0
        if checkpoint is not None:
            self.model.load_state_dict(checkpoint.state_dict, strict=False)
            start = checkpoint.step
            train_config = replace(train_config, max_iters=start + train_config.max_iters)
        self.model.to(self.device)
        self.tc = train_config
        self.optimizer = configure_optimizer(self.model, train_config)
        if checkpoint is not None and checkpoint.optim_state:
            try:
                checkpoint.load_into(self.model, self.optimizer)
            except UserInputError:
                pass  # weights loaded; AdamW starts fresh
        self.step_lock = threading.Lock()  # held by the trainer during each optimizer step
        self._step = start
        self._steps: list[int] = []
        self._loss: list[float] = []
        self._lr: list[float] = []
        self._tps: list[float] = []
        self._evals: list[EvalInfo] = []
        self._samples: list[tuple[int, str]] = []
        self._snapshot: tuple[int, GPT] | None = None
        self._threads_now = self.threads
        self.set_progress(start, train_config.max_iters)
        if start >= train_config.max_iters:
            self._status = "finished"

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, train_config: TrainConfig, train_text: str, heldout_text: str,
                        device: torch.device | str = "cpu", label: str = "", threads: int | None = None) -> "TrainingJob":
        """A stopped job holding the checkpoint's model and tokenizer; Start trains max_iters more steps."""
        return cls(ckpt.config, train_config, ckpt.tokenizer, train_text, heldout_text, device, label, threads, ckpt)

    # ---------------------------------------------------------------- the training thread
    def can_start(self) -> bool:
        self._total = float(self.tc.max_iters)  # the page may have raised it after a stop
        return self._step < self.tc.max_iters

    def _on_step(self, tr: Trainer, s: StepInfo) -> None:
        with self._lock:
            self._step = s.step
            self._done = float(s.step)
            self._steps.append(s.step)
            self._loss.append(s.loss)
            self._lr.append(s.lr)
            self._tps.append(s.tokens_per_s)
            self._threads_now = s.threads

    def _on_eval(self, tr: Trainer, e: EvalInfo) -> None:
        with self._lock:
            self._evals.append(e)

    def _on_sample(self, tr: Trainer, step: int, text: str) -> None:
        with self._lock:
            self._samples.append((step, text))
            del self._samples[:-20]

    def work(self) -> str:
        trainer = gpt_trainer(self.model, self.data, replace(self.tc, threads="auto"), self.tokenizer,
                              on_sample=self._on_sample, gate=self.gate, step_lock=self.step_lock,
                              start_step=self._step, optimizer=self.optimizer, max_threads=self.threads)
        trainer.add_callback("on_step", self._on_step)
        trainer.add_callback("on_eval", self._on_eval)
        if "kn" not in self.references:
            refs = cached_references(self.data.train, self.data.heldout, self.tokenizer.vocab_size)
            with self._lock:
                self.references = {**refs, **self.references}
        if not self._evals:
            with self.step_lock:
                trainer.evaluate()  # the loss at step 0: about ln(vocab)
        result = trainer.run()
        self.set_message(result.reason)
        return result.status

    # ---------------------------------------------------------------- reading (any thread)
    def view(self) -> JobView:
        with self._lock:
            st = self._state()
            return JobView(
                status=st.status, step=self._step, max_iters=self.tc.max_iters,
                steps=list(self._steps), loss=list(self._loss), lr=list(self._lr), tokens_per_s=list(self._tps),
                evals=list(self._evals), samples=list(self._samples), references=dict(self.references),
                message=st.message, eta_s=st.eta_s, elapsed_s=st.elapsed_s, device=str(self.device),
                threads=self._threads_now, label=self.label,
            )

    def model_snapshot(self) -> GPT:
        """An eval-mode copy of the current model on the CPU (cached per step), safe to use anywhere."""
        with self._lock:
            step, snap = self._step, self._snapshot
        if snap is not None and snap[0] == step:
            return snap[1]
        with self.step_lock:
            step = self._step
            model = copy.deepcopy(self.model).to("cpu").eval()
        for p in model.parameters():
            p.requires_grad_(False)
        with self._lock:
            self._snapshot = (step, model)
        return model

    def checkpoint(self, with_optimizer: bool = True) -> bytes:
        """The current weights (and AdamW state, for resuming) as checkpoint bytes."""
        with self.step_lock:
            return checkpoint_bytes(self.model, self.tokenizer, self._step,
                                    self.optimizer if with_optimizer else None,
                                    extra={"label": self.label, "val_loss": self.view().last_val})

    def sample(self, prompt: str, max_new_tokens: int = 200, temperature: float = 0.8, top_k: int | None = 40,
               seed: int = 0) -> str:
        return generate_text(self.model_snapshot(), self.tokenizer, prompt, max_new_tokens, temperature, top_k, seed)


# --------------------------------------------------------------------------------------------
# What the page builds a job from
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class JobSettings:
    """Everything the page's widgets choose, in one value (no Streamlit types)."""

    tokenizer: str = "char"  # char | bpe | unigram
    vocab_size: int = 1000  # for bpe / unigram
    preset: str = "class-demo"  # a key of core.gpt.model.PRESETS, or "custom"
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 64
    pre_ln: bool = False
    dropout: float = 0.0
    # 2e-3 (not 1e-3): with the 200-step warm-up the class-demo model on the ja characters gets its held-out
    # loss under the bigram line by step 250, about 50 s on 2 CPU cores (bench/first_start.py); 1e-3 is past 60 s.
    lr: float = 2e-3
    batch_size: int = 12  # sequences per step: 768 tokens, a step in ~0.2 s on 2 cores
    max_iters: int = 2000  # ~10 min on 2 cores; Stop keeps the model at any point
    eval_interval: int = 50  # held-out loss (and the "beat the line" messages) every ~10 s, not ~20 s
    eval_iters: int = 10
    sample_interval: int = 250
    sample_tokens: int = 120

    def model_config(self, vocab_size: int) -> GPTConfig:
        """The GPT these settings describe. Impossible sizes are explained in both languages here, where
        the user's choice enters (the model itself raises plain ValueErrors)."""
        if self.preset == "custom":
            if min(self.n_layer, self.n_head, self.n_embd, self.block_size) < 1:
                raise UserInputError("Layers, heads, width and context must each be at least 1.",
                                     "層・ヘッド・幅・文脈長はどれも 1 以上にしてください。")
            if self.n_embd % self.n_head:
                raise UserInputError(
                    f"The width ({self.n_embd}) must be divisible by the number of heads ({self.n_head}).",
                    f"幅（{self.n_embd}）はヘッド数（{self.n_head}）で割り切れる必要があります。")
            if not 0.0 <= self.dropout < 1.0:
                raise UserInputError("Dropout must be in [0, 1).", "ドロップアウトは 0 以上 1 未満にしてください。")
            return GPTConfig(vocab_size=vocab_size, n_layer=self.n_layer, n_head=self.n_head, n_embd=self.n_embd,
                             block_size=self.block_size, dropout=self.dropout, pre_ln=self.pre_ln)
        return GPTConfig.preset(self.preset, vocab_size, pre_ln=self.pre_ln)

    def train_config(self) -> TrainConfig:
        return TrainConfig(max_iters=self.max_iters, batch_size=self.batch_size, lr=self.lr,
                           eval_interval=self.eval_interval, eval_iters=self.eval_iters,
                           sample_interval=self.sample_interval, sample_tokens=self.sample_tokens)


def build_job(settings: JobSettings, train_text: str, heldout_text: str, device: torch.device | str,
              corpus_name: str) -> TrainingJob:
    """Tokenizer (trained on the training part only), model and data for `settings`."""
    tok = build_tokenizer(settings.tokenizer, train_text, settings.vocab_size)
    cfg = settings.model_config(tok.vocab_size)
    label = f"{settings.preset} · {corpus_name} · {tok.name} ({tok.vocab_size})"
    shipped = shipped_reference(settings.tokenizer, tok.vocab_size, train_text + heldout_text)
    return TrainingJob(cfg, settings.train_config(), tok, train_text, heldout_text, device, label,
                       extra_references={"shipped": shipped} if shipped is not None else None)


def shipped_reference(tokenizer: str, vocab_size: int, text: str) -> float | None:
    """The held-out loss on a shipped model's card when this run has its corpus and tokenizer, else None.

    Same corpus = same corpus_id of the whole text; same tokenizer = same kind and vocabulary size (both
    are trained on the same training part, so they give the same ids).
    """
    for lang in LANGS:
        try:
            card = read_card(gpt_path(lang))
            same = (card.get("corpus_id") == corpus_id(text) and card["tokenizer"]["vocab_size"] == vocab_size
                    and card["tokenizer"]["type"] == f"sentencepiece-{tokenizer}")
            if same:
                return float(card["heldout_loss"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # no card, or an older one: no line
    return None
