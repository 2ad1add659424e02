"""What each language pays: tokens per English sentence and per Japanese sentence of the same meaning.

The pairs (assets/parallel/en_ja.tsv) were written for this project, one meaning per line in both
languages. A tokenizer's *premium* for Japanese is the ratio of its token counts on the two sides,
summed over all pairs (a ratio of totals, so one short sentence cannot dominate):

>>> rows = premium_table({"chars": len}, [Pair("t", "a cat", "猫")])
>>> rows[0].en_per_pair, rows[0].ja_per_pair, rows[0].ratio
(5.0, 1.0, 0.2)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

PAIRS_FILE = Path(__file__).resolve().parents[2] / "assets" / "parallel" / "en_ja.tsv"


@dataclass(frozen=True)
class Pair:
    topic: str
    en: str
    ja: str


@dataclass(frozen=True)
class PremiumRow:
    key: str
    en_tokens: int  # over all pairs
    ja_tokens: int
    n_pairs: int

    @property
    def en_per_pair(self) -> float:
        return self.en_tokens / self.n_pairs

    @property
    def ja_per_pair(self) -> float:
        return self.ja_tokens / self.n_pairs

    @property
    def ratio(self) -> float:
        """Japanese tokens / English tokens: above 1, the same meaning costs Japanese more tokens."""
        return self.ja_tokens / self.en_tokens if self.en_tokens else float("nan")


def load_pairs(path: Path = PAIRS_FILE) -> list[Pair]:
    """The parallel pairs: `topic<TAB>English<TAB>Japanese` per line, `#` lines are comments."""
    pairs = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3 or not all(c.strip() for c in cols):
            raise ValueError(f"{path.name}:{n}: expected topic, English, Japanese separated by tabs")
        pairs.append(Pair(*(c.strip() for c in cols)))
    return pairs


def premium_table(count: Mapping[str, Callable[[str], int]], pairs: list[Pair]) -> list[PremiumRow]:
    """Per tokenizer (`count[key](text)` -> number of tokens), the tokens of both sides over `pairs`."""
    return [PremiumRow(key, sum(fn(p.en) for p in pairs), sum(fn(p.ja) for p in pairs), len(pairs))
            for key, fn in count.items()]
