"""The residual-stream page's study of the shipped GPT (core.gpt.inside.residual), shipped as the note residual-<lang>
(build_models --only notes): the page opened fresh shows it at once from the shipped file, without a
background job, in both languages."""
from __future__ import annotations

import math

import pytest

from core import notes_store as S
from core.gpt.inside import residual as R
from tests.test_shipped_notes import REBUILD


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_residual_page_first_open_shows_the_shipped_study_without_a_job(monkeypatch, tmp_path, lang):
    from core.shipped.models import load_gpt
    from tests.apptest import open_page
    from views.gpt_residual.texts import T

    note = R.page_note(load_gpt(lang), lang)  # the page's note for the model the pages load
    got = S.shipped(note)
    assert got is not None, f"{note.name}: " + REBUILD.format(lang=lang)
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))  # no copy computed earlier on this machine
    monkeypatch.setattr(S, "_MEMORY", {})
    started = []
    monkeypatch.setattr(S.NoteJob, "work", lambda self: started.append(self.note.name) or "finished")
    at = open_page("views/gpt_residual/page.py", lang=lang)
    assert not started and not at.get("progress"), started
    s = R.ResidualStudy.from_json(got)
    assert at.metric[0].value == T.t("nats", lang, v=s.base_loss, pp=math.exp(s.base_loss))
