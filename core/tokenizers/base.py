"""The interface every tokenizer here shares: train / encode / decode / pieces / save / load."""
from __future__ import annotations

from abc import ABC, abstractmethod


class Tokenizer(ABC):
    """text -> ids -> text.

    `pieces(text)` gives the surface strings of the tokens (what the UI draws as chips);
    `vocab_size` is the number of ids the tokenizer can emit (what an embedding table needs).
    """

    name: str = "tokenizer"

    @property
    @abstractmethod
    def vocab_size(self) -> int: ...

    @abstractmethod
    def encode(self, text: str) -> list[int]: ...

    @abstractmethod
    def decode(self, ids: list[int]) -> str: ...

    def pieces(self, text: str) -> list[str]:
        return [self.id_to_piece(i) for i in self.encode(text)]

    @abstractmethod
    def id_to_piece(self, i: int) -> str: ...
