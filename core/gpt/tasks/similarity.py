"""Semantic similarity: do two sentences mean the same thing?

The notes' example is the point of the task: 東京から大阪へ行く and 大阪から東京へ行く use the same words
and mean different things, while 東京を出て大阪に向かう shares few words and means the same. A bag of
words cannot tell these apart; word order (and, in Japanese, which particle sits on which noun) can.

A pair has no natural order, so GPT-1 feeds both `[start] a [delim] b [extract]` and
`[start] b [delim] a [extract]` through the Transformer and adds the two final states before the
linear classifier (transforms.similarity builds both sequences; `orderings` gives both text orders).

Each item is an unordered pair of cities, people, teams or activities with the frame relating them.
A frame has several forms of one sentence ("x R y"); for each order of the roles the item gives a
sentence a in a random form j and compares it with two forms, j itself and one other k. Every
comparison comes as twins: b with the roles as in a ("same"), and b with the two roles exchanged
("different"). Exchanging two names leaves b's words as they were, so the twins hold exactly the same
words: a bag of words (or any model blind to order) scores both twins alike and sits at chance, 1/2,
by construction, on every split. Only reading who stands where (and, in Japanese, which particle
sits on which noun) tells them apart.

    a                     I go from Tokyo to Osaka.
    same meaning          I go from Tokyo to Osaka.            I leave Tokyo and head for Osaka.
    different meaning     I go from Osaka to Tokyo.            I leave Osaka and head for Tokyo.

    a                     東京から大阪へ行く
    同じ意味              東京から大阪へ行く                    大阪へ東京から行く   (same words, other order)
    違う意味              大阪から東京へ行く                    東京へ大阪から行く   (same words, different meaning)

Items are unordered pairs, so "Tokyo → Osaka" and "Osaka → Tokyo" are never split across train and
held-out.

>>> [(e.b, e.label) for e in showcase("ja")][:2]
[('大阪から東京へ行く', 1), ('東京を出て大阪に向かう', 0)]
>>> orderings(PairExample("a", "b", 0, "x"))
(('a', 'b'), ('b', 'a'))
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from core.gpt.tasks import words as W
from core.gpt.tasks.common import PairExample, TaskData, check_lang, expand, finish, vocabulary
from core.tokenizers import mecab

LABELS = (("same meaning", "同じ意味"), ("different meaning", "違う意味"))
SAME, DIFFERENT = 0, 1
ITEMS_PER_FRAME = 28  # 5 frames x 28 items x 2 orders x 4 pairs = 1,120 examples: all 28 city pairs


@dataclass(frozen=True)
class Frame:
    name: str
    slots: dict[str, list]  # slot -> fillers (see common.expand); the two roles come from W.pairs_of
    forms: tuple[str, ...]  # ways to say "x R y" (>= 3), all meaning the same for one filling
    swap: tuple[tuple[str, str], ...]  # fields exchanged to reverse the roles: "y R x"


def _acts(lang: str) -> list[dict[str, str]]:
    """Unordered pairs of evening activities, as fields x_* and y_*."""
    xs, ys = W.fields_of(W.ACTIVITIES[lang], "x_"), W.fields_of(W.ACTIVITIES[lang], "y_")
    return [{**x, **y} for i, x in enumerate(xs) for y in ys[i + 1:]]


def _swap_acts(lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"x_{k}", f"y_{k}") for k in W.ACTIVITIES[lang][0])


def _frames_en() -> list[Frame]:
    L = "en"
    people = W.pairs_of(W.NAMES[L], "p", "q")
    return [
        Frame("route", {"c": W.pairs_of(W.CITIES[L], "x", "y")}, (
            "I go from {x} to {y}.", "I leave {x} and head for {y}.", "From {x}, I travel to {y}.",
            "I travel to {y} from {x}."), (("x", "y"),)),
        Frame("taller", {"pq": people}, (
            "{p} is taller than {q}.", "{q} is shorter than {p}.", "{q} is not as tall as {p}."), (("p", "q"),)),
        Frame("gave", {"pq": people, "gift": W.GIFTS[L]}, (
            "{p} gave {q} a {gift}.", "{q} got a {gift} from {p}.", "{p} gave a {gift} to {q}.",
            "{q} received a {gift} from {p}."), (("p", "q"),)),
        Frame("beat", {"ab": W.pairs_of(W.TEAMS[L], "a", "b"), "sport": W.SPORTS[L]}, (
            "{a} beat {b} in the {sport} final.", "{b} lost to {a} in the {sport} final.",
            "In the {sport} final, {a} won against {b}.", "{a} defeated {b} in the {sport} final."), (("a", "b"),)),
        Frame("order", {"p": W.NAMES[L], "xy": _acts(L)}, (
            "{p} {x_past} before {y_ing}.", "{p} {y_past} after {x_ing}.",
            "First {p} {x_past}, and then {p} {y_past}.", "After {x_ing}, {p} {y_past}."), _swap_acts(L)),
    ]


def _frames_ja() -> list[Frame]:
    L = "ja"
    people = W.pairs_of(W.NAMES[L], "p", "q")
    return [
        # no 。 here: the notes' pair is written as a bare clause
        Frame("route", {"c": W.pairs_of(W.CITIES[L], "x", "y")}, (
            "{x}から{y}へ行く", "{y}へ{x}から行く", "{x}を出て{y}に向かう", "{x}から{y}に向かう"), (("x", "y"),)),
        Frame("taller", {"pq": people}, (
            "{p}は{q}より背が高い。", "{q}は{p}より背が低い。", "{q}は{p}ほど背が高くない。"), (("p", "q"),)),
        Frame("gave", {"pq": people, "gift": W.GIFTS[L]}, (
            "{p}は{q}に{gift}をあげた。", "{q}は{p}から{gift}をもらった。", "{q}に{p}が{gift}をあげた。",
            "{q}は{p}に{gift}をもらった。"), (("p", "q"),)),
        Frame("beat", {"ab": W.pairs_of(W.TEAMS[L], "a", "b"), "sport": W.SPORTS[L]}, (
            "{sport}の決勝で{a}が{b}に勝った。", "{sport}の決勝で{b}は{a}に負けた。",
            "{a}が{sport}の決勝で{b}を下した。", "{sport}の決勝で{b}が{a}に敗れた。"), (("a", "b"),)),
        Frame("order", {"p": W.NAMES[L], "xy": _acts(L)}, (
            "{p}は{y_dict}前に{x_past}。", "{p}は{x_te}から{y_past}。", "{p}は{x_past}あとで、{y_past}。",
            "{p}は先に{x_past}。それから{y_past}。"), _swap_acts(L)),
    ]


def frames(lang: str) -> list[Frame]:
    check_lang(lang)
    return _frames_en() if lang == "en" else _frames_ja()


def examples_of(frame: Frame, limit: int, seed: int) -> list[PairExample]:
    """Eight pairs per item: for each order of the roles, a sentence a in a random form j, compared with
    form j and one other form k, each as twins: b with a's roles (same meaning) and b with the roles
    exchanged (different meaning, same words as its twin)."""
    rng = random.Random(f"{seed}/{frame.name}/forms")
    n = len(frame.forms)
    assert n >= 2, f"frame {frame.name} needs at least 2 forms (a, and a paraphrase of it)"
    out = []
    for item, fields in expand(frame.name, frame.slots, limit, seed):
        swapped = {**fields, **{f: fields[g] for f, g in frame.swap}, **{g: fields[f] for f, g in frame.swap}}
        for mine, theirs in ((fields, swapped), (swapped, fields)):
            j = rng.randrange(n)
            a = frame.forms[j].format(**mine)
            for k in (j, rng.choice([k for k in range(n) if k != j])):
                out.append(PairExample(a, frame.forms[k].format(**mine), SAME, item))
                out.append(PairExample(a, frame.forms[k].format(**theirs), DIFFERENT, item))
    return out


def load_similarity(lang: str, seed: int = 0, items_per_frame: int = ITEMS_PER_FRAME,
                    split_by: str = "item") -> TaskData:
    """(sentence_a, sentence_b, same/different) examples in `lang`, split by item (unordered pair)."""
    examples = [ex for frame in frames(lang) for ex in examples_of(frame, items_per_frame, seed)]
    return finish("similarity", lang, LABELS, examples, seed, split_by)


def orderings(ex: PairExample) -> tuple[tuple[str, str], tuple[str, str]]:
    """Both orders of a pair: the model reads each and adds the two final states."""
    return (ex.a, ex.b), (ex.b, ex.a)


_SHOWCASE = {
    "en": [("I go from Tokyo to Osaka.", "I go from Osaka to Tokyo.", DIFFERENT),
           ("I go from Tokyo to Osaka.", "I leave Tokyo and head for Osaka.", SAME),
           ("Ken is taller than Maya.", "Maya is shorter than Ken.", SAME),
           ("North High beat South High in the soccer final.", "South High beat North High in the soccer final.",
            DIFFERENT),
           ("Ken washed the dishes before taking a bath.", "Ken took a bath after washing the dishes.", SAME)],
    "ja": [("東京から大阪へ行く", "大阪から東京へ行く", DIFFERENT),
           ("東京から大阪へ行く", "東京を出て大阪に向かう", SAME),
           ("東京から大阪へ行く", "大阪へ東京から行く", SAME),
           ("健太はさくらより背が高い。", "さくらは健太より背が低い。", SAME),
           ("健太はさくらに本をあげた。", "さくらは健太に本をあげた。", DIFFERENT)],
}


def showcase(lang: str) -> list[PairExample]:
    """A few curated pairs for a page to show first: same words with different meanings, and
    paraphrases with few words in common. The first is the notes' 東京/大阪 pair (or its English analogue)."""
    check_lang(lang)
    return [PairExample(a, b, label, "showcase") for a, b, label in _SHOWCASE[lang]]


def word_overlap(a: str, b: str, lang: str) -> float:
    """Jaccard overlap of the two sentences' word sets: what a bag-of-words model sees. Japanese words
    are MeCab morphemes. 1.0 for the notes' pair, whose meanings differ.

    >>> word_overlap("I go from Tokyo to Osaka.", "I go from Osaka to Tokyo.", "en")
    1.0
    >>> word_overlap("東京から大阪へ行く", "大阪から東京へ行く", "ja")
    1.0
    >>> word_overlap("東京から大阪へ行く", "東京を出て大阪に向かう", "ja")
    0.2
    """
    check_lang(lang)
    if lang == "en":
        va, vb = vocabulary([a], lang), vocabulary([b], lang)
    else:
        va, vb = set(mecab.split(a)) - _PUNCT, set(mecab.split(b)) - _PUNCT
    return len(va & vb) / max(1, len(va | vb))


_PUNCT = {"。", "、", "！", "？"}
