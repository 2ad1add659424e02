"""GPT-1's architecture as one small plotly figure, with the part the class is looking at highlighted.

Drawn bottom-up as in the paper's Figure 1 (Radford et al. 2018): token + position embedding, then
N identical blocks (masked multi-head self-attention -> add & LayerNorm -> feed-forward with GELU ->
add & LayerNorm, post-LN as in GPT-1), then two heads on the last block: linear + softmax over the
vocabulary (pre-training) and the task classifier (fine-tuning). Boxes are shapes on a fixed 0..10 x
0..10 canvas, so the figure is the same at every size and needs no image file.

Which part a page shows: `PAGE_PARTS` gives a default per page, and a lesson stop may name its own
(`part = "..."` in lessons/lessonN.toml, checked against `PARTS`).

>>> part_for("views/gpt_gelu/page.py"), part_for("views/gpt_gelu/page.py", "all"), part_for("views/lm_ngram/page.py")
('ffn', 'all', None)
>>> sorted(highlighted("block"))
['attention', 'ffn', 'norm1', 'norm2']
"""
from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from core.charts.style import FONT_FAMILY, FONT_SCALE

# Parts a lesson stop may highlight. "block" and "all" are groups: the whole decoder block, everything.
BOXES = ("embed", "attention", "norm1", "ffn", "norm2", "lm_head", "task_head")
PARTS = ("embed", "attention", "norm", "ffn", "block", "lm_head", "task_head", "all", "none")
GROUPS = {"norm": {"norm1", "norm2"}, "block": {"attention", "norm1", "ffn", "norm2"}, "all": set(BOXES),
          "none": set()}

# The part each page explains (by its name: the folder views/<name>/ and its URL), when a lesson stop does
# not say. Pages before the Transformer have none:
# the diagram is not shown there (the class has not met the architecture yet).
PAGE_PARTS = {
    "tf_positional": "embed",
    "tf_attention": "attention",
    "tf_multihead": "attention",
    "tf_encoder_decoder": "attention",
    "gpt_gelu": "ffn",
    "gpt_train": "all",
    "gpt_finetune": "task_head",
    "gpt_tasks": "task_head",
    "gpt_inside": "lm_head",
}

# Layout on the 0..10 canvas: (x0, x1, y0, y1) per box, bottom-up as in the paper.
_BLOCK_X = (2.2, 9.8)  # the "× N" label sits left of the block frame
_GEOMETRY = {
    "embed": (0.2, 9.8, 0.0, 1.25),
    "attention": (2.6, 9.4, 2.0, 3.25),
    "norm1": (2.6, 9.4, 3.65, 4.6),
    "ffn": (2.6, 9.4, 5.0, 6.25),
    "norm2": (2.6, 9.4, 6.65, 7.6),
    "lm_head": (0.2, 4.9, 8.75, 10.0),
    "task_head": (5.1, 9.8, 8.75, 10.0),
}
_ON, _ON_LINE = "#FFE3CC", "#D55E00"  # Okabe–Ito vermillion: where we are
_OFF, _OFF_LINE = "#F2F4F7", "#8A94A6"
_FRAME = "#0072B2"


@dataclass(frozen=True)
class DiagramText:
    """The (already translated) words on the diagram: one label per box in BOXES, "layers" with {n}, a title."""

    labels: dict[str, str]
    layers: str  # e.g. "{n}×" -> "12×"
    title: str = ""


def part_for(page: str, explicit: str | None = None) -> str | None:
    """The part to highlight for a stop on `page`: the stop's own choice, else the page's default.

    None means "do not draw the diagram" (a page before the Transformer, or a stop saying part = "none").
    """
    name = page.split("/")[1] if page.startswith("views/") and page.count("/") == 2 else page  # views/<name>/page.py
    part = explicit if explicit is not None else PAGE_PARTS.get(name)
    return None if part in (None, "none") else part


def highlighted(part: str | None) -> set[str]:
    """The boxes lit for `part` (a name in PARTS); unknown or None lights nothing."""
    if part is None:
        return set()
    return set(GROUPS.get(part, {part} & set(BOXES)))


def gpt1_diagram(text: DiagramText, part: str | None, n_layer: int = 12, height: int = 300,
                 font_size: int | None = None) -> go.Figure:
    """The architecture, boxes in `highlighted(part)` filled and outlined in vermillion.

    Each box is a layout shape named after its part (`shape.name`), so tests and callers can find it.
    `font_size`: fixed label size for a small panel; None follows the presenter view's chart scale.
    """
    lit = highlighted(part)
    fig = go.Figure()
    size = font_size or round(12 * FONT_SCALE.get())
    shapes, notes = [], []
    # The repeated block: a frame around its four boxes and the "12×" beside it.
    block_on = {"attention", "norm1", "ffn", "norm2"} <= lit
    shapes.append(dict(type="rect", name="block", x0=_BLOCK_X[0], x1=_BLOCK_X[1], y0=1.7, y1=7.95,
                       line=dict(color=_ON_LINE if block_on else _FRAME, width=3 if block_on else 1.5, dash="dot"),
                       fillcolor="rgba(0,0,0,0)", layer="below"))
    notes.append(dict(x=1.1, y=4.8, text=f"<b>{text.layers.format(n=n_layer)}</b>", showarrow=False,
                      font=dict(size=size + 3, color=_FRAME)))
    # Arrows between the stages (drawn first, under the boxes): the residual stream flows upward.
    arrows = [(6.0, 1.25, 6.0, 2.0), (6.0, 3.25, 6.0, 3.65), (6.0, 4.6, 6.0, 5.0), (6.0, 6.25, 6.0, 6.65),
              (3.8, 7.6, 3.2, 8.75), (7.0, 7.6, 7.45, 8.75)]  # (from x, from y, to x, to y)
    for ax, ay, x, y in arrows:
        notes.append(dict(x=x, y=y, ax=ax, ay=ay, xref="x", yref="y", axref="x", ayref="y", text="",
                          showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=1.5, arrowcolor=_OFF_LINE))
    for name in BOXES:
        x0, x1, y0, y1 = _GEOMETRY[name]
        on = name in lit
        shapes.append(dict(type="rect", name=name, x0=x0, x1=x1, y0=y0, y1=y1, layer="above" if on else "below",
                           fillcolor=_ON if on else _OFF, line=dict(color=_ON_LINE if on else _OFF_LINE,
                                                                    width=3 if on else 1)))
        notes.append(dict(x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=f"<b>{text.labels[name]}</b>" if on
                          else text.labels[name], showarrow=False,
                          font=dict(size=size, color="#1F2933" if on else "#52606D")))
    # Labels are annotations, which plotly always draws above shapes.
    fig.update_layout(shapes=shapes, annotations=notes, height=height, showlegend=False,
                      margin=dict(l=4, r=4, t=30 if text.title else 4, b=4),
                      title=dict(text=text.title, x=0.02, font=dict(size=size + 1)) if text.title else None,
                      font=dict(family=FONT_FAMILY, size=size),
                      xaxis=dict(range=[0, 10], visible=False, fixedrange=True),
                      yaxis=dict(range=[-0.1, 10.1], visible=False, fixedrange=True),
                      plot_bgcolor="white", paper_bgcolor="rgba(0,0,0,0)", dragmode=False)
    return fig
