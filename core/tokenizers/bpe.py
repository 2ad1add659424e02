"""Our BPE, trained and cached: `train_bpe(text, mode, num_merges)`.

mode "words": `bpe_words.WordBPE` (whitespace / MeCab words first); mode "raw": `bpe_raw.RawBPE`
(raw text, the space as a symbol, like SentencePiece). Trained tokenizers are kept in memory and as
JSON under the cache folder, keyed by the corpus hash and the settings.
"""
from __future__ import annotations

from core.errors import UserInputError
from core.tokenizers.bpe_base import BPETokenizer, ReplayStep, Segment
from core.tokenizers.bpe_raw import RawBPE
from core.tokenizers.bpe_train import Merge
from core.tokenizers.bpe_words import WordBPE
from core.tokenizers.cache import cache_key, cached

MODES: dict[str, type[BPETokenizer]] = {"words": WordBPE, "raw": RawBPE}
MAX_MERGES = 20_000

__all__ = ["BPETokenizer", "Merge", "MODES", "RawBPE", "ReplayStep", "Segment", "WordBPE", "train_bpe"]


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
        from_bytes=lambda data: BPETokenizer.from_json(data.decode("utf-8")),
    )
