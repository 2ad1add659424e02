"""Chips for byte-level tokens (core.tokenizers.production.ByteToken): whole characters as text, the bytes of a
character cut across tokens as hex (e8 aa | ad), the two chips joined by a shared orange underline and no gap,
with the character itself in small print under its bytes. Never "�". Every piece of text is escaped.

>>> from core.tokenizers.production import byte_tokens
>>> html = byte_chips_html(byte_tokens([b"\\xe8\\xaa", b"\\xad<"], [9, 10]))
>>> 'class="hx">e8 aa<' in html and "tk jr" in html and "tk jl" in html and "&lt;" in html and "\\ufffd" not in html
True
"""
from __future__ import annotations

import html
from typing import Sequence

from core.charts.tokens import CHIP_COLORS, visible

BYTE_CHIP_CSS = """
<style>
.tk-row.tkb .tk.jr{border-top-right-radius:0;border-bottom-right-radius:0;border-right:none;
  border-bottom:3px solid #E69F00}
.tk-row.tkb .tk.jl{border-top-left-radius:0;border-bottom-left-radius:0;border-left:1px dotted #E69F00;
  margin-left:-3px;border-bottom:3px solid #E69F00}
.tk-row.tkb .tk.sp{border:2px solid #555}
.tk .hx{font-family:ui-monospace,Menlo,monospace;font-size:.85rem;color:#8a4b00;display:inline-flex;
  flex-direction:column;align-items:center;vertical-align:middle;margin:0 1px}
.tk .hx .of{font-size:.7rem;color:#8a4b00;font-family:"Noto Sans CJK JP","Noto Sans JP",sans-serif}
</style>
"""


def _part_html(part) -> str:
    if not part.hex:
        return html.escape(visible(part.text))
    of = f'<span class="of">{html.escape(part.of)}</span>' if part.of else ""
    return f'<span class="hx">{html.escape(part.hex)}{of}</span>'


def byte_chips_html(tokens: Sequence, show_ids: bool = True, max_tokens: int = 400, more: str = "… +{n}") -> str:
    """One row of byte-level chips (class "tk-row tkb"); at most `max_tokens` drawn, the rest counted."""
    parts = ['<div class="tk-row tkb">']
    for k, t in enumerate(tokens[:max_tokens]):
        cls = "tk" + (" jl" if t.join_left else "") + (" jr" if t.join_right else "") + (" sp" if t.special else "")
        inner = "".join(_part_html(p) for p in t.parts) if t.parts else html.escape(visible(t.text))
        tip = f' title="{html.escape(t.note, quote=True)}"' if t.note else ""
        ident = f'<span class="id">{html.escape(str(t.id))}</span>' if show_ids and t.id is not None else ""
        parts.append(f'<span class="{cls}" style="background:{CHIP_COLORS[k % len(CHIP_COLORS)]}"{tip}>'
                     f'<span class="tx">{inner}</span>{ident}</span>')
    if len(tokens) > max_tokens:
        parts.append(f'<span class="tk-more">{html.escape(more.format(n=len(tokens) - max_tokens))}</span>')
    parts.append("</div>")
    return "".join(parts)
