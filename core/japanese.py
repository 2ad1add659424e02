"""What counts as "Japanese text": the one definition every page and tokenizer uses.

A character is Japanese when it is a letter of the Japanese writing system: hiragana, katakana (full
and half width, with the small phonetic extensions) or a kanji (CJK ideographs, extension A and the
compatibility block, plus the marks 々 〆 〇 that behave like kanji). Punctuation (。「」), full-width
Latin letters (ＡＢＣ) and digits are shared with Chinese or English text, so they do not count:
they say nothing about which splitter (spaces or MeCab) a text needs.

>>> has_japanese("the cat sat")
False
>>> has_japanese("The 猫 sat")
True
>>> detect_lang("今日は雨です。It rains.")
'ja'
"""
from __future__ import annotations

import re

# (first, last) code points, inclusive. Kanji are CJK ideographs: Chinese shares them, but a text with
# kanji and no kana is still best split by MeCab among the splitters this app has.
RANGES: tuple[tuple[int, int, str], ...] = (
    (0x3005, 0x3007, "々 〆 〇 (iteration mark, closing mark, kanji zero)"),
    (0x3040, 0x309F, "hiragana"),
    (0x30A0, 0x30FF, "katakana (with ー and ヶ)"),
    (0x31F0, 0x31FF, "katakana phonetic extensions (small ㇰ ㇱ …)"),
    (0x3400, 0x4DBF, "CJK ideographs, extension A"),
    (0x4E00, 0x9FFF, "CJK unified ideographs (kanji)"),
    (0xF900, 0xFAFF, "CJK compatibility ideographs"),
    (0xFF66, 0xFF9F, "half-width katakana (ｦ … ﾝ, ﾞ ﾟ)"),
)

# One character class built from RANGES, so the regex and the table cannot disagree.
JAPANESE_CHAR = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b, _ in RANGES) + "]")

DETECT_SAMPLE = 5000  # characters looked at: enough to decide, bounded work on a huge upload
DETECT_SHARE = 0.1  # a tenth of the letters: Japanese prose with English names in it is still Japanese


def is_japanese_char(ch: str) -> bool:
    """True for one kana or kanji character.

    >>> [is_japanese_char(c) for c in "あアｱ漢々A。😀"]
    [True, True, True, True, True, False, False, False]
    """
    return len(ch) == 1 and JAPANESE_CHAR.match(ch) is not None


def is_hiragana(text: str) -> bool:
    """True when every character of a non-empty `text` is hiragana: particles and endings (が, です).

    >>> is_hiragana("です"), is_hiragana("東京"), is_hiragana("")
    (True, False, False)
    """
    return bool(text) and all(0x3040 <= ord(ch) <= 0x309F for ch in text)


def has_japanese(text: str) -> bool:
    """True when `text` contains at least one kana or kanji.

    >>> has_japanese(""), has_japanese("😀👍🏽"), has_japanese("ﾃｽﾄ"), has_japanese("東京")
    (False, False, True, True)
    """
    return JAPANESE_CHAR.search(text) is not None


def detect_lang(text: str) -> str:
    """"ja" when at least 10% of the first 5,000 non-space characters are kana or kanji, else "en".

    >>> detect_lang(""), detect_lang("hello world"), detect_lang("東京タワー"), detect_lang("I like 寿司 a lot")
    ('en', 'en', 'ja', 'ja')
    """
    sample = "".join(text[:DETECT_SAMPLE].split())
    if not sample:
        return "en"
    return "ja" if len(JAPANESE_CHAR.findall(sample)) >= DETECT_SHARE * len(sample) else "en"
