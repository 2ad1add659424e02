"""The "Train GPT-1 live" page's training: a core.runtime BackgroundJob around gpt_trainer.

The page builds `JobSettings` from its widgets, `build_job` turns them into a `TrainingJob`, and the
page polls `view()`, a consistent copy of the curves, samples and progress. Pausing, stopping, the
limit on concurrent trainings, thread priority, ETA and failures are the base class's business.

Nothing lost: `checkpoint()` is everything an exact continuation needs (weights, AdamW, the schedule,
the batch generator's state, the curves: core.gpt.checkpoints.resume), taken between two updates; with
`autosave_path` set the training thread writes it there every AUTOSAVE_STEPS steps or AUTOSAVE_S
seconds and when it stops, and `TrainingJob.resumed(checkpoint, ...)` continues from it as if never
interrupted (same batches, same learning rates, same losses).
"""
from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

import torch

from core.corpus import corpus_id
from core.errors import UserInputError
from core.gpt.checkpoints.autosave import write_corpus
from core.gpt.checkpoints.files import Checkpoint, checkpoint_bytes, write_failure, write_failure_ja
from core.gpt import memory_budget
from core.gpt.data import TokenData, cached_references, ngram_reference
from core.gpt.job_settings import JobSettings, JobView, plan
from core.gpt.checkpoints.resume import ResumeState
from core.gpt.model import GPT, GPTConfig
from core.gpt.pretrain import EvalInfo, TrainConfig, generate_text, gpt_trainer
from core.runtime.diskcache import write_atomic
from core.runtime.jobs import BackgroundJob
from core.runtime.trainer import StepInfo, Trainer, configure_optimizer
from core.tokenizers.base import Tokenizer

log = logging.getLogger("atlas.training")
AUTOSAVE_S = 60.0  # at most a minute of training lost to a crash or a killed server
AUTOSAVE_STEPS = 250  # and at most this many steps (a write is ~10 MB and ~50 ms for class-demo)


class _UpdateLock:
    """The trainer's step lock: it counts the updates it guards, so a copy taken under the job's step lock
    knows which step its weights, AdamW state and batch generator belong to (the trainer's own counter
    moves only after it releases the lock)."""

    def __init__(self, lock: threading.Lock, on_update):
        self.lock, self.on_update = lock, on_update

    def acquire(self) -> None:
        self.lock.acquire()

    def release(self) -> None:
        try:
            self.on_update()
        finally:
            self.lock.release()


class TrainingJob(BackgroundJob):
    """One model, its data and its training thread.

    >>> # job = TrainingJob(cfg, tc, tokenizer, train_text, heldout_text); job.start(); job.view().step
    """

    what = ("Training", "学習")
    queue_when_full = True  # at the server's limit a Start waits its turn (a place and a wait shown), cancellable

    def __init__(self, model_config: GPTConfig, train_config: TrainConfig, tokenizer: Tokenizer,
                 train_text: str, heldout_text: str, device: torch.device | str = "cpu", label: str = "",
                 threads: int | None = None, checkpoint: Checkpoint | None = None,
                 extra_references: dict[str, float] | None = None, resume: bool = False):
        super().__init__(threads, label)
        self.device = torch.device(device)
        self.tokenizer = tokenizer
        self.config = model_config
        self.corpus_id = corpus_id(train_text + heldout_text)
        self.data = TokenData.from_text(tokenizer, train_text, heldout_text, model_config.block_size, self.device)
        # The add-k lines are instant; the Kneser–Ney line (cached) is added by the training thread, off the page.
        self.references = ngram_reference(self.data.train, self.data.heldout, tokenizer.vocab_size)
        self.references.update(extra_references or {})
        rs = checkpoint.resume if resume and checkpoint is not None else None
        torch.manual_seed(train_config.seed)
        self.model = GPT(model_config)
        start = 0
        if checkpoint is not None:
            self.model.load_state_dict(checkpoint.state_dict, strict=False)
            start = checkpoint.step
        self.model.to(self.device)
        self.tc = train_config
        self.optimizer = configure_optimizer(self.model, train_config)
        if checkpoint is not None and checkpoint.optim_state:
            try:
                checkpoint.load_into(self.model, self.optimizer)
            except UserInputError:
                pass  # weights loaded; AdamW starts fresh
        self.step_lock = threading.Lock()  # held by the trainer during each optimizer step
        self._step = self._applied = start  # _applied: updates in the weights (moves under step_lock)
        self._rng = rs.rng.clone() if rs is not None and rs.rng is not None else None  # the batch generator
        self._trainer: Trainer | None = None
        self._steps: list[int] = list(rs.steps) if rs else []
        self._loss: list[float] = list(rs.loss) if rs else []
        self._lr: list[float] = list(rs.lr) if rs else []
        self._tps: list[float] = list(rs.tps) if rs else []
        self._evals: list[EvalInfo] = list(rs.evals) if rs else []
        self._samples: list[tuple[int, str]] = list(rs.samples) if rs else []
        self._snapshot: tuple[int, GPT] | None = None
        self._threads_now = self.threads
        self.autosave_path: Path | None = None  # set by the page: where the training thread keeps its checkpoint
        self.corpus_path: Path | None = None  # and where the text goes (once), for a resume after a restart
        self._texts = (label, train_text, heldout_text)
        self._saved = (start, time.monotonic())  # (step, when) of the last autosave
        self.saved_step: int | None = None  # the step on disk at autosave_path, once written
        self.save_error: UserInputError | None = None  # the last autosave failed (a full disk): the page says so
        self.set_progress(start, train_config.max_iters)
        if start >= train_config.max_iters:
            self._status = "finished"

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, train_config: TrainConfig, train_text: str, heldout_text: str,
                        device: torch.device | str = "cpu", label: str = "",
                        threads: int | None = None) -> "TrainingJob":
        """A stopped job holding the checkpoint's model and tokenizer; Start trains max_iters more steps
        (weights only: a fresh schedule from the checkpoint's step)."""
        memory_budget.check(ckpt.config, train_config.batch_size)  # a loaded checkpoint too stays in the budget
        train_config = replace(train_config, max_iters=ckpt.step + train_config.max_iters)
        return cls(ckpt.config, train_config, ckpt.tokenizer, train_text, heldout_text, device, label, threads, ckpt)

    @classmethod
    def resumed(cls, ckpt: Checkpoint, train_text: str, heldout_text: str, device: torch.device | str = "cpu",
                label: str = "", threads: int | None = None) -> "TrainingJob":
        """A stopped job that continues `ckpt`'s training exactly where it was (it needs ckpt.resume)."""
        if ckpt.resume is None:
            raise UserInputError("This checkpoint holds weights only, so it cannot resume a training exactly.",
                                 "このチェックポイントは重みだけなので、学習をそのまま再開することはできません。")
        memory_budget.check(ckpt.config, ckpt.resume.train_config.batch_size)
        # the same schedule: the step is a position on it
        return cls(ckpt.config, ckpt.resume.train_config, ckpt.tokenizer, train_text, heldout_text, device, label,
                   threads, ckpt, resume=True)

    # ---------------------------------------------------------------- the training thread
    def can_start(self) -> bool:
        self._total = float(self.tc.max_iters)  # the page may have raised it after a stop
        return self._step < self.tc.max_iters

    def _updated(self) -> None:  # the trainer's step lock is held: the weights just moved one step
        self._applied += 1

    def _on_step(self, tr: Trainer, s: StepInfo) -> None:
        with self._lock:
            self._step = s.step
            self._done = float(s.step)
            self._steps.append(s.step)
            self._loss.append(s.loss)
            self._lr.append(s.lr)
            self._tps.append(s.tokens_per_s)
            self._threads_now = s.threads
        last_step, last_t = self._saved
        if self.autosave_path is not None and (s.step - last_step >= AUTOSAVE_STEPS
                                               or time.monotonic() - last_t >= AUTOSAVE_S):
            self.autosave()

    def release(self) -> None:
        """Drop the model, optimizer, data, snapshot and texts (a reaped job no one can reach: the lease reaper's
        settle), so their memory goes now even if the job itself sits in a reference cycle a freeze kept."""
        with self.step_lock:
            self.model = self.optimizer = self.data = self._trainer = None  # type: ignore[assignment]
        with self._lock:
            self._snapshot, self._texts = None, ("", "", "")

    def _on_eval(self, tr: Trainer, e: EvalInfo) -> None:
        with self._lock:
            self._evals.append(e)

    def _on_sample(self, tr: Trainer, step: int, text: str) -> None:
        with self._lock:
            self._samples.append((step, text))
            del self._samples[:-20]

    def work(self) -> str:
        trainer = gpt_trainer(self.model, self.data, replace(self.tc, threads="auto"), self.tokenizer,
                              on_sample=self._on_sample, gate=self.gate,
                              step_lock=_UpdateLock(self.step_lock, self._updated),
                              start_step=self._step, optimizer=self.optimizer, max_threads=self.threads)
        if self._rng is not None:  # continue the batch stream where it stopped, not reseeded at this step
            trainer.generator.set_state(self._rng)
        with self.step_lock:
            self._trainer = trainer
        trainer.add_callback("on_step", self._on_step)
        trainer.add_callback("on_eval", self._on_eval)
        if "kn" not in self.references:
            refs = cached_references(self.data.train, self.data.heldout, self.tokenizer.vocab_size)
            with self._lock:
                self.references = {**refs, **self.references}
        if not self._evals:
            with self.step_lock:
                trainer.evaluate()  # the loss at step 0: about ln(vocab)
        try:
            result = trainer.run()
        finally:
            with self.step_lock:
                self._applied = trainer.step  # a diverged step was counted by the lock but put back
                self._rng = trainer.generator.get_state()
                self._trainer = None
        self.set_message(result.reason)
        if self.autosave_path is not None and result.status != "diverged":
            self.autosave()  # on Stop, at the end, and on a server shutdown (which stops the job)
        return result.status

    # ---------------------------------------------------------------- saving (any thread)
    def _resume_state(self) -> ResumeState:  # under step_lock: nothing moves
        trainer = self._trainer
        rng = trainer.generator.get_state() if trainer is not None else self._rng
        with self._lock:
            n = sum(1 for s in self._steps if s <= self._applied)  # on_step may lag one update behind
            return ResumeState(self.tc, rng, self._steps[:n], self._loss[:n], self._lr[:n], self._tps[:n],
                               [e for e in self._evals if e.step <= self._applied],
                               [s for s in self._samples if s[0] <= self._applied], self.corpus_id)

    def checkpoint(self, with_optimizer: bool = True) -> bytes:
        """The training as checkpoint bytes, taken between two updates: with_optimizer=True is everything
        needed to resume exactly (AdamW, schedule, batch generator, curves); False is the weights alone."""
        with self.step_lock:
            last_val = next((e.val_loss for e in reversed(self._evals) if e.step <= self._applied), None)
            return checkpoint_bytes(self.model, self.tokenizer, self._applied,
                                    self.optimizer if with_optimizer else None,
                                    extra={"label": self.label, "val_loss": last_val},
                                    resume=self._resume_state() if with_optimizer else None)

    def autosave(self) -> bool:
        """Write the resumable checkpoint to autosave_path atomically; False (logged) if the disk refuses."""
        path = self.autosave_path
        if path is None:
            return False
        step = self._applied
        try:
            if self.corpus_path is not None and not self.corpus_path.exists():
                write_corpus(self.corpus_path, *self._texts)
            write_atomic(path, self.checkpoint(with_optimizer=True), durable=True)
        except OSError as e:  # a full or read-only disk costs the autosave, never the training ...
            log.warning("autosave to %s failed: %s", path, e)
            why_en = write_failure(e)[0]
            # from the error number only  # ... and the page says so: a restart would lose it
            why_ja = write_failure_ja(e.errno)
            self.save_error = UserInputError(
                f"The training could not be saved on the server ({why_en}): a server restart would lose it. "
                "Download the checkpoint to keep it.",
                f"学習をサーバーに保存できませんでした（{why_ja}）。サーバーが再起動すると失われます。"
                "残すにはチェックポイントをダウンロードしてください。")
            return False
        self._saved, self.saved_step, self.save_error = (step, time.monotonic()), step, None
        return True

    def _shutdown_wait(self, timeout: float) -> bool:
        """A server stop: the thread autosaves as it stops; if it is still busy after most of `timeout`
        (starved on a busy machine, or building the reference lines), save from here, between two steps."""
        end = time.monotonic() + timeout
        if self.wait(0.7 * timeout) or self.autosave_path is None:
            return self.wait(0)
        if self.step_lock.acquire(timeout=max(0.0, end - time.monotonic())):  # the thread is not mid-step
            self.step_lock.release()
            self.autosave()  # it starts no further step (stopped), so this waits for none
        return self.wait(max(0.0, end - time.monotonic()))

    # ---------------------------------------------------------------- reading (any thread)
    def view(self) -> JobView:
        queue = self.queue_info()  # before the lock: it reads the running jobs' ETAs
        with self._lock:
            st = self._state()
            return JobView(
                status=st.status, step=self._step, max_iters=self.tc.max_iters,
                steps=list(self._steps), loss=list(self._loss), lr=list(self._lr), tokens_per_s=list(self._tps),
                evals=list(self._evals), samples=list(self._samples), references=dict(self.references),
                message=st.message, eta_s=st.eta_s, elapsed_s=st.elapsed_s, device=str(self.device),
                threads=self._threads_now, label=self.label, queue=queue if st.status == "queued" else None,
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

    def sample(self, prompt: str, max_new_tokens: int = 200, temperature: float = 0.8, top_k: int | None = 40,
               seed: int = 0) -> str:
        return generate_text(self.model_snapshot(), self.tokenizer, prompt, max_new_tokens, temperature, top_k, seed)


def build_job(settings: JobSettings, train_text: str, heldout_text: str, device: torch.device | str,
              corpus_name: str) -> TrainingJob:
    """The page's Start: its settings become configs once (core.gpt.job_settings.plan), then the job."""
    p = plan(settings, train_text, heldout_text, corpus_name)
    return TrainingJob(p.model, p.train, p.tokenizer, train_text, heldout_text, device, p.label,
                       extra_references=p.references)
