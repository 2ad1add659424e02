"""Where the pre-trained backbones come from when the experiment does not pre-train its own:
a GPT trained on the "Train GPT-1 live" page, or the models shipped with the app (core.gpt.shipped).

The shipped GPT and LSTM are pre-trained on the corpus without any task's held-out paragraphs
(core.gpt.tasks.pretrain_text), as GPT-1 pre-trains on text apart from its tasks. `ShippedBackbones.seen_heldout`
measures the share of held-out passages inside that text (0 for the shipped corpus), so the page states it.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch.nn as nn

from core.errors import UserInputError
from core.gpt.model import GPT
from core.gpt.topic_data import TopicData
from core.tokenizers.base import Tokenizer


@dataclass
class LivePretrained:
    """A GPT trained elsewhere (the "Train GPT-1 live" page) to use as the pre-trained transformer."""

    model: GPT
    tokenizer: Tokenizer
    label: str


def unknown_fraction(tokenizer: Tokenizer, text: str) -> float:
    """Share of <unk> pieces when `tokenizer` reads `text` (id 0 is <unk> for characters and SentencePiece alike)."""
    ids = tokenizer.encode(text)
    return ids.count(0) / max(1, len(ids))


def check_live_fits(live: LivePretrained, data: TopicData, max_unknown: float = 0.02) -> None:
    """Refuse a model whose tokenizer does not cover the task's text (e.g. trained on the other language)."""
    unk = unknown_fraction(live.tokenizer, data.train_text[:20000])
    if live.model.config.vocab_size != live.tokenizer.vocab_size or unk > max_unknown:
        raise UserInputError(
            f"The model from “Train GPT-1 live” does not know this corpus's characters ({unk:.0%} unknown). "
            "Train it on the same language, or use the built-in pre-training.",
            f"「GPT-1 をその場で学習」のモデルはこのコーパスの文字を知りません（{unk:.0%} が未知）。"
            "同じ言語で学習するか、組み込みの事前学習を使ってください。",
        )


@dataclass
class ShippedBackbones:
    gpt: nn.Module  # core.gpt.model.GPT, fp32, shared read-only (fine-tuning copies its weights)
    lstm: nn.Module  # core.gpt.lstm.LSTMLM, the same
    tokenizer: Tokenizer  # the one both were trained with
    gpt_card: dict
    lstm_card: dict
    unknown: float  # <unk> share over every passage of the task
    seen_heldout: float  # share of held-out passages inside the shipped models' LM training text

    @property
    def label(self) -> str:
        """What identifies these weights in cache keys: a rebuilt model gives new keys."""
        keys = ("artifact", "corpus_id", "config_hash", "git_commit", "steps", "seed", "heldout_loss")
        return "shipped:" + repr([[c.get(k) for k in keys] for c in (self.gpt_card, self.lstm_card)])

    def info(self, arch: str) -> dict:
        """What the page shows about a backbone: it is shipped, and how long it was pre-trained."""
        card = self.gpt_card if arch == "transformer" else self.lstm_card
        return {"shipped": True, "cached": True, "steps": int(card.get("steps", 0)),
                "heldout_ppl": card.get("heldout_ppl"), "unknown": self.unknown, "seen_heldout": self.seen_heldout}


def load_shipped_backbones(lang: str, data: TopicData, max_unknown: float = 0.02) -> ShippedBackbones:
    """The shipped GPT and LSTM for `lang` with their shared tokenizer, or a bilingual UserInputError saying
    why they cannot be used (missing/damaged file, tokenizers that differ, too many unknown pieces)."""
    from core.gpt import shipped
    from core.gpt.checkpoint import tokenizer_to_meta
    from core.gpt.tasks.pretrain_text import pretraining_split, seen_share

    gpt = shipped.load_gpt(lang)
    lstm = shipped.load_lstm(lang)
    if tokenizer_to_meta(gpt.tokenizer) != tokenizer_to_meta(lstm.tokenizer):
        raise UserInputError("The shipped GPT and LSTM use different tokenizers; rebuild them with `make models`.",
                             "同梱の GPT と LSTM のトークナイザーが違います。`make models` で作り直してください。")
    passages = [e.text for e in data.train + data.heldout]
    unk = unknown_fraction(gpt.tokenizer, "\n".join(passages))
    if unk > max_unknown:
        raise UserInputError(
            f"The shipped tokenizer does not know this task's text ({unk:.1%} unknown pieces).",
            f"同梱のトークナイザーはこの課題の文章を知りません（未知のピースが {unk:.1%}）。")
    # Measured, not assumed: the held-out passages against the text the shipped models were built from
    # (whitespace ignored, so a passage spanning a line break is still found).
    seen = seen_share([e.text for e in data.heldout], pretraining_split(lang).train)
    return ShippedBackbones(gpt.model, lstm.model, gpt.tokenizer, gpt.card, lstm.card, unk, seen)
