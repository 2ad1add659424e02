"""An uploaded text never leaves its session, on every page that trains or counts on it (issue 27, part 3).

Each page gets an upload holding a marker string (14 letters: MeCab keeps it as one word, BPE and
SentencePiece, whose pieces are at most 16 characters, learn it as one piece), works on it to the end
(tokenizers, n-gram counts, MeCab word lists, sweeps, a GPT on a SentencePiece tokenizer), then the
session ends. Every file of the disk cache and every
object the process still holds is searched for the marker (tests/test_upload_privacy.py's search): it is
nowhere, except the training's autosave, which the owner's Resume needs.
"""
from __future__ import annotations

import secrets
import string
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.i18n import LANG_NAMES
from tests import test_upload_privacy as probe
from tests.apptest import APP, errors, in_browser, run_until


def _marker_text(fullwidth: bool = False) -> bytes:
    """300 lines, English and Japanese, each with the marker (set in `probe._PROBE`, reversed); `fullwidth`: each
    line also spells it in full-width letters, a variant that NFKC merges with it (the normalization page)."""
    probe._PROBE = ("MK" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12)))[::-1]
    m = probe._needle()
    wide = "".join(chr(ord(c) + 0xFEE0) for c in m) if fullwidth else ""
    return "".join(f"行 {i}: 今日は雨が降っている。{m} と犬が言った。{wide} the cat sat on the mat, {m} said the dog.\n"
                   for i in range(300)).encode()


def _upload_into(monkeypatch, want: str, data: bytes) -> list[bytes]:
    """st.file_uploader of key `want` hands over `data`; emptying the returned list lets the bytes go."""
    held, real = [data], st.file_uploader
    monkeypatch.setattr(st, "file_uploader", lambda label, key=None, **kw: probe._Upload(held[0]) if key == want
                        else real(label, key=key, **kw))
    return held


def _settle(at: AppTest, timeout: float = 240.0) -> None:
    """Rerun until no background job's progress shows (AppTest never ticks the polling fragment)."""
    end, quiet = time.time() + timeout, 0
    while time.time() < end:
        at.run()
        assert not at.exception, errors(at)
        quiet = quiet + 1 if not at.get("progress") else 0
        if quiet >= 2:
            return
        time.sleep(0.5)
    raise AssertionError("a background job did not finish")


def _page(path: str, prefix: str, secret: str) -> AppTest:
    at = in_browser(AppTest.from_file(APP, default_timeout=180), secret)
    at.query_params["lang"] = LANG_NAMES["en"]
    at.run()
    at.switch_page(path).run()
    at.radio(key=f"{prefix}_corpus").set_value("upload").run()
    assert not at.exception, errors(at)
    return at


TOOL_PAGES = {  # page, corpus prefix, widgets set before the work (key -> value)
    "ngram_words": ("views/lm_ngram/page.py", "ngram", {"ngram_level": "word"}),
    "bpe": ("views/tok_bpe/page.py", "bpe", {}),
    "compare": ("views/tok_compare/page.py", "tokc", {}),
    "sweep": ("views/tok_sweep/page.py", "sweep", {}),
    "chain_words": ("views/lm_chain_rule/page.py", "chain", {"chain_level": "word"}),
    "normalization": ("views/lm_normalization/page.py", "norm", {"norm_level": "word"}),
}


@pytest.mark.filterwarnings("ignore::FutureWarning")  # the search's isinstance() on torch's deprecated attributes
@pytest.mark.parametrize("case", list(TOOL_PAGES))
def test_an_upload_on_a_tool_page_stays_in_its_session(case, monkeypatch, tmp_path):
    from core.runtime.sessions import new_secret

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    path, prefix, widgets = TOOL_PAGES[case]
    held = _upload_into(monkeypatch, f"{prefix}_upload", _marker_text(fullwidth=case == "normalization"))
    at = _page(path, prefix, new_secret())
    for key, value in widgets.items():
        at.radio(key=key).set_value(value).run()
    _settle(at)
    scope = at.session_state["_private_scope"]
    assert len(scope) or any(scope._tables.values()), "the page kept nothing of its work in the session"
    assert probe.objects_with_marker(), "the search must see the text while its session holds it"
    del at, scope
    held.clear()
    assert probe.files_with_marker(tmp_path) == []
    assert probe.objects_with_marker() == []


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_a_training_on_a_learned_tokenizer_keeps_the_upload_in_its_autosave_only(monkeypatch, tmp_path):
    from core.runtime.sessions import new_secret

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    held = _upload_into(monkeypatch, "gpt_upload", _marker_text())
    at = _page("views/gpt_train/page.py", "gpt", new_secret())
    at.radio(key="gpt_tok").set_value("bpe").run()
    at.select_slider(key="gpt_vocab").set_value(512).run()
    at.select_slider(key="gpt_steps").set_value(20).run()
    at.select_slider(key="gpt_sample_every").set_value(0).run()
    assert not at.exception, errors(at)
    at.button(key="gpt_start").click().run()
    run_until(at, ("Finished",), timeout=300)
    token = at.query_params["run"]
    del at
    probe._end_sessions(token)
    held.clear()
    assert set(probe.files_with_marker(tmp_path)) <= {f"autosave/{token}.corpus.json", f"autosave/{token}.safetensors"}
    assert probe.objects_with_marker() == []
