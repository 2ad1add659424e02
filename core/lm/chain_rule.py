"""The chain rule on one sentence: P(w) = Π_i P(w_i | w_<i), token by token, under a chosen model.

Probabilities of long sentences underflow quickly (0.1^400 = 0 in float64), so everything is summed in
log space; the plain product is reported too, to show that it equals 2^(Σ log2 p) while it is still
representable. Two kinds of model: an n-gram (core.lm.ngram) and a trained GPT (any module whose
`model(idx)` returns an object with `.logits` (1, T, vocab), with a core.tokenizers Tokenizer).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from core.errors import UserInputError
from core.japanese import is_hiragana
from core.lm.ngram import NGramCounts
from core.tokenizers.display import readable_pieces


@dataclass(frozen=True)
class ChainStep:
    token: str
    context: tuple[str, ...]  # what the model conditions on (an n-gram: the last n-1 tokens; "<s>" pads)
    prob: float
    seen_context: int  # n-gram: longest context length that occurred in training; GPT: len(context)


@dataclass(frozen=True)
class ChainResult:
    steps: list[ChainStep]
    log2_probs: np.ndarray  # (N,)
    product: float  # Π p_i computed directly (0.0 once it underflows)

    @property
    def total_log2(self) -> float:
        return float(self.log2_probs.sum())

    @property
    def running_log2(self) -> np.ndarray:
        """log2 P(w_1 … w_i) for every prefix."""
        return np.cumsum(self.log2_probs)

    @property
    def cross_entropy_bits(self) -> float:
        """H = -(1/N) Σ log2 p_i bits per token."""
        return -self.total_log2 / len(self.steps)

    @property
    def perplexity(self) -> float:
        return float(2.0 ** self.cross_entropy_bits)

    @property
    def product_from_logs(self) -> float:
        """exp(Σ ln p_i): the same number as `product`, computed the safe way."""
        return math.exp(self.total_log2 * math.log(2.0))


def _result(tokens: Sequence[str], contexts: list[tuple[str, ...]], probs: np.ndarray,
            seen: Sequence[int]) -> ChainResult:
    probs = np.asarray(probs, dtype=float)
    steps = [ChainStep(t, c, float(p), int(s)) for t, c, p, s in zip(tokens, contexts, probs, seen)]
    return ChainResult(steps, np.log2(probs), math.prod(float(p) for p in probs))


def chain_ngram(counts: NGramCounts, tokens: Sequence[str], n: int, smoothing: str = "kn",
                k: float = 0.1) -> ChainResult:
    """Every token's P(w_i | last n-1 tokens) under the n-gram model (the history starts with <s>)."""
    if not tokens:
        raise UserInputError("The sentence has no tokens: type a sentence.",
                             "文にトークンがありません。文を入力してください。")
    probs, seen = counts.token_probs(tokens, n, smoothing, k)
    padded = ["<s>"] * (n - 1) + list(tokens)
    contexts = [tuple(padded[i:i + n - 1]) for i in range(len(tokens))]
    return _result(tokens, contexts, probs, seen)


def chain_gpt(model: Any, tokenizer: Any, text: str, max_tokens: int = 256) -> ChainResult:
    """P(w_i | w_<i) from a trained GPT for tokens 2..T (the first token has no context to predict from).

    Any failure of the model (shape, device, missing attributes) becomes a UserInputError the page
    shows, so a half-finished model elsewhere never breaks this page.
    """
    import torch

    try:
        ids = list(tokenizer.encode(text))
        block = getattr(getattr(model, "config", None), "block_size", None)
        limit = min(max_tokens, int(block)) if block else max_tokens
        ids = ids[:limit]
        if len(ids) < 2:
            raise UserInputError("The GPT needs at least two tokens: the first one is its only context.",
                                 "GPT には 2 トークン以上が必要です（最初のトークンが文脈になります）。")
        param = next(iter(model.parameters()), None) if hasattr(model, "parameters") else None
        dev = param.device if param is not None else torch.device("cpu")
        idx = torch.tensor([ids], dtype=torch.long, device=dev)  # (1, T)
        with torch.no_grad():
            out = model(idx)
            logits = getattr(out, "logits", out[0] if isinstance(out, tuple) else out)  # (1, T, vocab)
            logp = torch.log_softmax(logits[0, :-1].float(), dim=-1)  # (T-1, vocab): predicts ids[1:]
            target = torch.tensor(ids[1:], device=logp.device)
            probs = logp.gather(1, target[:, None])[:, 0].exp().cpu().numpy()
        pieces = readable_pieces([tokenizer.id_to_piece(i) for i in ids])  # byte runs named by their character
    except UserInputError:
        raise
    except Exception as e:  # the GPT is someone else's moving target: never let it break the page
        raise UserInputError(f"The trained GPT could not score this text ({type(e).__name__}).",
                             f"学習済み GPT でこの文を評価できませんでした（{type(e).__name__}）。") from e
    probs = np.clip(probs, 1e-300, 1.0)
    contexts = [tuple(pieces[:i + 1]) for i in range(len(pieces) - 1)]
    return _result(pieces[1:], contexts, probs, [len(c) for c in contexts])


# ---- the Markov assumption's blind spot --------------------------------------------------------
_SENT_END = {".", "!", "?", "。", "！", "？", "\n"}


@dataclass(frozen=True)
class DistantRepeat:
    """A sentence in which a word comes back: the first occurrence makes the second easy to guess,
    but it lies `second - first` tokens back, outside the window of any n-gram with n ≤ gap."""

    tokens: tuple[str, ...]
    first: int
    second: int

    @property
    def gap(self) -> int:
        return self.second - self.first

    def window(self, n: int) -> tuple[str, ...]:
        """The tokens an n-gram conditions on when predicting the repeat."""
        return self.tokens[max(0, self.second - n + 1):self.second]

    def prob(self, counts: NGramCounts, n: int, smoothing: str = "kn", k: float = 0.1) -> float:
        """P(repeated word | its n-1 tokens of window) under the n-gram model: what the model sees."""
        p = counts.distribution(list(self.window(n)), n, smoothing, k)
        return float(p[counts.stoi.get(self.tokens[self.second], 0)])


def _content(tok: str, lang: str) -> bool:
    if not any(ch.isalpha() for ch in tok):
        return False
    if lang == "ja":  # skip particles and endings (all hiragana) and single characters
        return len(tok) >= 2 and not is_hiragana(tok)
    return len(tok) >= 4 and tok.lower() not in {"that", "this", "with", "have", "from", "they", "were", "there",
                                                 "their", "when", "then", "what", "would", "your"}


def find_distant_repeat(tokens: Sequence[str], lang: str, min_gap: int = 5, max_len: int = 40) -> DistantRepeat | None:
    """The shortest sentence (≤ max_len tokens) where a content word recurs ≥ min_gap tokens later."""
    best: DistantRepeat | None = None
    sent: list[str] = []
    for tok in list(tokens) + ["\n"]:
        if tok not in _SENT_END:
            sent.append(tok)
            continue
        sent.append(tok) if tok != "\n" else None
        if len(sent) <= max_len and (best is None or len(sent) < len(best.tokens)):
            seen: dict[str, int] = {}
            for j, w in enumerate(sent):
                key = w.lower()
                if _content(w, lang) and key in seen and j - seen[key] >= min_gap:
                    best = DistantRepeat(tuple(sent), seen[key], j)
                    break
                seen.setdefault(key, j)
        sent = []
    return best
