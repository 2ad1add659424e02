"""GPT-1's input transformations (the paper's Figure 1), as pure functions over token ids.

One pre-trained Transformer reads every task as plain token sequences; only three added tokens
(start, delimiter, extract) and a linear head on the extract token's final state are new:

    classification   [start] text [extract]
    entailment       [start] premise [delim] hypothesis [extract]
    similarity       [start] a [delim] b [extract]   and   [start] b [delim] a [extract]   (states added)
    multiple choice  [start] context [delim] answer_i [extract]   for each i   (softmax over the k)

Worked example, with start=100, delim=101, extract=102 and a block of 8 tokens:

>>> sp = Specials(start=100, delim=101, extract=102)
>>> entailment([1, 2, 3], [4, 5], sp, block_size=8).ids
[100, 1, 2, 3, 101, 4, 5, 102]
>>> seq = entailment([1, 2, 3, 4, 5, 6], [7, 8], sp, block_size=8)   # 3 tokens too many
>>> seq.ids, seq.extract_index, seq.truncated
([100, 1, 2, 3, 101, 7, 8, 102], 7, True)

Truncation cuts the longest part first, one token at a time, and never a special token, so the
extract token is always last. A multiple-choice context keeps its *end* (the sentence nearest the
answer); every other part keeps its beginning.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

import torch

from core.errors import UserInputError

# Names of the parts, for error messages and for a page's legend.
ROLES: dict[str, tuple[str, str]] = {
    "start": ("start", "開始"), "delim": ("delimiter", "区切り"), "extract": ("extract", "抽出"),
    "text": ("text", "テキスト"), "premise": ("premise", "前提"), "hypothesis": ("hypothesis", "仮説"),
    "a": ("sentence A", "文A"), "b": ("sentence B", "文B"),
    "context": ("context", "文脈"), "answer": ("answer", "選択肢"),
}
KEEP_END = {"context"}  # parts truncated from the front


@dataclass(frozen=True)
class Specials:
    """Ids of the three tokens fine-tuning adds. Give ids the tokenizer never emits, e.g.
    `Specials.after(tok.vocab_size)`; the embedding table then grows by three rows."""

    start: int
    delim: int
    extract: int
    start_piece: str = "<s>"  # how a page draws them (the paper's Start / Delim / Extract)
    delim_piece: str = "$"
    extract_piece: str = "<e>"

    def __post_init__(self):
        ids = (self.start, self.delim, self.extract)
        if not all(isinstance(i, int) and i >= 0 for i in ids) or len(set(ids)) != 3:
            raise ValueError(f"special ids must be three distinct non-negative ints, got {ids}")

    @classmethod
    def after(cls, vocab_size: int) -> "Specials":
        """The three ids right after a tokenizer's own: vocab_size, vocab_size + 1, vocab_size + 2."""
        return cls(vocab_size, vocab_size + 1, vocab_size + 2)

    @property
    def ids(self) -> tuple[int, int, int]:
        return self.start, self.delim, self.extract

    def piece(self, role: str) -> str:
        return {"start": self.start_piece, "delim": self.delim_piece, "extract": self.extract_piece}[role]


@dataclass(frozen=True)
class Sequence:
    """One transformed input: labelled segments in order; `ids` is what the model reads."""

    segments: tuple[tuple[str, tuple[int, ...]], ...]  # (role, ids), specials included as 1-id segments
    truncated: bool = False

    @property
    def ids(self) -> list[int]:
        return [i for _, seg in self.segments for i in seg]

    @property
    def extract_index(self) -> int:
        """Position whose final state feeds the task head: always the last."""
        return len(self.ids) - 1

    def part(self, role: str) -> list[int]:
        """The ids of the (first) segment with this role."""
        return next(list(seg) for r, seg in self.segments if r == role)


def fit_lengths(lengths: list[int], budget: int) -> list[int]:
    """New lengths with sum <= budget, made by cutting the longest part first (ties: the earlier part).

    >>> fit_lengths([10, 3], 8), fit_lengths([5, 5], 7), fit_lengths([2, 3], 9)
    ([5, 3], [3, 4], [2, 3])
    """
    out = list(lengths)
    excess = sum(out) - budget
    while excess > 0:
        longest = max(out)
        i = out.index(longest)
        # the same result as taking one token at a time from the longest part, in fewer steps: a lone
        # longest part is cut straight down to the next length (or by what is still too much)
        below = max([n for n in out if n < longest], default=0)
        cut = min(excess, longest - below) if out.count(longest) == 1 else 1
        out[i] -= cut
        excess -= cut
    return out


def _check_part(role: str, ids: list[int], specials: Specials) -> list[int]:
    en, ja = ROLES[role]
    if len(ids) == 0:
        raise UserInputError(f"The {en} is empty: type some text.", f"{ja}が空です。テキストを入力してください。")
    bad = [i for i in ids if not isinstance(i, int) or i < 0 or i in specials.ids]
    if bad:  # the tokenizer and the special ids disagree: a programming error, not the user's
        raise ValueError(f"{role} ids {bad[:3]} are negative or collide with the special ids {specials.ids}")
    return list(ids)


def transform(parts: list[tuple[str, list[int]]], specials: Specials, block_size: int) -> Sequence:
    """[start] part_1 [delim] part_2 ... [extract], truncated to `block_size` tokens."""
    parts = [(role, _check_part(role, ids, specials)) for role, ids in parts]
    n_special = len(parts) + 1  # one start, len - 1 delimiters, one extract
    if block_size < n_special + len(parts):
        raise UserInputError(
            f"A block of {block_size} tokens cannot hold {n_special} special tokens and {len(parts)} parts; "
            f"use a block size of at least {n_special + len(parts)}.",
            f"{block_size} トークンのブロックには特殊トークン {n_special} 個と {len(parts)} つの部分が入りません。"
            f"ブロックサイズを {n_special + len(parts)} 以上にしてください。",
        )
    lengths = fit_lengths([len(ids) for _, ids in parts], block_size - n_special)
    segments: list[tuple[str, tuple[int, ...]]] = [("start", (specials.start,))]
    for k, ((role, ids), n) in enumerate(zip(parts, lengths)):
        if k:
            segments.append(("delim", (specials.delim,)))
        kept = ids[len(ids) - n:] if role in KEEP_END else ids[:n]
        segments.append((role, tuple(kept)))
    segments.append(("extract", (specials.extract,)))
    return Sequence(tuple(segments), truncated=sum(lengths) < sum(len(ids) for _, ids in parts))


def classification(text: list[int], specials: Specials, block_size: int) -> Sequence:
    return transform([("text", text)], specials, block_size)


def entailment(premise: list[int], hypothesis: list[int], specials: Specials, block_size: int) -> Sequence:
    return transform([("premise", premise), ("hypothesis", hypothesis)], specials, block_size)


def similarity(a: list[int], b: list[int], specials: Specials, block_size: int) -> tuple[Sequence, Sequence]:
    """Both orderings: the pair has no order, so the model reads it both ways and adds the states."""
    return (transform([("a", a), ("b", b)], specials, block_size),
            transform([("b", b), ("a", a)], specials, block_size))


def multiple_choice(context: list[int], answers: list[list[int]], specials: Specials,
                    block_size: int) -> list[Sequence]:
    """One sequence per answer, each `[start] context [delim] answer [extract]`."""
    if len(answers) < 2:
        raise UserInputError("Give at least two answers to choose from.", "選択肢を二つ以上入力してください。")
    return [transform([("context", context), ("answer", ans)], specials, block_size) for ans in answers]


def pad(seqs: list[Sequence], pad_id: int = 0, block_size: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences -> (x (N, T) long, extract positions (N,) long), padded on the right.

    Right padding is safe for a causal model: position t attends only to positions <= t, so the
    extract token's state never sees the padding after it, whatever `pad_id` is. (An auxiliary LM loss
    must still ignore targets past the extract position.)
    """
    if not seqs:
        raise ValueError("pad() needs at least one sequence")
    T = max(len(s.ids) for s in seqs)
    if block_size is not None and T > block_size:
        raise ValueError(f"a sequence of {T} tokens exceeds block_size {block_size}: transform with that block size")
    x = torch.full((len(seqs), T), pad_id, dtype=torch.long)  # (N, T)
    for n, s in enumerate(seqs):
        x[n, : len(s.ids)] = torch.tensor(s.ids, dtype=torch.long)
    extract = torch.tensor([s.extract_index for s in seqs], dtype=torch.long)  # (N,)
    return x, extract


def labelled_pieces(seq: Sequence, id_to_piece, specials: Specials) -> list[tuple[str, str]]:
    """[(role, piece), ...] for drawing a sequence with its special tokens marked, e.g.
    [("start", "<s>"), ("a", "東"), ("a", "京"), ..., ("delim", "$"), ..., ("extract", "<e>")].
    `id_to_piece` is the tokenizer's (core.tokenizers.base.Tokenizer.id_to_piece).

    >>> sp = Specials(7, 8, 9)
    >>> labelled_pieces(classification([0, 1], sp, 8), "ab".__getitem__, sp)
    [('start', '<s>'), ('text', 'a'), ('text', 'b'), ('extract', '<e>')]
    """
    out = []
    for role, ids in seq.segments:
        if role in ("start", "delim", "extract"):
            out.append((role, specials.piece(role)))
        else:
            out.extend((role, id_to_piece(i)) for i in ids)
    return join_byte_pieces(out)


_BYTE_PIECE = re.compile(r"^<0x([0-9A-Fa-f]{2})>$")


def join_byte_pieces(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of SentencePiece byte-fallback pieces (<0xE6><0x9D><0xB1>) drawn as the character they spell (東):
    a tokenizer with byte fallback writes a character outside its vocabulary as its UTF-8 bytes.

    >>> join_byte_pieces([("a", "<0xE6>"), ("a", "<0x9D>"), ("a", "<0xB1>"), ("a", "京")])
    [('a', '東'), ('a', '京')]
    """
    out: list[tuple[str, str]] = []
    run: list[int] = []
    role = ""

    def flush() -> None:
        if run:
            out.append((role, bytes(run).decode("utf-8", errors="replace")))
            run.clear()

    for r, piece in pieces:
        m = _BYTE_PIECE.match(piece)
        if m and (not run or r == role):
            role = r
            run.append(int(m.group(1), 16))
            continue
        flush()
        if m:
            role = r
            run.append(int(m.group(1), 16))
        else:
            out.append((r, piece))
    flush()
    return out
