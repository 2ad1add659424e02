"""Where the JavaScript that bertviz needs comes from: our own static folder, or (failing that) the CDN.

`scripts/vendor_js.sh` (run by `make setup`) fetches require.js 2.3.6, d3 5.7.0 and jquery 2.1.4 from
the npm registry into `static/vendor/` (git-ignored). Streamlit serves `static/` at `/app/static/`
(`server.enableStaticServing = true`), so an iframe of the app loads them from the app itself and the
views draw offline. When the files are missing the views fall back to cdnjs, and the page says so.

>>> src = script_sources(vendor_dir=Path("/nonexistent"))
>>> src.vendored, src.require.startswith("https://")
(False, True)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "static" / "vendor"
VENDOR_URL = "/app/static/vendor"  # where Streamlit serves VENDOR_DIR
SETUP_HINT = "scripts/vendor_js.sh"  # what to run to vendor the scripts (also `make setup`)

# name -> (file under static/vendor/, CDN URL bertviz 1.4.1 uses). require.config paths drop ".js".
FILES = {
    "require": ("require.js", "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js"),
    "d3": ("d3.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/5.7.0/d3.min.js"),
    "jquery": ("jquery.min.js", "https://cdnjs.cloudflare.com/ajax/libs/jquery/2.0.0/jquery.min.js"),
}


@dataclass(frozen=True)
class ScriptSources:
    """URLs for the three scripts, and whether they are ours (vendored) or the CDN's."""

    require: str  # a <script src>
    d3: str  # a require.config path (no ".js")
    jquery: str  # a require.config path (no ".js")
    vendored: bool
    missing: tuple[str, ...]  # vendored files not found (empty when vendored)


def missing_files(vendor_dir: Path | None = None) -> tuple[str, ...]:
    """Files of FILES that are not (or are empty) in `vendor_dir` (default VENDOR_DIR)."""
    vendor_dir = VENDOR_DIR if vendor_dir is None else vendor_dir
    return tuple(f for f, _ in FILES.values() if not ((vendor_dir / f).is_file() and (vendor_dir / f).stat().st_size > 0))


def script_sources(vendor_dir: Path | None = None, base_url: str = VENDOR_URL) -> ScriptSources:
    """Vendored URLs when all three files exist, otherwise the CDN for all three (one origin, no mix)."""
    missing = missing_files(vendor_dir)
    if not missing:
        url = {k: f"{base_url}/{f}" for k, (f, _) in FILES.items()}
        return ScriptSources(url["require"], url["d3"][:-3], url["jquery"][:-3], True, ())
    cdn = {k: u for k, (_, u) in FILES.items()}
    return ScriptSources(cdn["require"], cdn["d3"][:-3], cdn["jquery"][:-3], False, missing)
