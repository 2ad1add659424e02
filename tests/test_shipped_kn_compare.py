"""The n-gram page's interpolated vs modified Kneser–Ney comparison (core.lm.kn_compare), shipped as the notes
kn-compare-<lang>-<level> (build_models --only notes): the page opened fresh on the shipped corpus shows it at
once from the shipped file, without a background job, in both languages and at both levels."""
from __future__ import annotations

import json

import pytest

from core import notes_store as S
from core.lm import kn_compare
from tests.test_shipped_notes import REBUILD, _close


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_kn_compare_notes_are_fresh(lang):
    for level in ("char", "word"):
        note = kn_compare.shipped_note(lang, level)
        assert note.name == f"kn-compare-{lang}-{level}"
        assert S.shipped(note) is not None, f"{note.name}: " + REBUILD.format(lang=lang)


def test_shipped_kn_compare_equals_a_fresh_computation():
    """The cheapest of the four (English, characters) computed again gives the shipped numbers."""
    note = kn_compare.shipped_note("en", "char")
    _close(json.loads(json.dumps(note.compute(), ensure_ascii=False)), S.shipped(note), note.name)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("level", ["char", "word"])
def test_ngram_page_first_open_shows_the_shipped_kn_comparison_without_a_job(monkeypatch, tmp_path, lang, level):
    from tests.apptest import open_page

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))  # no copy computed earlier on this machine
    monkeypatch.setattr(S, "_MEMORY", {})
    started = []
    monkeypatch.setattr(S.NoteJob, "work", lambda self: started.append(self.note.name) or "finished")
    at = open_page("views/lm_ngram/page.py", lang=lang)
    if level != "char":
        at.radio(key="ngram_level").set_value(level).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [n for n in started if n.startswith("kn-compare")], started
    assert not at.get("progress")
    got = S.shipped(kn_compare.shipped_note(lang, level))
    want = [round(r["heldout_ppl"], 2) for r in got["rows"]]
    shown = [[round(float(v), 2) for v in df.value.iloc[:, -1]] for df in at.dataframe]
    assert want in shown, (want, shown)
