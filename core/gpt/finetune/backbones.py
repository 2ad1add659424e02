"""Where the pre-trained backbones come from, for both fine-tuning pages: the models shipped with the app
(core.shipped.models), a GPT trained on the "Train GPT-1 live" page, or, when neither is there, a
pre-training run here on the topic corpus (loops.pretrain, cached); and `build_backbone`, the one way a
run's backbone is made (seeded init, then the pre-trained embeddings and the first `layers` blocks).

The shipped GPT and LSTM are pre-trained on the corpus without any task's held-out paragraphs
(core.gpt.tasks.pretrain_text), as GPT-1 pre-trains on text apart from its tasks. `ShippedBackbones.seen_heldout`
measures the share of held-out passages inside that text (0 for the shipped corpus), so the page states it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn as nn

from core.errors import UserInputError
from core.gpt.finetune.loops import pretrain
from core.gpt.finetune.settings import BUDGETS, Budget, gpt_config, new_backbone, task_tokenizer
from core.gpt.lstm import LSTMConfig
from core.gpt.model import GPT, GPTConfig
from core.gpt.topic_data import TopicData, load_topic_data
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


def load_shipped_backbones(lang: str, data: TopicData, texts: list[str] | tuple = (),
                           max_unknown: float = 0.02) -> ShippedBackbones:
    """The shipped GPT and LSTM for `lang` with their shared tokenizer, or a bilingual UserInputError saying
    why they cannot be used (missing/damaged file, tokenizers that differ, too many unknown pieces in the topic
    passages and the other `texts` a task reads)."""
    from core.shipped import models as shipped
    from core.gpt.checkpoints.files import tokenizer_to_meta
    from core.gpt.tasks.pretrain_text import pretraining_split, seen_share

    gpt = shipped.load_gpt(lang)
    lstm = shipped.load_lstm(lang)
    if tokenizer_to_meta(gpt.tokenizer) != tokenizer_to_meta(lstm.tokenizer):
        raise UserInputError("The shipped GPT and LSTM use different tokenizers; rebuild them with `make models`.",
                             "同梱の GPT と LSTM のトークナイザーが違います。`make models` で作り直してください。")
    passages = [e.text for e in data.train + data.heldout] + list(texts)
    unk = unknown_fraction(gpt.tokenizer, "\n".join(passages))
    if unk > max_unknown:
        raise UserInputError(
            f"The shipped tokenizer does not know this task's text ({unk:.1%} unknown pieces).",
            f"同梱のトークナイザーはこの課題の文章を知りません（未知のピースが {unk:.1%}）。")
    # Measured, not assumed: the held-out passages against the text the shipped models were built from
    # (whitespace ignored, so a passage spanning a line break is still found).
    seen = seen_share([e.text for e in data.heldout], pretraining_split(lang).train)
    return ShippedBackbones(gpt.model, lstm.model, gpt.tokenizer, gpt.card, lstm.card, unk, seen)


def _copy(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


@dataclass
class Source:
    """Where an experiment's pre-trained weights come from, decided once before it runs: a GPT from the
    "Train GPT-1 live" page, the shipped GPT and LSTM, or a pre-training here on the topic corpus (then
    `note` says why the shipped models were not used). Every variant reads with `tokenizer`."""

    budget: Budget
    data: TopicData  # the text a backbone pre-trained here reads (the topic corpus's training paragraphs)
    tokenizer: Tokenizer
    gpt_cfg: GPTConfig  # the transformer's shape: the shipped or live model's, else the budget's
    lstm_cfg: LSTMConfig | None  # the shipped LSTM's shape; None = the budget's
    shipped: ShippedBackbones | None = None
    live: LivePretrained | None = None
    note: UserInputError | None = None

    @property
    def label(self) -> str:
        """What identifies the weights in cache keys: a rebuilt shipped model gives new keys."""
        return self.live.label if self.live is not None else self.shipped.label if self.shipped is not None else "own"

    def trained_here(self, arch: str) -> bool:
        return self.shipped is None and not (arch == "transformer" and self.live is not None)

    def info(self, arch: str) -> dict | None:
        """What a page shows about a backbone known before any pre-training (None: it is trained here)."""
        if self.shipped is not None:
            return self.shipped.info(arch)
        return {"cached": True, "live": self.live.label} if arch == "transformer" and self.live is not None else None

    def weights(self, arch: str, device="cpu", gate=None, on_step: Callable | None = None,
                threads: int | None = None) -> tuple[dict[str, torch.Tensor] | None, dict]:
        """(state dict, info) of `arch`'s pre-trained LM: copies of the shipped or live weights (fine-tuning
        never touches the shared modules), else loops.pretrain (cached on disk); None when `gate` stopped it."""
        if self.shipped is not None:
            return _copy(self.shipped.gpt if arch == "transformer" else self.shipped.lstm), self.shipped.info(arch)
        if arch == "transformer" and self.live is not None:
            return _copy(self.live.model), self.info(arch)
        model, info = pretrain(arch, self.tokenizer, self.data, self.budget, device, gate=gate, on_step=on_step,
                               threads=threads, gpt_cfg=self.gpt_cfg if arch == "transformer" else None)
        return (None if model is None else model.state_dict()), info


def choose_source(lang: str, budget: Budget, live: LivePretrained | None = None, texts: list[str] | tuple = (),
                  ) -> Source:
    """The one switch between pre-trained weights: `live` when given (refused when its tokenizer does not know
    the corpus), else the shipped models when the budget says so and they load and cover the task's `texts`,
    else a pre-training here with its own tokenizer (`Source.note` says why the shipped ones were refused)."""
    data = load_topic_data(lang, max_chars=budget.max_chars)
    if live is not None:
        check_live_fits(live, data)
        return Source(budget, data, live.tokenizer, live.model.config, None, live=live)
    note = None
    if budget.backbone == "shipped":
        try:
            sb = load_shipped_backbones(lang, data, texts)
            return Source(budget, data, sb.tokenizer, sb.gpt.config, sb.lstm.config, shipped=sb)
        except UserInputError as e:  # missing, damaged or unfit: say so, and pre-train here
            note = e
    tok = task_tokenizer(data, budget, lang)
    return Source(budget, data, tok, gpt_config(budget, tok.vocab_size), None, note=note)


def source_tokenizer(lang: str, budget: str = "quick") -> Tokenizer:
    """The tokenizer `choose_source` would give, without loading a backbone (a page draws pieces with it):
    the shipped GPT's (loaded once per process), else the one a pre-training here trains."""
    from core.shipped import models as shipped

    try:
        return shipped.load_gpt(lang).tokenizer
    except UserInputError:
        b = BUDGETS[budget]
        return task_tokenizer(load_topic_data(lang, max_chars=b.max_chars), b, lang)


def build_backbone(arch: str, budget: Budget, vocab_size: int, state: dict | None, layers: int | None = None,
                   seed: int = 0, dropout: float = 0.0, config=None) -> nn.Module:
    """A fresh backbone (seeded random init) that takes from `state` the embeddings and the first
    `layers` Transformer blocks (None = all; the LSTM is all or nothing); the rest stays re-initialised.
    `state=None` is "without pre-training". Figure 2 (left) varies `layers` from 0 to n_layer."""
    torch.manual_seed(seed)
    model = new_backbone(arch, budget, vocab_size, config if arch == "transformer" else None, dropout,
                         config if arch == "lstm" else None)  # the source's shape (shipped or the budget's)
    if state is None:
        return model
    n = model.config.n_layer if layers is None or arch != "transformer" else layers
    if not 0 <= n <= model.config.n_layer:
        raise ValueError(f"layers must be in 0..{model.config.n_layer}, got {n}")
    keep = {k: v for k, v in state.items()
            if not k.startswith("h.") or int(k.split(".")[1]) < n}  # "h.<i>.…" are the Transformer blocks
    model.load_state_dict(keep, strict=False)  # the tied lm_head follows wte
    return model
