"""Normalization: NFKC and kana folding, variant discovery, perplexity with and without NFKC."""
from __future__ import annotations

import math

from core.lm.normalize import compare_forms, find_variants, fold_kana, merge_gain, normalize

TEXT = ("１年生と1年生が教室にいる。りんごを食べた。リンゴはおいしい。ＡＩとAIの授業。\n"
        "1年生はりんごが好きだ。１年生もリンゴが好きだ。AIの話をした。\n") * 4


def test_normalize_forms():
    assert normalize("１年生とＡＩ", "nfkc") == "1年生とAI"
    assert normalize("ﾘﾝｺﾞ", "nfkc") == "リンゴ"
    assert normalize("リンゴ", "nfkc_kana") == "りんご"
    assert fold_kana("コーヒー") == "こーひー"
    assert normalize("abc", "raw") == "abc"


def test_variants_are_discovered_from_the_text():
    groups = {g.normal: dict(g.surfaces) for g in find_variants(TEXT, "word", "ja", "nfkc_kana")}
    assert groups["りんご"] == {"りんご": 8, "リンゴ": 8}
    assert set(groups["AI"]) == {"AI", "ＡＩ"}
    chars = {g.normal: dict(g.surfaces) for g in find_variants(TEXT, "char", "ja", "nfkc")}
    assert chars["1"] == {"１": 8, "1": 8}
    assert "り" not in chars  # no kana folding asked for


def test_nfkc_shrinks_vocabulary_and_perplexity():
    train, held = TEXT, "１年生と1年生がりんごとリンゴを食べた。ＡＩ。\n"
    rows = compare_forms(train, held, "char", "ja", n=2)
    raw, nfkc, kana = rows
    assert nfkc.vocab < raw.vocab and kana.vocab < nfkc.vocab
    assert nfkc.heldout_ppl < raw.heldout_ppl
    assert all(math.isfinite(r.heldout_ppl) for r in rows)


def test_merge_gain():
    assert math.isclose(merge_gain(0.25, 0.25), 1.0)
    assert merge_gain(0.5, 0.0) == 0.0
