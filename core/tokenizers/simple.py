"""Human-defined splits, as Tokenizers with a vocabulary learned from a corpus:
whitespace words, UTF-8 bytes and MeCab morphemes (the character tokenizer is `char.CharTokenizer`).

A split fixed by people still needs a vocabulary to give ids, and a word never seen in the corpus
gets <unk> (id 0): the out-of-vocabulary problem that BPE and SentencePiece were made to solve.

>>> ws = WhitespaceTokenizer.train("the cat sat on the mat")
>>> ws.pieces("the dog sat"), ws.encode("the dog sat")
(['the', 'dog', 'sat'], [1, 0, 3])
>>> ByteTokenizer().encode("é")
[195, 169]
"""
from __future__ import annotations

from collections import Counter

from core.tokenizers import mecab
from core.tokenizers.base import Tokenizer

UNK = "<unk>"


class _VocabTokenizer(Tokenizer):
    """Tokens from `split`, ids from a vocabulary (most frequent first, <unk> = 0); decode joins
    with `joiner` (a whitespace split cannot know which spaces there were: decode is lossy)."""

    joiner = ""

    def __init__(self, words: list[str]):
        self.itos = [UNK] + list(words)
        self.stoi = {w: i for i, w in enumerate(self.itos) if i > 0}

    def split(self, text: str) -> list[str]:
        raise NotImplementedError

    @classmethod
    def train(cls, text: str, max_words: int = 50_000):
        counts = Counter(cls.split(cls([]), text))
        # most frequent first; ties in first-seen order (Counter keeps insertion order)
        return cls([w for w, _ in counts.most_common(max_words)])

    @property
    def vocab_size(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> list[int]:
        return [self.stoi.get(w, 0) for w in self.split(text)]

    def decode(self, ids: list[int]) -> str:
        return self.joiner.join(self.itos[i] if 0 <= i < len(self.itos) else UNK for i in ids)

    def id_to_piece(self, i: int) -> str:
        return self.itos[i] if 0 <= i < len(self.itos) else UNK

    def pieces(self, text: str) -> list[str]:
        return self.split(text)  # the real surfaces, also for unknown words


class WhitespaceTokenizer(_VocabTokenizer):
    """Words are what lies between spaces (English and the like). Punctuation stays on the word."""

    name = "whitespace"
    joiner = " "

    def split(self, text: str) -> list[str]:
        return text.split()


class MecabTokenizer(_VocabTokenizer):
    """Morphemes from MeCab (fugashi + unidic-lite): the human-defined split for Japanese."""

    name = "mecab"

    def split(self, text: str) -> list[str]:
        return mecab.split(text)


class ByteTokenizer(Tokenizer):
    """UTF-8 bytes: 256 ids, nothing is ever unknown, but 読 costs three tokens."""

    name = "bytes"

    @property
    def vocab_size(self) -> int:
        return 256

    def encode(self, text: str) -> list[int]:
        return list(text.encode("utf-8"))

    def decode(self, ids: list[int]) -> str:
        return bytes(i for i in ids if 0 <= i < 256).decode("utf-8", errors="replace")

    def id_to_piece(self, i: int) -> str:
        return f"<0x{i:02X}>"
