"""GPT-1 (Radford et al. 2018): a decoder-only Transformer language model, as in the paper.

    h_0 = U W_e + W_p                       token embedding + learned position embedding
    h_l = transformer_block(h_{l-1})        masked multi-head self-attention + GELU feed-forward
    P(u) = softmax(h_n W_e^T)               output weights tied to the token embedding

Reads top to bottom in the order you would explain it: attention, feed-forward, block, config, model.
GPT-1 puts LayerNorm *after* each residual addition (post-LN, as in the original Transformer);
`pre_ln=True` gives the GPT-2 arrangement (LayerNorm before each sub-layer, one more at the end),
which trains more easily when deep, so the two can be compared.

Attention uses the fused kernel `F.scaled_dot_product_attention(is_causal=True)` unless the weights
are asked for (`return_attn=True`); then every layer computes softmax(QK^T/√d_k) explicitly and
returns it, shaped (B, n_head, T, T).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import torch
import torch.nn as nn
import torch.nn.functional as F


def _dropout(p: float) -> nn.Module:
    # p = 0 (the class-demo default): no module call at all, one less Python hop per sub-layer.
    return nn.Dropout(p) if p > 0 else nn.Identity()


class CausalSelfAttention(nn.Module):
    """Masked multi-head self-attention: each position attends to itself and the positions before it."""

    def __init__(self, cfg: "GPTConfig"):
        super().__init__()
        assert cfg.n_embd % cfg.n_head == 0, "n_embd must be divisible by n_head"
        self.n_head = cfg.n_head
        self.dropout = cfg.dropout
        # Q, K and V of all heads in one matmul: (C) -> (3C); faster than three small ones.
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.resid_drop = _dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, return_attn: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        B, T, C = x.shape
        hs = C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)  # 3 x (B, T, C)
        q = q.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        p_drop = self.dropout if self.training else 0.0
        if return_attn:
            # The textbook form, so the weights can be drawn: softmax(QK^T / sqrt(d_k)) with a causal mask.
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (B, nh, T, hs) x (B, nh, hs, T) -> (B, nh, T, T)
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            y = F.dropout(att, p_drop, self.training) @ v  # (B, nh, T, T) x (B, nh, T, hs) -> (B, nh, T, hs)
        else:
            att = None
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=p_drop, is_causal=True)  # (B, nh, T, hs)
        y = y.transpose(1, 2).reshape(B, T, C)  # heads side by side again: (B, T, C)
        return self.resid_drop(self.c_proj(y)), att


class MLP(nn.Module):
    """Position-wise feed-forward: C -> 4C -> GELU -> C."""

    def __init__(self, cfg: "GPTConfig"):
        super().__init__()
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.drop = _dropout(cfg.dropout)
        # GPT-1's code used the tanh approximation of GELU (max error 4.7e-4 against xΦ(x));
        # "exact" uses erf.
        self.approximate = "tanh" if cfg.gelu == "tanh" else "none"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(self.c_proj(F.gelu(self.c_fc(x), approximate=self.approximate)))  # (B, T, C)


class Block(nn.Module):
    """One Transformer decoder block. Post-LN (GPT-1): x = LN(x + sublayer(x)); pre-LN: x = x + sublayer(LN(x))."""

    def __init__(self, cfg: "GPTConfig"):
        super().__init__()
        self.pre_ln = cfg.pre_ln
        self.ln_1 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.mlp = MLP(cfg)

    def forward(self, x: torch.Tensor, return_attn: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.pre_ln:
            a, att = self.attn(self.ln_1(x), return_attn)
            x = x + a
            x = x + self.mlp(self.ln_2(x))
        else:
            a, att = self.attn(x, return_attn)
            x = self.ln_1(x + a)
            x = self.ln_2(x + self.mlp(x))
        return x, att


class DivergedError(ValueError):
    """Raised by `GPT.generate` when the logits are not finite (a diverged model); the caller explains it."""


@dataclass
class GPTConfig:
    vocab_size: int  # what the tokenizer emits; the embedding and the (tied) output layer have this many rows
    n_layer: int = 4  # blocks stacked; GPT-1 has 12
    n_head: int = 4  # attention heads per block; GPT-1 has 12 (64 dimensions each)
    n_embd: int = 128  # model width d_model; GPT-1 has 768
    block_size: int = 64  # context length (rows of W_p); GPT-1 reads 512 tokens
    dropout: float = 0.0  # GPT-1 used 0.1; a small model on a small corpus for a minute does better without
    bias: bool = True  # biases in Linear and LayerNorm, as in GPT-1
    pre_ln: bool = False  # False = GPT-1's post-LN; True = GPT-2's pre-LN (plus a final LayerNorm)
    gelu: str = "exact"

    def __post_init__(self) -> None:
        # Plain ValueErrors: the model knows no UI language; where user settings enter
        # (core.gpt.training_job.JobSettings) they are checked first and explained in both languages.
        for name in ("vocab_size", "n_layer", "n_head", "n_embd", "block_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head})")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.gelu not in ("tanh", "exact"):
            raise ValueError(f"gelu must be 'tanh' or 'exact', not {self.gelu!r}")

    @classmethod
    def preset(cls, name: str, vocab_size: int, **overrides) -> "GPTConfig":
        """A named size (see PRESETS) for a tokenizer with `vocab_size` ids; `overrides` change any field."""
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; choose one of {list(PRESETS)}")
        return cls(vocab_size=vocab_size, **{**PRESETS[name], **overrides})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "GPTConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def with_vocab(self, vocab_size: int) -> "GPTConfig":
        return replace(self, vocab_size=vocab_size)


# Named sizes, small to the paper's. Blocks are (layers, heads, width, context).
PRESETS: dict[str, dict] = {
    "tiny": dict(n_layer=2, n_head=2, n_embd=64, block_size=32),  # tests, a first look in seconds
    "class-demo": dict(n_layer=4, n_head=4, n_embd=128, block_size=64),  # beats a bigram within a minute on a CPU
    "small": dict(n_layer=6, n_head=6, n_embd=192, block_size=128),  # a few minutes on a CPU, better samples
    "medium": dict(n_layer=8, n_head=8, n_embd=384, block_size=256),  # wants a GPU
    "gpt-1": dict(n_layer=12, n_head=12, n_embd=768, block_size=512, dropout=0.1),  # the paper's 117M model
}


@dataclass
class GPTOutput:
    logits: torch.Tensor  # (B, T, vocab_size)
    loss: torch.Tensor | None  # mean cross-entropy in nats, when targets are given
    attentions: list[torch.Tensor] | None  # per layer (B, n_head, T, T), when return_attn=True


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.config = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)  # W_e
        self.wpe = nn.Embedding(cfg.block_size, cfg.n_embd)  # W_p, learned (not sinusoidal)
        self.drop = _dropout(cfg.dropout)
        self.h = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd, bias=cfg.bias) if cfg.pre_ln else nn.Identity()
        self.lm_head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # tied: P(u) = softmax(h W_e^T)
        self.register_buffer("pos", torch.arange(cfg.block_size), persistent=False)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        # GPT-1: "a simple weight initialization of N(0, 0.02) was sufficient".
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def num_params(self, non_embedding: bool = False) -> int:
        """Parameters counted once (W_e is shared with the head); non_embedding drops W_p and W_e."""
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n -= self.wpe.weight.numel() + self.wte.weight.numel()
        return n

    def flops_per_token(self, T: int | None = None) -> float:
        """Training FLOPs per token (forward + backward): 6·N + 12·n_layer·n_embd·T (the attention term).

        N counts the matmul weights (blocks and the tied output head), not W_p, which is only looked up.
        """
        cfg = self.config
        T = cfg.block_size if T is None else T
        n = self.num_params() - self.wpe.weight.numel()
        return 6.0 * n + 12.0 * cfg.n_layer * cfg.n_embd * T

    def features(self, idx: torch.Tensor, attentions: list | None = None) -> torch.Tensor:
        """The final hidden states h_n (B, T, C): after the last block (and ln_f under pre-LN).

        The LM head reads them; a fine-tuning head (GPT-1's W_y) reads them too. Pass a list as
        `attentions` to get each layer's weights (B, n_head, T, T) appended to it.
        """
        B, T = idx.shape
        if T > self.config.block_size:
            raise ValueError(f"sequence of {T} tokens is longer than the context ({self.config.block_size})")
        x = self.drop(self.wte(idx) + self.wpe(self.pos[:T]))  # (B, T, C) + (T, C) -> (B, T, C)
        for block in self.h:
            x, att = block(x, attentions is not None)
            if attentions is not None:
                attentions.append(att)
        return self.ln_f(x)

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None, return_attn: bool = False) -> GPTOutput:
        B, T = idx.shape
        attentions = [] if return_attn else None
        logits = self.lm_head(self.features(idx, attentions))  # (B, T, C) x (C, V) -> (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(B * T, -1), targets.reshape(B * T))
        return GPTOutput(logits=logits, loss=loss, attentions=attentions)

    @torch.inference_mode()
    def generate(self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0,
                 top_k: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """Sample `max_new_tokens` more tokens after `idx` (B, T); the context is cropped to block_size.

        temperature 0 means greedy (argmax); top_k keeps only the k most likely tokens.
        """
        for _ in range(max_new_tokens):
            ctx = idx[:, -self.config.block_size:]
            # The head on the last position only (nanoGPT's inference trick): (B, C) x (C, V) -> (B, V),
            # not (B, T, V) thrown away but for one row: the vocabulary projection is the largest matmul here.
            logits = self.lm_head(self.features(ctx)[:, -1, :])  # (B, V)
            if not bool(torch.isfinite(logits).all()):  # a diverged model: multinomial would fail on NaN
                raise DivergedError("the model's outputs are NaN or infinite: it cannot generate text")
            if temperature <= 0:
                nxt = logits.argmax(dim=-1, keepdim=True)
            else:
                logits = logits / temperature
                if top_k is not None and 0 < top_k < logits.size(-1):
                    kth = torch.topk(logits, top_k).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, float("-inf"))
                probs = logits.softmax(dim=-1)
                nxt = torch.multinomial(probs, 1, generator=generator)  # (B, 1)
            idx = torch.cat([idx, nxt], dim=1)
        return idx
