"""GPT-2's own merge list replayed on a typed text, the way GPT-2's `bpe()` applies it.

GPT-2 first cuts the text into pre-tokens (a regular expression: words with their leading space, numbers,
punctuation runs), writes each pre-token's UTF-8 bytes as printable characters (a space is Ġ), then, inside
each pre-token, repeatedly merges the adjacent pair with the *lowest rank* in vocab.bpe (rank 0 was learned
first), every occurrence at once, until no adjacent pair is in the list. The pieces left are the tokens.

>>> ranks = {("l", "o"): 0, ("lo", "w"): 1, ("e", "r"): 2}
>>> [(s.rank, s.left, s.right, s.pieces) for s in replay_word("lower", ranks)]
[(0, 'l', 'o', ('lo', 'w', 'e', 'r')), (1, 'lo', 'w', ('low', 'e', 'r')), (2, 'e', 'r', ('low', 'er'))]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.tokenizers.production_specs import VENDOR_DIR


@dataclass(frozen=True)
class MergeStep:
    word: str  # the pre-token (byte-level characters: Ġ for a space)
    rank: int  # 0-based rank in vocab.bpe
    left: str
    right: str
    count: int  # occurrences merged at once in this pre-token
    pieces: tuple[str, ...]  # the pre-token's pieces after the merge


def load_ranks(folder: Path = VENDOR_DIR / "gpt2") -> dict[tuple[str, str], int]:
    """vocab.bpe -> {(left, right): rank}; the first line is a `#version` header."""
    lines = (folder / "vocab.bpe").read_text("utf-8").splitlines()
    pairs = [tuple(line.split(" ")) for line in lines if line and not line.startswith("#version")]
    return {p: r for r, p in enumerate(pairs) if len(p) == 2}


def replay_word(word: str, ranks: dict[tuple[str, str], int]) -> list[MergeStep]:
    """Every merge that fires on one pre-token, in the order GPT-2 applies them."""
    pieces = list(word)
    steps = []
    while len(pieces) > 1:
        pairs = {(a, b) for a, b in zip(pieces, pieces[1:])}
        best = min(pairs, key=lambda p: ranks.get(p, float("inf")))
        if best not in ranks:
            break
        out, i, n = [], 0, 0
        while i < len(pieces):
            if i + 1 < len(pieces) and (pieces[i], pieces[i + 1]) == best:
                out.append(pieces[i] + pieces[i + 1])
                i += 2
                n += 1
            else:
                out.append(pieces[i])
                i += 1
        pieces = out
        steps.append(MergeStep(word, ranks[best], best[0], best[1], n, tuple(pieces)))
    return steps


def pre_tokens(text: str) -> list[str]:
    """GPT-2's pre-tokens of `text`, in byte-level characters (the `tokenizers` ByteLevel pre-tokenizer)."""
    from tokenizers import pre_tokenizers

    return [p for p, _ in pre_tokenizers.ByteLevel(add_prefix_space=False).pre_tokenize_str(text)]


def replay(text: str, ranks: dict[tuple[str, str], int]) -> tuple[list[MergeStep], list[str]]:
    """(every merge that fires, pre-token by pre-token; the final pieces): GPT-2's tokens of `text`."""
    steps, final = [], []
    for word in pre_tokens(text):
        fired = replay_word(word, ranks)
        steps += fired
        final += list(fired[-1].pieces) if fired else list(word)
    return steps, final
