"""Pieces as a person reads them on an axis: byte-fallback runs named by the character they spell.

SentencePiece (byte_fallback=True) and our BPE write a character their vocabulary lacks as its UTF-8
bytes, one piece each: 日 becomes <0xE6> <0x97> <0xA5>. On an attention heatmap of Japanese text a row of
such labels hides which character a row belongs to, so each byte piece of a run that decodes is labelled
with its character and its place in it — "日 1/3", "日 2/3", "日 3/3" — which keeps every position's own
row (attention is per piece, not per character) and says it is a byte. A run that does not decode (a
sequence cut mid-character at the context's end) keeps its raw <0xNN> pieces: nothing is guessed.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _byte(piece: str) -> int | None:
    m = BYTE_PIECE.fullmatch(piece)
    return int(m.group(1), 16) if m else None


def _char_length(lead: int) -> int:
    """Bytes in the UTF-8 character that starts with `lead` (0 for a continuation or invalid byte)."""
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def readable_pieces(pieces: Sequence[str]) -> list[str]:
    """Same length as `pieces`; byte pieces that spell a character are named by it.

    >>> readable_pieces(["▁今", "<0xE6>", "<0x97>", "<0xA5>", "は"])
    ['▁今', '日 1/3', '日 2/3', '日 3/3', 'は']
    >>> readable_pieces(["<0x41>", "<0xE6>", "<0x97>"])  # "A", then a character cut at the end
    ['A', '<0xE6>', '<0x97>']
    """
    out = list(pieces)
    i = 0
    while i < len(out):
        lead = _byte(out[i])
        n = _char_length(lead) if lead is not None else 0
        run = [_byte(p) for p in out[i:i + n]] if n else []
        if n and len(run) == n and None not in run:
            try:
                ch = bytes(run).decode("utf-8")
            except UnicodeDecodeError:
                ch = ""
            if len(ch) == 1 and ch.isprintable():
                out[i:i + n] = [ch] if n == 1 else [f"{ch} {k + 1}/{n}" for k in range(n)]
                i += n
                continue
        i += 1
    return out
