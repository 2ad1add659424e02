"""core.charts.style: the "atlas" template is plotly's default, so every figure carries the look once."""
from __future__ import annotations

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
