"""Every page, in both languages, finishes drawing in a real browser with no exception box."""
from __future__ import annotations

import time
import urllib.parse

import pytest

from core.i18n import LANG_NAMES
from tests.e2e.conftest import SLOW, exceptions, new_context, wait_idle
from ui.registry import PAGES
from ui.registry import url_path as page_name


def url_path(path: str) -> str:
    """views/lm_ngram/page.py -> lm_ngram (the page's folder, its url path); home is the root."""
    name = page_name(path)
    return "" if name == "home" else name


@pytest.fixture(scope="module")
def visitor(browser):
    """One browser context for all pages: each page load is still a new Streamlit session, but the app's
    JavaScript comes from the HTTP cache instead of being fetched and parsed 30 times."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("entry", PAGES, ids=lambda e: url_path(e.path) or "home")
def test_page_renders_without_exception(server, visitor, entry, lang):
    page = visitor.new_page()
    start = time.time()
    page.goto(f"{server.url}/{url_path(entry.path)}?lang={urllib.parse.quote(LANG_NAMES[lang])}")
    wait_idle(page)
    SLOW[f"{url_path(entry.path) or 'home'}-{lang}"] = round(time.time() - start, 1)
    assert exceptions(page) == []
    title = page.locator('[data-testid="stMainBlockContainer"] h1').first.inner_text()
    nav = " ".join(page.locator('[data-testid="stSidebarNav"] a').all_inner_texts())
    page.close()
    assert title and ("ホーム" in nav) == (lang == "ja") and ("Home" in nav) == (lang == "en"), nav
