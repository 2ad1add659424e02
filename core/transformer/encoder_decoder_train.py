"""Training the encoder–decoder (core.transformer.encoder_decoder) on number words, honestly evaluated.

    held out   a share of the 2-4 digit numbers, chosen *before* any training pair is drawn
    training   pairs drawn log-uniformly by digit count (small numbers appear too), never a held-out one
    loss       cross-entropy of each next digit under teacher forcing (padding ignored)
    reported   exact match on every held-out number, decoded greedily in one batch

Single-digit numbers are never held out: "seven" alone is the word the others are built from.
Training goes through core.runtime's Trainer (AdamW, warm-up + cosine, clipping, NaN stop), and the
result is cached through core.runtime.diskcache as safetensors with the report as JSON in its header.
"""
from __future__ import annotations

import itertools
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

import torch
import torch.nn.functional as F

from core.runtime.diskcache import cache_path as _cache_path
from core.runtime.diskcache import get_or_build
from core.runtime.trainer import Trainer, TrainerConfig
from core.shipped.paths import MODELS_DIR
from core.transformer import number_words
from core.transformer.encoder_decoder import Seq2Seq, Seq2SeqConfig, make_batch

KIND = "seq2seq"
FORMAT = "atlas-seq2seq-1"


@dataclass
class TrainReport:
    losses: list[float]
    accuracy: float  # exact match on the held-out numbers, none of which was drawn for training
    seconds: float
    heldout_count: int = 0  # how many numbers that accuracy is measured on


def heldout_numbers(cfg: Seq2SeqConfig) -> list[int]:
    """The numbers set aside for evaluation: `cfg.heldout` of each of the 2-, 3- and 4-digit ranges.

    >>> hs = heldout_numbers(Seq2SeqConfig())
    >>> len(hs), min(hs) >= 10, max(hs) <= 9999
    (999, True, True)
    """
    rng = random.Random(f"heldout-{cfg.seed}")
    out: list[int] = []
    for d in (2, 3, 4):
        span = range(10 ** (d - 1), 10**d)
        out += rng.sample(span, round(cfg.heldout * len(span)))
    return sorted(out)


def training_numbers(cfg: Seq2SeqConfig, heldout: set[int]) -> Iterator[int]:
    """Numbers drawn like number_words.sample_pairs (digit count first, then the number), skipping the
    held-out ones; endless, drawn only as batches are needed (a long run starts at once)."""
    rng = random.Random(cfg.seed)
    while True:
        n_digits = rng.randint(1, 4)
        n = rng.randint(0 if n_digits == 1 else 10 ** (n_digits - 1), 10**n_digits - 1)
        if n not in heldout:
            yield n


def training_batches(model: Seq2Seq, cfg: Seq2SeqConfig, heldout: set[int]) -> Iterator[tuple[torch.Tensor, ...]]:
    """(src, tgt_in, tgt_out) batches of `cfg.batch_size` training numbers, endlessly."""
    numbers = training_numbers(cfg, heldout)
    while True:
        ns = list(itertools.islice(numbers, cfg.batch_size))
        yield make_batch(model, [(number_words.words(n, cfg.lang), list(str(n))) for n in ns])


def seq_loss(model: Seq2Seq, batch: tuple[torch.Tensor, ...]) -> torch.Tensor:
    src, tgt_in, tgt_out = batch  # (B, S), (B, T), (B, T)
    logits, _ = model(src, tgt_in)  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tgt_out.flatten(), ignore_index=0)


@torch.no_grad()
def exact_match_on(model: Seq2Seq, numbers: list[int]) -> float:
    """Share of `numbers` whose words decode greedily to exactly their digits (all at once, 5 passes)."""
    if not numbers:
        return 0.0
    was = model.training
    model.eval()
    pairs = [(number_words.words(n, model.cfg.lang), list(str(n))) for n in numbers]
    src, _, _ = make_batch(model, pairs)
    out = torch.full((len(pairs), 1), 1, dtype=torch.long)  # <bos>
    for _ in range(5):  # at most 4 digits + <eos>
        logits, _ = model(src, out)  # (B, t, V)
        out = torch.cat([out, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
    model.train(was)
    right = 0
    for row, (_, digits) in zip(out[:, 1:].tolist(), pairs):
        got = row[: row.index(2)] if 2 in row else None  # up to <eos>; no <eos> at all is wrong
        right += got is not None and [model.tgt_vocab.itos[i] for i in got] == digits
    return right / len(pairs)


def train(cfg: Seq2SeqConfig, on_step: Callable[[int, float], None] | None = None,
          gate: Callable[[], bool] | None = None) -> tuple[Seq2Seq, TrainReport]:
    """Train a fresh model; report the loss per step and exact match on the held-out numbers.

    Raises Stopped when `gate()` says stop, and the diverged run's UserInputError if the loss blows up.
    """
    torch.manual_seed(cfg.seed)
    model = Seq2Seq(cfg)
    held = heldout_numbers(cfg)
    batches = training_batches(model, cfg, set(held))
    tc = TrainerConfig(max_iters=cfg.steps, lr=cfg.lr, warmup_iters=cfg.steps // 10, min_lr_ratio=0.0,
                       weight_decay=0.0, beta2=0.98, eval_interval=0, seed=cfg.seed, threads="auto")
    trainer = Trainer(model, batches, seq_loss, tc, evaluate=lambda m, step: exact_match_on(m, held), gate=gate)
    losses: list[float] = []

    def record(tr: Trainer, s) -> None:
        losses.append(s.loss)
        if on_step is not None:
            on_step(s.step, s.loss)

    trainer.add_callback("on_step", record)
    result = trainer.run_to_end()
    model.eval()
    return model, TrainReport(losses, float(result.eval), result.wall_s, len(held))


# --- disk cache: train once per machine, load in milliseconds afterwards -------------------------

def cache_key(cfg: Seq2SeqConfig) -> str:
    return "-".join(f"{k}{v}" for k, v in asdict(cfg).items())


def cache_path(cfg: Seq2SeqConfig):
    return _cache_path(KIND, cache_key(cfg), ".safetensors")


def dump(value: tuple[Seq2Seq, TrainReport]) -> bytes:
    from safetensors.torch import save

    model, report = value
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    return save(state, metadata={"format": FORMAT, "config": json.dumps(asdict(model.cfg)),
                                 "report": json.dumps(asdict(report))})


def load(data: bytes) -> tuple[Seq2Seq, TrainReport]:
    """Model and report from dump's bytes; anything else raises (the cache then trains again)."""
    from safetensors.torch import load as st_load

    n = int.from_bytes(data[:8], "little")
    meta = json.loads(data[8:8 + n])["__metadata__"]
    if meta.get("format") != FORMAT:
        raise ValueError("not an encoder-decoder cache file")
    model = Seq2Seq(Seq2SeqConfig(**json.loads(meta["config"])))
    model.load_state_dict(st_load(data))
    return model.eval(), TrainReport(**json.loads(meta["report"]))


# Trained models shipped with the app (`make models`), named by the same key as the cache: a page opens on
# them at once, and a config that was not shipped (or a damaged file) falls back to the cache / a job.
SHIPPED_DIR = MODELS_DIR / "encdec"


def shipped_path(cfg: Seq2SeqConfig, root: Path | None = None) -> Path:
    return (root or SHIPPED_DIR) / f"{cache_key(cfg)}.safetensors"


def cached(cfg: Seq2SeqConfig) -> tuple[Seq2Seq, TrainReport] | None:
    """The trained model if it is shipped or on disk (a read-only look, for a page that must not wait)."""
    for path in (shipped_path(cfg), cache_path(cfg)):
        try:
            return load(path.read_bytes())
        except Exception:  # noqa: BLE001 - missing or unreadable: try the next place, else not trained yet
            continue
    return None


def load_or_train(cfg: Seq2SeqConfig, on_step: Callable[[int, float], None] | None = None,
                  gate: Callable[[], bool] | None = None) -> tuple[Seq2Seq, TrainReport]:
    """From the disk cache, or trained and stored (two threads asking at once train once)."""
    value, _ = get_or_build(KIND, cache_key(cfg), lambda: train(cfg, on_step, gate), dump=dump, load=load,
                            suffix=".safetensors")
    return value
