"""The Compare page in a real browser: the five production rows, a character split across tokens drawn as
its hex bytes (never "�"), and the token-premium chart, in both languages, with no request leaving the machine."""
from __future__ import annotations

import urllib.parse

import pytest

from core.i18n import LANG_NAMES
from tests.e2e.conftest import exceptions, wait_idle
from tests.production_vendor import require_production


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_production_rows_hex_and_premium(server, context, lang):
    require_production()
    page = context.new_page()
    query = urllib.parse.urlencode({"lang": LANG_NAMES[lang], "tokc_text": "読売巨人軍は東京の野球チームです。"})
    page.goto(f"{server.url}/tok_compare?{query}")
    wait_idle(page)
    assert exceptions(page) == []
    rows = page.locator(".tk-row.tkb")
    assert rows.count() == 5
    gpt2 = rows.first.inner_text()
    assert "e8 aa" in gpt2 and "読" in gpt2 and "\ufffd" not in page.locator(".tk-row.tkb").all_inner_texts()[0]
    assert page.locator(".tk-row.tkb .tk.jr").count() > 0 and page.locator(".tk-row.tkb .tk.jl").count() > 0
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="×").first
    chart.scroll_into_view_if_needed()
    chart.locator("svg").first.wait_for()
    text = chart.inner_text()
    assert "GPT-2" in text and "o200k" in text and ("Japanese" if lang == "en" else "日本語") in text
    page.close()
