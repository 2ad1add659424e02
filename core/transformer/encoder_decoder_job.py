"""The encoder–decoder's training as a background job, shared by every session that asks for it.

The page never trains in its own thread: it asks `model_or_job(cfg)` and gets either the trained model
(from memory or the disk cache, in milliseconds) or the running job for that config, whose progress
and ETA it shows while it polls. Jobs live in a process-wide registry keyed by the config, so two
sessions (or one that switched pages and came back) watch the same run.
"""
from __future__ import annotations

import threading

from core.runtime.jobs import BackgroundJob, JobRegistry, Stopped
from core.transformer.encoder_decoder import Seq2Seq, Seq2SeqConfig
from core.transformer.encoder_decoder_train import TrainReport, cache_key, cached, load_or_train

REGISTRY = JobRegistry()
_READY: dict[str, tuple[Seq2Seq, TrainReport]] = {}  # trained models by cache key, loaded once
_READY_LOCK = threading.Lock()


class EncoderDecoderJob(BackgroundJob):
    """Trains (or loads) the model of one config; `result` is (model, report) once finished."""

    what = ("Training the encoder–decoder", "エンコーダ・デコーダの学習")

    def __init__(self, cfg: Seq2SeqConfig, threads: int | None = None):
        super().__init__(threads, label=f"encoder-decoder {cfg.lang}")
        self.cfg = cfg
        self.result: tuple[Seq2Seq, TrainReport] | None = None
        self._total = float(cfg.steps)
        self._last_loss: float | None = None

    def _on_step(self, step: int, loss: float) -> None:
        with self._lock:
            self._done, self._last_loss = float(step), loss

    def work(self) -> str:
        try:
            value = load_or_train(self.cfg, on_step=self._on_step, gate=self.gate)
        except Stopped:
            return "stopped"
        with _READY_LOCK:
            _READY[cache_key(self.cfg)] = value
        with self._lock:
            self.result, self._done = value, self._total
        return "finished"

    @property
    def last_loss(self) -> float | None:
        with self._lock:
            return self._last_loss


def ready(cfg: Seq2SeqConfig) -> tuple[Seq2Seq, TrainReport] | None:
    """The trained model of `cfg` if there is one (memory, then disk); never trains."""
    key = cache_key(cfg)
    with _READY_LOCK:
        if key in _READY:
            return _READY[key]
    value = cached(cfg)
    if value is not None:
        with _READY_LOCK:
            _READY.setdefault(key, value)
    return value


def model_or_job(cfg: Seq2SeqConfig, start: bool = True) -> tuple[Seq2Seq, TrainReport] | EncoderDecoderJob | None:
    """The trained model, or the job training it (started if none runs and `start`; a stopped or failed
    job is returned as it is, so the page can offer to start again). TooManyTrainings propagates."""
    value = ready(cfg)
    if value is not None:
        return value
    key = cache_key(cfg)
    job = REGISTRY.get(key)
    if job is None and start:
        job = REGISTRY.get_or_start(key, lambda: EncoderDecoderJob(cfg))
    return job  # type: ignore[return-value]


def restart(cfg: Seq2SeqConfig) -> EncoderDecoderJob:
    """A fresh job after a stop or a failure (the registry replaces a stopped or failed one)."""
    return REGISTRY.get_or_start(cache_key(cfg), lambda: EncoderDecoderJob(cfg))
