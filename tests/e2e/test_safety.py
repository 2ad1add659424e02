"""Hostile text typed into the pages' text boxes runs nothing and fetches nothing: no dialog opens, no
<img> from the text appears in the page, no request leaves 127.0.0.1 (checked by the suite's guard)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import exceptions, wait_idle

INJECTION = "</script><img src=x onerror=alert(1)> ![x](http://example.invalid/beacon.png) <b>bold</b>"
BOXES = [("lm_chain_rule", ".st-key-chain_text textarea"), ("tf_attention", ".st-key-att_text textarea"),
         ("tok_compare", ".st-key-tokc_text textarea"), ("tok_bpe", ".st-key-bpe_text input"),
         ("tf_multihead", ".st-key-mha_text textarea")]


@pytest.mark.parametrize("path, box", BOXES, ids=[b[0] for b in BOXES])
def test_injection_text_opens_no_dialog_and_makes_no_request(server, context, path, box):
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server.url}/{path}")
    wait_idle(page)
    field = page.locator(box).first
    field.fill(INJECTION)
    field.press("Control+Enter" if box.endswith("textarea") else "Enter")
    wait_idle(page)
    page.wait_for_timeout(1000)
    assert dialogs == []
    assert exceptions(page) == []
    main = page.locator('[data-testid="stMainBlockContainer"]')
    assert main.locator('img[src="x"], img[src*="example.invalid"]').count() == 0
    assert main.locator("b", has_text="bold").count() == 0  # shown as text, not as markup
