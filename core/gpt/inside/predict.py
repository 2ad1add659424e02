"""What a model guessed at each token of a sentence: the probability it gave the real token, that token's
rank among all the model could have said, and its top alternatives (as GLTR and Ecco show them).

Two models on the *same* tokens: the GPT (its own tokenizer) and an n-gram counted over the same
tokenizer's pieces, so the two columns line up token for token. The GPT scores the first token from its
tokenizer's start symbol `<s>` when the tokenizer has one, as the n-gram scores it from its `<s>` padding;
a tokenizer without one (characters) leaves the first token unscored in both columns.

    guesses = gpt_guesses(model, tokenizer, "The cat sat.")       # Guesses: one TokenGuess per scored token
    ngram = ngram_guesses(counts, guesses.pieces, n=3)            # the same tokens under an n-gram

Rank 1 is the model's own first choice; rank r means r - 1 tokens had a strictly higher probability
(ties count in the real token's favour). GLTR colours ranks in four buckets: top 10, 100, 1000, the rest.

>>> rank_bucket(1), rank_bucket(10), rank_bucket(11), rank_bucket(1000), rank_bucket(1001)
(0, 0, 1, 2, 3)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import torch

from core.errors import UserInputError

BUCKETS = (10, 100, 1000)  # GLTR: green top 10, yellow top 100, red top 1000, violet the rest
TOP = 5  # alternatives listed per token


def rank_bucket(rank: int) -> int:
    """0: top 10, 1: top 100, 2: top 1000, 3: the rest."""
    return next((i for i, b in enumerate(BUCKETS) if rank <= b), len(BUCKETS))


def ranks_of(probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """(N, V) probabilities (or logits: any order-preserving score), (N,) ids -> (N,) ranks, 1 = the top.

    >>> ranks_of(torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.2, 0.3]]), torch.tensor([2, 0])).tolist()
    [2, 1]
    """
    own = probs.gather(1, targets[:, None])  # (N, 1)
    return (probs > own).sum(dim=1) + 1  # (N,)


@dataclass(frozen=True)
class TokenGuess:
    token: str  # the real token (its piece)
    prob: float  # P(token | what came before)
    rank: int  # 1 = the model's first choice
    top: tuple[tuple[str, float], ...]  # the model's TOP most likely tokens with their probabilities

    @property
    def bucket(self) -> int:
        return rank_bucket(self.rank)


@dataclass(frozen=True)
class Guesses:
    pieces: list[str]  # every token of the sentence, the unscored first one included
    guesses: list[TokenGuess]  # one per scored token: pieces[first:]
    first: int  # 0: every token scored (from <s>); 1: the first token is only context
    vocab: int  # how many tokens the model chooses among
    truncated: bool = False  # the sentence was cut to the model's context


def _top(p: torch.Tensor, names: Sequence[str], k: int) -> tuple[tuple[str, float], ...]:
    vals, idx = torch.topk(p, min(k, p.numel()))
    return tuple((names[int(i)], float(v)) for v, i in zip(vals, idx))


def guesses_from_probs(probs: torch.Tensor, targets: Sequence[int], names: Sequence[str],
                       shown: Sequence[str], top: int = TOP) -> list[TokenGuess]:
    """(N, V) next-token distributions, the N real ids and their pieces as typed -> one TokenGuess each
    (`names[id]` names a vocabulary entry; `shown` differs from it only where a token is <unk>)."""
    t = torch.as_tensor(list(targets), dtype=torch.long)
    ranks = ranks_of(probs, t)
    own = probs.gather(1, t[:, None])[:, 0]
    return [TokenGuess(s, float(p), int(r), _top(row, names, top))
            for s, p, r, row in zip(shown, own, ranks, probs)]


def start_id(tokenizer: Any, vocab_size: int) -> int | None:
    """The tokenizer's start symbol (sentencepiece's <s>) when it has one inside the model's vocabulary."""
    i = getattr(tokenizer, "bos_id", None)
    i = i() if callable(i) else i
    return int(i) if isinstance(i, int) and 0 <= i < vocab_size else None


def unknown_count(tokenizer: Any, ids: Sequence[int]) -> int:
    """How many ids are the tokenizer's <unk> (text it cannot spell), 0 when it has no <unk>."""
    u = getattr(tokenizer, "unk_id", None)
    u = u() if callable(u) else u
    return sum(1 for i in ids if i == u) if isinstance(u, int) and u >= 0 else 0


def model_device(model: torch.nn.Module) -> torch.device:
    p = next(iter(model.parameters()), None)
    return p.device if p is not None else torch.device("cpu")


def context_ids(model: Any, tokenizer: Any, text: str) -> tuple[list[int], int, bool]:
    """The ids the model reads for `text`: (<s>) + tokens, cut to block_size + 1 (the last one is only a
    target). Returns (ids, first, truncated): `first` = 1 when ids[0] is <s>, else 0."""
    cfg = model.config
    ids = list(tokenizer.encode(text))
    start = start_id(tokenizer, cfg.vocab_size)
    full = ([start] if start is not None else []) + ids
    limit = cfg.block_size + 1
    return full[:limit], int(start is not None), len(full) > limit


@torch.no_grad()
def gpt_guesses(model: Any, tokenizer: Any, text: str, top: int = TOP) -> Guesses:
    """Every token of `text` under the GPT: probability, rank among the vocabulary and top alternatives."""
    ids, has_start, truncated = context_ids(model, tokenizer, text)
    if len(ids) < 2:
        raise UserInputError("Type a sentence: the GPT needs at least one token to score.",
                             "文を入力してください。GPT が評価するトークンが 1 つ以上必要です。")
    idx = torch.tensor([ids[:-1]], dtype=torch.long, device=model_device(model))  # (1, T)
    probs = model(idx).logits[0].float().softmax(-1).cpu()  # (T, V): row t predicts ids[t + 1]
    V = probs.size(-1)
    names = [tokenizer.id_to_piece(i) for i in range(V)]
    pieces = [names[i] for i in ids[has_start:]]
    return Guesses(pieces, guesses_from_probs(probs, ids[1:], names, pieces[1 - has_start:], top), 1 - has_start, V,
                   truncated)


def ngram_guesses(counts: Any, pieces: Sequence[str], n: int, smoothing: str = "kn", k: float = 0.1,
                  first: int = 0, top: int = TOP) -> Guesses:
    """The same tokens under a core.lm.ngram model counted over the same tokenizer's pieces: for each token
    from `first` on, P(· | the n-1 tokens before it, <s> padding) over the n-gram's vocabulary."""
    rows = np.stack([counts.distribution(list(pieces[:i]), n, smoothing, k) for i in range(first, len(pieces))])
    targets = counts.encode(list(pieces[first:]))  # 0 = <unk>: a token never seen in its training text
    names = list(counts.itos)
    probs = torch.from_numpy(rows)
    return Guesses(list(pieces), guesses_from_probs(probs, targets.tolist(), names, pieces[first:], top), first,
                   len(names))
