"""GPT-1's fine-tuning head and losses (Radford et al. 2018, §3.2), and how passages become batches.

    input   u_1 … u_m, then an extract token e         (an extra embedding row, like GPT-1's delimiters)
    P(y | u) = softmax(h_n^{(e)} W_y)                   h_n^{(e)}: final hidden state at the extract token
    L2 = −Σ log P(y | u)                                classification NLL
    L1 = −Σ_t log P(u_t | u_<t)                         the LM loss on the same input
    L3 = L2 + λ·L1                                      λ = 0.5 in the paper
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.tokenizers.base import Tokenizer

IGNORE = -100  # targets the LM loss skips (padding, the extract token)


def add_extract_token(backbone: nn.Module) -> int:
    """Give `backbone` one more embedding row (N(0, 0.02), as GPT-1's init) for the extract token.

    The pre-trained rows are kept; the tied LM head follows the new embedding. Returns the new id.
    """
    old = backbone.wte
    V, C = old.weight.shape
    new = nn.Embedding(V + 1, C).to(old.weight.device)
    with torch.no_grad():
        new.weight[:V] = old.weight
        nn.init.normal_(new.weight[V:], std=0.02)
    backbone.wte = new
    backbone.lm_head.weight = new.weight  # still tied: P(u) = softmax(h W_e^T)
    backbone.config = replace(backbone.config, vocab_size=V + 1)
    return V


class TopicClassifier(nn.Module):
    """Backbone + W_y. forward -> (class logits (B, K), LM logits (B, T, V+1))."""

    def __init__(self, backbone: nn.Module, n_classes: int, extract_id: int):
        super().__init__()
        self.backbone = backbone
        self.extract_id = extract_id
        self.head = nn.Linear(backbone.config.n_embd, n_classes)  # W_y
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    def states(self, x: torch.Tensor, ends: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """All final hidden states h (B, T, C) and the one at the extract token h_e (B, C)."""
        h = self.backbone.features(x)  # (B, T, C)
        return h, h[torch.arange(x.size(0), device=x.device), ends]  # (B, C)

    def forward(self, x: torch.Tensor, ends: torch.Tensor, with_lm: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x (B, T) ids with the extract token at position ends[b]; what follows it is padding."""
        h, h_e = self.states(x, ends)
        lm = self.backbone.lm_head(h) if with_lm else None  # (B, T, C) x (C, V) -> (B, T, V)
        return self.head(h_e), lm  # (B, C) x (C, K) -> (B, K)


def encode_batch(tokenizer: Tokenizer, texts: list[str], extract_id: int, max_tokens: int
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Texts -> x (B, T) = tokens + extract token + padding, ends (B,), LM targets (B, T).

    Tokens beyond max_tokens − 1 are cut (the extract token needs the last place). The LM target of
    position t is token t+1 of the text; the last text token, the extract token and padding get IGNORE.
    """
    rows = [tokenizer.encode(t)[: max_tokens - 1] for t in texts]
    T = max(len(r) for r in rows) + 1
    x = torch.zeros(len(rows), T, dtype=torch.long)
    y = torch.full((len(rows), T), IGNORE, dtype=torch.long)
    ends = torch.empty(len(rows), dtype=torch.long)
    for b, r in enumerate(rows):
        n = len(r)
        if n:
            x[b, :n] = torch.tensor(r)
            y[b, : n - 1] = x[b, 1:n]
        x[b, n] = extract_id
        ends[b] = n
    return x, ends, y


def finetune_loss(model: TopicClassifier, x: torch.Tensor, ends: torch.Tensor, labels: torch.Tensor,
                  lm_targets: torch.Tensor, lam: float) -> dict[str, torch.Tensor]:
    """{"l2": classification NLL, "l1": LM loss, "l3": L2 + λ·L1, "logits"} (means over the batch).

    With λ = 0 the LM loss is still measured, but outside autograd: it adds nothing to the gradient.
    """
    h, h_e = model.states(x, ends)
    logits = model.head(h_e)  # (B, K)
    l2 = F.nll_loss(F.log_softmax(logits, dim=-1), labels)  # −log P(y | u), the paper's wording
    keep = lm_targets != IGNORE  # (B, T): positions with a next token; padding and the extract token have none
    with torch.set_grad_enabled(torch.is_grad_enabled() and lam > 0):
        # The vocabulary projection only where a target exists (often under two thirds of a padded batch):
        # the same mean as cross_entropy(..., ignore_index) over every position, for less work.
        lm = model.backbone.lm_head((h if lam > 0 else h.detach())[keep])  # (N, C) x (C, V) -> (N, V)
        l1 = F.cross_entropy(lm, lm_targets[keep])
    l3 = l2 + lam * l1 if lam > 0 else l2
    return {"l1": l1, "l2": l2, "l3": l3, "logits": logits}



def length_cut(ends: torch.Tensor, min_part: int = 4, min_saving: float = 0.05) -> int:
    """Where to cut a batch sorted by length (`ends` ascending) in two so that padding each part to its
    own longest passage leaves the fewest token positions; 0 keeps it whole (when that saves little).

    >>> length_cut(torch.tensor([3, 4, 5, 6, 30, 31, 32, 33]), min_part=2)
    4
    >>> length_cut(torch.tensor([30, 31, 32, 33]), min_part=2)
    0
    """
    B = len(ends)
    lengths = (ends + 1).tolist()
    whole = B * lengths[-1]
    best, cut = whole, 0
    for k in range(min_part, B - min_part + 1):
        cost = k * lengths[k - 1] + (B - k) * lengths[-1]
        if cost < best:
            best, cut = cost, k
    return cut if best <= (1 - min_saving) * whole else 0


def finetune_loss_parts(model: TopicClassifier, x: torch.Tensor, ends: torch.Tensor, labels: torch.Tensor,
                        lm_targets: torch.Tensor, lam: float, cut: int) -> dict[str, torch.Tensor]:
    """finetune_loss of a length-sorted batch run as two parts [:cut] and [cut:], each trimmed to its own
    longest passage (~14% fewer token positions on the topic task's batches of 32).

    The same numbers as one padded batch: L2 is a mean over examples and L1 over LM targets, so each
    part's mean is weighted by its share; and nothing a part drops was ever read, because a passage's
    states depend only on the tokens before them (causal attention; the LSTM runs forward) and padding
    has no targets. tests/test_finetune_speed.py checks losses and gradients against the whole batch.
    """
    if cut <= 0 or cut >= len(labels):
        return finetune_loss(model, x, ends, labels, lm_targets, lam)
    outs, n_cls, n_lm = [], [], []
    for part in (slice(0, cut), slice(cut, None)):
        end = int(ends[part].max()) + 1
        y = lm_targets[part, :end]
        outs.append(finetune_loss(model, x[part, :end], ends[part], labels[part], y, lam))
        n_cls.append(len(labels[part]))
        n_lm.append(int((y != IGNORE).sum()))
    l2 = sum(o["l2"] * n for o, n in zip(outs, n_cls)) / sum(n_cls)
    lm_parts = [(o["l1"], n) for o, n in zip(outs, n_lm) if n > 0]  # a part without targets has a NaN mean
    l1 = sum(v * n for v, n in lm_parts) / sum(n for _, n in lm_parts) if lm_parts else outs[0]["l1"]
    l3 = l2 + lam * l1 if lam > 0 else l2
    return {"l1": l1, "l2": l2, "l3": l3, "logits": torch.cat([o["logits"] for o in outs])}


@dataclass
class Encoded:
    x: torch.Tensor  # (N, T)
    ends: torch.Tensor  # (N,)
    y_lm: torch.Tensor  # (N, T)
    labels: torch.Tensor  # (N,)


def by_length(enc: Encoded) -> Encoded:
    """The same examples, shortest first: evaluation batches then carry little padding (accuracy, loss and
    the confusion matrix do not depend on the order)."""
    order = torch.argsort(enc.ends, stable=True)
    return Encoded(enc.x[order], enc.ends[order], enc.y_lm[order], enc.labels[order])


def encode_examples(tokenizer: Tokenizer, examples, extract_id: int, max_tokens: int) -> Encoded:
    x, ends, y = encode_batch(tokenizer, [e.text for e in examples], extract_id, max_tokens)
    return Encoded(x, ends, y, torch.tensor([e.label for e in examples], dtype=torch.long))


@torch.inference_mode()
def evaluate(model: TopicClassifier, enc: Encoded, n_classes: int, batch: int = 32
             ) -> tuple[float, float, list[list[int]]]:
    """(accuracy, mean classification NLL, confusion matrix [true][predicted]) on `enc`."""
    was = model.training
    model.eval()
    conf = torch.zeros(n_classes, n_classes, dtype=torch.long)
    nll = 0.0
    for i in range(0, len(enc.labels), batch):
        end = int(enc.ends[i:i + batch].max()) + 1
        logits, _ = model(enc.x[i:i + batch, :end], enc.ends[i:i + batch], with_lm=False)
        lab = enc.labels[i:i + batch]
        nll += float(F.cross_entropy(logits, lab, reduction="sum"))
        conf += torch.bincount(lab * n_classes + logits.argmax(-1), minlength=n_classes ** 2).view(n_classes, n_classes)
    model.train(was)
    n = max(1, len(enc.labels))
    return float(conf.diag().sum()) / n, nll / n, conf.tolist()


@dataclass
class Curves:
    steps: list[int] = field(default_factory=list)
    l2: list[float] = field(default_factory=list)  # classification loss of each training batch
    l1: list[float] = field(default_factory=list)  # LM loss of each training batch
    train_acc: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_acc: list[float] = field(default_factory=list)  # held-out accuracy
    eval_loss: list[float] = field(default_factory=list)



@torch.inference_mode()
def predict(model: TopicClassifier, tokenizer: Tokenizer, text: str, max_tokens: int) -> tuple[list[float], int, int]:
    """Topic probabilities for `text`, the tokens read and the tokens it has (those past max_tokens − 1 are cut)."""
    x, ends, _ = encode_batch(tokenizer, [text], model.extract_id, max_tokens)
    dev = model.head.weight.device
    logits, _ = model(x.to(dev), ends.to(dev), with_lm=False)
    return logits.softmax(-1)[0].tolist(), int(ends[0]), len(tokenizer.encode(text))

