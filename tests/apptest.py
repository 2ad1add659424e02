"""Helpers for AppTest: open a page through app.py (so the shell and navigation run) in a language."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.i18n import LANG_NAMES
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def open_page(page: str | None = None, lang: str = "en", timeout: float = 60) -> AppTest:
    """Run app.py, switch to `page` (e.g. "pages/gpt_gelu.py") in `lang`; return the AppTest."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    # The URL carries the switch's label (?lang=日本語), as a shared link does.
    at.query_params["lang"] = LANG_NAMES[lang]
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.exception]
