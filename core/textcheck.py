"""Checks on text a user typed or pasted, shared by every page.

Pages never trust typed text: it is checked here (empty, too long, control characters) and only ever
shown through escaping renderers. Emoji, combining marks and any script are valid text and kept.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.errors import UserInputError

# Typed sentences are for looking at token by token; 2,000 characters is more than a projector shows.
DEFAULT_MAX_CHARS = 2000
_KEEP_CONTROLS = {"\n", "\t"}
# Format characters (Cf) that text needs: ZWJ joins emoji sequences (👨‍👩‍👧), ZWNJ shapes Persian and
# Indic scripts. Other Cf (bidi overrides that reverse what a reader sees, zero-width spaces, BOMs,
# invisible tags) are dropped with the C0/C1 controls.
_KEEP_FORMAT = {"\u200d", "\u200c"}


@dataclass(frozen=True)
class CheckedText:
    text: str
    original_chars: int
    truncated: bool  # cut to max_chars
    removed_controls: int  # control / format characters removed (ZWJ is kept: emoji need it)


def strip_controls(text: str) -> tuple[str, int]:
    """Remove C0/C1 control characters (but newline and tab) and invisible format characters (but ZWJ
    and ZWNJ); return (text, how many removed).

    >>> strip_controls("a\\x00b\\x1bc\\u202ed\\u200be")
    ('abcde', 4)
    """
    kept = [ch for ch in text if ch in _KEEP_CONTROLS or ch in _KEEP_FORMAT
            or unicodedata.category(ch) not in ("Cc", "Cf")]
    return "".join(kept), len(text) - len(kept)


def check_text(text: str | None, max_chars: int = DEFAULT_MAX_CHARS, allow_empty: bool = False) -> CheckedText:
    """Clean `text` for analysis: drop control characters, cut to `max_chars`, refuse empty text."""
    raw = text or ""
    cleaned, removed = strip_controls(raw)
    if not allow_empty and not cleaned.strip():
        raise UserInputError(
            "The text is empty: type or paste a sentence.",
            "テキストが空です。文を入力するか貼り付けてください。",
        )
    truncated = len(cleaned) > max_chars
    if truncated:
        cleaned = cleaned[:max_chars]
    return CheckedText(cleaned, len(raw), truncated, removed)


# --- text on its way into native code (MeCab, Sudachi, SentencePiece, Hugging Face tokenizers) -----------
# Measured here (fugashi 1.x + unidic-lite, one line, no line break, in a child process): MeCab segfaults
# (kills the whole server) from ~190 KB of one repeated Latin letter or digit, ~570 KB of "a b", ~2.4 MB of
# Japanese prose, ~2.5 MB of 。 and ~3.9 MB of emoji. Sudachi raises on more than 49,149 bytes;
# SentencePiece and the HF tokenizers encode a 5 MB line (the upload limit) without harm, and
# SentencePiece's trainer skips lines over its max_sentence_length. Every line handed to native code is
# cut to NATIVE_MAX_LINE_BYTES at most, six times under the smallest crash seen and under Sudachi's limit
# (MeCab's own wrapper cuts smaller still: its time is quadratic in a long run of letters).
NATIVE_MAX_LINE_BYTES = 32 * 1024
_NATIVE_BAD = re.compile("[\x00\ud800-\udfff]")  # NUL ends a C string early; a lone surrogate is not UTF-8
_SENTENCE_ENDS = "。！？!?．.\u3002"
_NO_CUT_BEFORE = {"\u200d", "\u200c", "\ufe0f", "\ufe0e"}  # joiners and emoji variation selectors


def native_text(text: str) -> str:
    """`text` made safe to encode as UTF-8 for a C/C++/Rust library, character for character (offsets
    keep their meaning): NUL and lone surrogates become U+FFFD. Anything but a str is refused.

    >>> native_text("a\\x00b\\ud800c")
    'a\\ufffdb\\ufffdc'
    """
    if not isinstance(text, str):
        raise UserInputError(f"Expected text, got {type(text).__name__}.",
                             f"テキストが必要です（{type(text).__name__} が渡されました）。")
    return _NATIVE_BAD.sub("\ufffd", text) if _NATIVE_BAD.search(text) else text


def native_chunks(line: str, max_bytes: int = NATIVE_MAX_LINE_BYTES) -> list[str]:
    """Cut one line into pieces of at most `max_bytes` UTF-8 bytes that join back to `line` exactly.

    Each cut falls after sentence punctuation, else before whitespace, else anywhere (but never right
    before a combining mark or a joiner), looking back at most half a piece.
    >>> native_chunks("今日は雨。明日は晴れ。", max_bytes=18)
    ['今日は雨。', '明日は晴れ。']
    >>> native_chunks("ab cd ef", max_bytes=4)
    ['ab', ' cd', ' ef']
    >>> native_chunks("abcdef", max_bytes=4)
    ['abcd', 'ef']
    """
    if len(line) * 4 <= max_bytes or len(line.encode("utf-8", "surrogatepass")) <= max_bytes:
        return [line]
    pieces: list[str] = []
    start = 0
    while start < len(line):
        # The longest prefix of the rest within max_bytes: decoding drops a character cut in half.
        head = line[start:start + max_bytes].encode("utf-8", "surrogatepass")[:max_bytes].decode("utf-8", "ignore")
        end = start + max(1, len(head))
        if end < len(line):
            end = start + _cut_point(line, start, len(head))
        pieces.append(line[start:end])
        start = end
    return pieces


def _cut_point(line: str, start: int, longest: int) -> int:
    """How long to make the piece of `line` that begins at `start` and may be `longest` characters."""
    head = line[start:start + longest]
    half = longest // 2
    at = max(head.rfind(c) for c in _SENTENCE_ENDS) + 1  # just after the punctuation
    if at >= max(half, 1):
        return at
    at = max(head.rfind(" "), head.rfind("\t"), head.rfind("\u3000"))  # just before the space
    if at >= max(half, 1):
        return at
    at = longest
    while at > half and (line[start + at] in _NO_CUT_BEFORE or unicodedata.combining(line[start + at])):
        at -= 1  # a combining accent or a joiner stays with the character before it
    return at
