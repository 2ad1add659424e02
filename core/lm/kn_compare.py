"""Interpolated against modified Kneser–Ney, each tuned on a dev split, then scored once on held-out text.

The dev split is 10 % of the training paragraphs, drawn by hash (the seed of scripts/build_models.py's
n-gram baseline), left out of the counts while tuning: for interpolated KN the order n and the discount
D (KN's own per-order estimate, or one fixed D), for modified KN the order n and a factor on Chen &
Goodman's three estimated discounts. Then both are counted on all the training text and scored on the
held-out part, which no choice has seen.

    result = compare(train_text, heldout_text, "char", "en")   # JSON-able, for core.notes_store
"""
from __future__ import annotations

from typing import Callable

from core.corpus import split_train_heldout
from core.lm import modified_kn
from core.lm.data import build
from core.lm.ngram import MAX_ORDER, NGramCounts

DEV_SEED = "atlas-dev-1"
KN_DISCOUNTS = (None, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)  # None: KN's own estimate n1 / (n1 + 2 n2) per order
MKN_SCALES = (0.7, 0.85, 1.0, 1.15, 1.3)  # factors on (D1, D2, D3+); 1.0 is Chen & Goodman's estimate
GRIDS = {"kn": KN_DISCOUNTS, "mkn": MKN_SCALES}


def dev_split(train_text: str) -> tuple[str, str]:
    """(fit, dev): the training paragraphs without / with the dev draw; a text with too few paragraphs
    for both to be non-empty gives its last 10 % as dev instead."""
    from core.gpt.tasks.pretrain_text import is_heldout

    paras = [p for p in train_text.split("\n\n") if p.strip()]
    draw = [is_heldout(p, seed=DEV_SEED) for p in paras]
    fit = "\n\n".join(p for p, d in zip(paras, draw) if not d)
    dev = "\n\n".join(p for p, d in zip(paras, draw) if d)
    if not fit.strip() or not dev.strip():
        return split_train_heldout(train_text)
    return fit, dev


def _tune(counts: NGramCounts, dev: list[str], smoothing: str,
          step: Callable[[], None]) -> tuple[int, float | None, float]:
    """(n, setting, dev perplexity) of the lowest dev perplexity over n = 1..MAX_ORDER and the grid."""
    best = None
    for n in range(1, counts.max_n + 1):
        step()
        for s in GRIDS[smoothing]:
            ppl = counts.perplexity(dev, n, smoothing, discount=s).ppl
            if best is None or ppl < best[2]:
                best = (n, s, ppl)
    return best


def compare(train_text: str, heldout_text: str, level: str, lang: str, step: Callable[[], None] = lambda: None) -> dict:
    """Both smoothings tuned on the dev split and scored on `heldout_text`; `step` is called between pieces
    of work (a job's progress and stop check). Perplexities are per token of `level`."""
    fit, dev = dev_split(train_text)
    tuning = build(fit, dev, level, lang, max_n=MAX_ORDER)
    step()
    full = build(train_text, heldout_text, level, lang, max_n=MAX_ORDER)
    rows = []
    for sm in ("kn", "mkn"):
        n, s, dev_ppl = _tune(tuning.counts, tuning.heldout, sm, step)
        held = full.counts.perplexity(full.heldout, n, sm, discount=s).ppl
        if sm == "mkn":
            ds = modified_kn.order_discounts(full.counts, n, 1.0 if s is None else s)
        else:
            o = full.counts.orders
            ds = [(s if s is not None else (o[j].d_raw if j == n - 1 else o[j].d_cont),) for j in range(n)]
        rows.append({"smoothing": sm, "n": n, "setting": s, "dev_ppl": round(dev_ppl, 4),
                     "heldout_ppl": round(held, 4), "discounts": [[round(d, 4) for d in t] for t in ds]})
    by_n = {sm: [round(full.counts.perplexity(full.heldout, n, sm).ppl, 4) for n in range(1, MAX_ORDER + 1)]
            for sm in ("kn", "mkn")}
    return {"level": level, "rows": rows, "by_n": by_n, "dev_tokens": len(tuning.heldout),
            "heldout_tokens": len(full.heldout), "train_tokens": len(full.train)}


def note(train_text: str, heldout_text: str, level: str, lang: str, corpus_key: str):
    """The comparison as a core.notes_store Note (computed once per corpus and level in a background job)."""
    from core.notes_store import Note
    from core.notes_specs import lib_versions

    inputs = {"corpus": corpus_key, "level": level, "lang": lang, "kn": list(KN_DISCOUNTS), "mkn": list(MKN_SCALES),
              "dev_seed": DEV_SEED, "version": 1,
              "libs": lib_versions("fugashi", "unidic-lite") if level == "word" and lang == "ja" else {}}
    return Note(f"kn-compare-{lang}-{level}", inputs, lambda: compare(train_text, heldout_text, level, lang))


def shipped_note(lang: str, level: str):
    """`note` on the shipped corpus of `lang`, with the inputs the n-gram page builds when it opens on it
    (ui.corpus_picker: the text's corpus_id as key, the pages' split; core.lm.data.corpus_lang): what
    scripts/build_models.py ships."""
    from core.corpus import corpus_id, load_shipped
    from core.lm.data import corpus_lang

    text = load_shipped(lang)
    train, heldout = split_train_heldout(text)
    return note(train, heldout, level, corpus_lang(lang, text), corpus_id(text))
