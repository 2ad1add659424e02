"""Where the JavaScript that bertviz needs comes from: our own static folder, never a CDN.

`scripts/vendor_js.sh` (run by `make setup`) fetches require.js 2.3.6, d3 5.7.0 and jquery 2.1.4 from
the npm registry into `static/vendor/` (git-ignored). Streamlit serves `static/` at `/app/static/`
(`server.enableStaticServing = true`), so an iframe of the app loads them from the app itself and the
views draw offline. bertviz itself points at cdnjs; we replace those URLs. When the files are missing
the view is *not* pointed back at the CDN (the app makes no request off the machine): `vendored` is
False, `missing` names the files, and the page shows a message instead of the view.

>>> src = script_sources(vendor_dir=Path("/nonexistent"))
>>> src.vendored, src.require.startswith("/app/static/"), len(src.missing)
(False, True, 3)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "static" / "vendor"
VENDOR_URL = "/app/static/vendor"  # where Streamlit serves VENDOR_DIR
SETUP_HINT = "scripts/vendor_js.sh"  # what to run to vendor the scripts (also `make setup`)

# name -> (file under static/vendor/, the npm package it comes from). require.config paths drop ".js".
FILES = {
    "require": ("require.js", "requirejs@2.3.6"),
    "d3": ("d3.min.js", "d3@5.7.0"),
    "jquery": ("jquery.min.js", "jquery@2.1.4"),
}


@dataclass(frozen=True)
class ScriptSources:
    """URLs (on this app) for the three scripts, and whether the files are actually there."""

    require: str  # a <script src>
    d3: str  # a require.config path (no ".js")
    jquery: str  # a require.config path (no ".js")
    vendored: bool
    missing: tuple[str, ...]  # vendored files not found (empty when vendored)


def missing_files(vendor_dir: Path | None = None) -> tuple[str, ...]:
    """Files of FILES that are not (or are empty) in `vendor_dir` (default VENDOR_DIR)."""
    vendor_dir = VENDOR_DIR if vendor_dir is None else vendor_dir

    def present(f: str) -> bool:
        return (vendor_dir / f).is_file() and (vendor_dir / f).stat().st_size > 0

    return tuple(f for f, _ in FILES.values() if not present(f))


def script_sources(vendor_dir: Path | None = None, base_url: str = VENDOR_URL) -> ScriptSources:
    """This app's URLs for the scripts; `vendored` says whether all three files exist to serve them."""
    missing = missing_files(vendor_dir)
    url = {k: f"{base_url}/{f}" for k, (f, _) in FILES.items()}
    return ScriptSources(url["require"], url["d3"][:-3], url["jquery"][:-3], not missing, missing)
