"""Where shipped artifacts are: `assets/models/` (read-only in a deployment), then `<cache>/models/`, where a
page's rebuild (core.shipped.rebuild) writes. Tokenizers, sweeps, encoder–decoders, notes and the GPT/LSTM
loaders all look here, so one folder layout serves every package."""
from __future__ import annotations

from pathlib import Path

from core.runtime.diskcache import cache_root

MODELS_DIR = Path(__file__).resolve().parents[2] / "assets" / "models"


def rebuilt_dir() -> Path:
    """Where a page's rebuild writes: the cache, since assets/ may be read-only.
    Read from the environment each time, so tests can move it."""
    return cache_root() / "models"
