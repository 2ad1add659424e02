"""Server memory, page by page: what a fresh process holds after every page is opened once.

    .venv/bin/python -P bench/rss_pages.py [--lang en --lang ja]

One process, an empty cache folder, ui/preload.py's imports first (as `make run` does); then app.py and every
page of ui/registry.py through Streamlit's AppTest (as bench/first_open.py), recording the process's resident
memory (VmRSS) after each page, waiting out any background job's progress bar. It separates the memory the
pages' process-wide caches take (dictionaries, shipped models, tokenizers: kept for every later visitor, by
design) from what sessions leave behind (bench/soak.py: settled vs warm). Last line: one JSON object
{"rss_mb": {"start", "preloaded", "end"}, "pages": {"<lang>:<page>": MB after it}, "growth_mb": {"<lang>:<page>": MB
it added}, "largest": [[page, MB], …]}.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", action="append", choices=("en", "ja"))
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["ATLAS_CACHE_DIR"] = tempfile.mkdtemp(prefix="atlas-rss-")
    out = {"rss_mb": {"start": rss_mb()}, "pages": {}, "growth_mb": {}}
    from ui.preload import preload

    preload()
    from streamlit.testing.v1 import AppTest

    from core.i18n import LANG_NAMES
    from ui.registry import available_pages

    out["rss_mb"]["preloaded"] = rss_mb()
    for lang in a.lang or ["en", "ja"]:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["lang"] = LANG_NAMES[lang]
        pages = [("app.py", None)] + [(e.path, e.path) for e in available_pages()]
        for name, path in pages:
            before = rss_mb()
            (at.switch_page(path) if path else at).run()
            while at.get("progress") and not at.exception:  # a background job: wait for its result
                time.sleep(0.5)
                at.run()
            key = f"{lang}:{name}"
            out["pages"][key], out["growth_mb"][key] = rss_mb(), rss_mb() - before
            print(f"{key:34s} {out['pages'][key]:5d} MB  {out['growth_mb'][key]:+5d}", file=sys.stderr, flush=True)
    gc.collect()
    out["rss_mb"]["end"] = rss_mb()
    out["largest"] = sorted(out["growth_mb"].items(), key=lambda kv: -kv[1])[:5]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
