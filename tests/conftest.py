"""Shared test setup: run from any folder, keep caches out of the working tree, CPU only."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("ATLAS_FORCE_CPU", "1")


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    """Anything the app caches on disk goes to a temporary folder during tests."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "atlas-cache"))


@pytest.fixture(autouse=True)
def _stop_leftover_jobs():
    """A job a test started and left running (a page's background note, an AppTest session that never ends)
    is stopped when the test ends, and waited for: it would otherwise hold one of the server's training slots
    (ATLAS_MAX_TRAININGS) and the cores while later tests run, and they would fail by chance. Jobs started
    before the test (a module fixture's) are left alone."""
    from core.runtime.jobs import STARTED

    def running():
        return [j for j in list(STARTED) if not j.wait(0)]  # wait(0): has the thread ended?

    before = {id(j) for j in running()}
    yield
    left = [j for j in running() if id(j) not in before]
    for j in left:
        j.stop()
    for j in left:
        j.wait(60)
