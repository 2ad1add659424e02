"""Issue 27, part 2, in two real browsers: A's address bar, pasted into B, shows B nothing of A's training.

A uploads a text whose name and content carry a marker and starts a training; its reload re-attaches
(the cookie's secret, ui/owner.py). B, another browser (own cookies), opens A's exact address: no
training, no marker anywhere in the page, a run token of its own; B's clicks on Stop and Reset do not
touch A's run, which is still running afterwards.
"""
from __future__ import annotations

import urllib.parse

from tests.e2e.conftest import exceptions, new_context, wait_idle

MARKER = "ZQ9markerUploadA"
TEXT = "".join(f"{MARKER} line {i}: the cat sat on the mat and the dog sat on the log.\n" for i in range(400))


def _token(url: str) -> str | None:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query)).get("run")


def _running(page) -> bool:
    return page.locator(".st-key-gpt_pause button").count() == 1


def test_a_copied_address_shows_another_browser_nothing_and_cannot_stop_the_run(browser, server, tmp_path):
    corpus = tmp_path / f"{MARKER}.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    a_ctx, b_ctx = new_context(browser), new_context(browser)
    try:
        a = a_ctx.new_page()
        a.goto(server.url)  # a first session through app.py (a fresh server's first direct link skips it)
        wait_idle(a)
        a.goto(f"{server.url}/gpt_train?gpt_steps=10000")
        wait_idle(a)
        a.locator(".st-key-gpt_corpus").get_by_text("Upload a .txt file").click()
        wait_idle(a)
        a.locator(".st-key-gpt_upload input[type=file]").set_input_files(str(corpus))
        wait_idle(a)
        a.locator(".st-key-gpt_start button").click()
        a.locator(".st-key-gpt_pause button").wait_for(timeout=120_000)
        # A sees its text's name
        a.wait_for_function(f"() => document.body.innerText.includes({MARKER!r})", timeout=120_000)
        token = _token(a.url)
        assert token
        a.reload()  # A's own reload: the same address and A's cookie -> the same training
        wait_idle(a)
        a.locator(".st-key-gpt_pause button").wait_for(timeout=60_000)
        assert _token(a.url) == token
        address = a.url  # what A would paste into a chat

        b = b_ctx.new_page()
        b.goto(server.url)
        wait_idle(b)
        b.goto(address)
        wait_idle(b)
        assert not _running(b) and exceptions(b) == []
        assert MARKER not in b.content() and MARKER not in b.inner_text("body")
        assert _token(b.url) not in (None, token)  # a token of B's own, as with no token
        for key in ("gpt_stop", "gpt_reset"):  # disabled for B; clicked anyway
            b.locator(f".st-key-{key} button").click(force=True)
            wait_idle(b)
        b.reload()
        wait_idle(b)
        assert not _running(b) and MARKER not in b.content()

        a.wait_for_timeout(3000)
        assert _running(a), "B's clicks stopped A's training"
        a.locator(".st-key-gpt_stop button").click()  # A ends its own run (and the test's CPU use)
        a.locator(".st-key-gpt_pause button").wait_for(state="detached", timeout=60_000)  # A's Stop does stop it
    finally:
        a_ctx.close()
        b_ctx.close()
