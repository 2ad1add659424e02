"""Start the app's server the way `make run` does: heavy imports first, then `streamlit run app.py`.

    .venv/bin/python scripts/serve.py [streamlit options, e.g. --server.port 8502]

Why not plain `streamlit run`: the first visitor of a fresh process would wait for torch, pandas and
plotly to import (2–4 s on this 2-core machine) inside the first page run. Here they import before the
server listens (ui/preload.py); the page runs that follow find them in sys.modules.

The app's own INFO lines ("atlas.*" loggers: the idle keeper's releases with the memory before and after,
ui/memory.py) go to stderr with the server's log; Streamlit configures only its own loggers.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.preload import preload  # noqa: E402


def log_to_stderr() -> None:
    """INFO and above of the app's "atlas.*" loggers to stderr, once."""
    app_log = logging.getLogger("atlas")
    if not app_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        app_log.addHandler(handler)
        app_log.setLevel(logging.INFO)


def main() -> int:
    log_to_stderr()
    took = preload()
    print("preloaded " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()), file=sys.stderr, flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
