"""One look for every chart: large type for a projector, fonts that have Japanese glyphs.

The look is a plotly template, "atlas" (plotly_white + our font, colors and legend), registered once
and made plotly's default when this module is imported. Every `go.Figure` then starts from it at
construction, where plotly attaches the default template without validating it again. Passing
`template="plotly_white"` to every figure instead made plotly validate and copy the whole template per
figure: ~44% of a chart-heavy page's rerun (bench/pages.py measures the page re-render).

Importing streamlit sets plotly's default to its own "streamlit" template. Pages import streamlit
first and this module after, so "atlas" wins; should the order ever be the other way round, `styled`
notices a figure made under another default, restores ours, and gives that figure the template.
"""
from __future__ import annotations

import functools
import re
from contextvars import ContextVar

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"
FONT_SIZE = 15  # readable from the back of a classroom
# Presenter view (?present=1) scales chart text for a projector; set per script run by the UI shell.
FONT_SCALE: ContextVar[float] = ContextVar("FONT_SCALE", default=1.0)
HEATMAP_SCALE = "Viridis"
DIVERGING_SCALE = "RdBu"
# Colors that stay distinct for common color-blindness (Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
TEMPLATE = "atlas"


def _atlas_template() -> go.layout.Template:
    """plotly_white with our font, palette, margins and a legend above the plot."""
    t = go.layout.Template(pio.templates["plotly_white"])
    t.layout.update(
        font=dict(family=FONT_FAMILY, size=FONT_SIZE),
        colorway=PALETTE,
        margin=dict(l=60, r=20, t=30, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0),
    )
    return t


pio.templates[TEMPLATE] = _atlas_template()
pio.templates.default = TEMPLATE  # once per process: every figure made after this import uses it


# C0 controls (but tab and newline), DEL and C1 controls: invisible or garbling in an SVG text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _control_picture(m: re.Match) -> str:
    """BEL -> ␇ (Unicode's control pictures), DEL -> ␡, a C1 control -> &lt;U+0085&gt; (shown as <U+0085>)."""
    c = ord(m.group())
    return chr(0x2400 + c) if c < 0x20 else "\u2421" if c == 0x7F else f"&lt;U+{c:04X}&gt;"


def plot_text(s: str) -> str:
    """Text we did not write (a token, a typed sentence, a file name, a label from an upload), made safe
    to draw in a plotly figure, where it shows exactly as typed.

    plotly.js reads a subset of HTML in every string it draws, tick labels and category values included:
    `<b>`, `<i>`, `<s>`, `<u>`, `<sup>`, `<sub>`, `<br>`, `<span style>`, `<a href>` (a link), and it
    decodes the entities `&lt; &gt; &amp; &nbsp; &mu; &times; &plusmn; &deg;` and `&#…;` after splitting off
    the tags. So escaping `&`, `<` and `>` (and nothing else) makes every tag inert and shows each
    character as typed: the token `<s>` stays "<s>" instead of an empty strikethrough, and a typed
    "&amp;" stays "&amp;". Control characters become their visible pictures (BEL -> ␇); spaces, tabs and
    newlines are left to the caller's own markers (▁, ␣, ⏎). Apply it once, where the text enters the
    figure: it is not idempotent (a second pass would show "&amp;lt;"). Distinct strings stay distinct
    (but for a control character and its picture typed as such), so a category axis keeps look-alike
    tokens apart; repeated tokens need positions (see core.charts.attention).

    >>> plot_text("<s>"), plot_text("&amp;"), plot_text("a\x07b"), plot_text("読売 ▁cat")
    ('&lt;s&gt;', '&amp;amp;', 'a␇b', '読売 ▁cat')
    """
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _CONTROLS.sub(_control_picture, s)


def plot_texts(items) -> list[str]:
    """`plot_text` of each item (str() first: ids and numbers may come mixed with tokens)."""
    return [plot_text(str(t)) for t in items]


@functools.lru_cache(maxsize=None)
def colorscale(name: str) -> tuple:
    """A named colorscale as the (position, color) pairs plotly's validator makes of it, for a trace built
    unvalidated (once per name, not per figure)."""
    return go.Heatmap(colorscale=name).colorscale


def styled_layout(title: str | None = None, height: int | None = None) -> dict:
    """What `styled` sets, as a layout dict, for a figure built in one unvalidated call
    (`go.Figure(data, layout, _validate=False)`): each `update_layout`/`update_xaxes` re-parses its
    property paths (plotly 7 builds a class per path segment) and deep-copies, ~10 ms a call on this CPU."""
    if pio.templates.default != TEMPLATE:  # streamlit imported after us (see the module docstring)
        pio.templates.default = TEMPLATE
    layout: dict = {"margin": {"t": 60 if title else 30}}
    scale = FONT_SCALE.get()
    if scale != 1.0:  # presenter view: larger text than the template's
        layout["font"] = {"size": round(FONT_SIZE * scale)}
        if title:
            layout["margin"]["t"] = round(68 * scale)
    if title:
        layout["title"] = {"text": title}
    if height:
        layout["height"] = height
    return layout


def unvalidated_figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure built in one unvalidated call, for figures a page redraws often (sliders, live polls): every
    property the caller passes is fixed and valid, and plotly's per-property checks plus the path parsing of
    update_xaxes/update_layout were most of a rerun (six positional figures after a size change; a training
    page's poll, 31 -> 8 ms). tests/test_interaction_paths.py checks each such figure's JSON equals the
    validated build's."""
    return go.Figure(traces, layout=layout, _validate=False)


def styled(fig: go.Figure, title: str | None = None, height: int | None = None) -> go.Figure:
    """Give `fig` its title (with room for it) and height, in place, and return it.

    The rest of the look comes from the default template, which every new figure already carries.
    """
    layout: dict = {"margin_t": 60 if title else 30}
    scale = FONT_SCALE.get()
    if scale != 1.0:  # presenter view: larger text than the template's
        layout["font_size"] = round(FONT_SIZE * scale)
        if title:  # room for the larger title and, under it, the legend (which sits just above the plot)
            layout["margin_t"] = round(68 * scale)
    if fig.layout.template.layout.font.family != FONT_FAMILY:  # made under another default (see above)
        pio.templates.default = TEMPLATE
        layout["template"] = TEMPLATE
    if title:
        layout["title_text"] = title
    if height:
        layout["height"] = height
    fig.update_layout(**layout)
    return fig


def text_width(s: str) -> int:
    """Width in half-width units: a CJK or full-width character counts 2, as it draws about twice as wide."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in s)


def wrapped_lines(s: str, max_units: int) -> list[str]:
    """`s` cut into lines of at most `max_units` (text_width), at the last space or bracket that fits.

    For a title or a category label in a narrow column: plotly neither wraps nor shrinks them, it cuts.
    A line never ends inside a word that fits on the next one; a word longer than a line is cut where it
    overflows (Japanese has no spaces, so a long run of kana is cut by width).

    >>> wrapped_lines("Held-out perplexity of the same 3-gram model (Kneser–Ney)", 36)
    ['Held-out perplexity of the same', '3-gram model (Kneser–Ney)']
    >>> wrapped_lines("NFKC＋カタカナ→ひらがな", 12)
    ['NFKC', '＋カタカナ→', 'ひらがな']
    """
    lines: list[str] = []
    rest = s.strip()
    while text_width(rest) > max_units:
        used, cut = 0, 0
        for i, ch in enumerate(rest):
            used += text_width(ch)
            if used > max_units:
                break
            cut = i + 1
        head = rest[:cut]
        brk = max(head.rfind(" "), head.rfind("（") , head.rfind("("), head.rfind("＋"), head.rfind("、"))
        if brk > 0:  # break before an opening bracket or ＋, after a space or 、
            cut = brk + 1 if rest[brk] in " 、" else brk
        lines.append(rest[:max(cut, 1)].rstrip())
        rest = rest[max(cut, 1):].lstrip()
    return lines + ([rest] if rest else [])
