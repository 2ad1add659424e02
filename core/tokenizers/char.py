"""Character tokenizer: one id per Unicode code point seen in training, plus <unk> (id 0)."""
from __future__ import annotations

import json
from pathlib import Path

from core.tokenizers.base import Tokenizer

UNK = "<unk>"


class CharTokenizer(Tokenizer):
    """>>> tok = CharTokenizer.train("abca")
    >>> tok.encode("abz"), tok.decode(tok.encode("cab"))
    ([1, 2, 0], 'cab')
    """

    name = "char"

    def __init__(self, chars: list[str]):
        self.itos = [UNK] + list(chars)
        self.stoi = {ch: i for i, ch in enumerate(self.itos) if i > 0}

    @classmethod
    def train(cls, text: str) -> "CharTokenizer":
        return cls(sorted(set(text)))

    @property
    def vocab_size(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> list[int]:
        return [self.stoi.get(ch, 0) for ch in text]

    def decode(self, ids: list[int]) -> str:
        # An unknown id decodes to U+FFFD so decode never raises on model output.
        return "".join(self.itos[i] if 0 < i < len(self.itos) else "\ufffd" for i in ids)

    def id_to_piece(self, i: int) -> str:
        return self.itos[i] if 0 <= i < len(self.itos) else UNK

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps({"type": "char", "chars": self.itos[1:]}, ensure_ascii=False),
                              encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "CharTokenizer":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("type") != "char":
            raise ValueError(f"{path} is not a character tokenizer file")
        return cls(data["chars"])
