"""Normalization: merging symbols that mean the same thing (１年生 / 1年生, りんご / リンゴ, ＡＩ / AI).

When two symbols share one distribution of contexts, a model has to split its probability between
them; merging them into one symbol lowers the perplexity. We measure this on the corpus: the same
n-gram model trained on raw, NFKC-normalized and NFKC + katakana→hiragana-folded text.

>>> normalize("１年生とＡＩ", "nfkc")
'1年生とAI'
>>> normalize("リンゴ", "nfkc_kana")
'りんご'
"""
from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

from core.lm.units import split_units
from core.lm.ngram import NGramCounts

FORMS = ("raw", "nfkc", "nfkc_kana")
# Katakana ァ (U+30A1) … ヶ (U+30F6) sit 0x60 above their hiragana; ー and ・ have none and stay.
_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}


def fold_kana(text: str) -> str:
    """Katakana -> hiragana (リンゴ -> りんご); everything else unchanged."""
    return text.translate(_KATA_TO_HIRA)


def normalize(text: str, form: str) -> str:
    """`form`: "raw" (unchanged), "nfkc", or "nfkc_kana" (NFKC, then katakana folded to hiragana)."""
    if form == "raw":
        return text
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, not {form!r}")
    out = unicodedata.normalize("NFKC", text)
    return fold_kana(out) if form == "nfkc_kana" else out


@dataclass(frozen=True)
class VariantGroup:
    normal: str  # the merged form
    surfaces: tuple[tuple[str, int], ...]  # (surface, count), most frequent first
    example: str  # a short stretch of corpus around the first use of each spelling, " / "-separated

    @property
    def total(self) -> int:
        return sum(c for _, c in self.surfaces)


def _snippet(text: str, surface: str, width: int = 5) -> str:
    """A few characters either side of the first occurrence of `surface`: "…父は毎朝7時12分…"."""
    at = text.find(surface)
    if at < 0:
        return surface
    left = text[max(0, at - width):at].replace("\n", " ").lstrip()
    right = text[at + len(surface):at + len(surface) + width].replace("\n", " ").rstrip()
    return f"…{left}{surface}{right}…"


def find_variants(text: str, level: str, lang: str, form: str = "nfkc_kana", limit: int = 40) -> list[VariantGroup]:
    """Distinct tokens of `text` whose normalized forms coincide, grouped; biggest groups first.

    Discovered from the data, not from a list: every token is normalized and tokens that land on the
    same form are variants of each other. Tokens that normalize to themselves only are not shown.
    """
    counts = Counter(split_units(text, level, lang))
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for tok, c in counts.items():
        if tok.strip():
            groups[normalize(tok, form)].append((tok, c))
    out = []
    for normal, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda tc: (-tc[1], tc[0]))
        example = "  /  ".join(_snippet(text, surface) for surface, _ in members[:3])
        out.append(VariantGroup(normal, tuple(members), example))
    # Letters and digits before punctuation; for characters, groups NFKC merges (１ / 1) before those only
    # kana folding merges (す / ス: every kana has a twin); then by the count of the rarer spelling.
    out.sort(key=lambda g: (not any(ch.isalnum() for ch in g.normal),
                            level == "char" and len({unicodedata.normalize("NFKC", s) for s, _ in g.surfaces}) > 1,
                            -min(c for _, c in g.surfaces), -g.total, g.normal))
    return out[:limit]


@dataclass(frozen=True)
class FormStats:
    form: str
    vocab: int  # distinct training tokens
    train_tokens: int
    heldout_tokens: int
    heldout_unk: int  # held-out tokens never seen in training
    heldout_ppl: float
    heldout_bits: float  # per token
    bits_per_char: float  # total held-out bits / characters of the raw held-out text (a fair comparison)
    chars: int = 0  # distinct characters of the normalized training text (the alphabet the model sees)
    heldout_chars: int = 0  # characters of the normalized held-out text (NFKC can change the length: ㈱ -> (株))


def compare_forms(train: str, heldout: str, level: str, lang: str, n: int = 3, smoothing: str = "kn",
                  forms: tuple[str, ...] = FORMS) -> list[FormStats]:
    """The same n-gram model on each normalization of the same text: vocabulary and held-out perplexity."""
    rows = []
    for form in forms:
        train_n, heldout_n = normalize(train, form), normalize(heldout, form)
        tr = split_units(train_n, level, lang)
        he = split_units(heldout_n, level, lang)
        counts = NGramCounts.train(tr, max_n=n)
        pp = counts.perplexity(he, n, smoothing)
        rows.append(FormStats(form, counts.vocab_size - 1, len(tr), len(he), pp.unk, pp.ppl, pp.bits,
                              pp.bits * len(he) / max(len(heldout), 1), len(set(train_n)), len(heldout_n)))
    return rows


@dataclass(frozen=True)
class Step:
    """One normalization step judged by held-out bits per original character (lower is better)."""

    before: str
    after: str
    bpc_before: float
    bpc_after: float

    @property
    def helps(self) -> bool:
        return self.bpc_after < self.bpc_before


def steps(rows: list[FormStats]) -> list[Step]:
    """Each form against the one before it (raw -> NFKC -> NFKC + kana folding): did bits per character fall?

    Per-token perplexity can fall while bits per character rise (folding changes how text splits into
    tokens), so the verdict is read from bits per character, the one number comparable across forms.
    """
    return [Step(a.form, b.form, a.bits_per_char, b.bits_per_char) for a, b in zip(rows, rows[1:])]


def merge_gain(p_a: float, p_b: float) -> float:
    """Bits saved per occurrence when symbols a and b (probabilities p_a, p_b) become one symbol.

    Before: a costs -log2 p_a; after: -log2 (p_a + p_b). Averaged over occurrences of a and b.
    >>> round(merge_gain(0.25, 0.25), 3)
    1.0
    """
    import math

    tot = p_a + p_b
    if p_a <= 0 or p_b <= 0:
        return 0.0
    before = -(p_a * math.log2(p_a) + p_b * math.log2(p_b)) / tot
    return before - (-math.log2(tot))
