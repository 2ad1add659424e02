"""A corpus prepared for the language-model pages: tokens at one level, counts up to order 5, and the
few derived numbers the pages show (the best order, the bigram table of the most frequent tokens)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.errors import UserInputError
from core.japanese import detect_lang
from core.lm.units import split_units
from core.lm.ngram import MAX_ORDER, NGramCounts, Perplexity
from core.lm.normalize import normalize


@dataclass(frozen=True)
class LMData:
    level: str  # "char" | "word"
    lang: str  # "en" | "ja": which word splitter was used
    train: list[str]
    heldout: list[str]
    counts: NGramCounts


def corpus_lang(hint: str, text: str) -> str:
    """The shipped corpora say their language; an upload is guessed from its script."""
    return hint if hint in ("en", "ja") else detect_lang(text)


def build(train: str, heldout: str, level: str, lang: str, form: str = "raw", max_n: int = MAX_ORDER) -> LMData:
    """Tokenize both parts (after normalization `form`) and count n-grams of the training part."""
    tr = split_units(normalize(train, form), level, lang)
    he = split_units(normalize(heldout, form), level, lang)
    if len(tr) < 2:
        raise UserInputError("The training text is too short: it needs at least two tokens.",
                             "学習用テキストが短すぎます（2 トークン以上必要です）。")
    if not he:
        raise UserInputError("There is no held-out text: use a longer corpus (the last 10% is held out).",
                             "評価用（held-out）テキストがありません。もっと長いコーパスを使ってください（末尾 10% "
                             "を評価に使います）。")
    # Characters train through the str fast path (same counts as the token list, several times faster).
    source = normalize(train, form) if level == "char" else tr
    return LMData(level, lang, tr, he, NGramCounts.train(source, max_n))


def best_order(curve: Sequence[Perplexity]) -> int:
    """The order n (from 1) whose perplexity in `curve` (orders 1, 2, …) is lowest; the smaller on ties.

    >>> best_order([Perplexity(9, 3.0, 8.0, 0), Perplexity(9, 2.0, 4.0, 0), Perplexity(9, 2.5, 5.7, 0)])
    2
    """
    return int(np.argmin([p.ppl for p in curve])) + 1


def turning_point(values: Sequence[float]) -> tuple[int, bool]:
    """(n of the lowest value, counted from 1; whether the curve rises again after it by more than 2 %).

    What a caption says about a perplexity curve must follow its numbers, whichever corpus, unit and
    smoothing drew it: add-k's training curve can turn up at n = 3 while Kneser–Ney's keeps falling.

    >>> turning_point([21.3, 11.1, 6.5, 3.9, 2.8]), turning_point([511.7, 190.7, 261.0, 290.8])
    ((5, False), (2, True))
    >>> turning_point([606.8, 406.4, 421.1, 421.1])  # up 3.6 %: it rises
    (2, True)
    """
    best = int(np.argmin(values)) + 1
    return best, best < len(values) and max(values[best:]) > values[best - 1] * 1.02


def transition_matrix(counts: NGramCounts, topk: int, smoothing: str = "kn", k: float = 0.1
                      ) -> tuple[np.ndarray, list[str]]:
    """(matrix, tokens) for the `topk` most frequent tokens: matrix[i, j] = P(tokens[j] | tokens[i]) under
    the bigram model. Rows do not sum to 1: the other tokens of the vocabulary hold the rest."""
    top = counts.top_tokens(topk)
    ids = [counts.stoi[t] for t in top]
    matrix = np.array([counts.distribution([t], 2, smoothing, k)[ids] for t in top]).reshape(len(top), len(top))
    return matrix, top
