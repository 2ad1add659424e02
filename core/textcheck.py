"""Checks on text a user typed or pasted, shared by every page.

Pages never trust typed text: it is checked here (empty, too long, control characters) and only ever
shown through escaping renderers. Emoji, combining marks and any script are valid text and kept.
"""
from __future__ import annotations

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
