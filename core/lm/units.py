"""The units a language-model page counts: characters, or words (whitespace/punctuation for English,
MeCab morphemes for Japanese). Line breaks are kept as a "\\n" token so sampled text keeps its paragraphs.

>>> split_units("The cat sat.", "word", "en")
['The', 'cat', 'sat', '.']
>>> split_units("ab\\nc", "char", "en")
['a', 'b', '\\n', 'c']
"""
from __future__ import annotations

import re

LEVELS = ("char", "word")
_WORD_RE = re.compile(r"\n|\w+(?:['’]\w+)*|[^\w\s]")
_JA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")


def detect_lang(text: str) -> str:
    """"ja" when at least 10% of the first 5,000 non-space characters are kana or kanji, else "en"."""
    sample = "".join(text[:5000].split())
    if not sample:
        return "en"
    return "ja" if len(_JA_RE.findall(sample)) >= 0.1 * len(sample) else "en"


def split_units(text: str, level: str, lang: str) -> list[str]:
    """`text` -> tokens at `level` ("char" | "word"); `lang` ("en" | "ja") picks the word splitter."""
    if level == "char":
        return list(text)
    if level != "word":
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if lang != "ja":
        return _WORD_RE.findall(text)
    from core.tokenizers.mecab import split  # lazy: MeCab only when Japanese words are asked for

    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("\n")
        if line.strip():
            out.extend(split(line))
    return out


def join_units(tokens: list[str], level: str, lang: str) -> str:
    """Tokens back to readable text (English words get spaces, except before punctuation and newlines)."""
    if level == "char" or lang == "ja":
        return "".join(tokens)
    out: list[str] = []
    for tok in tokens:
        glue = not out or out[-1] == "\n" or tok == "\n" or (len(tok) == 1 and not tok.isalnum() and tok not in "(\"“")
        out.append(tok if glue else " " + tok)
    return "".join(out)


def show_token(tok: str) -> str:
    """A token as drawn in tables and charts: a space and a line break become visible symbols."""
    if tok.strip():
        return tok
    return tok.replace(" ", "␣").replace("\u3000", "␣").replace("\n", "⏎").replace("\t", "⇥")
