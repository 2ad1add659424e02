"""Links reopen the view in a real browser: a typed sentence and a slider survive a round trip through the
URL into a fresh browser context (a new visitor), and ?lang=ja works like ?lang=日本語."""
from __future__ import annotations

from tests.e2e.conftest import exceptions, new_context, wait_idle

SENTENCE = "A small dog ran home quickly."


def slider_value(page, key: str) -> str:
    return page.locator(f'.st-key-{key} input[type="range"]').first.input_value()


def test_typed_sentence_and_slider_survive_a_link_round_trip(server, browser, context):
    page = context.new_page()
    page.goto(f"{server.url}/lm_chain_rule")
    wait_idle(page)
    box = page.locator(".st-key-chain_text textarea")
    box.fill(SENTENCE)
    box.press("Control+Enter")
    wait_idle(page)
    thumb = page.locator('.st-key-chain_n input[type="range"]').first
    thumb.focus()
    thumb.press("ArrowLeft")  # 3 -> 2
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('chain_n=2') && location.search.includes('chain_text=')")
    link = page.url
    assert slider_value(page, "chain_n") == "2"

    fresh = new_context(browser)  # no cookies, no session: only the link carries the view
    try:
        again = fresh.new_page()
        again.goto(link)
        wait_idle(again)
        assert exceptions(again) == []
        assert again.locator(".st-key-chain_text textarea").input_value() == SENTENCE
        assert slider_value(again, "chain_n") == "2"
        # The link box offers the same address.
        again.wait_for_function("() => document.getElementById('atlas-link') && "
                                "document.getElementById('atlas-link').value.includes('chain_n=2')")
    finally:
        fresh.close()


def test_lang_code_in_the_url_opens_japanese_and_the_link_box_keeps_it(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/gpt_gelu?lang=ja")
    wait_idle(page)
    assert exceptions(page) == []
    assert any("\u3040" <= ch <= "\u9fff" for ch in page.locator("h1").first.inner_text() + page.locator(
        '[data-testid="stMainBlockContainer"]').inner_text())
    page.wait_for_function("() => (document.getElementById('atlas-link') || {}).value && "
                           "decodeURIComponent(document.getElementById('atlas-link').value).includes('lang=日本語')")
