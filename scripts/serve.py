"""Start the app's server the way `make run` does: heavy imports first, then `streamlit run app.py`.

    .venv/bin/python scripts/serve.py [streamlit options, e.g. --server.port 8502]

Why not plain `streamlit run`: the first visitor of a fresh process would wait for torch, pandas and
plotly to import (2–4 s on this 2-core machine) inside the first page run. Here they import before the
server listens (ui/preload.py); the page runs that follow find them in sys.modules.

The app's own INFO lines ("atlas.*" loggers: the idle keeper's releases with the memory before and after,
ui/memory.py) go to stderr with the server's log; Streamlit configures only its own loggers.

Before the server starts, ui/websocket_limits.py puts the class's limits into Streamlit's websocket endpoint (a
message rate per connection, a session cap per process; settings in core/runtime/token_bucket.py).
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# The server's small Python objects go to glibc's malloc, not CPython's own arenas (PYTHONMALLOC=malloc, read only
# when an interpreter starts: hence the re-exec below). Why: after every session closed, pymalloc's 1 MiB arenas
# stayed pinned by a few live objects each, and the server kept its peak: bench/soak.py (90 s, 8–11 sessions, load
# ~11, one run each) settled 138 MB above the fresh server with pymalloc, 89 MB with malloc, whose freed pages
# ui/memory.py's malloc_trim hands back; the peak was 923 vs 636 MB. The cost: allocation-heavy pure Python runs
# 1.35–1.5x slower in a micro-benchmark, but a page's rerun is mostly torch and plotly: bench/pages.py
# --interactions, every widget of every page, two alternating rounds, median ratio 0.975 (within noise).
# ATLAS_PYMALLOC=1 keeps CPython's allocator (for A/B runs).
MALLOC_ENV = "PYTHONMALLOC"


def exec_with_malloc(environ=os.environ) -> None:
    """Restart this interpreter with PYTHONMALLOC=malloc unless it is set already or ATLAS_PYMALLOC=1."""
    if environ.get(MALLOC_ENV) or environ.get("ATLAS_PYMALLOC") == "1":
        return
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], {**environ, MALLOC_ENV: "malloc"})

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.preload import preload


def log_to_stderr() -> None:
    """INFO and above of the app's "atlas.*" loggers to stderr, once."""
    app_log = logging.getLogger("atlas")
    if not app_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        app_log.addHandler(handler)
        app_log.setLevel(logging.INFO)


def main() -> int:
    exec_with_malloc()
    log_to_stderr()
    took = preload()
    print("preloaded " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()), file=sys.stderr, flush=True)
    from streamlit.web import cli

    from ui.websocket_limits import install

    install()  # a message rate per connection and a session cap per process (README "Running it for a class")
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
