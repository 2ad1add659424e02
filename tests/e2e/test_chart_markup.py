"""Typed markup is drawn as text in plotly charts, in a real browser: plotly.js reads a subset of HTML in
every string it draws (a `<b>` becomes a bold tspan, an `<a href>` an SVG link), so the charts escape user
text (core.charts.style.plot_text) and the browser must show the characters as typed, make no link and
fetch nothing.
"""
from __future__ import annotations

from tests.e2e.conftest import exceptions, wait_idle

SENTENCE = '<b>x</b> <a href="http://evil.example/">y</a> <s>z &amp; w'
# What plotly draws for markup it reads: a link, a bold / struck-through / italic span.
MARKUP = "text a, text [href], tspan[style*='bold'], tspan[style*='line-through'], tspan[style*='italic']"


def _type(page, box: str, text: str) -> None:
    field = page.locator(box).first
    field.fill(text)
    field.press("Control+Enter")
    wait_idle(page)
    page.wait_for_timeout(800)  # plotly draws after Streamlit is idle


def _chart(page, key: str):
    chart = page.locator(f".st-key-{key} .js-plotly-plot").first
    chart.wait_for(state="visible", timeout=60_000)
    return chart


def _markup(chart) -> list[str]:
    """Elements plotly made from markup in the chart's text (a link, a styled span), as HTML; the title is
    left out (Streamlit draws chart titles bold, and ours carry no user text)."""
    return chart.locator(MARKUP).evaluate_all(
        "els => els.filter(e => !e.closest('.gtitle')).map(e => e.outerHTML.slice(0, 200))")


def _texts(chart) -> list[str]:
    return chart.locator("svg text").evaluate_all("els => els.map(e => e.textContent)")


def test_attention_chart_shows_typed_tags_as_text(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/tf_attention")
    wait_idle(page)
    _type(page, ".st-key-att_text textarea", SENTENCE)
    assert exceptions(page) == []
    chart = _chart(page, "att_fig_x")  # the first tab: one row per token, the tokens as tick labels
    texts = _texts(chart)
    assert "<b>x</b>" in texts and "<s>z" in texts and "&amp;" in texts, texts  # exactly as typed
    assert any(t.startswith("<a") for t in texts), texts
    assert _markup(chart) == []  # no link, no bold, no strikethrough drawn from the text
    chart.scroll_into_view_if_needed()  # the mouse reaches only what is on screen
    box = chart.locator(".nsewdrag").first.bounding_box()  # the hover label reads the same tokens
    hover: list[str] = []
    for _ in range(5):  # plotly hovers on mouse moves inside the plot: the first row's first cell
        page.mouse.move(box["x"] + 0.02 * box["width"], box["y"] + 0.02 * box["height"], steps=6)
        page.wait_for_timeout(700)
        hover = chart.locator(".hoverlayer text").evaluate_all("els => els.map(e => e.textContent)")
        if hover:
            break
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=6)
    assert any("<b>x</b>" in t for t in hover), hover
    assert _markup(chart.locator(".hoverlayer")) == []


def test_chain_rule_chart_shows_typed_tags_as_text(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/lm_chain_rule")
    wait_idle(page)
    _type(page, ".st-key-chain_text textarea", SENTENCE)
    assert exceptions(page) == []
    chart = _chart(page, "chain_chart")
    texts = _texts(chart)
    # The page splits "<b>" into "<", "b", ">" (characters or words): no tag can form, but the pieces must show.
    assert "<" in texts and ">" in texts and "&" in texts, texts
    assert _markup(chart) == []


def test_task_format_chart_draws_the_start_token_as_text(server, context):
    """The start token "<s>" is a plotly tag (strikethrough): unescaped it drew as an empty struck span."""
    page = context.new_page()
    page.goto(f"{server.url}/gpt_tasks")
    wait_idle(page)
    assert exceptions(page) == []
    chart = _chart(page, "tasks_seq_chart")
    texts = _texts(chart)
    assert "<s>" in texts and "<e>" in texts, texts
    assert _markup(chart) == []
