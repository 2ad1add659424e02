"""At a projector (1280×720, presenter view): a lesson stop's chart is on the first screen, and the browser
tab's title follows the language."""
from __future__ import annotations

import urllib.parse

import pytest

from core.i18n import LANG_NAMES
from tests.e2e.conftest import exceptions, wait_idle


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_lesson_stop_1_shows_its_chart_above_the_fold(server, context, lang):
    page = context.new_page()
    page.goto(f"{server.url}/?lesson=1&stop=1&present=1&lang={urllib.parse.quote(LANG_NAMES[lang])}")
    page.wait_for_function("() => location.pathname.length > 1", timeout=60_000)  # the lesson switched page
    wait_idle(page)
    assert exceptions(page) == []
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(state="visible")
    box = chart.bounding_box()
    assert box is not None and box["y"] + 150 <= 720, box  # at least 150 px of the chart before any scroll
    panel = page.locator(".st-key-lesson_panel").bounding_box()
    assert panel is not None and panel["height"] < 260, panel  # the lesson panel stays compact
    assert page.title() == ("Chain rule" if lang == "en" else "連鎖律") + " · Transformer Atlas"
    page.close()


FIRST_PAGE_CHART_TOP = """() => {
  const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => !c.closest('.st-key-lesson_panel') && c.offsetParent !== null);
  return c.length ? Math.min(...c.map(e => e.getBoundingClientRect().top)) : null;
}"""  # the page's own first chart (the lesson panel's diagram is not it), as scripts/screenshots.py measures


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_multihead_stop_shows_the_chosen_heads_chart_above_the_fold(server, context, lang):
    """Stop 16 (multi-head): sentence, model, layer and head share one row so the head's map starts on screen."""
    page = context.new_page()
    page.goto(f"{server.url}/?lesson=1&stop=16&present=1&lang={urllib.parse.quote(LANG_NAMES[lang])}")
    page.wait_for_function("() => location.pathname.length > 1", timeout=60_000)
    wait_idle(page)
    assert exceptions(page) == []
    page.locator('.st-key-mha_fig_big [data-testid="stPlotlyChart"], [data-testid="stPlotlyChart"]').first.wait_for()
    top = page.evaluate(FIRST_PAGE_CHART_TOP)
    assert top is not None and top + 50 <= 720, top  # the chart (its title at least) starts on the first screen
    page.close()
