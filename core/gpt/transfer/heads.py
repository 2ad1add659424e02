"""GPT-1's task heads on one pre-trained backbone (Radford et al. 2018, §3.3 and Figure 1), and L3.

Every task reads token rows `[start] … [delim] … [extract]` (core.gpt.tasks.transforms) through the
same Transformer; only the head on the final state at the extract token differs:

    classification / entailment   logits = h_e W_y                          (E, K)
    similarity                    logits = (h_e(a,b) + h_e(b,a)) W_y        (E, 2)  both orders, added
    multiple choice               s_k = h_e(context, answer_k) w_y          (E, k)  softmax over the k

    L2 = −Σ log P(y | x)          classification NLL over the task's logits
    L1 = −Σ_t log P(u_t | u_<t)   the LM loss on the same rows (targets: text tokens before the extract)
    L3 = L2 + λ·L1
"""
from __future__ import annotations

from dataclasses import replace

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.gpt.tasks.transforms import Specials

IGNORE = -100  # LM targets the loss skips: padding, the special tokens, anything at or after the extract
TASKS = ("classification", "entailment", "similarity", "multiple_choice")


def add_special_tokens(backbone: nn.Module, n: int = 3, init: str = "mean") -> Specials:
    """Grow the embedding by `n` rows for start, delimiter and extract.

    init="mean": each new row is the mean of the existing rows plus N(0, 0.02) noise (so the three differ):
    a vector of the scale and direction the pre-trained blocks are used to reading. init="normal" is
    GPT-1's N(0, 0.02), which against the pre-trained rows is a near-zero input the blocks never saw.
    The pre-trained rows are kept and the tied LM head follows the new table (the pattern of
    core.gpt.finetune.heads.add_extract_token, for three tokens). Works for the GPT and the LSTM.
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
    return Specials.after(V)


def lm_targets(x: torch.Tensor, extract: torch.Tensor, specials: Specials) -> torch.Tensor:
    """Next-token targets (N, T) for the auxiliary LM loss: y[t] = x[t+1] while t+1 is a text token
    before the extract token; IGNORE elsewhere (the delimiter, the extract token, padding).

    >>> sp = Specials(7, 8, 9)
    >>> lm_targets(torch.tensor([[7, 1, 2, 8, 3, 9, 0]]), torch.tensor([5]), sp).tolist()
    [[1, 2, -100, 3, -100, -100, -100]]
    """
    N, T = x.shape
    y = torch.full_like(x, IGNORE)
    y[:, :-1] = x[:, 1:]
    pos = torch.arange(T, device=x.device).unsqueeze(0)  # (1, T)
    keep = pos + 1 < extract.unsqueeze(1)  # (N, T): the target x[t+1] sits before the extract token
    keep &= ~torch.isin(y, torch.tensor(specials.ids, device=x.device))
    return y.masked_fill(~keep, IGNORE)


class TaskModel(nn.Module):
    """Backbone + the task's linear head W_y. forward(x, extract) -> (task logits (E, K), h (N, T, C))."""

    def __init__(self, backbone: nn.Module, task: str, n_classes: int, rows_per_example: int, specials: Specials):
        super().__init__()
        if task not in TASKS:
            raise ValueError(f"unknown task {task!r}; one of {TASKS}")
        self.backbone, self.task, self.rows, self.specials = backbone, task, rows_per_example, specials
        # multiple choice scores each answer row with one number; the others classify one state
        out = 1 if task == "multiple_choice" else n_classes
        self.head = nn.Linear(backbone.config.n_embd, out)  # W_y
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

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


def task_loss(model: TaskModel, x: torch.Tensor, extract: torch.Tensor, labels: torch.Tensor,
              lam: float) -> dict[str, torch.Tensor]:
    """{"l2", "l1", "l3" = L2 + λ·L1, "logits"}; L1 is always measured, and joins the gradient only if λ > 0."""
    logits, h = model(x, extract)
    l2 = F.cross_entropy(logits, labels)  # == nll_loss(log_softmax(logits)): see nll_and_ce
    y = lm_targets(x, extract, model.specials)
    with torch.set_grad_enabled(torch.is_grad_enabled() and lam > 0):
        lm = model.backbone.lm_head(h if lam > 0 else h.detach())  # (N, T, C) x (C, V) -> (N, T, V)
        l1 = F.cross_entropy(lm.reshape(-1, lm.size(-1)), y.reshape(-1), ignore_index=IGNORE)
    l1 = torch.nan_to_num(l1)  # rows with no text target (all ignored) give 0/0
    return {"l1": l1, "l2": l2, "l3": l2 + lam * l1 if lam > 0 else l2, "logits": logits}


def nll_vs_ce(logits: list[float], label: int, smoothing: float = 0.1) -> dict[str, float]:
    """Why the paper's "NLL" and cross entropy are one number for a softmax head, and where they part.

    With p = softmax(z) and a one-hot target e_y, cross entropy H(e_y, p) = −Σ_c e_y[c] log p_c = −log p_y:
    exactly the negative log-likelihood of the label. They part when either side changes:
    - the target is not one-hot (label smoothing: (1 − ε) e_y + ε/C): H(target, p) ≠ −log p_y;
    - the scores are not log-probabilities (NLL applied to raw logits without log-softmax): −z_y, which is
      not a log-likelihood at all (it can be negative, and shifting every logit changes it);
    - the classes are scored independently (a sigmoid per class): Σ binary cross entropies, another model.

    >>> d = nll_vs_ce([2.0, 0.5, -1.0], 0)
    >>> abs(d["nll"] - d["ce_one_hot"]) < 1e-12, d["nll_raw_logits"], round(d["nll"], 4), round(d["ce_smoothed"], 4)
    (True, -2.0, 0.2413, 0.3913)
    """
    z = torch.tensor([logits], dtype=torch.float64)
    y = torch.tensor([label])
    logp = F.log_softmax(z, dim=-1)
    onehot = F.one_hot(y, z.size(-1)).double()
    smoothed = (1 - smoothing) * onehot + smoothing / z.size(-1)
    sig = torch.sigmoid(z)
    return {"nll": float(-logp[0, label]), "ce_one_hot": float(-(onehot * logp).sum()),
            "ce_torch": float(F.cross_entropy(z, y)), "ce_smoothed": float(-(smoothed * logp).sum()),
            "ce_torch_smoothed": float(F.cross_entropy(z, y, label_smoothing=smoothing)),
            "nll_raw_logits": float(F.nll_loss(z, y)),
            "bce_sigmoid": float(F.binary_cross_entropy(sig, onehot, reduction="sum")),
            "p": [round(float(v), 4) for v in logp.exp()[0]]}


def nll_and_ce(logits: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
    """The classification loss written two ways: −mean log softmax(logits)[y] (the paper's "NLL") and
    cross entropy against the one-hot label. They are one formula; the notes' claim that they differ
    is answered by the numbers (equal to float rounding).

    >>> nll, ce = nll_and_ce(torch.tensor([[2.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1]))
    >>> round(nll, 6) == round(ce, 6)
    True
    """
    nll = F.nll_loss(F.log_softmax(logits, dim=-1), labels)
    ce = F.cross_entropy(logits, labels)
    return float(nll), float(ce)


@torch.inference_mode()
def accuracy(model: TaskModel, x: torch.Tensor, extract: torch.Tensor, labels: torch.Tensor,
             rows: int, batch: int = 64) -> tuple[float, torch.Tensor]:
    """Held-out accuracy and the logits (E, K); `batch` examples (batch * rows rows) per forward."""
    was = model.training
    model.eval()
    out = []
    for i in range(0, len(labels), batch):
        r0, r1 = i * rows, min(len(labels), i + batch) * rows
        end = int(extract[r0:r1].max()) + 1  # padding past the last extract token is never read
        out.append(model(x[r0:r1, :end], extract[r0:r1])[0].float().cpu())
    model.train(was)
    logits = torch.cat(out)
    return float((logits.argmax(-1) == labels.cpu()).float().mean()), logits
