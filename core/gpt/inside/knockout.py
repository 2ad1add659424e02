"""Knocking out attention heads: zero a head's output and see what the model loses (as TransformerLens and
exBERT let you do).

A head's output is its slice y[..., h·d_k:(h+1)·d_k] of the concatenated heads, before the output
projection c_proj mixes them; zeroing that slice removes exactly that head's contribution to the residual
stream (c_proj's bias stays: it belongs to no head). The knockout is a forward pre-hook on c_proj of a
private copy of the model: the shipped model is shared by every session's thread and is never touched.
Knocking out *every* head leaves a model in which no position sees any other: each token is predicted
from itself alone, like a bigram model (a defined, finite loss).

    scored = knocked_out(model, {(0, 1), (2, 3)})   # a copy whose heads L0H1 and L2H3 are silent
    loss = slice_loss(scored, ids)                  # mean held-out cross-entropy, nats/token

`head_importance` removes each head alone on a fixed held-out slice: the loss increase is the head's
importance. It runs as `ImportanceJob` (core.runtime.jobs), once per model, kept on disk through
core.runtime.diskcache under the model's weight digest and the slice's.
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import torch

from core.shipped.models import heldout_loss, heldout_token_losses
from core.runtime.diskcache import get_or_build
from core.runtime.jobs import BackgroundJob, JobRegistry, Stopped

Head = tuple[int, int]  # (layer, head), both from 0
# the fixed held-out slice: its first tokens (~0.1 s per loss on this CPU: a click stays under 0.5 s)
SLICE_TOKENS = 1024
CACHE_KIND = "head_importance"
VERSION = 1  # bump when the computation changes: old cache entries are then never read


def all_heads(model: Any) -> list[Head]:
    cfg = model.config
    return [(li, h) for li in range(cfg.n_layer) for h in range(cfg.n_head)]


def check_heads(model: Any, heads: Iterable[Head]) -> frozenset[Head]:
    ok = set(all_heads(model))
    heads = frozenset((int(li), int(h)) for li, h in heads)
    bad = heads - ok
    if bad:
        raise ValueError(f"no such head(s) {sorted(bad)} in a {model.config.n_layer}×{model.config.n_head} model")
    return heads


def _zero_heads(head_ids: list[int], hs: int) -> Callable:
    def hook(module: torch.nn.Module, args: tuple) -> tuple:
        y = args[0].clone()  # (B, T, C): the heads side by side, before c_proj
        for h in head_ids:
            y[..., h * hs:(h + 1) * hs] = 0.0
        return (y,)
    return hook


def knocked_out(model: Any, heads: Iterable[Head]) -> Any:
    """A copy of `model` in eval mode whose `heads` output zeros (no heads: the copy equals the model)."""
    heads = check_heads(model, heads)
    out = copy.deepcopy(model).eval()
    hs = model.config.n_embd // model.config.n_head
    for layer in sorted({li for li, _ in heads}):
        ids = sorted(h for li, h in heads if li == layer)
        out.h[layer].attn.c_proj.register_forward_pre_hook(_zero_heads(ids, hs))
    return out


def slice_ids(tokenizer: Any, text: str, tokens: int = SLICE_TOKENS) -> list[int]:
    """The fixed held-out slice: the first `tokens` tokens of `text`."""
    return list(tokenizer.encode(text))[:tokens]


def slice_loss(model: Any, ids: Sequence[int]) -> float:
    """Mean cross-entropy (nats/token) on `ids`, every token after the first predicted once (shipped.heldout_loss)."""
    return heldout_loss(model, list(ids), model.config.block_size)


def sentence_surprisal(model: Any, ids: Sequence[int]) -> torch.Tensor:
    """(len(ids) - 1,) surprisal in bits of each token after the first, under `model`."""
    return heldout_token_losses(model, list(ids), model.config.block_size) / torch.log(torch.tensor(2.0)).double()


def weights_digest(model: Any) -> str:
    """A short hash of the model's config and weights: the cache key of anything computed from them."""
    h = hashlib.sha256(json.dumps(model.config.to_dict(), sort_keys=True).encode())
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().float().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Importance:
    base: float  # loss with every head on
    loss: dict[Head, float]  # loss with that head alone off
    tokens: int  # tokens in the slice

    def increase(self, head: Head) -> float:
        return self.loss[head] - self.base

    def to_json(self) -> bytes:
        return json.dumps({"version": VERSION, "base": self.base, "tokens": self.tokens,
                           "loss": [[li, h, v] for (li, h), v in sorted(self.loss.items())]}).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Importance":
        d = json.loads(data)
        if d.get("version") != VERSION:
            raise ValueError("another version")
        return cls(float(d["base"]), {(int(li), int(h)): float(v) for li, h, v in d["loss"]}, int(d["tokens"]))


def head_importance(model: Any, ids: Sequence[int], gate: Callable[[], bool] = lambda: True,
                    progress: Callable[[int, int], None] = lambda done, total: None) -> Importance | None:
    """Loss with each head alone knocked out; None when `gate()` said stop."""
    heads = all_heads(model)
    base = slice_loss(model, ids)
    loss: dict[Head, float] = {}
    for i, head in enumerate(heads):
        if not gate():
            return None
        loss[head] = slice_loss(knocked_out(model, [head]), ids)
        progress(i + 1, len(heads))
    return Importance(base, loss, len(ids))


def cache_key(model: Any, ids: Sequence[int]) -> str:
    s = hashlib.sha256(json.dumps(list(map(int, ids))).encode()).hexdigest()[:12]
    return f"v{VERSION}-{weights_digest(model)}-{s}"


class ImportanceJob(BackgroundJob):
    """Every head's importance for one model on one slice, into the disk cache; `result` once finished."""

    what = ("Measuring every head", "全ヘッドの測定")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, model: Any, ids: Sequence[int], key: str, threads: int | None = None):
        super().__init__(threads, label=f"{CACHE_KIND} {key}")
        self._model, self._ids, self.key = model, list(ids), key
        self.result: Importance | None = None

    def _build(self) -> Importance:
        got = head_importance(self._model, self._ids, self.gate, lambda d, t: self.set_progress(d, t))
        if got is None:
            raise Stopped
        return got

    def work(self) -> str:
        self.set_progress(0, len(all_heads(self._model)))
        try:
            value, _ = get_or_build(CACHE_KIND, self.key, self._build, Importance.to_json, Importance.from_json,
                                    suffix=".json")
        except Stopped:
            return "stopped"
        with self._lock:
            self.result = value
        return "finished"


REGISTRY = JobRegistry()


def cached_importance(key: str) -> Importance | None:
    """The table if it is on disk already (never computes)."""
    from core.runtime.diskcache import cache_path

    path = cache_path(CACHE_KIND, key, ".json")
    try:
        return Importance.from_json(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None


def importance_or_job(model: Any, ids: Sequence[int], key: str,
                      start: bool = True) -> Importance | ImportanceJob | None:
    """The table at once when cached, else the job computing it (started unless one runs or `start` is False)."""
    hit = cached_importance(key)
    if hit is not None:
        return hit
    job = REGISTRY.get(key)
    if job is not None and job.result is not None:
        return job.result
    if job is None and start:
        job = REGISTRY.get_or_start(key, lambda: ImportanceJob(model, ids, key))
    return job


def restart(model: Any, ids: Sequence[int], key: str) -> ImportanceJob:
    return REGISTRY.get_or_start(key, lambda: ImportanceJob(model, ids, key))
