"""Charts read at a projector (issue 12, item 6): the chain-rule axes, the n-gram legend, upright key labels,
the task-format chips, topic names in the reader's language, and the n-gram caption's turning point."""
from __future__ import annotations

import pytest
import torch

from core.charts.attention import key_tick_angle, matrix_figure
from core.charts.lm import ChartText, chain_figure, perplexity_vs_n
from core.charts.transfer import chip_layout, chip_width, sequence_figure
from core.gpt.topic_data import TOPIC_NAMES, topic_names
from core.lm.data import turning_point


def test_chain_rule_axes_tick_whole_bits_and_labels_stay_readable():
    lp = [-3.3, -0.7, -12.4, -5.0]
    fig = chain_figure(["T", "h", "e", "␣"], lp, "t", "x", "bar", "line")
    assert fig.layout.yaxis.dtick == 5 and fig.layout.yaxis2.dtick == 5  # 1-2-5 steps, whole bits
    assert fig.layout.yaxis2.range[1] == 0 and fig.layout.yaxis2.range[0] <= sum(lp)  # the running sum fits
    assert fig.layout.xaxis.tickangle == 0 and list(fig.layout.xaxis.ticktext) == ["T", "h", "e", "␣"]
    long = chain_figure(["今"] * 150, [-1.0] * 150, "t", "x", "bar", "line")
    assert len(long.layout.xaxis.tickvals) <= 60  # thinned, never 150 labels on 1100 px
    words = chain_figure(["internationalization"] * 30, [-2.0] * 30, "t", "x", "b", "l")
    assert words.layout.xaxis.tickangle == -45 and all(len(t) <= 10 for t in words.layout.xaxis.ticktext)


def test_ngram_legend_is_outside_the_plot():
    fig = perplexity_vs_n([30.0, 14.0, 10.0, 10.9, 16.1], [21.0, 11.0, 6.8, 5.1, 5.0],
                          ChartText("t", "x", "y", {"heldout": "h", "train": "tr"}))
    assert fig.layout.legend.y < 0 and fig.layout.legend.orientation == "h"  # under the axes: covers no point


def test_surprisal_pair_legend_sits_under_its_title():
    """The knockout's and the chain rule's paired bars: the legend is the template's (just above the plot, under
    the title), not lifted over the title, where the two overlapped at 1280 px (a Japanese title most)."""
    from core.charts.inside import Labels, surprisal_pair_figure
    from core.charts.style import TEMPLATE

    import plotly.io as pio

    title = "入力文の各トークンのサプライザル"
    fig = surprisal_pair_figure(["a", "b"], [1.0, 2.0], [2.0, 1.0], Labels(title, "x", "y"))
    y = fig.layout.legend.y if fig.layout.legend.y is not None else pio.templates[TEMPLATE].layout.legend.y
    assert y is not None and y <= 1.05 and fig.layout.title.text


def test_turning_point_follows_the_numbers():
    assert turning_point([406.6, 174.8, 280.5, 385.6, 436.0]) == (2, True)  # ja words add-k: the walk's case
    assert turning_point([239.6, 27.4, 7.0, 4.0, 3.2]) == (5, False)
    assert turning_point([505.7, 130.6, 115.5, 112.3, 111.9]) == (5, False)
    assert turning_point([100.0, 90.0, 90.5]) == (2, False)  # +0.6 %: flat, not rising


def test_key_labels_are_upright_when_they_fit_and_titles_clear_them():
    assert key_tick_angle(list("三百二十一")) == 0
    assert key_tick_angle(["three", "hundred", "twenty", "one"]) == 0
    assert key_tick_angle(["tokenizers"] * 10) == -45
    m = torch.softmax(torch.randn(5, 5), -1)
    fig = matrix_figure(m, list("三百二十一"), list("三百二十一"), "title", "key", "query", diverging=False)
    assert fig.layout.xaxis.tickangle == 0
    turned = matrix_figure(m, ["tokenization"] * 5, ["tokenization"] * 5, "title", "key", "query", diverging=False)
    assert turned.layout.xaxis.tickangle == -45 and turned.layout.margin.t > fig.layout.margin.t  # room for them


def test_chips_never_overlap_and_wrap_inside_the_line():
    rows = [[("start", "<s>")] + [("a", w) for w in ["The", "weather", "was", "読売巨人軍", "▁cold"] * 6]
            + [("extract", "<e>")], [("start", "<s>"), ("b", "x")]]
    boxes, starts = chip_layout(rows, per_line=40)
    for placed in boxes:
        for (x0, x1, line), (y0, y1, nxt) in zip(placed, placed[1:]):
            assert x1 <= 40 and (nxt > line or y0 >= x1)  # left to right, no overlap, wrap before the edge
    assert starts[1] >= boxes[0][-1][2] + 2  # the second row starts below the first, one line apart
    assert chip_width("読売") > chip_width("ab")  # CJK glyphs are wider
    fig = sequence_figure(rows, ["row 1", "row 2"], {"start": "start", "extract": "extract"}, "t", per_line=40)
    assert len(fig.layout.shapes) == sum(len(r) for r in rows)
    texts = [t for tr in fig.data if tr.text is not None for t in tr.text]
    assert "␣cold" in texts and "&lt;s&gt;" in texts  # escaped: plotly would read "<s>" as strikethrough markup


def test_topic_names_follow_the_language():
    assert topic_names(["daily_life", "weather_seasons"], "ja") == ["日常生活", "天気と季節"]
    assert topic_names(["daily_life"], "en") == ["daily life"]
    assert all(en != ja for en, ja in TOPIC_NAMES.values())
    with pytest.raises(TypeError):
        topic_names(None, "ja")  # a list is required
