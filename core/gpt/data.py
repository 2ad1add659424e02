"""GPT pre-training data: a tokenizer for the corpus, token ids in one tensor, random (B, T) windows of
them, and the n-gram lines a GPT must get under (held-out cross-entropy of add-k unigram and bigram models,
and of the best interpolated Kneser–Ney n-gram, n = 1…5, over the same token ids).
"""
from __future__ import annotations

import hashlib
import json
import math

import torch

from core.errors import UserInputError
from core.lm.ngram import NGramCounts, perplexity_curve
from core.runtime.diskcache import get_or_build
from core.tokenizers.base import Tokenizer
from core.tokenizers.char import CharTokenizer

TOKENIZERS = ("char", "bpe", "unigram")


def build_tokenizer(kind: str, text: str, vocab_size: int = 1000, fit_vocab: bool = True,
                    byte_fallback: bool = False) -> Tokenizer:
    """Characters, or SentencePiece BPE / unigram trained on `text`.

    With `fit_vocab`, a vocabulary larger than the corpus supports shrinks to the largest possible
    one (check `tokenizer.vocab_size`); a vocabulary too small for the corpus's characters still raises.
    `byte_fallback` (SentencePiece): a character outside the vocabulary becomes its UTF-8 bytes, never <unk>
    (the shipped Japanese model: 佐藤 or 札幌, rare in its text, must still be read).
    """
    if kind == "char":
        return CharTokenizer.train(text)
    if kind in ("bpe", "unigram"):
        from core.tokenizers.spm import VocabSizeError, train_sentencepiece

        try:
            return train_sentencepiece(text, model_type=kind, vocab_size=int(vocab_size), byte_fallback=byte_fallback)
        except VocabSizeError as e:
            if not (fit_vocab and e.too_large):
                raise
            return train_sentencepiece(text, model_type=kind, vocab_size=int(e.limit), byte_fallback=byte_fallback)
    raise ValueError(f"unknown tokenizer {kind!r}; choose one of {TOKENIZERS}")


class TokenData:
    """Train and held-out token ids, and random (B, T) batches of them.

    A batch is x = ids[i : i+T], y = ids[i+1 : i+T+1] for B random starts i: one gather
    `data[starts[:, None] + arange(T+1)]` instead of a Python loop over rows.
    """

    def __init__(self, train_ids: torch.Tensor, heldout_ids: torch.Tensor, block_size: int,
                 device: torch.device | str = "cpu"):
        need = block_size + 1
        for ids, en, ja in ((train_ids, "training part", "学習用の部分"),
                            (heldout_ids, "held-out part", "評価用（held-out）の部分")):
            if len(ids) < need:
                raise UserInputError(
                    f"The corpus is too short for a context of {block_size} tokens: its {en} has "
                    f"{len(ids)} tokens and needs at least {need}. Use a longer text or a shorter context.",
                    f"コーパスが短すぎます。文脈長 {block_size} トークンに対し、{ja}は {len(ids)} トークンしか"
                    f"ありません（{need} 以上必要）。長いテキストを使うか、文脈長を短くしてください。",
                )
        self.device = torch.device(device)
        self.block_size = block_size
        self.train = train_ids.to(self.device, torch.long)
        self.heldout = heldout_ids.to(self.device, torch.long)
        self._offsets = torch.arange(block_size + 1, device=self.device)  # (T+1,)

    @classmethod
    def from_text(cls, tokenizer: Tokenizer, train_text: str, heldout_text: str, block_size: int,
                  device: torch.device | str = "cpu") -> "TokenData":
        enc = lambda s: torch.tensor(tokenizer.encode(s), dtype=torch.long)
        return cls(enc(train_text), enc(heldout_text), block_size, device)

    def batch(self, split: str, batch_size: int, generator: torch.Generator | None = None,
              block_size: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        data = self.train if split == "train" else self.heldout
        T = block_size or self.block_size
        starts = torch.randint(len(data) - T, (batch_size,), generator=generator)  # (B,) on the CPU
        rows = data[starts.to(self.device)[:, None] + self._offsets[: T + 1]]  # (B, 1) + (T+1,) -> (B, T+1)
        return rows[:, :-1], rows[:, 1:]  # x, y: (B, T) each, y shifted by one


def ngram_reference(train_ids: torch.Tensor, heldout_ids: torch.Tensor, vocab_size: int,
                    k: float = 0.1, dense_cells: int = 4_000_000) -> dict[str, float]:
    """Held-out cross-entropy (nats per token, like the GPT's loss) of add-k unigram and bigram models.

    P(b) = (c(b) + k) / (N + kV) and P(b | a) = (c(a b) + k) / (c(a) + kV), counted on the training ids.
    These are the lines a GPT must get under to have learned more than letter frequencies and pairs.
    >>> r = ngram_reference(torch.tensor([0, 1, 0, 1, 0, 1]), torch.tensor([0, 1, 0]), 2)
    >>> round(r["unigram"], 3), r["bigram"] < 0.1
    (0.693, True)
    """
    tr, ho = train_ids.long().cpu(), heldout_ids.long().cpu()
    V = int(vocab_size)
    uni = torch.bincount(tr, minlength=V).double()
    p_uni = (uni + k) / (uni.sum() + k * V)
    h_uni = float(-p_uni[ho].log().mean())
    prev = uni.clone()
    prev[tr[-1]] -= 1  # c(a) as a first element of a pair
    q = ho[:-1] * V + ho[1:]  # each held-out pair's code a·V + b
    if V * V <= dense_cells:  # a table of every pair: one bincount (torch.unique's sort took 65 % of a Start press)
        c_ab = torch.bincount(tr[:-1] * V + tr[1:], minlength=V * V)[q].double()
    else:  # kept sparse: a 32k vocabulary would need a 1G-cell table
        pairs, counts = torch.unique(tr[:-1] * V + tr[1:], return_counts=True)
        pos = torch.searchsorted(pairs, q).clamp_max(len(pairs) - 1)
        c_ab = torch.where(pairs[pos] == q, counts[pos], torch.zeros_like(q)).double()
    p_bi = (c_ab + k) / (prev[ho[:-1]] + k * V)
    return {"unigram": h_uni, "bigram": float(-p_bi.log().mean())}


def kneser_ney_reference(train_ids: torch.Tensor, heldout_ids: torch.Tensor) -> tuple[float, int]:
    """(held-out cross-entropy in nats per token, n) of the best interpolated Kneser–Ney n-gram, n = 1…5.

    The n is picked on the held-out part itself, so the line is, if anything, a little too good: a GPT
    that gets under it has honestly beaten every n-gram order the app offers. Token ids become strings
    for core.lm.ngram, so the n-gram sees exactly the GPT's tokens (an id unseen in training is <unk>).
    """
    counts = NGramCounts.train([str(i) for i in train_ids.tolist()], max_n=5)
    curve = perplexity_curve(counts, [str(i) for i in heldout_ids.tolist()])
    best = min(range(len(curve)), key=lambda i: curve[i].bits)
    return curve[best].bits * math.log(2), best + 1  # bits -> nats, like the GPT's loss


def cached_references(train_ids: torch.Tensor, heldout_ids: torch.Tensor, vocab_size: int) -> dict[str, float]:
    """ngram_reference plus the Kneser–Ney line ("kn", and its order "kn_n"), cached on disk by the ids
    themselves (same corpus and tokenizer -> same ids -> same key), so a second run costs one file read."""
    h = hashlib.sha1(f"{int(vocab_size)}:".encode())
    for ids in (train_ids, heldout_ids):
        h.update(ids.long().cpu().numpy().tobytes())
        h.update(b"|")

    def build() -> dict[str, float]:
        refs = ngram_reference(train_ids, heldout_ids, vocab_size)
        refs["kn"], refs["kn_n"] = kneser_ney_reference(train_ids, heldout_ids)
        return refs

    refs, _ = get_or_build("gpt-ngram-refs", h.hexdigest()[:20], build, lambda r: json.dumps(r).encode(),
                           lambda b: {k: float(v) for k, v in json.loads(b).items()}, suffix=".json")
    return refs
