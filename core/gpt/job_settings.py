"""What the "Train GPT-1 live" page's widgets choose (`JobSettings`), the configs they become (`plan`: the
tokenizer, the model's and the training's configs, settled in one pass before the job is made), what the page
reads back from a job (`JobView`), and the shipped model's reference line.

Kept apart from the job itself (core.gpt.training_job) so each stays short.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.corpus import corpus_id
from core.errors import UserInputError
from core.gpt import memory_budget
from core.gpt.data import build_tokenizer
from core.gpt.model import GPTConfig
from core.gpt.pretrain import EvalInfo, TrainConfig
from core.shipped.models import LANGS, gpt_path, read_card
from core.tokenizers.base import Tokenizer


@dataclass
class JobView:
    """A consistent copy of a job's state, safe to use without any lock."""

    status: str  # ready | queued | running | paused | stopped | finished | diverged | failed
    step: int
    max_iters: int
    steps: list[int]
    loss: list[float]
    lr: list[float]
    tokens_per_s: list[float]
    evals: list[EvalInfo]
    samples: list[tuple[int, str]]
    references: dict[str, float]
    message: UserInputError | None
    eta_s: float | None
    elapsed_s: float
    device: str
    threads: int
    label: str
    queue: tuple[int, float | None] | None = None  # while queued: (place, 1 = next; seconds to wait or None)

    @property
    def progress(self) -> float:
        return min(1.0, self.step / max(1, self.max_iters))

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running", "paused")

    @property
    def last_val(self) -> float | None:
        return self.evals[-1].val_loss if self.evals else None

    def crossings(self) -> dict[str, int]:
        """Reference line -> the first evaluated step (> 0) whose held-out loss is under it."""
        out: dict[str, int] = {}
        for key in (k for k in REFERENCE_LINES if k in self.references):
            first = next((e.step for e in self.evals if e.step > 0 and e.val_loss < self.references[key]), None)
            if first is not None:
                out[key] = first
        return out


REFERENCE_LINES = ("unigram", "bigram", "kn", "shipped")  # weakest first: the order they are usually crossed


@dataclass(frozen=True)
class JobSettings:
    """Everything the page's widgets choose, in one value (no Streamlit types)."""

    tokenizer: str = "char"  # char | bpe | unigram
    vocab_size: int = 1000  # for bpe / unigram
    preset: str = "class-demo"  # a key of core.gpt.model.PRESETS, or "custom"
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 64
    pre_ln: bool = False
    dropout: float = 0.0
    # 2e-3 (not 1e-3): with the 200-step warm-up the class-demo model on the ja characters gets its held-out
    # loss under the bigram line by step 250, about 50 s on 2 CPU cores (bench/first_start.py); 1e-3 is past 60 s.
    lr: float = 2e-3
    batch_size: int = 12  # sequences per step: 768 tokens, a step in ~0.2 s on 2 cores
    max_iters: int = 2000  # ~2 min on 2 quiet cores (bench.first_start: 104 s en, 118 s ja); Stop keeps the model
    eval_interval: int = 50  # held-out loss (and the "beat the line" messages) every ~10 s, not ~20 s
    eval_iters: int = 10
    sample_interval: int = 250
    sample_tokens: int = 120

    def model_config(self, vocab_size: int) -> GPTConfig:
        """The GPT these settings describe. Impossible sizes are explained in both languages here, where
        the user's choice enters (the model itself raises plain ValueErrors)."""
        if self.preset == "custom":
            if min(self.n_layer, self.n_head, self.n_embd, self.block_size) < 1:
                raise UserInputError("Layers, heads, width and context must each be at least 1.",
                                     "層・ヘッド・幅・文脈長はどれも 1 以上にしてください。")
            if self.n_embd % self.n_head:
                raise UserInputError(
                    f"The width ({self.n_embd}) must be divisible by the number of heads ({self.n_head}).",
                    f"幅（{self.n_embd}）はヘッド数（{self.n_head}）で割り切れる必要があります。")
            if not 0.0 <= self.dropout < 1.0:
                raise UserInputError("Dropout must be in [0, 1).", "ドロップアウトは 0 以上 1 未満にしてください。")
            return GPTConfig(vocab_size=vocab_size, n_layer=self.n_layer, n_head=self.n_head, n_embd=self.n_embd,
                             block_size=self.block_size, dropout=self.dropout, pre_ln=self.pre_ln)
        return GPTConfig.preset(self.preset, vocab_size, pre_ln=self.pre_ln)

    def train_config(self) -> TrainConfig:
        return TrainConfig(max_iters=self.max_iters, batch_size=self.batch_size, lr=self.lr,
                           eval_interval=self.eval_interval, eval_iters=self.eval_iters,
                           sample_interval=self.sample_interval, sample_tokens=self.sample_tokens,
                           threads="auto")  # a page training shares the server: the load-aware policy


@dataclass(frozen=True)
class Plan:
    """A page training's configs, settled before its job is made; the job only carries them out."""

    tokenizer: Tokenizer  # trained on the training part only
    model: GPTConfig  # its vocab_size is the tokenizer's
    train: TrainConfig
    label: str  # "preset · corpus · tokenizer (vocabulary)"
    references: dict[str, float]  # extra loss lines: the shipped model's, when it has this split and tokenizer


def plan(settings: JobSettings, train_text: str, heldout_text: str, corpus_name: str) -> Plan:
    """The page's settings turned, in one pass, into the tokenizer, the model config and the training config.

    In that order, each once: the model's vocabulary is the trained tokenizer's, and a model over the
    per-training memory budget is refused here (a message, nothing allocated)."""
    tok = build_tokenizer(settings.tokenizer, train_text, settings.vocab_size)
    cfg = settings.model_config(tok.vocab_size)
    memory_budget.check(cfg, settings.batch_size)
    shipped = shipped_reference(settings.tokenizer, tok.vocab_size, train_text + heldout_text, heldout_text)
    return Plan(tok, cfg, settings.train_config(), f"{settings.preset} · {corpus_name} · {tok.name} ({tok.vocab_size})",
                {"shipped": shipped} if shipped is not None else {})


def shipped_reference(tokenizer: str, vocab_size: int, text: str, heldout: str | None = None) -> float | None:
    """The held-out loss on a shipped model's card when this run has its split and tokenizer, else None.

    Same split = the card's training and held-out texts (`text` is training + held-out); same tokenizer =
    same kind and vocabulary size (both trained on the same training part, so they give the same ids).
    The shipped GPT reads the corpus without the tasks' held-out paragraphs (core.gpt.tasks.pretrain_text),
    not the pages' last-10 % split: a loss on other held-out text would be no line to cross.
    """
    for lang in LANGS:
        try:
            card = read_card(gpt_path(lang))
            split = card.get("pretrain_text") or {}
            train = text[: len(text) - len(heldout)] if heldout is not None else None
            same = (heldout is not None and split.get("heldout_id") == corpus_id(heldout)
                    and split.get("train_id") == corpus_id(train) and card["tokenizer"]["vocab_size"] == vocab_size
                    and card["tokenizer"]["type"] == f"sentencepiece-{tokenizer}")
            if same:
                return float(card["heldout_loss"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # no card, or an older one: no line
    return None
