"""The units a language-model page counts: characters, or words (whitespace/punctuation for English,
MeCab morphemes for Japanese). Line breaks are kept as a "\\n" token so sampled text keeps its paragraphs.

>>> split_units("The cat sat.", "word", "en")
['The', 'cat', 'sat', '.']
>>> split_units("ab\\nc", "char", "en")
['a', 'b', '\\n', 'c']
"""
from __future__ import annotations

import re

from core.japanese import detect_lang

__all__ = ["LEVELS", "detect_lang", "join_units", "show_token", "split_units"]

LEVELS = ("char", "word")
_WORD_RE = re.compile(r"\n|\w+(?:['’]\w+)*|[^\w\s]")


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
