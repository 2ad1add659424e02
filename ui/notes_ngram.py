"""The n-gram and normalization pages' numbers on a shipped corpus, read from assets/models/notes/ (core.notes_specs):
the n-gram curves at every setting, its distant-repeat example, and the normalization table at every level and
n, so a first open counts nothing and runs no MeCab over the corpus.

Both return None when the corpus is an upload or the shipped note is stale: the page then computes as before.
"""
from __future__ import annotations

from core import notes_specs
from core.corpus import load_shipped
from core.lm.chain_rule import DistantRepeat
from core.lm.ngram import Perplexity
from core.notes_store import shipped


def _note(picked) -> dict | None:
    if picked.lang_hint not in ("en", "ja") or picked.text != load_shipped(picked.lang_hint):
        return None
    return shipped(notes_specs.ngram_page(picked.lang_hint))


def curves(picked, level: str, smoothing: str, k: float) -> tuple[list[Perplexity], list[Perplexity]] | None:
    """(held-out curve, training curve) for orders 1..5, or None."""
    note = _note(picked)
    got = None if note is None else note["curves"].get(f"{level}|{smoothing}|{k}")
    if got is None:
        return None
    return [Perplexity(**p) for p in got["heldout"]], [Perplexity(**p) for p in got["train"]]


def distant(picked) -> tuple[DistantRepeat | None, dict[str, float]] | None:
    """(the example or None, {"n|smoothing|k": P(repeat | window)}), or None when not shipped."""
    note = _note(picked)
    if note is None:
        return None
    d = note["distant"]
    if d is None:
        return None, {}
    return DistantRepeat(tuple(d["tokens"]), d["first"], d["second"]), d["probs"]


def form_stats(picked, level: str, n: int, forms: tuple[str, ...]):
    """The normalization page's rows (core.lm.normalize.FormStats, in `forms` order) on a shipped corpus, or None."""
    from core.lm.normalize import FormStats

    if picked.lang_hint not in ("en", "ja") or picked.text != load_shipped(picked.lang_hint):
        return None
    note = shipped(notes_specs.normalization_page(picked.lang_hint))
    rows = None if note is None else {r["form"]: FormStats(**r) for r in note.get(f"{level}|{n}", [])}
    if not rows or any(f not in rows for f in forms):
        return None
    return [rows[f] for f in forms]
