"""Entailment (natural language inference): does the premise make the hypothesis true, false, or neither?

GPT-1 feeds it as `[start] premise [delim] hypothesis [extract]` and classifies the final state
(see transforms.py). Each premise here comes from a frame filled with words from words.py, and gives
three examples, one per label, so the labels are balanced in both splits (majority baseline 1/3):

    premise     Ken bought three apples at the market.
    entails     Ken bought some fruit.
    contradicts Ken bought nothing at the market.
    neutral     Ken likes apples more than anything.

    premise     健太は市場でりんごを三つ買った。
    含意        健太は果物を買った。
    矛盾        健太は市場で何も買わなかった。
    中立        健太はりんごが大好きだ。

The Japanese frames are written as Japanese sentences (counters, は/が, 〜ので), not translated word by
word. A frame has several wordings per label, and negation occurs under every label ("did not go
out" entails, "did not buy any fruit" contradicts), so that no single surface cue gives the answer.
The split is by premise: no premise of the held-out set is seen in training.

>>> data = load_entailment("en", seed=0)
>>> data.counts("train")[0] == data.counts("train")[1] == data.counts("train")[2]
True
"""
from __future__ import annotations

from core.gpt.tasks import words as W
from core.gpt.tasks.common import Frame, TaskData, check_lang, finish, pair_examples

LABELS = (("entails", "含意"), ("contradicts", "矛盾"), ("neutral", "中立"))
ENTAILS, CONTRADICTS, NEUTRAL = 0, 1, 2
ITEMS_PER_FRAME = 40  # 8 frames x 40 premises x 3 hypotheses = 960 examples: minutes on 2 CPU cores

GUESTS = {"en": ["two", "three", "four"], "ja": ["二", "三", "四"]}


def _frames_en() -> list[Frame]:
    p, L = W.NAMES["en"], "en"
    return [
        Frame("shop", {"p": p, "g": W.GROCERIES[L], "place": W.SHOPS[L]},
              "{p} bought {n} {item} at the {place}.", (
                  ("{p} bought some {cat}.", "{p} went to the {place}."),
                  ("{p} bought nothing at the {place}.", "{p} did not buy any {cat}."),
                  ("{p} likes {item} more than anything.", "{p} went to the {place} by bus.", "{p} paid with cash."))),
        Frame("rain", {"p": p, "city": W.CITIES[L]},
              "It rained all day in {city}, so {p} stayed at home.", (
                  ("{p} did not go out.", "{p} was at home."),
                  ("{p} spent the day at the beach.", "It was sunny all day in {city}."),
                  ("{p} watched a film.", "{p} lives alone.", "{p} was tired."))),
        Frame("final", {"a": W.TEAMS[L], "b": W.TEAMS[L], "sport": W.SPORTS[L]},
              "{a} beat {b} in the {sport} final.", (
                  ("{b} lost the final.", "{a} won the {sport} final."),
                  ("{b} won the final.", "{a} lost to {b}."),
                  ("The final was played in the rain.", "{a} has a new coach.", "Many people watched the {sport} final."))),
        Frame("test", {"p": p, "subject": W.SUBJECTS[L]},
              "{p} studied every evening and passed the {subject} test.", (
                  ("{p} passed a test.", "{p} studied for the {subject} test."),
                  ("{p} failed the {subject} test.", "{p} never studied for the test."),
                  ("{p} wants to be a {subject} teacher.", "{p} got the best score in the class."))),
        Frame("trip", {"p": p, "a": W.CITIES[L], "b": W.CITIES[L], "day": W.DAYS[L]},
              "On {day}, {p} took the train from {a} to {b}.", (
                  ("{p} travelled to {b}.", "{p} was on a train on {day}."),
                  ("{p} stayed in {a} all day on {day}.", "{p} did not travel on {day}."),
                  ("{p} visited a friend in {b}.", "The train was crowded.", "{p} bought a lunch box at the station."))),
        Frame("freezer", {"p": p, "d": W.DRINKS[L]},
              "{p} left the {thing} in the freezer all night.", (
                  ("The {thing} got cold.", "The {thing} was in the freezer."),
                  ("The {thing} stayed warm all night.", "{p} never put the {thing} in the freezer."),
                  ("{p} {use} the {thing} the next morning.", "The {thing} was in a glass bottle."))),
        Frame("cook", {"p": p, "dish": W.DISHES[L], "guests": GUESTS[L]},
              "{p} cooked {dish} for {guests} friends.", (
                  ("{p} cooked a meal.", "{p} made {dish}."),
                  ("{p} did not cook anything.", "{p} ate alone and cooked nothing."),
                  ("The friends liked the {dish}.", "{p} cooks every day."))),
        Frame("older", {"p": p, "q": p},
              "{p} is older than {q}.", (
                  ("{q} is younger than {p}.", "{q} is not as old as {p}."),
                  ("{q} is older than {p}.", "{p} is younger than {q}."),
                  ("{p} is taller than {q}.", "{q} lives near {p}."))),
    ]


def _frames_ja() -> list[Frame]:
    p, L = W.NAMES["ja"], "ja"
    return [
        Frame("shop", {"p": p, "g": W.GROCERIES[L], "place": W.SHOPS[L]},
              "{p}は{place}で{item}を{n}買った。", (
                  ("{p}は{cat}を買った。", "{p}は{place}に行った。"),
                  ("{p}は{place}で何も買わなかった。", "{p}は{cat}を一つも買わなかった。"),
                  ("{p}は{item}が大好きだ。", "{p}はバスで{place}に行った。", "{p}は現金で払った。"))),
        Frame("rain", {"p": p, "city": W.CITIES[L]},
              "{city}は一日中雨だったので、{p}は家で過ごした。", (
                  ("{p}は外に出かけなかった。", "{p}は家にいた。"),
                  ("{p}は一日中海で遊んだ。", "{city}は一日中よく晴れていた。"),
                  ("{p}は映画を見た。", "{p}は一人暮らしだ。", "{p}は疲れていた。"))),
        Frame("final", {"a": W.TEAMS[L], "b": W.TEAMS[L], "sport": W.SPORTS[L]},
              "{sport}の決勝で{a}が{b}に勝った。", (
                  ("{b}は決勝で負けた。", "{a}が{sport}の決勝で優勝した。"),
                  ("{b}が決勝で勝った。", "{a}は{b}に負けた。"),
                  ("決勝は雨の中で行われた。", "{a}には新しいコーチがいる。", "たくさんの人が{sport}の決勝を見た。"))),
        Frame("test", {"p": p, "subject": W.SUBJECTS[L]},
              "{p}は毎晩勉強して、{subject}のテストに合格した。", (
                  ("{p}はテストに合格した。", "{p}は{subject}の勉強をした。"),
                  ("{p}は{subject}のテストに落ちた。", "{p}はテストの勉強を全然しなかった。"),
                  ("{p}は将来{subject}の先生になりたい。", "{p}はクラスで一番の点を取った。"))),
        Frame("trip", {"p": p, "a": W.CITIES[L], "b": W.CITIES[L], "day": W.DAYS[L]},
              "{day}、{p}は電車で{a}から{b}へ行った。", (
                  ("{p}は{b}へ移動した。", "{p}は{day}に電車に乗った。"),
                  ("{p}は{day}、一日中{a}にいた。", "{p}は{day}、どこにも出かけなかった。"),
                  ("{p}は{b}で友だちに会った。", "電車はこんでいた。", "{p}は駅で弁当を買った。"))),
        Frame("freezer", {"p": p, "d": W.DRINKS[L]},
              "{p}は{thing}を一晩冷凍庫に入れておいた。", (
                  ("{thing}は冷たくなった。", "{thing}は冷凍庫の中にあった。"),
                  ("{thing}は一晩中温かいままだった。", "{p}は{thing}を冷凍庫に入れなかった。"),
                  ("{p}は次の朝、{thing}を{use}。", "{thing}はガラスのびんに入っていた。"))),
        Frame("cook", {"p": p, "dish": W.DISHES[L], "guests": GUESTS[L]},
              "{p}は友だち{guests}人のために{dish}を作った。", (
                  ("{p}は料理をした。", "{p}は{dish}を作った。"),
                  ("{p}は何も作らなかった。", "{p}は料理をせずに一人で外食した。"),
                  ("友だちは{dish}を気に入った。", "{p}は毎日料理をする。"))),
        Frame("older", {"p": p, "q": p},
              "{p}は{q}より年上だ。", (
                  ("{q}は{p}より年下だ。", "{q}は{p}ほど年をとっていない。"),
                  ("{q}は{p}より年上だ。", "{p}は{q}より年下だ。"),
                  ("{p}は{q}より背が高い。", "{q}は{p}の近くに住んでいる。"))),
    ]


def frames(lang: str) -> list[Frame]:
    check_lang(lang)
    return _frames_en() if lang == "en" else _frames_ja()


def load_entailment(lang: str, seed: int = 0, items_per_frame: int = ITEMS_PER_FRAME,
                    split_by: str = "item") -> TaskData:
    """(premise, hypothesis, label) examples in `lang`, split by premise; the same seed, the same data."""
    examples = pair_examples(frames(lang), items_per_frame, per_label=1, seed=seed)
    return finish("entailment", lang, LABELS, examples, seed, split_by)
