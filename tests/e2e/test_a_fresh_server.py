"""A direct link to a page on a FRESH server goes through app.py (sidebar, language, navigation).

Streamlit runs a fresh server's first direct page link through its legacy handling (which skips app.py)
when a folder named `pages/` sits beside app.py; ours is `views/` (see ui/shell.py). This test starts its
own server so that it really is the first session: the suite's shared server has seen sessions already.
"""
from __future__ import annotations

import urllib.parse

from tests.e2e.conftest import Server, exceptions, new_context, wait_idle


def test_first_direct_link_on_a_fresh_server_runs_through_the_app(browser, tmp_path):
    srv = Server(tmp_path)
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        page.goto(f"{srv.url}/tf_positional?lang={urllib.parse.quote('日本語')}")
        wait_idle(page)
        assert exceptions(page) == []
        assert page.locator("h1").first.inner_text().startswith("位置エンコーディング")
        nav = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert any("ホーム" in t for t in nav), nav  # app.py's navigation, not raw file names ("app", "gpt gelu")
        assert not any(t.strip() in ("app", "gpt gelu") for t in nav), nav
        assert page.locator(".st-key-lang").count() == 1  # the shell's language switch is there
    finally:
        ctx.close()
        srv.stop()
