"""A labelled task from the shipped corpus: which topic does a passage come from?

The corpus has one file per topic (assets/corpus/<lang>/NN_topic.txt): the file name is the label.
Paragraphs (blocks separated by blank lines) shorter than `min_paragraph` characters are headings and
are dropped; exact duplicates are dropped. Each topic's paragraphs are split deterministically by
content: sorted by their SHA-1, the first `heldout_fraction` of them are held out. A paragraph
therefore lands in one split only, and the split does not move when other paragraphs are edited.

Paragraphs are cut into passages of at most `max_chars` characters at sentence ends (a model reads
a bounded context), and every passage of a paragraph stays in that paragraph's split.

>>> split_sentences("It rained. We stayed in! 雨だった。家にいた。")
['It rained.', 'We stayed in!', '雨だった。', '家にいた。']
>>> pack_passages(["aaa.", "bb.", "cccccc."], max_chars=8)
['aaa. bb.', 'cccccc.']
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.corpus import CORPUS_DIR, CORPUS_LANGS

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


# The corpus files' topics as people read them (a label is the file name without its number).
TOPIC_NAMES = {"daily_life": ("daily life", "日常生活"), "school": ("school", "学校"), "weather": ("weather", "天気"),
               "weather_seasons": ("weather & seasons", "天気と季節"), "sports": ("sports", "スポーツ"),
               "food": ("food", "食べ物"), "travel": ("travel", "旅行"), "science": ("science", "科学"),
               "conversations": ("conversations", "会話")}


def topic_names(labels: list[str], lang: str) -> list[str]:
    """Labels as shown in `lang` ("daily_life" -> "日常生活"); an unknown label (an upload) stays as it is.

    >>> topic_names(["daily_life", "my_topic"], "ja")
    ['日常生活', 'my_topic']
    """
    return [TOPIC_NAMES[t][lang == "ja"] if t in TOPIC_NAMES else t for t in labels]


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    paragraph: int  # index of the paragraph it came from (passages of one paragraph share it)


@dataclass
class TopicData:
    labels: list[str]  # topic names, index = class id
    train: list[Example]
    heldout: list[Example]
    train_paragraphs: list[str] = field(default_factory=list)
    heldout_paragraphs: list[str] = field(default_factory=list)

    @property
    def train_text(self) -> str:
        """The unlabelled text of the training paragraphs: what pre-training may read."""
        return "\n\n".join(self.train_paragraphs) + "\n"

    @property
    def heldout_text(self) -> str:
        return "\n\n".join(self.heldout_paragraphs) + "\n"

    def counts(self, split: str = "train") -> list[int]:
        c = Counter(e.label for e in (self.train if split == "train" else self.heldout))
        return [c.get(i, 0) for i in range(len(self.labels))]

    def majority_baseline(self) -> float:
        """Held-out accuracy of always answering the most frequent training topic."""
        train_counts = self.counts("train")
        top = max(range(len(train_counts)), key=train_counts.__getitem__)
        return self.counts("heldout")[top] / max(1, len(self.heldout))

    def key(self) -> str:
        h = hashlib.sha1()
        for ex in self.train + [Example("|", -1, -1)] + self.heldout:
            h.update(f"{ex.label}\t{ex.text}\n".encode("utf-8"))
        return h.hexdigest()[:16]


def topic_name(path: Path) -> str:
    """'04_sports.txt' -> 'sports'."""
    return re.sub(r"^\d+_", "", path.stem)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def pack_passages(sentences: list[str], max_chars: int) -> list[str]:
    """Greedily join sentences (with a space between Latin-script ones) into passages of ≤ max_chars;
    a sentence longer than that is cut into max_chars pieces."""
    out: list[str] = []
    cur = ""
    for s in sentences:
        pieces = [s[i:i + max_chars] for i in range(0, len(s), max_chars)]
        for p in pieces:
            sep = " " if cur and cur[-1].isascii() and p[:1].isascii() else ""
            if cur and len(cur) + len(sep) + len(p) <= max_chars:
                cur += sep + p
            else:
                if cur:
                    out.append(cur)
                cur = p
    if cur:
        out.append(cur)
    return out


def paragraphs_of(text: str, min_paragraph: int = 40) -> list[str]:
    paras = [" ".join(line.strip() for line in p.splitlines() if line.strip()) for p in re.split(r"\n\s*\n", text)]
    return [p for p in paras if len(p) >= min_paragraph]


def build_topic_data(files: dict[str, str], max_chars: int = 95, heldout_fraction: float = 0.2,
                     min_paragraph: int = 40, min_passage: int = 12) -> TopicData:
    """`files`: topic name -> its text, in label order."""
    labels = list(files)
    seen: set[str] = set()
    train: list[Example] = []
    held: list[Example] = []
    train_p: list[str] = []
    held_p: list[str] = []
    pid = 0
    for label, name in enumerate(labels):
        paras = []
        for p in paragraphs_of(files[name], min_paragraph):
            if p not in seen:
                seen.add(p)
                paras.append(p)
        by_hash = sorted(paras, key=lambda p: hashlib.sha1(p.encode("utf-8")).hexdigest())
        n_held = round(len(paras) * heldout_fraction) if len(paras) > 1 else 0
        held_set = set(by_hash[:n_held])
        for p in paras:  # file order within each split
            into, texts = (held, held_p) if p in held_set else (train, train_p)
            texts.append(p)
            for passage in pack_passages(split_sentences(p), max_chars):
                if len(passage) >= min_passage:
                    into.append(Example(passage, label, pid))
            pid += 1
    return TopicData(labels, train, held, train_p, held_p)


def load_topic_data(lang: str, max_chars: int = 95, **kw) -> TopicData:
    """The shipped corpus of `lang` as a topic-classification task."""
    if lang not in CORPUS_LANGS:
        raise ValueError(f"no shipped corpus for {lang!r}; choose one of {CORPUS_LANGS}")
    files = sorted((CORPUS_DIR / lang).glob("*.txt"))
    return build_topic_data({topic_name(f): f.read_text(encoding="utf-8") for f in files}, max_chars, **kw)
