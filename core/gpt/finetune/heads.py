"""GPT-1's task heads on one pre-trained backbone (Radford et al. 2018, §3.2-3.3, Figure 1), and L3.

Every task reads token rows (tasks.py) through the same backbone; the rows end with an extract token, and
only the head on the final state at the extract token differs:

    classification / entailment   logits = h_e W_y                          (E, K)
    similarity                    logits = (h_e(a,b) + h_e(b,a)) W_y        (E, 2)  both orders, added
    multiple choice               s_k = h_e(context, answer_k) w_y          (E, k)  softmax over the k

    L2 = −Σ log P(y | x)          classification NLL over the task's logits
    L1 = −Σ_t log P(u_t | u_<t)   the LM loss on the same rows, on the positions whose next token is text
    L3 = L2 + λ·L1                λ = 0.5 in the paper
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.gpt.finetune.tasks import TASKS, encode_texts
from core.tokenizers.base import Tokenizer

IGNORE = -100  # LM targets the loss skips: padding, the special tokens, anything at or after the extract


def add_special_tokens(backbone: nn.Module, n: int = 3, init: str = "mean") -> tuple[int, ...]:
    """Grow the embedding by `n` rows (start, delimiter, extract; or the extract token alone when n = 1)
    and return their ids, the extract token's last: (V, …, V + n − 1).

    init="normal" is GPT-1's N(0, 0.02), which against pre-trained rows is a near-zero input the blocks never
    saw; init="mean" adds the mean of the existing rows (so the rows differ only by the noise): a vector of
    the scale and direction the pre-trained blocks are used to reading. The pre-trained rows are kept and the
    tied LM head follows the new table. Works for the GPT and the LSTM.
    """
    old = backbone.wte
    V, C = old.weight.shape
    new = nn.Embedding(V + n, C).to(old.weight.device)
    with torch.no_grad():
        new.weight[:V] = old.weight
        nn.init.normal_(new.weight[V:], std=0.02)
        if init == "mean":
            new.weight[V:] += old.weight.mean(0)  # (C,) broadcast over the n new rows
    backbone.wte = new
    backbone.lm_head.weight = new.weight  # still tied: P(u) = softmax(h W_e^T)
    backbone.config = replace(backbone.config, vocab_size=V + n)
    return tuple(range(V, V + n))


def lm_targets(x: torch.Tensor, extract: torch.Tensor, special_ids: tuple[int, ...]) -> torch.Tensor:
    """Next-token targets (N, T) for the auxiliary LM loss: y[t] = x[t+1] while t+1 is a text token
    before the extract token; IGNORE elsewhere (start, delimiter, extract, padding).

    >>> lm_targets(torch.tensor([[7, 1, 2, 8, 3, 9, 0]]), torch.tensor([5]), (7, 8, 9)).tolist()
    [[1, 2, -100, 3, -100, -100, -100]]
    """
    N, T = x.shape
    y = torch.full_like(x, IGNORE)
    y[:, :-1] = x[:, 1:]
    pos = torch.arange(T, device=x.device).unsqueeze(0)  # (1, T)
    keep = pos + 1 < extract.unsqueeze(1)  # (N, T): the target x[t+1] sits before the extract token
    keep &= ~torch.isin(y, torch.tensor(special_ids, device=x.device))
    return y.masked_fill(~keep, IGNORE)


class TaskModel(nn.Module):
    """Backbone + the task's linear head W_y. forward(x, extract) -> (task logits (E, K), h (N, T, C))."""

    def __init__(self, backbone: nn.Module, task: str, n_classes: int, rows_per_example: int,
                 special_ids: tuple[int, ...]):
        super().__init__()
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; one of {TASKS}")
        self.backbone, self.task, self.rows, self.special_ids = backbone, task, rows_per_example, special_ids
        # multiple choice scores each answer row with one number; the others classify one state
        out = 1 if task == "multiple_choice" else n_classes
        self.head = nn.Linear(backbone.config.n_embd, out)  # W_y
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    @property
    def extract_id(self) -> int:
        return self.special_ids[-1]

    def pool(self, h_e: torch.Tensor) -> torch.Tensor:
        """Extract states of all rows (N, C) -> task logits (E, K); N = E * rows."""
        C = h_e.size(-1)
        if self.task == "similarity":
            return self.head(h_e.view(-1, 2, C).sum(1))  # (E, 2, C) -> (E, C): order-free, then (E, C) x (C, 2)
        if self.task == "multiple_choice":
            return self.head(h_e).view(-1, self.rows)  # (N, C) x (C, 1) -> (N, 1) -> (E, k)
        return self.head(h_e)  # (E, C) x (C, K) -> (E, K)

    def forward(self, x: torch.Tensor, extract: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.backbone.features(x)  # (N, T, C)
        h_e = h[torch.arange(x.size(0), device=x.device), extract]  # (N, C)
        return self.pool(h_e), h


def task_model(backbone: nn.Module, task: str, n_classes: int, rows: int, new_tokens: int = 3,
               init: str = "mean") -> TaskModel:
    """The new token rows, then W_y (in that order: the random draws of a seeded run depend on it)."""
    return TaskModel(backbone, task, n_classes, rows, add_special_tokens(backbone, new_tokens, init))


def task_loss(model: TaskModel, x: torch.Tensor, extract: torch.Tensor, labels: torch.Tensor,
              lam: float) -> dict[str, torch.Tensor]:
    """{"l2", "l1", "l3" = L2 + λ·L1, "logits"} (means over the batch); L1 is always measured, and joins the
    gradient only if λ > 0."""
    logits, h = model(x, extract)
    l2 = F.cross_entropy(logits, labels)  # == nll_loss(log_softmax(logits)): see stats.nll_and_ce
    y = lm_targets(x, extract, model.special_ids)  # (N, T)
    with torch.set_grad_enabled(torch.is_grad_enabled() and lam > 0):
        # Every position projected, the non-targets then ignored. Projecting only the target rows (h[y != IGNORE])
        # is the same mean for ~5 % less work, but its float sums differ in the last bits, and the shipped
        # transfer results (assets/models/transfer-*.json) were computed this way.
        lm = model.backbone.lm_head(h if lam > 0 else h.detach())  # (N, T, C) x (C, V) -> (N, T, V)
        l1 = F.cross_entropy(lm.reshape(-1, lm.size(-1)), y.reshape(-1), ignore_index=IGNORE)
    l1 = torch.nan_to_num(l1)  # rows with no text target (all ignored) give 0/0
    return {"l1": l1, "l2": l2, "l3": l2 + lam * l1 if lam > 0 else l2, "logits": logits}


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


def task_loss_parts(model: TaskModel, x: torch.Tensor, extract: torch.Tensor, labels: torch.Tensor, lam: float,
                    cut: int) -> dict[str, torch.Tensor]:
    """task_loss of a length-sorted batch of one-row examples run as two parts [:cut] and [cut:], each
    trimmed to its own longest row (~14% fewer token positions on the topic task's batches of 32).

    The same numbers as one padded batch: L2 is a mean over examples and L1 over LM targets, so each
    part's mean is weighted by its share; and nothing a part drops was ever read, because a row's
    states depend only on the tokens before them (causal attention; the LSTM runs forward) and padding
    has no targets. tests/test_finetune_speed.py checks losses and gradients against the whole batch.
    """
    if cut <= 0 or cut >= len(labels):
        return task_loss(model, x, extract, labels, lam)
    outs, n_cls, n_lm = [], [], []
    for part in (slice(0, cut), slice(cut, None)):
        end = int(extract[part].max()) + 1
        xp = x[part, :end]
        outs.append(task_loss(model, xp, extract[part], labels[part], lam))
        n_cls.append(len(labels[part]))
        n_lm.append(int((lm_targets(xp, extract[part], model.special_ids) != IGNORE).sum()))
    l2 = sum(o["l2"] * n for o, n in zip(outs, n_cls)) / sum(n_cls)
    lm_parts = [(o["l1"], n) for o, n in zip(outs, n_lm) if n > 0]  # a part without targets has no mean
    l1 = sum(v * n for v, n in lm_parts) / sum(n for _, n in lm_parts) if lm_parts else outs[0]["l1"]
    l3 = l2 + lam * l1 if lam > 0 else l2
    return {"l1": l1, "l2": l2, "l3": l3, "logits": torch.cat([o["logits"] for o in outs])}


@dataclass
class Scores:
    accuracy: float  # share of held-out examples whose highest logit is the label (float32)
    nll: float  # mean classification NLL
    confusion: list[list[int]]  # [true][predicted]
    logits: torch.Tensor  # (E, K), float32 on the CPU


@torch.inference_mode()
def evaluate(model: TaskModel, x: torch.Tensor, extract: torch.Tensor, labels: torch.Tensor,
             batch: int = 64) -> Scores:
    """Held-out scores; `batch` examples (batch × rows rows) per forward, 0 = all at once. Rows sorted by
    length carry little padding (tasks.by_length): the scores do not depend on the order."""
    was = model.training
    model.eval()
    R, E = model.rows, len(labels)
    batch = batch or max(1, E)
    out = []
    for i in range(0, E, batch):
        r0, r1 = i * R, min(E, i + batch) * R
        end = int(extract[r0:r1].max()) + 1  # padding past the last extract token is never read
        out.append(model(x[r0:r1, :end], extract[r0:r1])[0].float().cpu())
    model.train(was)
    logits = torch.cat(out)  # (E, K)
    lab = labels.cpu()
    K = logits.size(-1)
    nll = 0.0
    for i, o in enumerate(out):  # summed batch by batch, in float64
        nll += float(F.cross_entropy(o, lab[i * batch:(i + 1) * batch], reduction="sum"))
    conf = torch.bincount(lab * K + logits.argmax(-1), minlength=K * K).view(K, K)
    # float32, as the shipped transfer results were scored: k/n rounded to float32 (within 3e-8 of the ratio)
    acc = float((logits.argmax(-1) == lab).float().mean()) if E else 0.0
    return Scores(acc, nll / max(1, E), conf.tolist(), logits)


@torch.inference_mode()
def predict(model: TaskModel, tokenizer: Tokenizer, text: str, max_tokens: int) -> tuple[list[float], int, int]:
    """Class probabilities for one "text [extract]" row, the tokens read and the tokens it has (those past
    max_tokens − 1 are cut)."""
    x, ends = encode_texts(tokenizer, [text], model.extract_id, max_tokens)
    dev = model.head.weight.device
    logits, _ = model(x.to(dev), ends.to(dev))
    return logits.softmax(-1)[0].tolist(), int(ends[0]), len(tokenizer.encode(text))
