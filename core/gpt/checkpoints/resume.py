"""What a checkpoint carries beyond weights and AdamW so that a training continues *exactly*: the resume state.

A training is its weights, AdamW's moments and step counts (checkpoint.py already stores those), and
three more things this module adds:

    metadata  train         JSON: the TrainConfig (max_iters, warm-up, lr ... : the schedule's position
                            is `step` on *this* schedule), the last samples, the corpus id, when saved
    tensors   train.rng     uint8 (N,)    the batch generator's state: the next batch is the one an
                                          uninterrupted run would have drawn
              train.steps   int64 (n,)    the curves so far, so a resumed page redraws them
              train.loss    float32 (n,)  training-batch loss per step
              train.lr      float32 (n,)
              train.tps     float32 (n,)  tokens per second
              train.evals   float32 (m, 3)  (step, train loss, held-out loss) per evaluation

Every field is checked like the rest of an untrusted checkpoint (exact types, ranges, shapes) before
it is used: a resume state can ask for no more work than the page itself could.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field, fields

import torch

from core.gpt.checkpoints.header import TRAIN_KEY, not_a_checkpoint
from core.gpt.pretrain import EvalInfo, TrainConfig

MAX_HISTORY = 100_000  # steps of curves kept; also the most steps a resumed training may ask for (page: 10,000)
MAX_SAMPLES, MAX_SAMPLE_CHARS = 20, 4_000  # what the page keeps and shows
# (low, high) for the TrainConfig fields a checkpoint may set; nothing else is read from it.
INTS = {"max_iters": (1, MAX_HISTORY), "warmup_iters": (0, MAX_HISTORY), "eval_interval": (0, MAX_HISTORY),
        "eval_iters": (1, 200), "seed": (0, 2**62), "batch_size": (1, 64), "sample_interval": (0, MAX_HISTORY),
        "sample_tokens": (0, 1_000)}  # batch, evaluation and sample sizes: at most what the page's widgets offer
FLOATS = {"lr": (1e-12, 100.0), "min_lr_ratio": (0.0, 1.0), "weight_decay": (0.0, 10.0), "beta1": (0.0, 0.999999),
          "beta2": (0.0, 0.999999), "grad_clip": (0.0, 1e6)}
RNG_BYTES = torch.Generator().get_state().numel()  # a CPU generator's state (5056 bytes in torch 2.x)


@dataclass
class ResumeState:
    """Everything beyond weights and AdamW that an exact continuation needs (see the module docstring)."""

    train_config: TrainConfig
    rng: torch.Tensor | None = None  # uint8 state of the batch generator; None: reseeded at the step
    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    tps: list[float] = field(default_factory=list)
    evals: list[EvalInfo] = field(default_factory=list)
    samples: list[tuple[int, str]] = field(default_factory=list)
    corpus_id: str = ""
    saved_at: float = field(default_factory=time.time)


def encode(rs: ResumeState) -> tuple[dict[str, torch.Tensor], str]:
    """(tensors to add to the checkpoint, the `train` metadata JSON)."""
    tc = {f.name: getattr(rs.train_config, f.name) for f in fields(rs.train_config)
          if f.name in INTS or f.name in FLOATS}
    tc["no_decay"] = list(rs.train_config.no_decay)
    meta = {"config": tc, "samples": [[s, t[:MAX_SAMPLE_CHARS]] for s, t in rs.samples[-MAX_SAMPLES:]],
            "corpus_id": rs.corpus_id[:64], "saved_at": float(rs.saved_at)}
    tensors = {"train.steps": torch.tensor(rs.steps, dtype=torch.int64),
               "train.loss": torch.tensor(rs.loss, dtype=torch.float32),
               "train.lr": torch.tensor(rs.lr, dtype=torch.float32),
               "train.tps": torch.tensor(rs.tps, dtype=torch.float32),
               "train.evals": torch.tensor([[e.step, e.train_loss, e.val_loss] for e in rs.evals],
                                           dtype=torch.float32).reshape(-1, 3)}
    if rs.rng is not None:
        tensors["train.rng"] = rs.rng.detach().to(torch.uint8).cpu().contiguous()
    return tensors, json.dumps(meta, ensure_ascii=False)


def check_table(table: dict[str, tuple[str, tuple[int, ...]]]) -> None:
    """The train.* tensors' dtypes and shapes, from the header, before anything is read."""
    want = {"rng": ("U8", 1), "steps": ("I64", 1), "loss": ("F32", 1), "lr": ("F32", 1), "tps": ("F32", 1),
            "evals": ("F32", 2)}
    lengths = set()
    for name, (dtype, shape) in table.items():
        m = TRAIN_KEY.fullmatch(name)
        if m is None:
            continue
        kind = m.group(1)
        ok = (dtype, len(shape)) == want[kind] and shape[0] <= MAX_HISTORY
        ok = ok and (kind != "rng" or shape == (RNG_BYTES,)) and (kind != "evals" or shape[1] == 3)
        if not ok:
            raise not_a_checkpoint(f"its resume tensor {name} is malformed", f"再開用テンソル {name} が不正です")
        if kind in ("steps", "loss", "lr", "tps"):
            lengths.add(shape[0])
    if len(lengths) > 1:
        raise not_a_checkpoint("its training curves have different lengths", "学習曲線の長さがそろっていません")


def _number(x: object, lo: float, hi: float, integer: bool) -> bool:
    if integer:
        return type(x) is int and lo <= x <= hi
    return type(x) in (int, float) and math.isfinite(x) and lo <= x <= hi


def _config(raw: object) -> TrainConfig:
    bad = not_a_checkpoint("its training settings are malformed", "学習設定が不正です")
    if not isinstance(raw, dict) or not set(raw) <= set(INTS) | set(FLOATS) | {"no_decay"} or "max_iters" not in raw:
        raise bad
    for k, v in raw.items():
        if k in INTS and not _number(v, *INTS[k], integer=True) or k in FLOATS and not _number(v, *FLOATS[k], False):
            raise bad
    nd = raw.get("no_decay", ["wpe"])
    if not isinstance(nd, list) or len(nd) > 16 or not all(isinstance(s, str) and 0 < len(s) <= 64 for s in nd):
        raise bad
    kept = {k: v for k, v in raw.items() if k not in ("no_decay", "threads")}
    return TrainConfig(**kept, no_decay=tuple(nd), threads="auto")  # threads follow this machine's load, not the file


def decode(meta_json: str | None, tensors: dict[str, torch.Tensor], step: int) -> ResumeState | None:
    """The resume state of a checkpoint (its `train` metadata and train.* tensors), or None if it has none."""
    if meta_json is None:
        return None
    try:
        meta = json.loads(meta_json)
    except (json.JSONDecodeError, RecursionError):
        raise not_a_checkpoint("its train field is not JSON", "train 欄が JSON ではありません") from None
    if not isinstance(meta, dict):
        raise not_a_checkpoint("its train field is not a JSON dict", "train 欄の型が違います")
    tc = _config(meta.get("config"))
    if step > tc.max_iters:
        raise not_a_checkpoint("its step is past the end of its schedule", "ステップが学習予定の終わりを越えています")
    samples = meta.get("samples", [])
    if (not isinstance(samples, list) or len(samples) > MAX_SAMPLES
            or not all(isinstance(s, list) and len(s) == 2 and _number(s[0], 0, MAX_HISTORY, True)
                       and isinstance(s[1], str) and len(s[1]) <= MAX_SAMPLE_CHARS for s in samples)):
        raise not_a_checkpoint("its samples are malformed", "サンプルが不正です")
    cid, saved = meta.get("corpus_id", ""), meta.get("saved_at", 0.0)
    if not isinstance(cid, str) or len(cid) > 64 or not _number(saved, 0, 1e11, False):
        raise not_a_checkpoint("its training record is malformed", "学習記録が不正です")
    ev = tensors.get("train.evals", torch.zeros(0, 3))
    steps_ok = bool((ev[:, 0] >= 0).all() & (ev[:, 0] <= step).all())
    if not bool(torch.isfinite(ev).all()) or (ev.numel() and not steps_ok):
        raise not_a_checkpoint("its evaluations are malformed", "評価の記録が不正です")
    steps = tensors.get("train.steps", torch.zeros(0, dtype=torch.int64))
    if steps.numel() and not bool(((steps >= 1) & (steps <= step)).all()):
        raise not_a_checkpoint("its training curves are malformed", "学習曲線が不正です")
    return ResumeState(
        train_config=tc, rng=tensors.get("train.rng"), steps=steps.tolist(),
        loss=tensors.get("train.loss", torch.zeros(0)).tolist(), lr=tensors.get("train.lr", torch.zeros(0)).tolist(),
        tps=tensors.get("train.tps", torch.zeros(0)).tolist(),
        evals=[EvalInfo(int(s), float(a), float(b)) for s, a, b in ev.tolist()],
        samples=[(int(s), t) for s, t in samples], corpus_id=cid, saved_at=float(saved))
