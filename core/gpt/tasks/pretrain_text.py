"""The text the shipped GPT and LSTM pre-train on: the shipped corpus minus every passage a task holds out.

GPT-1 pre-trains on BooksCorpus and fine-tunes on tasks drawn from elsewhere, so a task's held-out
accuracy measures transfer, not recall. Our topic task is cut from the very corpus the LM reads
(core.gpt.topic_data: a fifth of each topic's paragraphs held out by hash), so the pre-training text
must leave those paragraphs out, or the backbone has read 82.5 % (en) / 77.7 % (ja) of the held-out
passages before fine-tuning starts. The rule-built tasks (entailment, similarity, multiple choice) are
written from word lists, not drawn from the corpus; any corpus paragraph that contains one of their
held-out sentences is left out all the same, so the guarantee does not rest on that fact.

The paragraphs left out are the LM's own held-out text: the loss on the shipped cards is then measured on
text the LM never read, drawn from all eight topics (20 % of each), not the corpus's last 10 % (which,
the files being joined in topic order, is one topic: conversations).

Paragraphs are compared with whitespace collapsed (a passage joins its paragraph's lines with spaces).

>>> s = pretraining_split_of("Title\\n\\nAlpha beta.\\ngamma.\\n\\nDelta.\\n", {"Alpha beta. gamma."})
>>> s.train, s.heldout
('Title\\n\\nDelta.\\n', 'Alpha beta.\\ngamma.\\n')
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

from core.corpus import load_shipped

_BLOCK = re.compile(r"\n\s*\n")
TASKS = ("classification", "entailment", "similarity", "multiple_choice")


def _norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class PretrainSplit:
    train: str  # what the LM reads (and its tokenizer is trained on)
    heldout: str  # the paragraphs left out: the LM's held-out text and the source of the task held-out passages
    excluded: int  # paragraphs left out
    paragraphs: int  # paragraphs in the corpus


def pretraining_split_of(text: str, held_out: set[str], held_sentences: frozenset[str] = frozenset()) -> PretrainSplit:
    """Split `text` into blocks (blank-line separated); a block whose collapsed text is in `held_out`, or
    contains one of `held_sentences`, goes to the held-out part. Both parts keep the corpus order."""
    held_out = {_norm(p) for p in held_out}
    keep, drop = [], []
    blocks = [b.strip() for b in _BLOCK.split(text) if b.strip()]
    for b in blocks:
        n = _norm(b)
        (drop if n in held_out or any(s in n for s in held_sentences) else keep).append(b)
    join = lambda bs: "\n\n".join(bs) + "\n" if bs else ""  # load_shipped's own joining
    return PretrainSplit(join(keep), join(drop), len(drop), len(blocks))


def task_heldout_texts(lang: str) -> tuple[set[str], frozenset[str]]:
    """(held-out topic paragraphs, held-out sentences of the rule-built tasks) in `lang`.

    The topic split is by paragraph and does not depend on the passage length, so one set covers
    fine-tuning's passages (95 characters) and the transfer page's (200)."""
    from core.gpt.tasks.choice import load_choice
    from core.gpt.tasks.entailment import load_entailment
    from core.gpt.tasks.similarity import load_similarity
    from core.gpt.topic_data import load_topic_data, split_sentences

    paragraphs = set(load_topic_data(lang).heldout_paragraphs)
    sentences: set[str] = set()
    for load in (load_entailment, load_similarity, load_choice):
        for e in load(lang).heldout:
            for t in ((e.context, *e.answers) if hasattr(e, "answers") else (e.a, e.b)):
                # short fragments ("Yes.") would match anywhere: only whole sentences of some length count
                sentences.update(_norm(s) for s in split_sentences(t) if len(s) >= 12)
    return paragraphs, frozenset(sentences)


@functools.lru_cache(maxsize=2)
def pretraining_split(lang: str) -> PretrainSplit:
    """The shipped corpus of `lang` without any task's held-out text: what `make models` pre-trains on."""
    paragraphs, sentences = task_heldout_texts(lang)
    return pretraining_split_of(load_shipped(lang), paragraphs, sentences)


MIN_SEEN_CHARS = 20  # shorter task passages are fragments, not text that could be recalled


def seen_share(passages: list[str], pretrain_text: str) -> float:
    """Share of `passages` that occur inside `pretrain_text`, whitespace ignored: 0.0 is a clean test.

    Whitespace is removed, not collapsed: a Japanese passage joins sentences that sat on two lines of
    a paragraph with no space, and must still be found (a stricter test than the page's earlier one).
    >>> passages = ["alpha beta gamma delta epsilon", "zeta eta theta iota kappa"]
    >>> seen_share(passages, "x alpha beta\\ngamma delta epsilon y")
    0.5

    A passage shorter than MIN_SEEN_CHARS (whitespace removed) is not counted: the tail of a passage cut at 95
    characters can be a fragment such as "'s identical." that occurs by chance in megabytes of books.
    >>> seen_share(["'s identical."], "its syntax is identical.")
    0.0
    """
    bare = lambda t: "".join(t.split())
    hay = bare(pretrain_text)
    checked = [bare(p) for p in passages if len(bare(p)) >= MIN_SEEN_CHARS]
    return sum(p in hay for p in checked) / max(1, len(checked))


# --- The standard split of the shipped models' text (books + corpus) -----------------------------------------
SPLIT_SEED = "atlas-heldout-1"  # change it and every shipped model's held-out text changes: rebuild them
HELDOUT_SHARE = 0.1


def is_heldout(paragraph: str, share: float = HELDOUT_SHARE, seed: str = SPLIT_SEED) -> bool:
    """A seeded random draw per paragraph, decided by the paragraph's own text (whitespace collapsed), so the
    draw does not depend on what else is in the text: adding a book leaves every other paragraph where it was,
    and the project corpus's held-out paragraphs are known without fetching any book.

    >>> sum(is_heldout(f"paragraph {i}") for i in range(10000)) / 10000
    0.1052
    """
    digest = hashlib.sha256(f"{seed}\n{_norm(paragraph)}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


@dataclass(frozen=True)
class StandardSplit:
    train: str  # what the shipped LMs (and their tokenizer) read
    heldout: str  # a seeded random 10 % of paragraphs across every source: never read in training
    corpus_heldout: str  # the held-out paragraphs that come from the project's own corpus (offline: tests)
    paragraphs: int
    heldout_paragraphs: int
    task_excluded: int  # paragraphs kept out of training because a task holds them out (not drawn: not held-out)
    by_source: dict  # source -> [train paragraphs, held-out paragraphs]


def standard_split_of(paragraphs: list[tuple[str, str]], held_out: set[str], held_sentences: frozenset[str],
                      own: str = "atlas-corpus") -> StandardSplit:
    """(source, paragraph) pairs -> the standard split. A paragraph a task holds out never reaches training;
    it is held-out text only if the draw picks it, so the held-out part stays a plain random sample.

    >>> paragraphs = [("book", f"p{i}") for i in range(30)] + [("atlas-corpus", "task para")]
    >>> s = standard_split_of(paragraphs, {"task para"}, frozenset())
    >>> s.task_excluded, s.heldout_paragraphs, "task para" in s.train
    (1, 3, False)
    """
    held_out = {_norm(p) for p in held_out}
    train, held, own_held = [], [], []
    excluded = 0
    by_source: dict[str, list[int]] = {}
    for src, p in paragraphs:
        n = _norm(p)
        counts = by_source.setdefault(src, [0, 0])
        if is_heldout(p):
            held.append(p)
            counts[1] += 1
            if src == own:
                own_held.append(p)
        elif n in held_out or any(s in n for s in held_sentences):
            excluded += 1
        else:
            train.append(p)
            counts[0] += 1
    join = lambda bs: "\n\n".join(bs) + "\n" if bs else ""  # load_shipped's own joining
    return StandardSplit(join(train), join(held), join(own_held), len(paragraphs), len(held), excluded, by_source)


@functools.lru_cache(maxsize=2)
def standard_split(lang: str) -> StandardSplit:
    """The shipped GPT's and LSTM's text: every book of core.sources plus the shipped corpus (fetched at build
    time; the books are not needed to know `corpus_heldout`, see `corpus_heldout`)."""
    from core.sources.text import PROJECT, source_text

    paragraphs, sentences = task_heldout_texts(lang)
    return standard_split_of(source_text(lang).paragraphs, paragraphs, sentences, own=PROJECT)


@functools.lru_cache(maxsize=2)
def corpus_heldout(lang: str) -> str:
    """The standard split's held-out paragraphs of the project corpus alone, computed without any book:
    what tests re-score a shipped model on."""
    own = [("atlas-corpus", b.strip()) for b in load_shipped(lang).split("\n\n") if b.strip()]
    return standard_split_of(own, set(), frozenset()).corpus_heldout
