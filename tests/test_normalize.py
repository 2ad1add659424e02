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


def test_form_stats_count_characters_and_judge_steps_by_bits_per_char():
    from core.lm.normalize import steps

    train, held = TEXT, "１年生と1年生がりんごとリンゴを食べた。ＡＩ。\n"
    rows = compare_forms(train, held, "char", "ja", n=2)
    for r in rows:
        assert r.chars == len(set(normalize(train, r.form)))
        assert r.heldout_chars == len(normalize(held, r.form))
        assert math.isclose(r.bits_per_char, r.heldout_bits * r.heldout_tokens / len(held))
    st = steps(rows)
    assert [(s.before, s.after) for s in st] == [("raw", "nfkc"), ("nfkc", "nfkc_kana")]
    assert [s.helps for s in st] == [s.bpc_after < s.bpc_before for s in st]
    assert st[0].bpc_before == rows[0].bits_per_char and st[1].bpc_after == rows[2].bits_per_char


def test_shipped_japanese_corpus_nfkc_helps_kana_folding_does_not():
    """What README and the page now say: on the corpus, NFKC lowers bits per character, kana folding raises it."""
    from core.corpus import load_shipped, split_train_heldout
    from core.lm.normalize import steps

    train, held = split_train_heldout(load_shipped("ja"))
    nfkc, kana = steps(compare_forms(train, held, "word", "ja", n=3))
    assert nfkc.helps and not kana.helps
    assert round(nfkc.bpc_after, 2) == 4.42 and round(kana.bpc_after, 2) == 4.50
