"""BPE on words: the text is first cut into words, and merges stay inside a word.

English words are what lies between spaces; Japanese has no spaces, so MeCab cuts it into morphemes
first, and BPE treats each morpheme as the notes say: like an English word. Spaces and line breaks
are chunks of their own, so the text still round-trips exactly.

>>> split_words("the cat  sat")
['the', ' ', 'cat', '  ', 'sat']
>>> split_words("読売巨人軍が勝った")
['読売', '巨人', '軍', 'が', '勝っ', 'た']
"""
from __future__ import annotations

import re

from core.japanese import has_japanese
from core.tokenizers import mecab
from core.tokenizers.bpe_base import BPETokenizer

_CHUNK = re.compile(r"\s+|\S+")


def split_words(text: str) -> list[str]:
    """Whitespace runs, and the words between them; a word with Japanese in it is split by MeCab."""
    out: list[str] = []
    for m in _CHUNK.finditer(text):
        chunk = m.group()
        if not chunk[0].isspace() and has_japanese(chunk):
            parts = mecab.split(chunk)
            if "".join(parts) == chunk:  # MeCab may drop or change characters: then keep the chunk whole
                out.extend(parts)
                continue
        out.append(chunk)
    return out


class WordBPE(BPETokenizer):
    """BPE inside words (whitespace / MeCab morphemes): 読売巨人軍 can never become one piece,
    because MeCab already cut it into 読売 | 巨人 | 軍."""

    kind = "bpe-words"

    def pretokenize(self, text: str) -> list[str]:
        return split_words(text)

    def learns_from(self, chunk: str) -> bool:
        return not chunk.isspace()  # runs of spaces are not words: no merges learned from them
