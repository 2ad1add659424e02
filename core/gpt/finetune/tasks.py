"""The four tasks as one kind of thing: examples, labels, a baseline, and padded rows for a backbone.

Classification is the topic task of core.gpt.topic_data (which topic file does a passage come from?), the
one the fine-tuning page's Table 5 runs; entailment, similarity and multiple choice come from
core.gpt.tasks. Rows come in two layouts, both `EncodedSplit`s:

    encode_task    Figure 1's transformations (core.gpt.tasks.transforms): [start] … [delim] … [extract]
    encode_split   the fine-tuning page's "text [extract]": one added row, the extract token
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.gpt.tasks import transforms as X
from core.gpt.tasks.choice import load_choice
from core.gpt.tasks.common import TaskData, bag_of_words_accuracy
from core.gpt.tasks.encode import EncodedSplit, encode_examples
from core.gpt.tasks.entailment import load_entailment
from core.gpt.tasks.similarity import load_similarity
from core.gpt.tasks.transforms import Specials
from core.gpt.topic_data import TOPIC_NAMES, load_topic_data
from core.tokenizers.base import Tokenizer

TASKS = ("classification", "entailment", "similarity", "multiple_choice")
TOPIC_CHARS = 200  # passages of the topic task: the length fine-tuning's own budget uses


@dataclass
class Task:
    """One task in one language, whatever its source."""

    name: str  # classification | entailment | similarity | multiple_choice
    lang: str
    labels: list[tuple[str, str]]  # (English, 日本語) per class id (answer position for multiple choice)
    train: list
    heldout: list
    majority: float  # held-out accuracy of always answering the most frequent training label
    bag_of_words: float | None = None  # pair tasks: a naive Bayes on both texts' words (no word order)

    @property
    def baseline(self) -> float:
        """The line to beat (issue 13: "a majority or chance baseline"): always the most frequent training
        label. The bag-of-words model is a second, harder comparison the pages show beside it."""
        return self.majority


def load_task(name: str, lang: str, max_train: int = 0, max_heldout: int = 0) -> Task:
    """The task's examples; `max_*` > 0 keep every k-th example (tests, tiny budgets)."""
    if name == "classification":
        d = load_topic_data(lang, max_chars=TOPIC_CHARS)
        task = Task(name, lang, [TOPIC_NAMES.get(t, (t, t)) for t in d.labels], d.train, d.heldout,
                    d.majority_baseline())
    else:
        loader = {"entailment": load_entailment, "similarity": load_similarity, "multiple_choice": load_choice}[name]
        d: TaskData = loader(lang)
        bow = bag_of_words_accuracy(d, reads="ab") if name != "multiple_choice" else None
        task = Task(name, lang, list(d.labels), d.train, d.heldout, d.majority_baseline(), bow)
    task.train, task.heldout = every_kth(task.train, max_train), every_kth(task.heldout, max_heldout)
    return task


def every_kth(xs: list, n: int) -> list:
    """n items spread evenly over `xs` (all when n is 0 or too large): every class stays represented.

    >>> every_kth(list(range(10)), 4)
    [0, 2, 5, 7]
    """
    if not n or n >= len(xs):
        return xs
    step = len(xs) / n
    return [xs[int(i * step)] for i in range(n)]


def encode_task(task: Task, examples: list, tokenizer: Tokenizer, specials: Specials, block_size: int) -> EncodedSplit:
    """Examples -> padded rows: core.gpt.tasks.encode for the three pair/choice tasks, and
    `[start] text [extract]` for classification."""
    if task.name != "classification":
        return encode_examples(examples, task.name, tokenizer, specials, block_size)
    seqs = [X.classification(tokenizer.encode(e.text) or [0], specials, block_size) for e in examples]
    x, extract = X.pad(seqs, 0, block_size)
    labels = torch.tensor([e.label for e in examples], dtype=torch.long)
    return EncodedSplit(x, extract, labels, 1, sum(s.truncated for s in seqs))


def encode_texts(tokenizer: Tokenizer, texts: list[str], extract_id: int, max_tokens: int
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Texts -> x (B, T) = tokens + extract token + padding (id 0), and ends (B,): the extract's positions.
    Tokens beyond max_tokens − 1 are cut (the extract token needs the last place).

    >>> from core.tokenizers.char import CharTokenizer
    >>> x, ends = encode_texts(CharTokenizer.train("abc"), ["ab", "c"], 9, 8)
    >>> x.tolist(), ends.tolist()
    ([[1, 2, 9], [3, 9, 0]], [2, 1])
    """
    return _extract_rows([tokenizer.encode(t) for t in texts], extract_id, max_tokens)


def _extract_rows(ids: list[list[int]], extract_id: int, max_tokens: int) -> tuple[torch.Tensor, torch.Tensor]:
    """B token lists -> x (B, T), ends (B,); T = the longest kept row + 1 (its extract token)."""
    rows = [r[: max_tokens - 1] for r in ids]
    T = max(len(r) for r in rows) + 1
    x = torch.zeros(len(rows), T, dtype=torch.long)
    ends = torch.empty(len(rows), dtype=torch.long)
    for b, r in enumerate(rows):
        n = len(r)
        if n:
            x[b, :n] = torch.tensor(r)
        x[b, n] = extract_id
        ends[b] = n
    return x, ends


def encode_split(tokenizer: Tokenizer, examples: list, extract_id: int, max_tokens: int) -> EncodedSplit:
    """Labelled passages (`.text`, `.label`) as "text [extract]" rows, one per example."""
    ids = [tokenizer.encode(e.text) for e in examples]
    x, ends = _extract_rows(ids, extract_id, max_tokens)
    cut = sum(len(r) > max_tokens - 1 for r in ids)
    return EncodedSplit(x, ends, torch.tensor([e.label for e in examples], dtype=torch.long), 1, cut)


def by_length(enc: EncodedSplit) -> EncodedSplit:
    """The same one-row examples, shortest first: evaluation batches then carry little padding (accuracy,
    loss and the confusion matrix do not depend on the order)."""
    assert enc.rows_per_example == 1, "by_length sorts one-row examples"
    order = torch.argsort(enc.extract, stable=True)
    return EncodedSplit(enc.x[order], enc.extract[order], enc.labels[order], 1, enc.truncated_rows)


def examples_to_show(task: Task) -> list:
    """Examples a page draws first: for similarity the notes' pair (東京から大阪へ行く / 大阪から東京へ行く,
    or its English analogue) and the other curated pairs, then held-out examples."""
    if task.name == "similarity":
        from core.gpt.tasks.similarity import showcase

        return showcase(task.lang) + task.heldout[:5]
    return task.heldout[:8]


def labelled_rows(task: Task, example, tokenizer: Tokenizer, block_size: int) -> list[list[tuple[str, str]]]:
    """The rows the model reads for one example, as [(role, piece), ...] with start / delim / extract
    marked (one row; two for similarity; k for multiple choice), pieces from the tokenizer."""
    sp = Specials.after(tokenizer.vocab_size)
    if task.name == "classification":
        seqs = [X.classification(tokenizer.encode(example.text) or [0], sp, block_size)]
    else:
        from core.gpt.tasks.encode import sequences

        seqs = sequences(example, task.name, lambda t: tokenizer.encode(t) or [0], sp, block_size)
    return [X.labelled_pieces(s, tokenizer.id_to_piece, sp) for s in seqs]
