"""Our BPE, trained and cached: `train_bpe(text, mode, num_merges)`; the one registry of its variants.

mode "words": `bpe_words.WordBPE` (whitespace / MeCab words first); mode "raw": `bpe_raw.RawBPE`
(raw text, the space as a symbol, like SentencePiece). Trained tokenizers are kept in memory and as
JSON in the disk cache, keyed by the corpus hash and the settings.

The base class (`bpe_base`) knows no variant: this module maps names to classes (`MODES` by the
page's mode, `VARIANTS` by the "type" written in a saved file), so the imports only go
bpe -> bpe_words / bpe_raw -> bpe_base, never back.
"""
from __future__ import annotations

from core.errors import UserInputError
from pathlib import Path

from core.tokenizers.bpe_base import BPETokenizer, ReplayStep, Segment, parse_json
from core.tokenizers.bpe_raw import RawBPE
from core.tokenizers.bpe_train import Merge
from core.tokenizers.bpe_words import WordBPE
from core.tokenizers.cache import cache_key, cached

MODES: dict[str, type[BPETokenizer]] = {"words": WordBPE, "raw": RawBPE}
VARIANTS: dict[str, type[BPETokenizer]] = {cls.kind: cls for cls in MODES.values()}  # "bpe-words" -> WordBPE
MAX_MERGES = 20_000  # ~20k merges train in seconds here; GPT-1 used 40k on a far larger corpus

__all__ = ["BPETokenizer", "Merge", "MODES", "RawBPE", "ReplayStep", "Segment", "VARIANTS", "WordBPE",
           "from_json", "load", "train_bpe"]


def from_json(data: str) -> BPETokenizer:
    """Any of our BPE variants from its JSON (the file says which); ValueError for anything else.

    >>> tok = RawBPE().train("low lower lowest", 2)
    >>> again = from_json(tok.to_json())
    >>> type(again).__name__, again.merges == tok.merges
    ('RawBPE', True)
    """
    kind, chars, merges = parse_json(data)
    if kind not in VARIANTS:
        raise ValueError(f"unknown BPE type {kind!r}: expected one of {sorted(VARIANTS)}")
    return VARIANTS[kind](chars, merges)


def load(path: str | Path) -> BPETokenizer:
    """`from_json` of a file written by `BPETokenizer.save`."""
    return from_json(Path(path).read_text(encoding="utf-8"))


def train_bpe(text: str, mode: str = "words", num_merges: int = 256) -> BPETokenizer:
    """Train (or fetch from the cache) our BPE on `text` with up to `num_merges` merges.

    When the corpus runs out of pairs that occur twice, fewer merges are learned: compare
    `len(tok.merges)` with `num_merges` to tell the user.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {tuple(MODES)}, not {mode!r}")
    if not isinstance(num_merges, int) or not 0 <= num_merges <= MAX_MERGES:
        raise UserInputError(
            f"The number of merges must be between 0 and {MAX_MERGES:,} (got {num_merges!r}).",
            f"マージ回数は 0 から {MAX_MERGES:,} の間にしてください（指定値：{num_merges!r}）。",
        )
    if not text.strip():
        raise UserInputError("The training text is empty.", "学習用のテキストが空です。")
    key = cache_key("bpe", text, mode=mode, num_merges=num_merges)
    return cached(
        key, ".json",
        build=lambda: MODES[mode]().train(text, num_merges),
        to_bytes=lambda tok: tok.to_json().encode("utf-8"),
        from_bytes=lambda data: from_json(data.decode("utf-8")),
    )
