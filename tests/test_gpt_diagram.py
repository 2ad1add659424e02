"""GPT-1's architecture diagram (core.charts.gpt_diagram): which boxes light up for a part, the page
defaults a lesson falls back on, and the head a multi-head view opens on."""
from __future__ import annotations

import pytest
import torch

from core.charts.gpt_diagram import BOXES, PAGE_PARTS, PARTS, DiagramText, gpt1_diagram, highlighted, part_for
from core.transformer.attention_study import head_stats, most_focused_head
from ui.registry import PAGES

TEXT = DiagramText({b: f"<{b}>" for b in BOXES}, "{n}×")


def lit(fig) -> set[str]:
    return {s.name for s in fig.layout.shapes if s.name in BOXES and s.line.width == 3}


@pytest.mark.parametrize("part, boxes", [
    ("embed", {"embed"}), ("attention", {"attention"}), ("ffn", {"ffn"}), ("norm", {"norm1", "norm2"}),
    ("block", {"attention", "norm1", "ffn", "norm2"}), ("all", set(BOXES)), ("lm_head", {"lm_head"}),
    ("task_head", {"task_head"}), ("none", set()), (None, set()),
])
def test_each_part_lights_its_boxes_and_only_them(part, boxes):
    assert highlighted(part) == boxes
    fig = gpt1_diagram(TEXT, part, n_layer=12)
    assert lit(fig) == boxes
    assert {s.name for s in fig.layout.shapes} == set(BOXES) | {"block"}  # every box drawn, lit or not
    block = next(s for s in fig.layout.shapes if s.name == "block")
    assert (block.line.width == 3) == (boxes >= highlighted("block"))  # the "× N" frame too, for the whole block


def test_labels_and_layer_count_are_the_callers():
    fig = gpt1_diagram(DiagramText({b: b.upper() for b in BOXES}, "{n} 層"), "ffn", n_layer=4)
    words = [a.text for a in fig.layout.annotations if a.text]
    assert "<b>FFN</b>" in words and "EMBED" in words  # the lit box in bold, the others plain
    assert "<b>4 層</b>" in words


def test_page_defaults_name_real_pages_and_parts():
    # PAGE_PARTS (core) names a page by its name: the folder views/<name>/ and its URL
    assert set(PAGE_PARTS) <= {p.name for p in PAGES} and set(PAGE_PARTS.values()) <= set(PARTS)
    # Before the Transformer there is no diagram; the stops the issue names map as it says.
    assert part_for("views/lm_chain_rule/page.py") is None and part_for("views/tok_bpe/page.py") is None
    assert [part_for(f"views/{p}/page.py") for p in ("tf_positional", "tf_multihead", "tf_attention", "gpt_gelu",
                                                     "gpt_train", "gpt_finetune")] == \
        ["embed", "attention", "attention", "ffn", "all", "task_head"]
    assert part_for("views/gpt_gelu/page.py", "block") == "block" and part_for("views/gpt_gelu/page.py", "none") is None


def test_most_focused_head_is_the_lowest_normalized_entropy():
    t = 6
    uniform = torch.full((t, t), 1 / t)
    prev = torch.zeros(t, t)
    prev[0, 0] = 1
    prev[torch.arange(1, t), torch.arange(t - 1)] = 1  # each token looks at the one before: entropy 0
    mixed = torch.softmax(torch.randn(t, t, generator=torch.Generator().manual_seed(0)), -1)
    attn = torch.stack([torch.stack([uniform, mixed, uniform]), torch.stack([uniform, uniform, prev])])  # (2, 3, T, T)
    stats = head_stats(attn)
    assert most_focused_head(stats) == (1, 2)
    ent = {(s.layer, s.head): s.entropy_norm for s in stats}
    assert ent[(1, 2)] == pytest.approx(0.0, abs=1e-6) and ent[(0, 0)] == pytest.approx(1.0, abs=1e-6)
    # Ties go to the earliest head: all uniform -> (0, 0).
    assert most_focused_head(head_stats(uniform.expand(2, 3, t, t))) == (0, 0)
    with pytest.raises(ValueError, match="at least one head"):
        most_focused_head([])
