"""Zero-shot heuristics, data side: the strings a plain language model scores to answer each task
without any fine-tuning (GPT-1's Figure 2, right panel: these scores improve as pre-training goes on).

Every heuristic turns an example into candidates `(prefix, continuation, label)`. A model scores a
candidate by the *average* log-probability of the continuation's tokens given the prefix (average,
not sum, so a longer answer is not penalised for its length, as the paper does for RACE); the scores
of candidates with the same label are added, and the label with the highest total is the answer
(`predict`).

    entailment       P + " So " + H               -> entails
                     P + " So it is not true that " + H  -> contradicts
                     P + " Maybe " + H            -> neutral
                     (日本語: Pだから、H / Pだから、Hというのは間違いだ。/ Pもしかすると、Hかもしれない。)
    similarity       a + " In other words, " + b  -> same     (and b ... a: both orderings, as fine-tuning)
                     a + " No, actually, " + b    -> different
                     (日本語: aつまり、b / aのではなく、b)
    multiple choice  context + " " + answer_i     -> i

>>> from core.gpt.tasks.common import PairExample
>>> [c.prefix + c.continuation for c in entailment_candidates(PairExample("Ken ran.", "The dog ran.", 0, "x"), "en")]
['Ken ran. So the dog ran.', 'Ken ran. So it is not true that the dog ran.', 'Ken ran. Maybe the dog ran.']
>>> ex = PairExample("東京から大阪へ行く", "大阪から東京へ行く", 1, "x")
>>> [c.prefix + c.continuation for c in similarity_candidates(ex, "ja")][:2]
['東京から大阪へ行く。つまり、大阪から東京へ行く', '東京から大阪へ行くのではなく、大阪から東京へ行く']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from core.gpt.tasks.common import ChoiceExample, PairExample, check_lang

# Sentence-initial words that are not names: lower-cased when a hypothesis follows "So" or "Maybe".
_LOWER_FIRST = {"The", "It", "In", "After", "Many", "First", "From", "A", "An", "At", "On"}


@dataclass(frozen=True)
class Candidate:
    prefix: str  # conditioned on, not scored
    continuation: str  # scored: the average log-probability of its tokens
    label: int


def _mid_sentence(s: str) -> str:
    """'The final was played.' -> 'the final was played.'; names stay as they are."""
    first, _, rest = s.partition(" ")
    return (first.lower() + " " + rest) if first in _LOWER_FIRST else s


def _clause(s: str) -> str:
    """A Japanese sentence without its final 。, to continue it with another ending."""
    return s.rstrip("。")


def _sentence(s: str) -> str:
    return s if s.endswith(("。", "！", "？")) else s + "。"


def entailment_candidates(ex: PairExample, lang: str) -> list[Candidate]:
    """One candidate per label (entails, contradicts, neutral)."""
    check_lang(lang)
    p, h = ex.a, ex.b
    if lang == "en":
        h = _mid_sentence(h)
        return [Candidate(p, " So " + h, 0), Candidate(p, " So it is not true that " + h, 1),
                Candidate(p, " Maybe " + h, 2)]
    return [Candidate(p, "だから、" + h, 0), Candidate(p, "だから、" + _clause(h) + "というのは間違いだ。", 1),
            Candidate(p, "もしかすると、" + _clause(h) + "かもしれない。", 2)]


def similarity_candidates(ex: PairExample, lang: str) -> list[Candidate]:
    """Conditional likelihood of one sentence after the other, joined as a paraphrase (same) or as a
    correction (different); both orderings, so the score is symmetric like the fine-tuned model's."""
    check_lang(lang)
    out = []
    for a, b in ((ex.a, ex.b), (ex.b, ex.a)):
        if lang == "en":
            b = _mid_sentence(b)
            out += [Candidate(a, " In other words, " + b, 0), Candidate(a, " No, actually, " + b, 1)]
        else:
            out += [Candidate(_sentence(a), "つまり、" + b, 0), Candidate(_clause(a), "のではなく、" + b, 1)]
    return out


def choice_candidates(ex: ChoiceExample, lang: str) -> list[Candidate]:
    """Each answer as the continuation of the context; label = the answer's index."""
    check_lang(lang)
    sep = " " if lang == "en" else ""
    return [Candidate(ex.context, sep + ans, i) for i, ans in enumerate(ex.answers)]


def candidates(example, task: str, lang: str) -> list[Candidate]:
    if task == "entailment":
        return entailment_candidates(example, lang)
    if task == "similarity":
        return similarity_candidates(example, lang)
    if task == "multiple_choice":
        return choice_candidates(example, lang)
    raise ValueError(f"no zero-shot heuristic for task {task!r}")


def predict(cands: list[Candidate], score: Callable[[str, str], float]) -> int:
    """The label whose candidates' scores add up highest; `score(prefix, continuation)` is the model's
    average log-probability of the continuation. Ties go to the lower label.

    >>> cs = [Candidate("x", " a", 0), Candidate("x", " bb", 1)]
    >>> predict(cs, lambda prefix, cont: -len(cont))
    0
    """
    totals: dict[int, float] = {}
    for c in cands:
        totals[c.label] = totals.get(c.label, 0.0) + score(c.prefix, c.continuation)
    return max(sorted(totals), key=lambda k: totals[k])
