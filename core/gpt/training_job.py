"""A GPT training running in a background thread, and a thread-safe view of it for a page to poll.

The page (Streamlit script thread) never waits on training: it calls `start / pause / resume / stop`
and reads `view()`, a consistent copy of the state taken under a lock. The training thread never
calls Streamlit. A process-wide limiter caps how many trainings run at once (each one wants the
CPU cores); `JobSlot` is the one job a browser session owns, closed when the session ends.
"""
from __future__ import annotations

import copy
import itertools
import os
import threading
import time
import traceback
from dataclasses import dataclass, field, replace

import torch

from core.gpt.checkpoint import Checkpoint, checkpoint_bytes
from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.base import Tokenizer
from core.gpt.train import (EvalInfo, StepInfo, TokenData, Trainer, TrainConfig, TrainResult,
                        configure_optimizer, generate_text, ngram_reference)

# --------------------------------------------------------------------------------------------
# How many trainings may run at once in this process (every browser session shares the cores)
# --------------------------------------------------------------------------------------------
MAX_CONCURRENT = max(1, int(os.environ.get("ATLAS_MAX_TRAININGS", "2")))


class TooManyTrainings(UserInputError):
    def __init__(self, limit: int):
        super().__init__(
            f"{limit} trainings are already running on this server (the limit, so that each gets enough CPU). "
            "Wait until one finishes or is stopped, then press Start again.",
            f"このサーバーではすでに {limit} 件の学習が動いています（CPU を分け合うための上限です）。"
            "どれかが終わるか止められてから、もう一度「開始」を押してください。",
        )


class _Limiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: set[int] = set()

    def acquire(self, job_id: int, limit: int | None = None) -> None:
        limit = MAX_CONCURRENT if limit is None else limit
        with self._lock:
            if job_id in self._active:
                return
            if len(self._active) >= limit:
                raise TooManyTrainings(limit)
            self._active.add(job_id)

    def release(self, job_id: int) -> None:
        with self._lock:
            self._active.discard(job_id)

    def active(self) -> int:
        with self._lock:
            return len(self._active)


LIMITER = _Limiter()
_ids = itertools.count(1)


def ui_threads() -> int:
    """Threads for a training that shares the machine with a web page: all cores on a 2-core
    machine (one fewer halves the speed, and the trainer runs at lower priority instead),
    one core left free on larger machines."""
    n = os.cpu_count() or 1
    return n if n <= 2 else n - 1


# --------------------------------------------------------------------------------------------
# What the page reads
# --------------------------------------------------------------------------------------------
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


class BackgroundJob:
    """What every background job here shares: a thread, a stop event, and how to stop and wait for it.

    Subclasses set `self._stop = threading.Event()` and `self._thread` (None until started).
    """

    _stop: threading.Event
    _thread: threading.Thread | None

    def _wake(self) -> None:
        """Unblock a thread that may be waiting (e.g. paused), so it sees the stop."""

    def _fail(self, e: Exception, what_en: str, what_ja: str) -> None:
        """The thread hit a bug: log it, and leave the page a message instead of a dead thread."""
        traceback.print_exc()
        with self._lock:
            self._status = "failed"
            self._message = UserInputError(f"{what_en} failed: {type(e).__name__}: {e}",
                                           f"{what_ja}に失敗しました：{type(e).__name__}: {e}")

    def stop(self, wait: float | None = None) -> None:
        """Ask the thread to stop after its current step; whatever it trained is kept."""
        self._stop.set()
        self._wake()
        t = self._thread
        if wait and t is not None:
            t.join(wait)

    def close(self) -> None:
        """Stop for good (session ended)."""
        self.stop(wait=5.0)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the thread ends; True if it has."""
        t = self._thread
        if t is not None:
            t.join(timeout)
            return not t.is_alive()
        return True


class TrainingJob(BackgroundJob):
    """One model, its data and its training thread.

    >>> # job = TrainingJob(cfg, tc, tokenizer, train_text, heldout_text); job.start(); job.view().step
    """

    def __init__(self, model_config: GPTConfig, train_config: TrainConfig, tokenizer: Tokenizer,
                 train_text: str, heldout_text: str, device: torch.device | str = "cpu", label: str = "",
                 threads: int | None = None, checkpoint: Checkpoint | None = None):
        self.id = next(_ids)
        self.device = torch.device(device)
        self.tokenizer = tokenizer
        self.label = label
        self.threads = threads or ui_threads()
        self.config = model_config
        self.data = TokenData.from_text(tokenizer, train_text, heldout_text, model_config.block_size, self.device)
        self.references = ngram_reference(self.data.train, self.data.heldout, tokenizer.vocab_size)
        torch.manual_seed(train_config.seed)
        self.model = GPT(model_config)
        start = 0
        self.optimizer = None
        if checkpoint is not None:
            self.model.load_state_dict(checkpoint.state_dict, strict=False)
            start = checkpoint.step
            train_config = replace(train_config, max_iters=start + train_config.max_iters)
        self.model.to(self.device)
        self.tc = train_config
        self.optimizer = configure_optimizer(self.model, train_config, self.device)
        if checkpoint is not None and checkpoint.optim_state:
            try:
                checkpoint.load_into(self.model, self.optimizer)
            except UserInputError:
                pass  # weights loaded; AdamW starts fresh
        self._lock = threading.Lock()  # guards the fields below
        self.step_lock = threading.Lock()  # held by the trainer during each optimizer step
        self._run = threading.Event()
        self._run.set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = "ready" if start < train_config.max_iters else "finished"
        self._step = start
        self._steps: list[int] = []
        self._loss: list[float] = []
        self._lr: list[float] = []
        self._tps: list[float] = []
        self._evals: list[EvalInfo] = []
        self._samples: list[tuple[int, str]] = []
        self._message: UserInputError | None = None
        self._active_s = 0.0  # wall time spent running (pauses excluded)
        self._run_started_step = start
        self._since: float | None = None
        self._snapshot: tuple[int, GPT] | None = None
        self._threads_now = self.threads

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, train_config: TrainConfig, train_text: str, heldout_text: str,
                        device: torch.device | str = "cpu", label: str = "", threads: int | None = None) -> "TrainingJob":
        """A stopped job holding the checkpoint's model and tokenizer; Start trains max_iters more steps."""
        return cls(ckpt.config, train_config, ckpt.tokenizer, train_text, heldout_text, device, label, threads, ckpt)

    # ---------------------------------------------------------------- control (page thread)
    def start(self) -> None:
        """Start (or continue after Stop) in a background thread; TooManyTrainings when the limit is reached."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            if self._step >= self.tc.max_iters:
                return
            LIMITER.acquire(self.id)
            self._stop.clear()
            self._run.set()
            self._status = "running"
            self._message = None
            self._run_started_step = self._step
            self._since = time.perf_counter()
            self._thread = threading.Thread(target=self._main, name=f"gpt-train-{self.id}", daemon=True)
            self._thread.start()

    def pause(self) -> None:
        with self._lock:
            if self._status == "running":
                self._run.clear()
                self._status = "paused"
                self._account()

    def resume(self) -> None:
        with self._lock:
            if self._status == "paused":
                self._status = "running"
                self._since = time.perf_counter()
                self._run.set()

    def _wake(self) -> None:
        self._run.set()  # a paused thread waits on _run: release it so it sees the stop

    # ---------------------------------------------------------------- the training thread
    def _gate(self) -> bool:
        while not self._run.is_set():
            self._run.wait(0.2)
        return not self._stop.is_set()

    def _account(self) -> None:  # under self._lock
        if self._since is not None:
            self._active_s += time.perf_counter() - self._since
            self._since = None

    def _on_step(self, tr: Trainer, s: StepInfo) -> None:
        with self._lock:
            self._step = s.step
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

    def _main(self) -> None:
        try:
            _lower_priority()
            torch.set_num_threads(self.threads)
            trainer = Trainer(self.model, self.data, replace(self.tc, threads="auto"), self.tokenizer, self.device,
                              gate=self._gate, step_lock=self.step_lock, start_step=self._step,
                              optimizer=self.optimizer, max_threads=self.threads)
            if not self._evals:
                with self.step_lock:
                    self._on_eval(trainer, trainer.evaluate())  # the loss at step 0: ≈ ln(vocab)
            for ev, fn in (("on_step", self._on_step), ("on_eval", self._on_eval), ("on_sample", self._on_sample)):
                trainer.add_callback(ev, fn)
            result: TrainResult = trainer.run()
            with self._lock:
                self._status = result.status
                self._message = result.reason
        except Exception as e:  # noqa: BLE001 - the page must see a message, never a dead thread
            self._fail(e, "Training", "学習")
        finally:
            with self._lock:
                self._account()
            LIMITER.release(self.id)

    # ---------------------------------------------------------------- reading (any thread)
    def view(self) -> JobView:
        with self._lock:
            active = self._active_s + (time.perf_counter() - self._since if self._since is not None else 0.0)
            done = self._step - self._run_started_step
            eta = None
            if self._status in ("running", "paused") and done >= 5 and active > 0:
                eta = (self.tc.max_iters - self._step) * active / done
            return JobView(
                status=self._status, step=self._step, max_iters=self.tc.max_iters,
                steps=list(self._steps), loss=list(self._loss), lr=list(self._lr), tokens_per_s=list(self._tps),
                evals=list(self._evals), samples=list(self._samples), references=dict(self.references),
                message=self._message, eta_s=eta, elapsed_s=active, device=str(self.device),
                threads=self._threads_now, label=self.label,
            )

    @property
    def status(self) -> str:
        with self._lock:
            return self._status

    def model_snapshot(self) -> GPT:
        """An eval-mode copy of the current model on the CPU (cached per step), safe to use anywhere."""
        with self._lock:
            step = self._step
            snap = self._snapshot
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


def _lower_priority() -> None:
    """Nice the training thread (its OpenMP workers, created after this, inherit it): the web server
    thread then gets a core first and the page stays responsive; the training loses little."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 5)
    except (AttributeError, OSError, PermissionError):
        pass


@dataclass
class JobSlot:
    """The one training a browser session owns. Replacing or closing it stops the old one."""

    job: TrainingJob | None = None
    notes: dict = field(default_factory=dict)

    def replace(self, job: TrainingJob | None) -> None:
        old, self.job = self.job, job
        if old is not None and old is not job:
            old.stop()

    def close(self) -> None:
        if self.job is not None:
            self.job.close()


# --------------------------------------------------------------------------------------------
# What the page builds a job from, and what it shows of a model
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
    lr: float = 1e-3
    batch_size: int = 12
    max_iters: int = 2000
    eval_interval: int = 100
    eval_iters: int = 10
    sample_interval: int = 250
    sample_tokens: int = 120

    def model_config(self, vocab_size: int) -> GPTConfig:
        if self.preset == "custom":
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
    from core.gpt.train import build_tokenizer

    tok = build_tokenizer(settings.tokenizer, train_text, settings.vocab_size)
    cfg = settings.model_config(tok.vocab_size)
    label = f"{settings.preset} · {corpus_name} · {tok.name} ({tok.vocab_size})"
    return TrainingJob(cfg, settings.train_config(), tok, train_text, heldout_text, device, label)


@torch.inference_mode()
def prompt_attention(model: GPT, tokenizer: Tokenizer, prompt: str) -> tuple[list[str], list[torch.Tensor]]:
    """The prompt's tokens (cut to the context) and every layer's attention weights, each (n_head, T, T)."""
    ids = tokenizer.encode(prompt)[: model.config.block_size]
    if not ids:
        raise UserInputError("Type a prompt first.", "まずプロンプトを入力してください。")
    out = model(torch.tensor([ids], dtype=torch.long), return_attn=True)
    return [tokenizer.id_to_piece(i) for i in ids], [a[0] for a in out.attentions]


def position_matrices(model: GPT) -> tuple[torch.Tensor, torch.Tensor]:
    """The learned W_p (block_size, n_embd) and the sinusoidal encoding of the same size."""
    from core.transformer.positional import sinusoidal_pe

    wp = model.wpe.weight.detach().to("cpu", torch.float64)
    return wp, sinusoidal_pe(wp.shape[0], wp.shape[1])
