"""An encoder-decoder Transformer (Vaswani et al. 2017) small enough to train on a CPU in seconds.

    encoder:  source words  -> self-attention (every word sees every word)        -> memory
    decoder:  <bos> d1 d2 … -> masked self-attention (a digit sees only earlier digits)
                            -> cross-attention (queries: digits; keys/values: the encoder's memory)
                            -> next digit

It learns the task in `core.transformer.number_words` (a number in words -> its digits), where cross-attention
has something to show: which source words each output digit reads. As in the original Transformer,
LayerNorm comes after each residual addition (post-LN) and positions are sinusoidal.

Training feeds the decoder the true previous digits (teacher forcing) under a causal mask; decoding
replaces them left to right with the model's own predictions — the masked target the notes describe.
Training, the held-out numbers and the disk cache live in `core.transformer.encoder_decoder_train`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn

from core.transformer import number_words
from core.transformer.attention import MultiHeadAttention
from core.transformer.positional import sinusoidal_pe

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
SPECIALS = [PAD, BOS, EOS]


@dataclass(frozen=True)
class Seq2SeqConfig:
    lang: str = "en"  # source language of the number words: "en" | "ja"
    d_model: int = 64  # small: the task has ~30 source words and 10 digits
    n_head: int = 4  # d_k = 16 per head
    n_layer: int = 2  # encoder layers = decoder layers
    d_ff: int = 128
    max_len: int = 16  # longest source ("seven thousand seven hundred seventy seven" is 6 words) or target
    steps: int = 800  # AdamW steps: 15-40 s on two busy CPU cores
    batch_size: int = 64  # 800 x 64 draws cover the ~9,000 training numbers about five times
    lr: float = 2e-3  # peak, after a warm-up of a tenth of the steps (post-LN needs one)
    heldout: float = 0.1  # share of the 2-4 digit numbers set aside before any training pair is drawn
    seed: int = 0


class Vocab:
    """Token <-> id for one side of the task; ids 0..2 are <pad>, <bos>, <eos>."""

    def __init__(self, tokens: list[str]):
        self.itos = SPECIALS + list(tokens)
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: list[str]) -> list[int]:
        return [self.stoi[t] for t in tokens]


class EncoderLayer(nn.Module):
    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_head)
        self.ff = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_ff), nn.ReLU(), nn.Linear(cfg.d_ff, cfg.d_model))
        self.ln1, self.ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)

    def forward(self, x: torch.Tensor, src_pad: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, w = self.self_attn(x, key_padding_mask=src_pad)  # (B, S, C), (B, h, S, S)
        x = self.ln1(x + a)
        return self.ln2(x + self.ff(x)), w


class DecoderLayer(nn.Module):
    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.self_attn = MultiHeadAttention(cfg.d_model, cfg.n_head)
        self.cross_attn = MultiHeadAttention(cfg.d_model, cfg.n_head)
        self.ff = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_ff), nn.ReLU(), nn.Linear(cfg.d_ff, cfg.d_model))
        self.ln1, self.ln2, self.ln3 = (nn.LayerNorm(cfg.d_model) for _ in range(3))

    def forward(self, y: torch.Tensor, memory: torch.Tensor, src_pad: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        a, w_self = self.self_attn(y, causal=True)  # (B, T, C), (B, h, T, T)
        y = self.ln1(y + a)
        c, w_cross = self.cross_attn(y, memory=memory, key_padding_mask=src_pad)  # (B, T, C), (B, h, T, S)
        y = self.ln2(y + c)
        return self.ln3(y + self.ff(y)), w_self, w_cross


@dataclass
class Attentions:
    """Per-layer attention weights of one forward pass (each (B, h, ·, ·))."""

    encoder: list[torch.Tensor] = field(default_factory=list)  # (B, h, S, S)
    decoder: list[torch.Tensor] = field(default_factory=list)  # (B, h, T, T), causal
    cross: list[torch.Tensor] = field(default_factory=list)  # (B, h, T, S): digits (rows) x words (columns)

    def pick(self, layer: int, head: int) -> dict[str, torch.Tensor]:
        """The first example's weights in `layer`: head `head`, or the mean over heads when head < 0.
        (B, h, rows, cols) -> (rows, cols) for each of "encoder", "decoder", "cross"."""
        def one(w: torch.Tensor) -> torch.Tensor:
            return w[0].mean(0) if head < 0 else w[0, head]
        return {"encoder": one(self.encoder[layer]), "decoder": one(self.decoder[layer]),
                "cross": one(self.cross[layer])}


class Seq2Seq(nn.Module):
    def __init__(self, cfg: Seq2SeqConfig):
        super().__init__()
        self.cfg = cfg
        self.src_vocab = Vocab(number_words.vocab(cfg.lang))
        self.tgt_vocab = Vocab(number_words.DIGITS)
        self.src_emb = nn.Embedding(len(self.src_vocab), cfg.d_model, padding_idx=0)
        self.tgt_emb = nn.Embedding(len(self.tgt_vocab), cfg.d_model, padding_idx=0)
        self.register_buffer("pe", sinusoidal_pe(cfg.max_len + 2, cfg.d_model, dtype=torch.float32), persistent=False)
        self.encoder = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.n_layer))
        self.decoder = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.n_layer))
        self.out = nn.Linear(cfg.d_model, len(self.tgt_vocab))

    def _embed(self, emb: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        # Scale embeddings by √d_model as in the paper, so positions do not drown the token signal.
        return emb(ids) * math.sqrt(self.cfg.d_model) + self.pe[: ids.shape[1]]  # (B, T, C)

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> tuple[torch.Tensor, Attentions]:
        """src (B, S) word ids, tgt_in (B, T) = <bos> + digits -> logits (B, T, |digits|+3), attentions."""
        src_pad = src == 0  # (B, S) True where padding
        att = Attentions()
        x = self._embed(self.src_emb, src)
        for layer in self.encoder:
            x, w = layer(x, src_pad)
            att.encoder.append(w)
        y = self._embed(self.tgt_emb, tgt_in)
        for layer in self.decoder:
            y, w_self, w_cross = layer(y, x, src_pad)
            att.decoder.append(w_self)
            att.cross.append(w_cross)
        return self.out(y), att


def make_batch(model: Seq2Seq, pairs: list[tuple[list[str], list[str]]]) -> tuple[torch.Tensor, ...]:
    """Padded (src, tgt_in, tgt_out) id tensors for a list of (words, digits) pairs."""
    S = max(len(w) for w, _ in pairs)
    T = max(len(d) for _, d in pairs) + 1
    src = torch.zeros(len(pairs), S, dtype=torch.long)
    tgt_in = torch.zeros(len(pairs), T, dtype=torch.long)
    tgt_out = torch.zeros(len(pairs), T, dtype=torch.long)
    for b, (words, digits) in enumerate(pairs):
        s, d = model.src_vocab.encode(words), model.tgt_vocab.encode(digits)
        src[b, : len(s)] = torch.tensor(s)
        tgt_in[b, : len(d) + 1] = torch.tensor([1] + d)  # <bos> d1 .. dn
        tgt_out[b, : len(d) + 1] = torch.tensor(d + [2])  # d1 .. dn <eos>
    return src, tgt_in, tgt_out


@dataclass
class Translation:
    source: list[str]
    digits: list[str]  # the predicted digits (without <eos>)
    steps: list[dict]  # per decoding step: decoder input, predicted token and its probability
    attentions: Attentions  # of the final forward pass over <bos> + digits, batch size 1


@torch.no_grad()
def translate(model: Seq2Seq, source: list[str]) -> Translation:
    """Greedy decoding: start from <bos>, append the most likely digit until <eos>."""
    model.eval()
    src = torch.tensor([model.src_vocab.encode(source)])  # (1, S)
    out_ids: list[int] = []
    steps = []
    for _ in range(5):  # at most 4 digits + <eos>
        tgt_in = torch.tensor([[1] + out_ids])  # (1, t)
        logits, _ = model(src, tgt_in)
        probs = logits[0, -1].softmax(-1)
        nxt = int(probs.argmax())
        steps.append({"input": [model.tgt_vocab.itos[i] for i in [1] + out_ids],
                      "next": model.tgt_vocab.itos[nxt], "p": float(probs[nxt])})
        if nxt == 2:
            break
        out_ids.append(nxt)
    _, att = model(src, torch.tensor([[1] + out_ids]))
    return Translation(source, [model.tgt_vocab.itos[i] for i in out_ids], steps, att)
