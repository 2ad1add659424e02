"""The units a language-model page counts: characters, or words (whitespace/punctuation for English,
MeCab morphemes for Japanese). Line breaks are kept as a "\\n" token so sampled text keeps its paragraphs.

>>> split_units("The cat sat.", "word", "en")
['The', 'cat', 'sat', '.']
>>> split_units("ab\\nc", "char", "en")
['a', 'b', '\\n', 'c']
"""
from __future__ import annotations

import functools
import hashlib
import json
import re

from core.japanese import detect_lang
from core.runtime.diskcache import get_or_build
from core.textcheck import native_text

__all__ = ["LEVELS", "detect_lang", "join_units", "show_token", "split_units"]

LEVELS = ("char", "word")
_WORD_RE = re.compile(r"\n|\w+(?:['’]\w+)*|[^\w\s]")
MECAB_CACHE_KIND = "mecab-words"  # $ATLAS_CACHE_DIR/mecab-words/<text hash>-<dictionary>.json
MECAB_CACHE_MIN_CHARS = 4_000  # shorter texts split in < 20 ms: a file read would save nothing


def split_units(text: str, level: str, lang: str) -> list[str]:
    """`text` -> tokens at `level` ("char" | "word"); `lang` ("en" | "ja") picks the word splitter."""
    if level == "char":
        return list(text)
    if level != "word":
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    if lang != "ja":
        return _WORD_RE.findall(text)
    text = native_text(text)  # hashed and given to MeCab as UTF-8: no lone surrogates (NUL kept out too)
    if len(text) < MECAB_CACHE_MIN_CHARS:
        return _mecab_lines(text)
    # A whole corpus: 0.1-0.3 s of MeCab on the shipped one (82k characters, 51k words), most of a rerun after
    # a corpus or level switch. Split once per machine and kept on disk by hash (400 KB of JSON, read in ~10 ms).
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32] + "-" + _mecab_version()
    words, _info = get_or_build(MECAB_CACHE_KIND, key, lambda: _mecab_lines(text), dump=_dump_words,
                                load=_load_words, suffix=".json")
    return words


def _mecab_lines(text: str) -> list[str]:
    """MeCab's words line by line, a "\\n" token between lines (blank lines give no word)."""
    from core.tokenizers.mecab import split  # lazy: MeCab only when Japanese words are asked for

    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("\n")
        if line.strip():
            out.extend(split(line))
    return out


@functools.lru_cache(maxsize=1)
def _mecab_version() -> str:
    """fugashi's and unidic-lite's versions: another dictionary may split differently, so it is in the key."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for pkg in ("fugashi", "unidic-lite"):
        try:
            out.append(version(pkg))
        except PackageNotFoundError:
            out.append("none")
    return "-".join(out)


def _dump_words(words: list[str]) -> bytes:
    return json.dumps(words, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _load_words(data: bytes) -> list[str]:
    words = json.loads(data.decode("utf-8"))
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ValueError("not a list of words")  # get_or_build then splits again and rewrites the file
    return words


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
