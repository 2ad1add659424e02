"""core.charts.style: the "atlas" template is plotly's default, so every figure carries the look once."""
from __future__ import annotations

import pytest

import plotly.graph_objects as go
import plotly.io as pio

from core.charts import style
from core.charts.lm import ChartText, distribution_bar


def test_atlas_is_the_default_and_carries_font_palette_and_white_background():
    assert pio.templates.default == style.TEMPLATE
    t = go.Figure().layout.template.layout
    assert t.font.family == style.FONT_FAMILY and t.font.size == style.FONT_SIZE
    assert list(t.colorway) == style.PALETTE
    assert t.plot_bgcolor == pio.templates["plotly_white"].layout.plot_bgcolor  # still plotly_white underneath


def test_styled_sets_title_margin_and_height_only():
    fig = style.styled(go.Figure(), "タイトル", height=321)
    assert fig.layout.title.text == "タイトル" and fig.layout.height == 321 and fig.layout.margin.t == 60
    assert fig.layout.font.family is None  # from the template, not copied into every figure
    plain = style.styled(go.Figure())
    assert plain.layout.title.text is None and plain.layout.margin.t == 30


def test_chart_functions_ship_the_template_in_their_json():
    fig = distribution_bar(["a", "b"], [0.25, 0.75], ChartText("t", "x", "y"))
    spec = fig.to_plotly_json()["layout"]
    assert spec["template"]["layout"]["font"]["family"] == style.FONT_FAMILY


def test_a_default_replaced_later_is_restored_by_styled():
    """Importing streamlit after core.charts.style sets plotly's default to "streamlit"."""
    try:
        pio.templates.default = "plotly"
        fig = style.styled(go.Figure(), "t")
        assert fig.layout.template.layout.font.family == style.FONT_FAMILY
        assert pio.templates.default == style.TEMPLATE
    finally:
        pio.templates.default = style.TEMPLATE


@pytest.mark.parametrize("title", ["Held-out perplexity of the same 3-gram model (Kneser–Ney)",
                                   "同じ 3-gram モデル（Kneser–Ney）の評価パープレキシティ", "short"])
def test_forms_title_wrapped_to_its_column(title):
    """The normalization chart's title is cut into lines that fit its half-page column, and loses no word."""
    from core.charts.lm import FORMS_TITLE_UNITS, forms_figure
    from core.charts.style import text_width

    fig = forms_figure(["raw", "NFKC"], [9.58, 9.57], title, "PP")
    lines = fig.layout.title.text.split("<br>")
    assert all(text_width(line) <= FORMS_TITLE_UNITS for line in lines)
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    assert (len(lines) > 1) == (text_width(title) > FORMS_TITLE_UNITS)
    assert fig.layout.margin.t >= 60 + 24 * (len(lines) - 1)  # room above the plot for every line
