"""From task examples (or a user's typed texts) to the padded tensors a fine-tuning step reads.

Each example becomes a fixed number of rows, contiguous, so a trainer can reshape the extract
states without bookkeeping:

    entailment       1 row:  [start] premise [delim] hypothesis [extract]            h: (E, d)
    similarity       2 rows: (a, b) then (b, a)              h.view(E, 2, d).sum(1) -> (E, d)
    multiple choice  k rows: (context, answer_i) for i < k   head(h).view(E, k)    -> (E, k) logits

>>> from core.tokenizers.char import CharTokenizer
>>> from core.gpt.tasks.common import PairExample
>>> tok = CharTokenizer.train("abc")
>>> enc = encode_examples([PairExample("ab", "c", 1, "i")], "similarity", tok, Specials.after(4), block_size=8)
>>> enc.x.tolist(), enc.extract.tolist(), enc.labels.tolist(), enc.rows_per_example
([[4, 1, 2, 5, 3, 6], [4, 3, 5, 1, 2, 6]], [5, 5], [1], 2)
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.errors import UserInputError
from core.gpt.tasks import transforms as X
from core.gpt.tasks.common import ChoiceExample, PairExample
from core.gpt.tasks.transforms import Sequence, Specials
from core.textcheck import check_text

MAX_CHARS = 2000  # a typed part longer than this is cut before tokenizing: bounded work on a 2-core CPU


@dataclass
class EncodedSplit:
    x: torch.Tensor  # (E * rows_per_example, T) token ids, right-padded
    extract: torch.Tensor  # (E * rows_per_example,) position of each row's extract token
    labels: torch.Tensor  # (E,) class id, or index of the right answer
    rows_per_example: int  # 1 entailment / classification, 2 similarity, k multiple choice
    truncated_rows: int  # rows that lost tokens to the block size


def encode_text(tokenizer, text: str | None, role: str, max_chars: int = MAX_CHARS) -> list[int]:
    """A user's text for one part -> ids; empty text (or text the tokenizer drops entirely) is a
    UserInputError naming the part, and text over `max_chars` is cut (the transform then fits the block)."""
    en, ja = X.ROLES[role]
    try:
        checked = check_text(text, max_chars=max_chars)
    except UserInputError:
        raise UserInputError(f"The {en} is empty: type some text.",
                             f"{ja}が空です。テキストを入力してください。") from None
    ids = tokenizer.encode(checked.text)
    if not ids:
        raise UserInputError(f"The {en} has no tokens for this tokenizer.",
                             f"{ja}はこのトークナイザーでトークンになりません。")
    return ids


def sequences(example, task: str, encode, specials: Specials, block_size: int) -> list[Sequence]:
    """The rows of one example; `encode(text) -> ids`."""
    if task == "multiple_choice":
        assert isinstance(example, ChoiceExample)
        return X.multiple_choice(encode(example.context), [encode(a) for a in example.answers], specials, block_size)
    assert isinstance(example, PairExample), f"{task} needs PairExample, got {type(example).__name__}"
    a, b = encode(example.a), encode(example.b)
    if task == "similarity":
        return list(X.similarity(a, b, specials, block_size))
    if task == "entailment":
        return [X.entailment(a, b, specials, block_size)]
    raise ValueError(f"unknown task {task!r}: entailment, similarity or multiple_choice")


def encode_examples(examples: list, task: str, tokenizer, specials: Specials, block_size: int,
                    pad_id: int = 0) -> EncodedSplit:
    """All examples of one split -> padded rows, extract positions and labels."""
    if not examples:
        raise ValueError("no examples to encode")
    cache: dict[str, list[int]] = {}  # one premise serves three hypotheses: encode it once

    def encode(text: str) -> list[int]:
        if text not in cache:
            cache[text] = tokenizer.encode(text)
        return cache[text]

    rows: list[Sequence] = []
    per = None
    for ex in examples:
        seqs = sequences(ex, task, encode, specials, block_size)
        per = per or len(seqs)
        if len(seqs) != per:
            raise ValueError(f"examples give {per} and {len(seqs)} rows: use one k for all multiple-choice examples")
        rows.extend(seqs)
    x, extract = X.pad(rows, pad_id, block_size)
    labels = torch.tensor([ex.label for ex in examples], dtype=torch.long)
    return EncodedSplit(x, extract, labels, per, sum(s.truncated for s in rows))
