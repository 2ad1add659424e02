"""An uploaded text never leaves its session (issue 27, part 3).

A training on an uploaded text (a marker string in it), then the session ends and its lease runs out:
every file of the cache and every object the process still holds is searched for the marker. It is
found only in the autosave (the owner's Resume needs the text); the owner's Discard removes that too,
after which nothing on disk or in memory holds it.
"""
from __future__ import annotations

import gc
import secrets
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.i18n import LANG_NAMES
from core.runtime.gcpolicy import refreeze
from core.runtime.sessions import LEASES
from tests.apptest import APP, errors, in_browser, run_until

_PROBE: str = ""  # the marker, reversed: the test keeps no string that contains the marker itself


class _Upload:
    """What st.file_uploader hands the page (AppTest cannot drive the real one)."""

    def __init__(self, data: bytes):
        self._data, self.name, self.file_id = data, "private.txt", "upload-1"

    def getvalue(self) -> bytes:
        return self._data


def _needle() -> str:
    return _PROBE[::-1]


def files_with_marker(root: Path) -> list[str]:
    needle = _needle().encode()
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes())


def objects_with_marker() -> list[str]:
    """Every str / bytes the process still references (through any container gc knows) that holds the marker,
    once the server has collected what the ended sessions left (what the idle keeper does: core.runtime.gcpolicy)."""
    refreeze()
    needle = _needle()
    raw = needle.encode()
    found = []
    gc.unfreeze()  # gc.get_objects() leaves out the frozen ones
    try:
        for obj in gc.get_objects():
            for ref in gc.get_referents(obj):
                if ref is needle or ref is raw:
                    continue
                if (isinstance(ref, str) and needle in ref) or (isinstance(ref, (bytes, bytearray)) and raw in ref):
                    found.append(f"{type(obj).__name__} -> {type(ref).__name__}[{len(ref)}]")
    finally:
        gc.freeze()
    return found


def _end_sessions(token: str) -> None:
    """Every session of the run closed (websocket gone) and the grace period over: the lease is reaped."""
    for kind, tok in list(LEASES._leases):
        if tok == token:
            for sid in list(LEASES._leases[(kind, tok)].sessions):
                LEASES.detach(token, sid, kind)
    LEASES.reap(now=LEASES.clock() + 10 * LEASES.grace_s)


def _tab(token: str | None, secret: str) -> AppTest:
    at = in_browser(AppTest.from_file(APP, default_timeout=120), secret)
    at.query_params["lang"] = LANG_NAMES["en"]
    if token:
        at.query_params["run"] = token
    at.run()
    at.switch_page("views/gpt_train/page.py").run()
    assert not at.exception, errors(at)
    return at


@pytest.mark.filterwarnings("ignore::FutureWarning")  # isinstance() on torch's deprecated module attributes
def test_an_uploaded_text_stays_in_its_session_and_its_autosave_only(monkeypatch, tmp_path):
    global _PROBE
    from core.runtime.sessions import new_secret

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    _PROBE = ("MK" + secrets.token_hex(10))[::-1]
    # in a dict, so that the test can drop its own reference before searching memory for the marker
    held = {"data": "".join(f"line {i}: the cat sat on the mat, {_needle()} said the dog.\n"
                            for i in range(300)).encode()}
    real = st.file_uploader
    monkeypatch.setattr(st, "file_uploader", lambda label, key=None, **kw: _Upload(held["data"])
                        if key == "gpt_upload" else real(label, key=key, **kw))
    secret = new_secret()
    at = _tab(None, secret)
    at.radio(key="gpt_corpus").set_value("upload").run()
    at.select_slider(key="gpt_steps").set_value(20).run()
    at.select_slider(key="gpt_sample_every").set_value(0).run()
    assert not at.exception, errors(at)
    at.button(key="gpt_start").click().run()
    run_until(at, ("Finished",), timeout=300)
    token = at.query_params["run"]
    assert objects_with_marker(), "the search must see the text while its session holds it"
    del at
    held.clear()
    _end_sessions(token)
    monkeypatch.setattr(st, "file_uploader", real)

    saved = {f"autosave/{token}.corpus.json"}  # what the owner's Resume reads
    assert set(files_with_marker(tmp_path)) == saved
    assert objects_with_marker() == []

    owner = _tab(token, secret)  # the owner comes back: Resume is offered; Discard removes the run
    owner.button(key="gpt_discard_saved").click().run()
    assert not owner.exception, errors(owner)
    del owner
    _end_sessions(token)
    assert files_with_marker(tmp_path) == [] and objects_with_marker() == []
