"""Links a teacher put on a slide before pages became folders (views/<name>.py → views/<name>/page.py) open
the same page in the same state: the addresses below are written out as they were, not built from the registry,
so a page whose URL changed fails here even if every other test follows the new name."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import exceptions, wait_idle

# (link as typed on a slide, the tab's title, the path the browser ends on)
OLD_LINKS = [
    ("/lm_chain_rule", "Chain rule", "/lm_chain_rule"),
    ("/tok_sweep?lang=English", "Vocabulary size", "/tok_sweep"),
    ("/tf_encoder_decoder", "Encoder–decoder", "/tf_encoder_decoder"),
    ("/gpt_tasks", "Task formats & transfer", "/gpt_tasks"),
    ("/tf_multihead?lang=%E6%97%A5%E6%9C%AC%E8%AA%9E", "マルチヘッド注意", "/tf_multihead"),
    ("/?lesson=1&stop=3", "n-gram models", "/lm_ngram"),  # a lesson stop switches to its page
]


@pytest.mark.parametrize("link, title, path", OLD_LINKS, ids=[x[0] for x in OLD_LINKS])
def test_an_old_link_opens_its_page(server, context, link, title, path):
    page = context.new_page()
    page.goto(server.url + link)
    wait_idle(page)
    page.wait_for_function("t => document.title.startsWith(t)", arg=title)
    assert page.url.split("?")[0].endswith(path)
    assert exceptions(page) == []


def test_an_old_link_with_widget_values_and_presenter_view(server, context):
    """A typed sentence and a slider in the link, and ?present=1, as a slide would carry them."""
    page = context.new_page()
    page.goto(f"{server.url}/lm_chain_rule?chain_text=The+dog+ran+home.&chain_n=2&present=1")
    wait_idle(page)
    assert exceptions(page) == []
    assert page.locator(".st-key-chain_text textarea").input_value() == "The dog ran home."
    assert page.locator('.st-key-chain_n input[type="range"]').first.input_value() == "2"
    assert page.locator(".st-key-present input[type='checkbox']").first.is_checked()
