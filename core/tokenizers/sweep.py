"""Vocabulary size against sequence length: held-out tokens per character for each learned tokenizer.

A larger vocabulary gives longer pieces, so fewer tokens per character (shorter sequences for the
model, cheaper attention), at the price of a larger embedding table and rarer, less-trained pieces.

Our BPE is trained once with the most merges and cut down (`truncated`) for the smaller sizes: BPE's
merges come in order, so the first k merges are exactly what training with k merges gives.
SentencePiece is trained once per size (cached).

>>> default_sizes("abc" * 10, points=4)
[40, 80, 160, 320]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from core.errors import UserInputError
from core.runtime.jobs import Stopped
from core.tokenizers.bpe import MAX_MERGES, train_bpe
from core.tokenizers.compare import n_symbols
from core.tokenizers.spm import VocabSizeError, train_sentencepiece

METHODS = ("bpe_words", "bpe_raw", "spm_bpe", "spm_unigram")
MAX_POINTS = 12


@dataclass(frozen=True)
class SweepPoint:
    method: str
    vocab_size: int  # asked for; for our BPE: distinct characters + merges (byte fallbacks not counted)
    tokens_per_char: float  # on held-out text


def _nice(v: float) -> int:
    step = 10 if v < 1000 else 50 if v < 5000 else 100
    return int(round(v / step) * step)


def largest_options(train: str) -> list[int]:
    """Choices for the largest vocabulary of a sweep: 2× to 8× the smallest useful size, rounded.

    >>> largest_options("abc" * 10)
    [80, 120, 160, 240, 320]
    """
    lo = default_sizes(train, points=2)[0]
    return sorted({_nice(lo * k) for k in (2, 3, 4, 6, 8)})


def default_sizes(train: str, points: int = 7, largest: int | None = None) -> list[int]:
    """Sizes from just above the alphabet to `largest`, evenly spaced on a log scale, rounded."""
    base = n_symbols(train) + 3
    lo = max(base + 20, 40)
    hi = max(largest or lo * 8, lo + points)
    ratio = (hi / lo) ** (1 / max(points - 1, 1))
    sizes = []
    for k in range(points):
        sizes.append(_nice(lo * ratio**k))
    return sorted(set(max(s, lo) for s in sizes))


def run_sweep(train: str, heldout: str, sizes: list[int], methods: list[str],
              on_progress: Callable[[float], None] | None = None,
              gate: Callable[[], bool] | None = None) -> tuple[list[SweepPoint], list[UserInputError]]:
    """Tokens per held-out character for each method and size; sizes a method cannot reach are left out
    and explained in the returned notes (one per method). `gate` is asked before each training (a
    background job's stop: Stopped is raised when it returns False)."""
    if not heldout.strip():
        raise UserInputError("The held-out text is empty: use a larger corpus.",
                             "評価用（held-out）のテキストが空です。より大きなコーパスを使ってください。")
    sizes = sorted(set(int(s) for s in sizes))[:MAX_POINTS]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown methods {unknown}; choose from {METHODS}")
    n_held = len(heldout)
    base = n_symbols(train)
    points: list[SweepPoint] = []
    notes: list[UserInputError] = []
    total = max(1, len(methods) * len(sizes))
    done = 0
    for method in methods:
        if gate is not None and not gate():
            raise Stopped()
        if method.startswith("bpe"):
            mode = method.split("_")[1]
            full = train_bpe(train, mode, min(MAX_MERGES, max(0, max(sizes) - base)))
            for v in sizes:
                k = v - base
                if 0 <= k <= len(full.merges):
                    tok = full.truncated(k)
                    points.append(SweepPoint(method, v, len(tok.encode(heldout)) / n_held))
                done += 1
                if on_progress:
                    on_progress(done / total)
            if max(sizes) - base > len(full.merges):
                name_en, name_ja = {"words": ("words", "単語"), "raw": ("raw text", "生の文字列")}[mode]
                notes.append(UserInputError(
                    f"Our BPE ({name_en}) stops after {len(full.merges):,} merges on this corpus "
                    f"(vocabulary {base + len(full.merges):,}): larger sizes are left out.",
                    f"私たちの BPE（{name_ja}）はこのコーパスでは {len(full.merges):,} 回のマージで止まります"
                    f"（語彙 {base + len(full.merges):,}）。それより大きいサイズは省きました。"))
            if min(sizes) < base:
                notes.append(UserInputError(
                    f"Our BPE needs at least the {base:,} distinct characters: smaller sizes are left out.",
                    f"私たちの BPE には少なくとも文字の種類数（{base:,}）が必要です。"
                    "それより小さいサイズは省きました。"))
        else:
            model_type = method.split("_")[1]
            skipped: list[VocabSizeError] = []
            for v in sizes:
                if gate is not None and not gate():
                    raise Stopped()
                try:
                    tok = train_sentencepiece(train, model_type, v)
                    points.append(SweepPoint(method, v, len(tok.encode(heldout)) / n_held))
                except VocabSizeError as e:
                    skipped.append(e)
                done += 1
                if on_progress:
                    on_progress(done / total)
            if skipped:
                e = skipped[-1] if skipped[-1].too_large else skipped[0]
                notes.append(UserInputError(
                    f"SentencePiece {model_type}: {len(skipped)} size(s) left out. {e.en}",
                    f"SentencePiece {model_type}：{len(skipped)} 個のサイズを省きました。{e.ja}"))
    return points, notes
