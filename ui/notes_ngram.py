"""The n-gram page's numbers on a shipped corpus, read from assets/models/notes/ (core.notes_specs.ngram_page):
its curves at every setting and its distant-repeat example, so a first open counts no words with MeCab.

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
