"""The lesson in a real browser: Home's button starts it, Next walks every stop to the last with the stop in
the URL, and presenter view enlarges the text and collapses the sidebar."""
from __future__ import annotations

import re

from core.lesson import load_lesson
from tests.e2e.conftest import exceptions, wait_idle
from ui.registry import PAGES, url_path

LESSON = load_lesson(1, {p.path for p in PAGES})


def panel_text(page) -> str:
    return page.locator(".st-key-lesson_panel").inner_text()


def test_lesson_walks_from_first_to_last_stop_with_next(server, context):
    page = context.new_page()
    page.goto(server.url)
    wait_idle(page)
    page.locator(".st-key-home_lesson_start button").click()
    n = len(LESSON.stops)
    for k in range(1, n + 1):
        expected = url_path(LESSON.stops[k - 1].page)
        # The stop's number reaches the URL one run before the switch to its page: wait for both.
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('stop') === '{k}'"
                               f" && location.pathname.endsWith('/{expected}')", timeout=120_000)
        wait_idle(page)
        assert exceptions(page) == [], f"stop {k}"
        text = panel_text(page)
        assert text.startswith(f"{k} / {n} · "), text[:200]  # the compact panel: "k / n · title"
        assert LESSON.stops[k - 1].question[0] in text
        assert re.search(rf"/{expected}(\?|$)", page.url), (k, page.url)
        if k < n:
            page.locator(".st-key-lesson_next button").click()
    assert page.locator(".st-key-lesson_next button").is_disabled()


def test_presenter_view_from_a_stop_link(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/?lesson=1&stop=3&present=1&lang=ja")
    page.wait_for_function("() => location.pathname.endsWith('/lm_ngram')")
    wait_idle(page)
    assert exceptions(page) == []
    assert panel_text(page).startswith(f"3 / {len(LESSON.stops)} · ")
    root_px = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root_px >= 20
    assert page.locator('[data-testid="stSidebar"][aria-expanded="true"]').count() == 0
    assert page.locator(".st-key-ngram_seed").count() == 0 or not page.locator(".st-key-ngram_seed").is_visible()
    page.goto(f"{server.url}/lm_ngram")  # and without it, back to normal
    wait_idle(page)
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") < 20
