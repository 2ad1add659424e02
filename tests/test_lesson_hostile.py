"""A lesson file is data a teacher passes around: every mistake in it is the bilingual message naming the
stop (README: "a mistake is reported on the page, naming the stop"), inside the page guard, and its texts
render bold, italics and code but nothing that loads anything (no image, no link, no HTML)."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP

WENT_WRONG = "Something went wrong"
HEAD = '''title = ["T", "T"]
[[stop]]
page = "views/lm_chain_rule/page.py"
title = ["{title}", "タイトル"]
point = ["{point}", "要点"]
question = ["Q?", "問い？"]
'''


def _open(tmp_path, monkeypatch, body: bytes, number: int) -> AppTest:
    """Open ?lesson=<number> with lessons/lesson<number>.toml = `body`, from a folder of the test's own."""
    (tmp_path / f"lesson{number}.toml").write_bytes(body)
    monkeypatch.setenv("ATLAS_LESSON_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "English"
    at.query_params["lesson"] = str(number)
    at.run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert not [e for e in at.error if WENT_WRONG in e.value], [e.value for e in at.error]
    return at


def _stop(state: str = "", title: str = "A title", point: str = "A point") -> bytes:
    return (HEAD.format(title=title, point=point) + state).encode("utf-8")


def _warnings(at) -> str:
    return " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("number, body, words", [
    (81, b"\xff\xfe t\x00i\x00t\x00l\x00e\x00", "binary"),  # UTF-16: NULs
    (82, "title = [\"Caf\xe9\", \"x\"]".encode("latin-1"), "not UTF-8"),
    (83, bytes(range(256)) * 8, "binary"),
])
def test_a_lesson_file_that_is_not_utf8_text_is_named_not_a_traceback(number, body, words, tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, body, number)
    assert f"lesson {number}" in _warnings(at) and words in _warnings(at), _warnings(at)


@pytest.mark.parametrize("number, key", [(84, "lang"), (85, "force_cpu"), (86, "run"), (87, "present")])
def test_a_lesson_may_not_set_the_shells_keys(number, key, tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, _stop(f'state = {{ {key} = "ja" }}\n'), number)
    warn = _warnings(at)
    assert "stop 1" in warn and (key in warn or key.replace("_", "\\_") in warn), warn
    assert at.session_state["lang"] == "en"


@pytest.mark.parametrize("number, value", [(88, "1000000000000000000"), (89, "-5"), (90, '"three"'), (91, "[1, 2, 3]")])
def test_a_widget_value_the_page_cannot_take_is_named_with_the_stop(number, value, tmp_path, monkeypatch):
    at = _open(tmp_path, monkeypatch, _stop(f"state = {{ chain_n = {value} }}\n"), number)
    assert "stop 1" in _warnings(at) and "chain" in _warnings(at), _warnings(at)
    assert at.slider(key="chain_n").value == 3  # the page's own default
    at.run()  # and it stays well on the next rerun
    assert not at.exception and not [e for e in at.error if WENT_WRONG in e.value]


def test_lesson_texts_keep_emphasis_and_load_nothing(tmp_path, monkeypatch):
    point = "**bold** *it* `code` ![b](/x.png) [l](http://x.invalid/) <img src=/y.png> http://z.invalid www.w.invalid"
    at = _open(tmp_path, monkeypatch, _stop(title="![t](/t.png) Title", point=point), 92)
    md = " ".join(m.value for m in at.markdown)
    assert "**bold** *it* `code`" in md
    assert "](" not in md.replace("\\](", "") and "<img" not in md, md  # no image or link syntax left live
    assert "\\!\\[t\\]" in md and "http\\://z.invalid" in md and "www\\.w" in md


def test_a_bad_page_name_is_quoted_as_text(tmp_path, monkeypatch):
    body = HEAD.format(title="t", point="p").replace("views/lm_chain_rule/page.py", "![x](/p.png)").encode()
    at = _open(tmp_path, monkeypatch, body, 93)
    warn = _warnings(at)
    assert "stop 1" in warn and "\\!\\[x\\]" in warn and "![x]" not in warn, warn
