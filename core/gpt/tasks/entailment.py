"""Entailment (natural language inference): does the premise make the hypothesis true, false, or neither?

GPT-1 feeds it as `[start] premise [delim] hypothesis [extract]` and classifies the final state
(see transforms.py). Each item is one filling of a frame's slots and gives two premises, one the
reverse of the other, and three hypotheses for each:

    premise     Ken bought three apples at the market.
    entails     Ken bought some fruit.
    contradicts Ken bought no fruit.
    neutral     Ken bought no vegetables.              (the same sentence about another category)

    premise     Ken looked at the apples at the market but bought no fruit.
    entails     Ken bought no fruit.
    contradicts Ken bought some fruit.
    neutral     Ken bought some vegetables.

    premise     健太は市場でりんごを三つ買った。
    含意        健太は果物を買った。
    矛盾        健太は果物を買わなかった。
    中立        健太は野菜を買わなかった。

So every hypothesis sentence is true under one premise and false under the other, and a neutral
hypothesis has the same form as a true or false one: the hypothesis alone does not give the label
(a bag-of-words classifier that reads only hypotheses stays near chance, see tests/test_tasks.py),
the model has to compare it with the premise. Labels are balanced in both splits (majority 1/3).
The Japanese frames are written as Japanese sentences (counters, は/が, 〜ので, 〜つもりだったが), not
translated word by word. The split is by item: no premise of the held-out set is seen in training.

>>> data = load_entailment("en", seed=0)
>>> data.counts("train")[0] == data.counts("train")[1] == data.counts("train")[2]
True
"""
from __future__ import annotations

import random
from dataclasses import dataclass

from core.gpt.tasks import words as W
from core.gpt.tasks.common import PairExample, TaskData, check_lang, expand, finish

LABELS = (("entails", "含意"), ("contradicts", "矛盾"), ("neutral", "中立"))
ENTAILS, CONTRADICTS, NEUTRAL = 0, 1, 2
ITEMS_PER_FRAME = 25  # 8 frames x 25 items x 2 premises x 3 hypotheses = 1,200 examples


@dataclass(frozen=True)
class Frame:
    name: str
    slots: dict[str, list]  # slot -> fillers (see common.expand)
    premises: tuple[str, str]  # the second premise reverses which hypothesis of each pair is true
    pairs: tuple[tuple[str, str], ...]  # (true under premises[0], true under premises[1])
    contrast: tuple[str, list[str]]  # (field, its values): a hypothesis about another value is neutral
    # Two-role frames (a beat b, p is older than q) fill their roles from unordered pairs: the
    # premises of (a, b) are those of (b, a) reversed, so both orders must be one item.


def _frames_en() -> list[Frame]:
    L, p = "en", W.NAMES["en"]
    return [
        Frame("shop", {"p": p, "g": W.GROCERIES[L], "place": W.SHOPS[L]}, (
            "{p} bought {n} {item} at the {place}.", "{p} looked at the {item} at the {place} but bought no {cat}."), (
            ("{p} bought some {cat}.", "{p} bought no {cat}."),
            ("{p} came home with some {cat}.", "{p} came home without any {cat}.")), ("cat", W.CATEGORIES[L])),
        Frame("rain", {"p": p, "city": W.CITIES[L]}, (
            "It rained all day in {city}, so {p} stayed at home.", "It was sunny all day in {city}, so {p} went out to the park."), (
            ("It rained in {city}.", "It did not rain in {city}."),
            ("The weather in {city} was bad.", "The weather in {city} was good.")), ("city", W.CITIES[L])),
        Frame("final", {"ab": W.pairs_of(W.TEAMS[L], "a", "b"), "sport": W.SPORTS[L]}, (
            "{a} beat {b} in the {sport} final.", "{b} beat {a} in the {sport} final."), (
            ("{a} won the {sport} final.", "{a} lost the {sport} final."),
            ("{b} lost the {sport} final.", "{b} won the {sport} final.")), ("sport", W.SPORTS[L])),
        Frame("test", {"p": p, "subject": W.SUBJECTS[L]}, (
            "{p} studied every evening and passed the {subject} test.", "{p} did not study for the {subject} test and failed it."), (
            ("{p} passed the {subject} test.", "{p} failed the {subject} test."),
            ("{p} studied for the {subject} test.", "{p} did not study for the {subject} test.")), ("subject", W.SUBJECTS[L])),
        Frame("trip", {"p": p, "a": W.CITIES[L], "b": W.CITIES[L], "day": W.DAYS[L]}, (
            "On {day}, {p} took the train from {a} to {b}.", "On {day}, {p} planned to go from {a} to {b} but stayed at home."), (
            ("{p} travelled to {b} on {day}.", "{p} did not travel to {b} on {day}."),
            ("{p} was on a train on {day}.", "{p} was not on a train on {day}.")), ("day", W.DAYS[L])),
        Frame("freezer", {"p": p, "thing": W.DRINKS[L]}, (
            "{p} left the {thing} in the freezer all night.", "{p} heated the {thing} on the stove."), (
            ("The {thing} got cold.", "The {thing} got hot."),
            ("{p} cooled the {thing}.", "{p} warmed the {thing}.")), ("thing", W.DRINKS[L])),
        Frame("cook", {"p": p, "dish": W.DISHES[L], "guests": GUESTS[L]}, (
            "{p} cooked {dish} for {guests} friends.", "{p} planned to cook {dish} for {guests} friends but did not make it."), (
            ("{p} made {dish}.", "{p} did not make {dish}."),
            ("{p} cooked {dish} for friends.", "{p} cooked no {dish} for friends.")), ("dish", W.DISHES[L])),
        Frame("older", {"pq": W.pairs_of(p, "p", "q")}, (
            "{p} is older than {q}.", "{p} is younger than {q}."), (
            ("{q} is younger than {p}.", "{q} is older than {p}."),
            ("{p} was born before {q}.", "{p} was born after {q}.")), ("q", p)),
    ]


def _frames_ja() -> list[Frame]:
    L, p = "ja", W.NAMES["ja"]
    return [
        Frame("shop", {"p": p, "g": W.GROCERIES[L], "place": W.SHOPS[L]}, (
            "{p}は{place}で{item}を{n}買った。", "{p}は{place}で{item}を見たが、{cat}は何も買わなかった。"), (
            ("{p}は{cat}を買った。", "{p}は{cat}を買わなかった。"),
            ("{p}は{cat}を持って帰った。", "{p}は{cat}を何も持って帰らなかった。")), ("cat", W.CATEGORIES[L])),
        Frame("rain", {"p": p, "city": W.CITIES[L]}, (
            "{city}は一日中雨だったので、{p}は家で過ごした。", "{city}は一日中晴れていたので、{p}は公園に出かけた。"), (
            ("{city}では雨が降った。", "{city}では雨が降らなかった。"),
            ("{city}の天気は悪かった。", "{city}の天気はよかった。")), ("city", W.CITIES[L])),
        Frame("final", {"ab": W.pairs_of(W.TEAMS[L], "a", "b"), "sport": W.SPORTS[L]}, (
            "{sport}の決勝で{a}が{b}に勝った。", "{sport}の決勝で{b}が{a}に勝った。"), (
            ("{a}は{sport}の決勝で勝った。", "{a}は{sport}の決勝で負けた。"),
            ("{b}は{sport}の決勝で負けた。", "{b}は{sport}の決勝で勝った。")), ("sport", W.SPORTS[L])),
        Frame("test", {"p": p, "subject": W.SUBJECTS[L]}, (
            "{p}は毎晩勉強して、{subject}のテストに合格した。", "{p}は{subject}のテストの勉強をせず、テストに落ちた。"), (
            ("{p}は{subject}のテストに合格した。", "{p}は{subject}のテストに落ちた。"),
            ("{p}は{subject}のテストのために勉強した。", "{p}は{subject}のテストの勉強をしなかった。")), ("subject", W.SUBJECTS[L])),
        Frame("trip", {"p": p, "a": W.CITIES[L], "b": W.CITIES[L], "day": W.DAYS[L]}, (
            "{day}、{p}は電車で{a}から{b}へ行った。", "{day}、{p}は{a}から{b}へ行くつもりだったが、家にいた。"), (
            ("{p}は{day}に{b}へ行った。", "{p}は{day}に{b}へ行かなかった。"),
            ("{p}は{day}に電車に乗った。", "{p}は{day}に電車に乗らなかった。")), ("day", W.DAYS[L])),
        Frame("freezer", {"p": p, "thing": W.DRINKS[L]}, (
            "{p}は{thing}を一晩冷凍庫に入れておいた。", "{p}は{thing}をなべで温めた。"), (
            ("{thing}は冷たくなった。", "{thing}は熱くなった。"),
            ("{p}は{thing}を冷やした。", "{p}は{thing}を温めた。")), ("thing", W.DRINKS[L])),
        Frame("cook", {"p": p, "dish": W.DISHES[L], "guests": GUESTS[L]}, (
            "{p}は友だち{guests}人のために{dish}を作った。", "{p}は友だち{guests}人のために{dish}を作るつもりだったが、結局作らなかった。"), (
            ("{p}は{dish}を作った。", "{p}は{dish}を作らなかった。"),
            ("{p}は友だちに{dish}を作ってあげた。", "{p}は友だちに{dish}を作ってあげなかった。")), ("dish", W.DISHES[L])),
        Frame("older", {"pq": W.pairs_of(p, "p", "q")}, (
            "{p}は{q}より年上だ。", "{p}は{q}より年下だ。"), (
            ("{q}は{p}より年下だ。", "{q}は{p}より年上だ。"),
            ("{p}は{q}より先に生まれた。", "{p}は{q}より後に生まれた。")), ("q", p)),
    ]


GUESTS = {"en": ["two", "three", "four"], "ja": ["二", "三", "四"]}


def frames(lang: str) -> list[Frame]:
    check_lang(lang)
    return _frames_en() if lang == "en" else _frames_ja()


def examples_of(frame: Frame, limit: int, seed: int) -> list[PairExample]:
    """Six examples per item: for each premise, its true, its false and a neutral hypothesis."""
    rng = random.Random(f"{seed}/{frame.name}/hypotheses")
    field, values = frame.contrast
    out = []
    for item, fields in expand(frame.name, frame.slots, limit, seed):
        h_true, h_false = rng.choice(frame.pairs)
        # another city / sport / person...: one no word of the item already uses
        other = rng.choice([v for v in values if v not in fields.values()])
        neutral_fields = {**fields, field: other}
        for premise, (yes, no) in zip(frame.premises, ((h_true, h_false), (h_false, h_true))):
            a = premise.format(**fields)
            out.append(PairExample(a, yes.format(**fields), ENTAILS, item))
            out.append(PairExample(a, no.format(**fields), CONTRADICTS, item))
            out.append(PairExample(a, rng.choice((yes, no)).format(**neutral_fields), NEUTRAL, item))
    return out


def load_entailment(lang: str, seed: int = 0, items_per_frame: int = ITEMS_PER_FRAME,
                    split_by: str = "item") -> TaskData:
    """(premise, hypothesis, label) examples in `lang`, split by item; the same seed, the same data."""
    examples = [ex for frame in frames(lang) for ex in examples_of(frame, items_per_frame, seed)]
    return finish("entailment", lang, LABELS, examples, seed, split_by)
