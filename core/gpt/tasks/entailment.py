"""Entailment (natural language inference): does the premise make the hypothesis true, false, or neither?

GPT-1 feeds it as `[start] premise [delim] hypothesis [extract]` and classifies the final state
(see transforms.py). Each item is one filling of a frame's slots. A frame has two premises, each
stating one of two facts about one event (where and when a trip went, who won a final and where it
was played); a hypothesis restates one fact with a value:

    premise     Last week Ken took just one train trip, to Osaka.
    entails     Ken's trip last week was to Osaka.        (the fact the premise states, the same value)
    contradicts Ken's trip last week was to Kyoto.        (that fact with another value: there was one trip)
    neutral     Ken's trip last week was on a Sunday.     (the other fact: the premise does not say)

    premise     Last week Ken took just one train trip, on a Sunday.
    entails     Ken's trip last week was on a Sunday.
    contradicts Ken's trip last week was on a Monday.
    neutral     Ken's trip last week was to Kyoto.

    premise     先週、健太が電車で旅行したのは一回だけで、行き先は大阪だった。
    含意        健太の先週の旅行先は大阪だった。
    矛盾        健太の先週の旅行先は京都だった。
    中立        健太が先週旅行したのは日曜日だった。

The label is decided by comparing the two texts, and by nothing either text says alone: every
hypothesis sentence is entailed, contradicted or neutral depending on the premise it follows (a
bag-of-words classifier that reads only hypotheses stays at chance, see tests/test_tasks.py), and
both premises of an item get one hypothesis of each label. What a model must find is whether the
hypothesis's value is one the premise names, and about the same fact. (An earlier design made
entailment versus contradiction the XOR of two sentence types per frame, "rained"/"sunny" against
"rained"/"did not rain": at this scale fine-tuning stayed on the ln 3 plateau, 39% after 300 steps.)
The Japanese frames are written as Japanese sentences, not translated word by word. The split is by
item: no premise of the held-out set is seen in training.

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
ITEMS_PER_FRAME = 34  # premises per frame and premise template: 6 frames x 2 x <= 34 x 3 hypotheses = 1,140 examples


@dataclass(frozen=True)
class Frame:
    name: str
    slots: dict[str, list]  # slot -> fillers (see common.expand)
    premises: tuple[str, str]  # premises[i] states facts[i] and says nothing of the other fact
    facts: tuple[tuple[str, str], tuple[str, str]]  # (the slot a fact is about, a hypothesis stating it)
    # Each fact's slot has one true value per event ("just one trip", "only test"): the same sentence with
    # another value contradicts the premise.


def _frames_en() -> list[Frame]:
    L, p = "en", W.NAMES["en"]
    return [
        Frame("trip", {"p": p, "city": W.CITIES[L], "day": W.DAYS[L]}, (
            "Last week {p} took just one train trip, to {city}.",
            "Last week {p} took just one train trip, on a {day}."), (
            ("city", "{p}'s trip last week was to {city}, not to {not}."),
            ("day", "{p}'s trip last week was on a {day}, not a {not}."))),
        Frame("final", {"team": W.TEAMS[L], "sport": W.SPORTS[L], "city": W.CITIES[L]}, (
            "{team} won this year's {sport} final.", "This year's {sport} final was played in {city}."), (
            ("team", "The {sport} final was won by {team}, not by {not}."),
            ("city", "The {sport} final took place in {city}, not in {not}."))),
        Frame("lunch", {"p": p, "q": p, "dish": W.DISHES[L]}, (
            "Today {p} ate only {dish} for lunch.", "Today {p} had lunch with just one friend, {q}."), (
            ("dish", "{p}'s lunch today was {dish}, not {not}."),
            ("q", "The friend {p} ate lunch with today was {q}, not {not}."))),
        Frame("test", {"p": p, "subject": W.SUBJECTS[L], "day": W.DAYS[L]}, (
            "{p} had only one test this week, in {subject}.", "{p} had only one test this week, on {day}."), (
            ("subject", "{p}'s test this week was in {subject}, not in {not}."),
            ("day", "{p}'s test this week was on {day}, not on {not}."))),
        Frame("born", {"p": p, "city": W.CITIES[L], "day": W.DAYS[L]}, (
            "{p} was born in {city}.", "{p} was born on a {day}."), (
            ("city", "{p}'s birthplace is {city}, not {not}."),
            ("day", "The day {p} was born was a {day}, not a {not}."))),
        Frame("cook", {"p": p, "dish": W.DISHES[L], "guests": GUESTS[L]}, (
            "Tonight {p} cooked {dish} and nothing else.", "Tonight {p} cooked dinner for {guests} friends."), (
            ("dish", "What {p} made tonight was {dish}, not {not}."),
            ("guests", "{p} cooked for {guests} friends tonight, not for {not}."))),
    ]


def _frames_ja() -> list[Frame]:
    L, p = "ja", W.NAMES["ja"]
    return [
        Frame("trip", {"p": p, "city": W.CITIES[L], "day": W.DAYS[L]}, (
            "先週、{p}が電車で旅行したのは一回だけで、行き先は{city}だった。",
            "先週、{p}が電車で旅行したのは一回だけで、{day}だった。"), (
            ("city", "{p}の先週の旅行先は{city}で、{not}ではなかった。"),
            ("day", "{p}が先週旅行したのは{day}で、{not}ではなかった。"))),
        Frame("final", {"team": W.TEAMS[L], "sport": W.SPORTS[L], "city": W.CITIES[L]}, (
            "今年の{sport}の決勝は{team}が優勝した。", "今年の{sport}の決勝は{city}で行われた。"), (
            ("team", "{sport}の決勝で勝ったのは{team}で、{not}ではない。"),
            ("city", "{sport}の決勝の会場は{city}で、{not}ではなかった。"))),
        Frame("lunch", {"p": p, "q": p, "dish": W.DISHES[L]}, (
            "今日、{p}は昼ごはんに{dish}だけを食べた。", "今日、{p}は{q}と二人だけで昼ごはんを食べた。"), (
            ("dish", "{p}の今日の昼ごはんは{dish}で、{not}ではなかった。"),
            ("q", "{p}が今日いっしょに昼ごはんを食べたのは{q}で、{not}ではない。"))),
        Frame("test", {"p": p, "subject": W.SUBJECTS[L], "day": W.DAYS[L]}, (
            "今週の{p}のテストは{subject}の一つだけだった。", "今週の{p}のテストは{day}の一回だけだった。"), (
            ("subject", "{p}が今週受けたテストは{subject}で、{not}ではなかった。"),
            ("day", "{p}が今週テストを受けたのは{day}で、{not}ではなかった。"))),
        Frame("born", {"p": p, "city": W.CITIES[L], "day": W.DAYS[L]}, (
            "{p}は{city}で生まれた。", "{p}が生まれたのは{day}だった。"), (
            ("city", "{p}の出身地は{city}で、{not}ではない。"),
            ("day", "{p}が生まれたのは{day}で、{not}ではなかった。"))),
        Frame("cook", {"p": p, "dish": W.DISHES[L], "guests": GUESTS[L]}, (
            "今夜{p}が作ったのは{dish}だけだった。", "今夜{p}は友だち{guests}人に夕ごはんを作った。"), (
            ("dish", "{p}が今夜作ったのは{dish}で、{not}ではなかった。"),
            ("guests", "{p}が今夜料理した相手は友だち{guests}人で、{not}人ではなかった。"))),
    ]


GUESTS = {"en": ["two", "three", "four"], "ja": ["二", "三", "四"]}


def frames(lang: str) -> list[Frame]:
    check_lang(lang)
    return _frames_en() if lang == "en" else _frames_ja()


def examples_of(frame: Frame, limit: int, seed: int) -> list[PairExample]:
    """Three examples per premise. Every hypothesis names two values of one fact, "X, not Y":
    entails = the fact the premise states, its value first; contradicts = the same two values swapped;
    neutral = the other fact, two values the premise cannot decide. Entailed and contradicted hypotheses
    hold the same words in another order, so no bag of words tells them apart. An item is one premise
    filled from the slots it names (at most `limit` per premise template), so no premise text is in two items."""
    rng = random.Random(f"{seed}/{frame.name}/hypotheses")
    out = []
    for i, premise in enumerate(frame.premises):
        (slot, said), (other_slot, unsaid) = frame.facts[i], frame.facts[1 - i]
        named = {k: v for k, v in frame.slots.items() if "{" + k + "}" in premise}
        for item, fields in expand(f"{frame.name}{i}", named, limit, seed):
            def two(k: str, first: str | None = None) -> tuple[str, str]:
                """`first` (or a random value of slot k) and a second, different value no field here uses."""
                pool = [v for v in frame.slots[k] if v not in fields.values() or v == first]
                x = first or rng.choice(pool)
                return x, rng.choice([v for v in pool if v != x])

            a = premise.format(**fields)
            yes, no = two(slot, fields[slot])
            u, v = two(other_slot)
            out.append(PairExample(a, said.format(**{**fields, slot: yes, "not": no}), ENTAILS, item))
            out.append(PairExample(a, said.format(**{**fields, slot: no, "not": yes}), CONTRADICTS, item))
            out.append(PairExample(a, unsaid.format(**{**fields, other_slot: u, "not": v}), NEUTRAL, item))
    return out


def load_entailment(lang: str, seed: int = 0, items_per_frame: int = ITEMS_PER_FRAME,
                    split_by: str = "item") -> TaskData:
    """(premise, hypothesis, label) examples in `lang`, split by item; the same seed, the same data."""
    examples = [ex for frame in frames(lang) for ex in examples_of(frame, items_per_frame, seed)]
    return finish("entailment", lang, LABELS, examples, seed, split_by)
