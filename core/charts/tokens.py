"""Drawing tokens: colored chips (HTML, every piece of user text escaped) and the tokenizer charts.

>>> from core.tokenizers.compare import Token
>>> html = chips_html([Token("<b>", 7)], show_ids=True)
>>> "&lt;b&gt;" in html and "<b>" not in html
True
"""
from __future__ import annotations

import html
import unicodedata
from typing import Protocol, Sequence

import plotly.graph_objects as go

from core.charts.style import PALETTE, styled

# Light fills that keep black text readable on a projector; neighbours always differ.
CHIP_COLORS = ["#DCEBFA", "#FCE8C8", "#D5F2E6", "#F9DCD0", "#EEDCEB", "#E0F0FB"]
UNKNOWN_COLOR = "#FFD0D0"

CHIP_CSS = """
<style>
.tk-row{display:flex;flex-wrap:wrap;gap:4px 3px;align-items:flex-start;line-height:1.1;margin:2px 0 22px 0}
.tk{display:inline-flex;flex-direction:column;align-items:center;border-radius:6px;padding:3px 6px 2px 6px;
    border:1px solid rgba(0,0,0,.18);font-size:1.25rem;color:#111;min-width:1.2em}
.tk .tx{white-space:pre;font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans",Meiryo,sans-serif}
.tk .id{font-size:.7rem;color:#444;font-family:ui-monospace,Menlo,monospace;margin-top:1px}
.tk.unk{border:2px dashed #C62828}
.tk.ws .tx{color:#777}
.tk.hl{outline:3px solid #0072B2;outline-offset:1px}
.tk-norm{font-size:1rem;margin:0 0 6px 0}
.tk-norm code{font-size:1.15rem}
.tk-more{align-self:center;color:#555;font-size:1rem;padding:0 6px}
</style>
"""


class ChipToken(Protocol):
    text: str
    id: int | None
    unknown: bool
    note: str


_SHOWN = {" ": "\u2581", "\n": "\u21b5", "\t": "\u21e5", "\u3000": "\u25a1"}


def visible(text: str) -> str:
    """Make a token's invisible parts visible: space ▁, newline ↵, tab ⇥, ideographic space □, a
    lone combining mark on a dotted circle ◌, and format characters (ZWJ...) as <U+200D>.

    >>> visible(" cat\\n"), visible("\\u0301"), visible("\\u200d")
    ('▁cat↵', '◌́', '<U+200D>')
    """
    if not text:
        return "∅"
    if all(unicodedata.category(ch) == "Cf" for ch in text):
        return "".join(f"<U+{ord(ch):04X}>" for ch in text)
    out = "".join(_SHOWN.get(ch, ch) for ch in text)
    if unicodedata.category(out[0]).startswith("M"):
        out = "\u25cc" + out
    return out


_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$&")


def md_escape(text: str) -> str:
    """Backslash-escape Markdown syntax so a token shows as itself inside st.markdown text.

    >>> print(md_escape("![x](y)"))
    \\!\\[x\\]\\(y\\)
    """
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)


def chips_html(tokens: Sequence[ChipToken], show_ids: bool = True, max_tokens: int = 400,
               more: str = "… +{n}", highlight: set[int] | None = None) -> str:
    """One row of chips. Every token text, id and note is escaped; at most `max_tokens` chips are drawn
    (the rest is summarised by `more`, formatted with n) so a 10,000-character text stays light.
    Tokens whose id is in `highlight` get a thick outline (the pieces a merge just made)."""
    parts = ['<div class="tk-row">']
    for k, t in enumerate(tokens[:max_tokens]):
        cls = "tk"
        if t.unknown:
            cls += " unk"
            color = UNKNOWN_COLOR
        else:
            color = CHIP_COLORS[k % len(CHIP_COLORS)]
        if t.text.isspace():
            cls += " ws"
        if highlight and t.id in highlight:
            cls += " hl"
        title = t.note or ""
        tip = f' title="{html.escape(title, quote=True)}"' if title else ""
        ident = f'<span class="id">{html.escape(str(t.id))}</span>' if show_ids and t.id is not None else ""
        parts.append(f'<span class="{cls}" style="background:{color}"{tip}>'
                     f'<span class="tx">{html.escape(visible(t.text))}</span>{ident}</span>')
    if len(tokens) > max_tokens:
        parts.append(f'<span class="tk-more">{html.escape(more.format(n=len(tokens) - max_tokens))}</span>')
    parts.append("</div>")
    return "".join(parts)


def merge_frequency_figure(counts: Sequence[int], title: str, x_label: str, y_label: str) -> go.Figure:
    """How often each merged pair occurred when it was chosen, by merge rank (falls steeply: Zipf)."""
    fig = go.Figure(go.Scatter(x=list(range(1, len(counts) + 1)), y=list(counts), mode="lines",
                               line=dict(color=PALETTE[0], width=3)))
    fig.update_xaxes(title=x_label)
    fig.update_yaxes(title=y_label, type="log", dtick=1)  # ticks at 1, 10, 100, … only
    fig = styled(fig, title, height=400)
    return fig.update_layout(showlegend=False)


def sweep_figure(series: dict[str, list[tuple[int, float]]], title: str, x_label: str, y_label: str) -> go.Figure:
    """Held-out tokens per character against vocabulary size, one line per tokenizer.

    `series`: label -> [(vocab_size, tokens_per_char), ...]."""
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x"]
    for k, (label, pts) in enumerate(series.items()):
        pts = sorted(pts)
        fig.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] for p in pts], name=label,
                                 mode="lines+markers", marker=dict(size=10, symbol=symbols[k % len(symbols)]),
                                 line=dict(width=3)))
    fig.update_xaxes(title=x_label, type="log")
    fig.update_yaxes(title=y_label, rangemode="tozero")
    fig = styled(fig, title, height=500)
    # The legend sits under the title (styled puts it above the plot): leave room for both.
    return fig.update_layout(margin=dict(t=110), title=dict(y=0.97, yanchor="top"),
                             legend=dict(y=1.03, yanchor="bottom"))
