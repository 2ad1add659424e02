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
