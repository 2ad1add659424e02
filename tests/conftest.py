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
