"""core.japanese: the one definition of Japanese text, on its edge cases, and everyone uses it."""
from __future__ import annotations

import pytest

from core.japanese import RANGES, detect_lang, has_japanese, is_hiragana, is_japanese_char


@pytest.mark.parametrize("text,expect", [
    ("", False),
    ("   \n\t", False),
    ("😀👨‍👩‍👧🏳️‍🌈", False),  # emoji, ZWJ sequences, variation selectors
    ("ﾃｽﾄﾃﾞｰﾀ", True),  # half-width katakana (with the half-width voiced mark)
    ("東京都", True),  # kanji only: no kana at all
    ("々〆〇", True),  # iteration mark, closing mark, kanji zero
    ("ㇰㇱㇲ", True),  # katakana phonetic extensions (Ainu)
    ("Ｔｏｋｙｏ　２０２６", False),  # full-width Latin, digits and the ideographic space
    ("。、「」", False),  # CJK punctuation is shared with Chinese: it says nothing
    ("・ー", True),  # but the middle dot and the long-vowel mark sit in the katakana block: Japanese only
    ("The 猫 sat.", True),
    ("e\u0301 cafe\u0301", False),  # combining marks
])
def test_has_japanese_edge_cases(text, expect):
    assert has_japanese(text) is expect
    assert any(is_japanese_char(ch) for ch in text) is expect


def test_every_range_bound_is_in_and_its_neighbours_out():
    for lo, hi, _ in RANGES:
        assert is_japanese_char(chr(lo)) and is_japanese_char(chr(hi))
    inside = {cp for lo, hi, _ in RANGES for cp in (lo, hi)}
    for lo, hi, _ in RANGES:
        for cp in (lo - 1, hi + 1):
            assert is_japanese_char(chr(cp)) == any(a <= cp <= b for a, b, _ in RANGES), hex(cp)
    assert inside  # the table is not empty
    assert not is_japanese_char("ab") and not is_japanese_char("")


@pytest.mark.parametrize("text,lang", [
    ("", "en"), ("😀😀😀", "en"), ("hello world", "en"), ("ﾃｽﾄ", "ja"), ("東京", "ja"),
    ("今日は雨です。It rains today.", "ja"),
    ("A long English paragraph that mentions 東京 once " * 3, "en"),  # 2 of ~120 letters: under 10%
])
def test_detect_lang(text, lang):
    assert detect_lang(text) == lang


def test_is_hiragana():
    assert is_hiragana("です") and not is_hiragana("デス") and not is_hiragana("") and not is_hiragana("が1")


def test_the_old_private_ranges_are_gone_and_callers_agree():
    """units, the word BPE and the attention splitter all decide with core.japanese."""
    from core.lm import units
    from core.tokenizers import bpe_words
    from core.transformer import inputs

    assert units.detect_lang is detect_lang
    assert not hasattr(bpe_words, "_JAPANESE") and not hasattr(units, "_JA_RE")
    assert inputs.split_tokens("ﾃｽﾄです", "auto")[0] != ["ﾃｽﾄです"]  # half-width kana now picks MeCab
    assert bpe_words.split_words("abc ﾃｽﾄです") != ["abc", " ", "ﾃｽﾄです"]
