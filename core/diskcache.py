"""The app's disk cache folder and atomic file writes, shared by everything that saves a file.

Things worth training once per machine (tokenizers, the encoder-decoder, checkpoints) are kept under
`$ATLAS_CACHE_DIR` (default `<repo>/.cache/atlas`, git-ignored; tests point it at a temp folder).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def cache_root() -> Path:
    """The cache folder; read from the environment each time, so tests can move it."""
    return Path(os.environ.get("ATLAS_CACHE_DIR", str(_REPO / ".cache" / "atlas")))


def write_atomic(path: Path, data: bytes, durable: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so a reader never sees half a
    file; `durable` also fsyncs before the rename (for checkpoints that must survive a crash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; these are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
