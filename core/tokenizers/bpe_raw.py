"""BPE on raw text, like SentencePiece: no word splitter, the space is an ordinary symbol.

The only cut is before each space (and around line breaks), as SentencePiece does by default: a
space sticks to the word after it (' cat', drawn '▁cat'), and merges never run across a space.
Japanese, which has no spaces, is learned directly from the characters of a whole line: 読売巨人軍
may become one piece if it is frequent. Unlike SentencePiece there is no NFKC normalization and the
space stays a real space inside the tokenizer (▁ is only how the UI draws it), so a literal ▁ in
the input is kept apart from a space and decode(encode(s)) == s exactly.

>>> split_raw("the cat  sat\\n今日は雨")
['the', ' cat', ' ', ' sat', '\\n', '今日は雨']
"""
from __future__ import annotations

import re

from core.tokenizers.bpe_base import BPETokenizer

_CHUNK = re.compile(r" ?[^ \n]+| |\n")


def split_raw(text: str) -> list[str]:
    return _CHUNK.findall(text)


class RawBPE(BPETokenizer):
    """BPE over raw lines with the space as a symbol (SentencePiece-style, without normalization)."""

    kind = "bpe-raw"

    def pretokenize(self, text: str) -> list[str]:
        return split_raw(text)
