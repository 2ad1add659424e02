"""Helpers for AppTest: open a page through app.py (so the shell and navigation run) in a language."""
from __future__ import annotations

import json
import time

from streamlit.testing.v1 import AppTest

from core.i18n import LANG_NAMES
from core.runtime.sessions import new_secret
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
SECRET = new_secret()  # the test browser's secret (its cookie, ui/owner.py): run tokens made with it are its own
SECRET_KEY = "_atlas_owner_secret"  # where a session keeps the cookie's secret (ui.owner.KEY)


def in_browser(at: AppTest, secret: str = SECRET) -> AppTest:
    """The session of a browser that holds `secret` in its cookie (AppTest cannot send cookies)."""
    at.session_state[SECRET_KEY] = secret
    return at


def open_page(page: str | None = None, lang: str = "en", timeout: float = 60) -> AppTest:
    """Run app.py, switch to `page` (e.g. "views/gpt_gelu/page.py") in `lang`; return the AppTest."""
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


def progress_text(at: AppTest) -> str:
    return " ".join(p.proto.text for p in at.get("progress"))


def run_until(at: AppTest, words: tuple[str, ...], timeout: float = 120.0) -> str:
    """AppTest never ticks run_every fragments: rerun until the progress line says one of `words`."""
    end = time.time() + timeout
    while time.time() < end:
        at.run()
        assert not at.exception, errors(at)
        text = progress_text(at)
        if any(w in text for w in words):
            return text
        time.sleep(0.3)
    raise AssertionError(f"timed out; progress: {progress_text(at)!r}")


def specs(at) -> list[str]:
    """Each figure's JSON, with non-ASCII text (Japanese titles, ·, ×) readable rather than \\u-escaped."""
    return [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]


def spec_with(at, text: str) -> str:
    found = [s for s in specs(at) if text in s]
    assert found, f"no chart mentions {text!r}"
    return found[0]


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]
