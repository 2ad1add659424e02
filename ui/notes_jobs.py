"""A notes section's numbers on a page: shipped or computed before (at once), else a background job's progress.

    value = ui.notes_jobs.value(note, "att_pp", lang)   # None: the job's progress was drawn; skip the section
"""
from __future__ import annotations

from typing import Any

from core.errors import UserInputError
from core.notes_store import Note, note_or_job, restart, shipped_record
from ui import shell
from ui.background import outcome
from ui.texts.notes_checks import T


def value(note: Note, key: str, lang: str) -> Any | None:
    """The note's value, or None after drawing why not yet (progress + Cancel, or "Start again")."""
    try:
        got = note_or_job(note)
    except UserInputError as e:  # the server runs its limit of jobs right now
        shell.show_error(e)
        return None
    # Say why it is computed: a shipped copy made from other inputs, or (some notes) none shipped at all.
    why = "note_computing" if shipped_record(note.name) is not None else "note_computing_unshipped"
    return outcome(got, key, lang, T.t("note_what", lang), T.t(why, lang), restart, (note,))
