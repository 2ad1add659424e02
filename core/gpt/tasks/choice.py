"""Multiple choice ("what comes next?"): a short context and k candidate endings, one of them right.

GPT-1 reads each candidate separately as `[start] context [delim] answer_i [extract]`, maps each
final state to one number with a linear layer, and takes a softmax over the k numbers (so k
sequences per example; transforms.multiple_choice builds them). Chance is 1/k.

Each example is one story from choice_stories.py told about one person (the item), with its right
ending, its two wrong endings, and, when k = 4, the right ending of another topic's story as a
fourth (fluent, off-topic) candidate. The position of the right answer cycles over 0..k-1 in a
seeded order, so always answering one position scores 1/k too:

    context   It snowed all night, and in the morning Ken saw that the streets were white.
    answers   0: Ken turned on the fan.
              1: Ken put on boots and a warm coat.      <- label 1
              2: Ken went swimming in the sea.
              3: Ken got up and made breakfast.         (the daily-life story's right ending)

    context   一晩中雪が降って、朝健太が外を見ると道が真っ白になっていた。
    answers   0: 健太は海へ泳ぎに行った。
              1: 健太のチームは試合に勝った。
              2: 健太は長ぐつをはいて、暖かいコートを着た。   <- label 2
              3: 健太は扇風機をつけた。

>>> data = load_choice("en", k=3)
>>> {len(e.answers) for e in data.train}, data.chance_baseline()
({3}, 0.3333333333333333)
"""
from __future__ import annotations

import random

from core.gpt.tasks import words as W
from core.gpt.tasks.choice_stories import STORIES
from core.gpt.tasks.common import ChoiceExample, TaskData, check_lang, finish

KS = (3, 4)  # the paper's RACE / Story Cloze have 4 and 2; 3 or 4 keep chance low but the sequences few


def labels_for(k: int) -> tuple[tuple[str, str], ...]:
    """Class ids are answer positions: ('answer 1', '選択肢1'), ..."""
    return tuple((f"answer {i + 1}", f"選択肢{i + 1}") for i in range(k))


def build_examples(lang: str, k: int, seed: int) -> list[ChoiceExample]:
    """One example per (story, name); all wording from choice_stories.STORIES."""
    check_lang(lang)
    if k not in KS:
        raise ValueError(f"k must be one of {KS}, not {k}")
    stories = STORIES[lang]
    rng = random.Random(f"{seed}/choice/{lang}/{k}")
    made = []
    for s, (topic, context, right, *wrong) in enumerate(stories):
        for p in W.NAMES[lang]:
            candidates = [w.format(p=p) for w in wrong]
            if k == 4:  # the right ending of a story on another topic, told about the same person
                others = [o for o in stories if o[0] != topic]
                candidates.append(rng.choice(others)[2].format(p=p))
            made.append((f"story{s:02d}|p={p}", context.format(p=p), right.format(p=p), candidates[: k - 1]))
    positions = [i % k for i in range(len(made))]
    rng.shuffle(positions)
    out = []
    for (item, context, right, wrong), pos in zip(made, positions):
        rng.shuffle(wrong)
        answers = tuple(wrong[:pos] + [right] + wrong[pos:])
        out.append(ChoiceExample(context, answers, pos, item))
    return out


def load_choice(lang: str, k: int = 4, seed: int = 0, split_by: str = "item") -> TaskData:
    """(context, k answers, index of the right one) examples in `lang`, split by (story, person);
    split_by="frame" holds out whole stories instead."""
    return finish("multiple_choice", lang, labels_for(k), build_examples(lang, k, seed), seed, split_by)


def topic_of(item: str, lang: str) -> str:
    """The corpus topic an item's story belongs to ('story08|p=Ken' -> 'weather')."""
    return STORIES[lang][int(item[5:7])][0]
