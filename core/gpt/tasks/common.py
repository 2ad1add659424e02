"""What the three rule-built tasks share: example records, the split by item, baselines, slot filling.

Every task is generated from *frames*: a sentence template with slots ("{p} bought {n} {item} at the
{place}.") and, for each slot, a short list of fillers. One filling of every slot is an *item*; every
example made from that item (both premises of an entailment item with their six hypotheses, the eight
pairs of a similarity item, one story told about one person) carries the item's id and lands in the
same split. Held-out accuracy then measures a
model on premises / sentences / stories it never saw during fine-tuning, not on a re-worded copy.

>>> [item for item, fields in expand("f", {"p": ["Ken", "Maya"], "x": ["tea", "milk"]}, limit=3, seed=0)]
['f|p=Ken|x=milk', 'f|p=Maya|x=tea', 'f|p=Maya|x=milk']
>>> train, held = split_by_item(["a", "a", "b", "c", "c"], lambda it: it, heldout_fraction=0.34, seed=0)
>>> sorted(set(train)), held  # both examples of item "a" are held out together
(['b', 'c'], ['a', 'a'])
"""
from __future__ import annotations

import itertools
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, TypeVar

HELDOUT_FRACTION = 0.2  # a fifth of the items: enough held-out examples for a stable accuracy on ~1,000
LANGS = ("en", "ja")

E = TypeVar("E")


@dataclass(frozen=True)
class PairExample:
    """Two texts and a label: (premise, hypothesis) for entailment, (sentence_a, sentence_b) for similarity."""

    a: str
    b: str
    label: int
    item: str  # the underlying item: all examples of one item are in one split


@dataclass(frozen=True)
class ChoiceExample:
    """A context, k candidate answers, and the index of the right one."""

    context: str
    answers: tuple[str, ...]
    label: int
    item: str


@dataclass
class TaskData:
    """One task in one language: labelled examples split by item, with its baseline."""

    task: str  # "entailment" | "similarity" | "multiple_choice"
    lang: str
    labels: tuple[tuple[str, str], ...]  # (English, 日本語) name of each class id
    train: list = field(default_factory=list)
    heldout: list = field(default_factory=list)
    seed: int = 0
    split_by: str = "item"  # what the held-out split holds out: filled templates, or whole templates

    def label_name(self, label: int, lang: str) -> str:
        en, ja = self.labels[label]
        return ja if lang == "ja" else en

    def counts(self, split: str = "train") -> list[int]:
        c = Counter(e.label for e in (self.train if split == "train" else self.heldout))
        return [c.get(i, 0) for i in range(len(self.labels))]

    def items(self, split: str = "train") -> set[str]:
        return {e.item for e in (self.train if split == "train" else self.heldout)}

    def majority_baseline(self) -> float:
        """Held-out accuracy of always answering the most frequent training label (for multiple
        choice the label is the answer's position, so this is ~1/k when positions are balanced)."""
        train_counts = self.counts("train")
        top = max(range(len(train_counts)), key=train_counts.__getitem__)
        return self.counts("heldout")[top] / max(1, len(self.heldout))

    def chance_baseline(self) -> float:
        """Accuracy of a uniform guess: 1/number of classes (1/k for multiple choice)."""
        return 1.0 / len(self.labels)

    def check_disjoint(self) -> None:
        """Raise AssertionError if any item, or any text that names an item, is in both splits.

        Texts that name an item: a premise, either sentence of a similarity pair, a story's context.
        (A hypothesis such as "It rained in Tokyo." or an ending such as "The toast was burnt." may
        follow several premises or stories: those texts are shared, the pairs are not.)
        """
        shared = self.items("train") & self.items("heldout")
        if shared:
            raise AssertionError(f"{self.task}/{self.lang}: items in both splits: {sorted(shared)[:3]}")

        def naming(examples: list) -> set[str]:
            if self.task == "multiple_choice":
                return {e.context for e in examples}
            if self.task == "similarity":
                return {e.a for e in examples} | {e.b for e in examples}
            return {e.a for e in examples}

        texts = naming(self.train) & naming(self.heldout)
        if texts:
            raise AssertionError(f"{self.task}/{self.lang}: texts in both splits: {sorted(texts)[:3]}")


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"no task data for {lang!r}; choose one of {LANGS}")


def expand(name: str, slots: dict[str, list], limit: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    """At most `limit` fillings of the slots (sampled with `seed`), as (item id, fields), in order.

    A filling that puts one word into two string slots ("Ken is older than Ken.") is skipped.
    """
    keys = list(slots)
    fills = []
    for combo in itertools.product(*(slots[k] for k in keys)):
        words = [v for v in combo if isinstance(v, str)]
        if len(set(words)) < len(words):
            continue
        fields: dict[str, str] = {}
        for k, v in zip(keys, combo):
            fields.update(v if isinstance(v, dict) else {k: v})
        fills.append(fields)
    rng = random.Random(f"{seed}/{name}")  # a str seed is hashed deterministically (sha512)
    chosen = sorted(rng.sample(range(len(fills)), min(limit, len(fills))))
    return [(name + "".join(f"|{k}={fills[i][k]}" for k in sorted(fills[i])), fills[i]) for i in chosen]


def split_by_item(examples: list[E], item_of: Callable[[E], str], heldout_fraction: float = HELDOUT_FRACTION,
                  seed: int = 0) -> tuple[list[E], list[E]]:
    """Hold out a seeded random `heldout_fraction` of the items (not of the examples)."""
    items = sorted({item_of(e) for e in examples})
    random.Random(seed).shuffle(items)
    held = set(items[: round(len(items) * heldout_fraction)])
    train = [e for e in examples if item_of(e) not in held]
    heldout = [e for e in examples if item_of(e) in held]
    return train, heldout


SPLITS = ("item", "frame")


def frame_of(item: str) -> str:
    """'shop|p=Ken|...' -> 'shop': the template an item was filled from."""
    return item.split("|", 1)[0]


def finish(task: str, lang: str, labels: tuple[tuple[str, str], ...], examples: list, seed: int,
           split_by: str = "item") -> TaskData:
    """Split, check the split, and package the task.

    split_by="item" holds out filled templates (unseen premises / pairs / stories, familiar templates);
    "frame" holds out whole templates (unseen sentence patterns: a harder test of transfer).
    """
    if split_by not in SPLITS:
        raise ValueError(f"split_by must be one of {SPLITS}, not {split_by!r}")
    item_of = (lambda e: e.item) if split_by == "item" else (lambda e: frame_of(e.item))
    train, heldout = split_by_item(examples, item_of, seed=seed)
    data = TaskData(task, lang, labels, train, heldout, seed, split_by)
    data.check_disjoint()
    return data


_WORD = re.compile(r"[a-z]+")
_JA_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々ー]+")


def vocabulary(texts: list[str], lang: str) -> set[str]:
    """English: lower-case words. Japanese: character bigrams inside kana/kanji runs (no tokenizer
    needed, and a bigram is about the size of a Japanese word piece)."""
    out: set[str] = set()
    for t in texts:
        if lang == "en":
            out.update(_WORD.findall(t.lower()))
        else:
            for run in _JA_RUN.findall(t):
                out.update(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    return out


def corpus_overlap(texts: list[str], corpus: str, lang: str) -> float:
    """Share of the task's vocabulary (see `vocabulary`) that also occurs in `corpus`: how many of
    its words a GPT pre-trained on that corpus has seen.

    >>> corpus_overlap(["Ken ate rice."], "Ken ate bread and rice.", "en")
    1.0
    """
    mine = vocabulary(texts, lang)
    return len(mine & vocabulary([corpus], lang)) / max(1, len(mine))


def all_texts(data: TaskData) -> list[str]:
    out: list[str] = []
    for e in data.train + data.heldout:
        out.extend([e.context, *e.answers] if isinstance(e, ChoiceExample) else [e.a, e.b])
    return out


def word_set(text: str, lang: str) -> set[str]:
    """The words of one text, order thrown away: English lower-case words, Japanese MeCab morphemes.
    (Not `vocabulary`'s character bigrams: a bigram such as 京か spans a noun and its particle, so a bag
    of bigrams still knows which city は／から／へ follows, which a bag of words must not.)

    >>> sorted(word_set("東京から大阪へ行く", "ja")) == sorted(word_set("大阪から東京へ行く", "ja"))
    True
    """
    if lang == "en":
        return set(_WORD.findall(text.lower()))
    from core.tokenizers import mecab

    return set(mecab.split(text)) - {"。", "、", "！", "？"}


def bag_of_words_accuracy(data: TaskData, reads: str = "b") -> float:
    """Held-out accuracy of a naive Bayes over word sets (see `word_set`; binarized counts), trained on the
    training split, reading only the second text (`reads="b"`: the hypothesis-only baseline of NLI)
    or both texts ("ab"). Near chance here by design: these tasks need word order and comparison.
    """
    assert data.task != "multiple_choice", "pair tasks only"
    text = (lambda e: e.b) if reads == "b" else (lambda e: e.a + "\n" + e.b)
    k = len(data.labels)
    counts = [Counter() for _ in range(k)]
    prior = Counter(e.label for e in data.train)
    for e in data.train:
        counts[e.label].update(word_set(text(e), data.lang))
    vocab = set().union(*counts)
    totals = [sum(c.values()) + len(vocab) for c in counts]  # add-one smoothing
    right = 0
    for e in data.heldout:
        words = word_set(text(e), data.lang)
        scores = [math.log(prior[c] or 1) + sum(math.log((counts[c][w] + 1) / totals[c]) for w in words)
                  for c in range(k)]
        right += max(range(k), key=scores.__getitem__) == e.label
    return right / max(1, len(data.heldout))
