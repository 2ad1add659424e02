"""Links reopen the exact view on three more pages (a typed sentence, sliders, a select, a radio, a toggle)
in a fresh browser context, and a stale link says which of its values it could not use."""
from __future__ import annotations

from tests.e2e.conftest import exceptions, new_context, wait_idle
from tests.e2e.test_links import slider_value

SENTENCE = "Colourless green ideas sleep furiously."


def reopen(browser, link: str):
    """`link` in a new context (no cookies, no session): only the URL carries the view."""
    ctx = new_context(browser)
    page = ctx.new_page()
    page.goto(link)
    wait_idle(page)
    assert exceptions(page) == []
    return ctx, page


def nudge(page, key: str, press: str = "ArrowRight") -> None:
    thumb = page.locator(f'.st-key-{key} input[type="range"]').first
    thumb.focus()
    thumb.press(press)
    wait_idle(page)


def test_three_pages_views_survive_a_link_round_trip(server, browser, context):
    page = context.new_page()

    # 1. Attention: a typed sentence, d_k on its select slider, the query token in a select box.
    page.goto(f"{server.url}/tf_attention")
    wait_idle(page)
    box = page.locator(".st-key-att_text textarea")
    box.fill(SENTENCE)
    box.press("Control+Enter")
    wait_idle(page)
    nudge(page, "att_dk")  # 16 -> 32
    combo = page.locator('.st-key-att_query input[role="combobox"]')
    combo.scroll_into_view_if_needed()  # drawn only once on screen
    before = combo.input_value()
    combo.click()
    page.get_by_role("option").first.click()  # the first token (the default is the 7th)
    wait_idle(page)
    query = combo.input_value()
    assert query != before and query.startswith("0: "), query
    page.wait_for_function("() => ['att_text=', 'att_dk=32', 'att_query='].every(s => location.search.includes(s))")
    attention = page.url

    # 2. n-grams: the corpus picker (a radio) and the order slider.
    page.goto(f"{server.url}/lm_ngram")
    wait_idle(page)
    page.locator(".st-key-ngram_corpus").get_by_text("Shipped Japanese corpus").click()
    wait_idle(page)
    nudge(page, "ngram_n", "ArrowLeft")  # 3 -> 2
    page.wait_for_function("() => location.search.includes('ngram_corpus=') && location.search.includes('ngram_n=2')")
    ngram = page.url

    # 3. GELU: the custom-range toggle and a typed x min.
    page.goto(f"{server.url}/gpt_gelu")
    wait_idle(page)
    page.locator(".st-key-gelu_custom label").first.click()
    wait_idle(page)
    xmin = page.locator(".st-key-gelu_xmin input")
    xmin.fill("-2.5")
    xmin.press("Enter")
    wait_idle(page)
    page.wait_for_function("() => location.search.includes('gelu_custom=true') && "
                           "location.search.includes('gelu_xmin=-2.5')")
    gelu = page.url

    ctx, again = reopen(browser, attention)
    try:
        assert again.locator(".st-key-att_text textarea").input_value() == SENTENCE
        assert "32" in again.locator(".st-key-att_dk").inner_text()
        combo = again.locator('.st-key-att_query input[role="combobox"]')
        combo.scroll_into_view_if_needed()
        assert combo.input_value() == query
        again.goto(ngram)
        wait_idle(again)
        chosen = again.locator(".st-key-ngram_corpus label:has(input:checked)").first
        assert chosen.inner_text().strip() == "Shipped Japanese corpus"
        assert slider_value(again, "ngram_n") == "2" or "2" in again.locator(".st-key-ngram_n").inner_text()
        again.goto(gelu)
        wait_idle(again)
        assert again.locator(".st-key-gelu_xmin input").input_value() == "-2.5"
        assert exceptions(again) == []
    finally:
        ctx.close()


def test_a_stale_link_says_what_it_could_not_use(server, browser):
    ctx, page = reopen(browser, f"{server.url}/lm_chain_rule?chain_n=99&chain_level=nonsense")
    try:
        note = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
        assert "chain_n" in note and "99" in note and "chain_level" in note, note
        assert "chain_n=" not in page.url  # Streamlit dropped the value; the view shows the default
    finally:
        ctx.close()
