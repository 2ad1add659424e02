"""Numbers written in words, in English and Japanese: a small translation task with visible alignment.

The encoder-decoder page translates a number written in words into its digits. The task is small
enough to train on a CPU in seconds, yet it has what makes cross-attention worth looking at: each
output digit comes from particular source words (in "three hundred twenty-one", the 2 comes from
"twenty"), and some digits come from no word at all (the 0 in "three hundred five").

>>> english_words(321)
['three', 'hundred', 'twenty', 'one']
>>> english_words(7005)
['seven', 'thousand', 'five']
>>> japanese_words(321)
['三', '百', '二', '十', '一']
>>> japanese_words(1110)
['千', '百', '十']
>>> parse_words("Three hundred twenty-one", "en")
['three', 'hundred', 'twenty', 'one']
"""
from __future__ import annotations

import functools
import random
import re

from core.errors import UserInputError

MAX_NUMBER = 9999  # four digits: thousands are the largest unit both languages share without a new word

_EN_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_JA_DIGITS = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
_JA_UNITS = [(1000, "千"), (100, "百"), (10, "十")]

EN_VOCAB = sorted(set(_EN_ONES) | set(_EN_TENS[2:]) | {"hundred", "thousand"})
JA_VOCAB = sorted(set(_JA_DIGITS) | {u for _, u in _JA_UNITS})
DIGITS = list("0123456789")


def english_words(n: int) -> list[str]:
    """English words of 0 <= n <= 9999, one token per word ("twenty-one" is two tokens)."""
    _check_range(n)
    if n == 0:
        return ["zero"]
    words: list[str] = []
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    if thousands:
        words += [_EN_ONES[thousands], "thousand"]
    if hundreds:
        words += [_EN_ONES[hundreds], "hundred"]
    if rest >= 20:
        words.append(_EN_TENS[rest // 10])
        if rest % 10:
            words.append(_EN_ONES[rest % 10])
    elif rest:
        words.append(_EN_ONES[rest])
    return words


def japanese_words(n: int) -> list[str]:
    """Japanese kanji numerals of 0 <= n <= 9999, one token per character (千, 百, 十 drop a leading 一)."""
    _check_range(n)
    if n == 0:
        return ["〇"]
    out: list[str] = []
    for unit, name in _JA_UNITS:
        d, n = divmod(n, unit)
        if d:
            out += ([_JA_DIGITS[d]] if d > 1 else []) + [name]
    if n:
        out.append(_JA_DIGITS[n])
    return out


def words(n: int, lang: str) -> list[str]:
    return japanese_words(n) if lang == "ja" else english_words(n)


def vocab(lang: str) -> list[str]:
    return JA_VOCAB if lang == "ja" else EN_VOCAB


def parse_words(text: str, lang: str) -> list[str]:
    """Split typed words into source tokens; refuse anything outside the task's vocabulary."""
    text = text.strip()
    if not text:
        raise UserInputError("Type a number in words, e.g. “three hundred twenty-one”.",
                             "数を漢数字で入力してください（例：三百二十一）。")
    if lang == "ja":
        tokens = [ch for ch in text if not ch.isspace()]
    else:
        tokens = [w for w in re.split(r"[\s\-,]+", text.lower()) if w and w != "and"]
    unknown = [t for t in tokens if t not in vocab(lang)]
    if unknown:
        shown = ", ".join(dict.fromkeys(unknown))[:80]
        raise UserInputError(
            f"Not number words this model knows: {shown}. Use words for 0–9999.",
            f"このモデルが知らない語です：{shown}。0〜9999 の数詞を使ってください。",
        )
    if len(tokens) > 12:
        raise UserInputError("Too many words for a number up to 9999.", "9999 までの数にしては語が多すぎます。")
    return tokens


def sample_pairs(count: int, lang: str, seed: int) -> list[tuple[list[str], list[str]]]:
    """`count` random (source words, target digits) pairs; numbers drawn log-uniformly so small ones appear too."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        n_digits = rng.randint(1, 4)
        n = rng.randint(0 if n_digits == 1 else 10 ** (n_digits - 1), 10**n_digits - 1)
        pairs.append((words(n, lang), list(str(n))))
    return pairs


@functools.lru_cache(maxsize=2)
def _index(lang: str) -> dict[tuple[str, ...], int]:
    return {tuple(words(n, lang)): n for n in range(MAX_NUMBER + 1)}


def value_of(tokens: list[str], lang: str) -> int | None:
    """The number these words spell, or None when they are not a well-formed number.

    >>> value_of(["three", "hundred", "five"], "en"), value_of(["hundred", "three"], "en")
    (305, None)
    """
    return _index(lang).get(tuple(tokens))


def _check_range(n: int) -> None:
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"n must be in 0..{MAX_NUMBER}, got {n}")
