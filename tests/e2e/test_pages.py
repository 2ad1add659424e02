"""Every page, in both languages, finishes drawing in a real browser with no exception box."""
from __future__ import annotations

import time
import urllib.parse

import pytest

from core.i18n import LANG_NAMES
from tests.e2e.conftest import SLOW, exceptions, wait_idle
from ui.registry import available_pages

PAGES = [p for p in available_pages()]


def url_path(path: str) -> str:
    """pages/lm_ngram.py -> lm_ngram (Streamlit's url path for a page); home is the root."""
    name = path.removeprefix("pages/").removesuffix(".py")
    return "" if name == "home" else name


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("entry", PAGES, ids=lambda e: url_path(e.path) or "home")
def test_page_renders_without_exception(server, context, entry, lang):
    page = context.new_page()
    start = time.time()
    page.goto(f"{server.url}/{url_path(entry.path)}?lang={urllib.parse.quote(LANG_NAMES[lang])}")
    wait_idle(page)
    SLOW[f"{url_path(entry.path) or 'home'}-{lang}"] = round(time.time() - start, 1)
    assert exceptions(page) == []
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    has_ja = any("\u3040" <= ch <= "\u9fff" for ch in page.locator('[data-testid="stMainBlockContainer"]').inner_text())
    assert title and has_ja == (lang == "ja"), title
