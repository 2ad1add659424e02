"""A small LSTM language model: the recurrent baseline of GPT-1's ablation ("LSTM w/ aux LM").

    e_t = W_e u_t                      token embedding (no position embedding: the recurrence orders tokens)
    h_t = LSTM(e_t, h_{t-1})           two layers, the top one's state mapped back to the model width
    P(u_{t+1}) = softmax(h_t W_e^T)    output weights tied to the embedding, as in the GPT

It has the same interface as core.gpt.model.GPT where the trainer and the fine-tuning code need it:
`forward(idx, targets) -> GPTOutput` (logits, loss), `features(idx) -> (B, T, C)` and `lm_head`,
so core.gpt.pretrain.gpt_trainer (core.runtime's Trainer) pre-trains it unchanged. Causal by construction: h_t sees
only u_1..u_t.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.gpt.model import GPTOutput


@dataclass
class LSTMConfig:
    vocab_size: int
    n_embd: int = 128  # width of embeddings and of the (projected) outputs, like the GPT's n_embd
    n_hidden: int = 256  # LSTM cell size; 2 layers of 256 ≈ the class-demo GPT's parameter count
    n_layer: int = 2
    block_size: int = 128  # the longest sequence it is trained on (it could read longer ones)
    dropout: float = 0.0  # on the embeddings and the top layer's states (fine-tuning uses 0.1, as for the GPT)

    def to_dict(self) -> dict:
        return asdict(self)


class LSTMLM(nn.Module):
    def __init__(self, cfg: LSTMConfig):
        super().__init__()
        self.config = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        # No proj_size: oneDNN's fast CPU kernel does not support it (measured 20x slower).
        self.lstm = nn.LSTM(cfg.n_embd, cfg.n_hidden, num_layers=cfg.n_layer, batch_first=True)
        self.out = nn.Linear(cfg.n_hidden, cfg.n_embd)  # back to the embedding width for the tied head
        self.drop = nn.Dropout(cfg.dropout) if cfg.dropout > 0 else nn.Identity()
        self.ln_f = nn.LayerNorm(cfg.n_embd)
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # tied, as in the GPT
        nn.init.normal_(self.wte.weight, std=0.02)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def features(self, idx: torch.Tensor, attentions: list | None = None) -> torch.Tensor:
        """Hidden states (B, T, C); h_t depends on idx[:, :t+1] only."""
        h, _ = self.lstm(self.drop(self.wte(idx)))  # (B, T, C) -> (B, T, H)
        return self.ln_f(self.out(self.drop(h)))  # (B, T, C)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None, return_attn: bool = False) -> GPTOutput:
        B, T = idx.shape
        logits = self.lm_head(self.features(idx))  # (B, T, C) x (C, V) -> (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(B * T, -1), targets.reshape(B * T))
        return GPTOutput(logits=logits, loss=loss, attentions=None)
