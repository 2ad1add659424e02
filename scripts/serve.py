"""Start the app's server the way `make run` does: heavy imports first, then `streamlit run app.py`.

    .venv/bin/python scripts/serve.py [streamlit options, e.g. --server.port 8502]

Why not plain `streamlit run`: the first visitor of a fresh process would wait for torch, pandas and
plotly to import (2–4 s on this 2-core machine) inside the first page run. Here they import before the
server listens (ui/preload.py); the page runs that follow find them in sys.modules.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui.preload import preload  # noqa: E402


def main() -> int:
    took = preload()
    print("preloaded " + ", ".join(f"{k} {v:.1f} s" for k, v in took.items()), file=sys.stderr, flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
