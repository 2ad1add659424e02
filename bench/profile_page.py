"""Where a page's first open spends its time: cProfile of one page's first run in a cold process.

Like bench/first_open.py (fresh process, empty ATLAS_CACHE_DIR, torch imported before the clock, AppTest),
but the page's script run is profiled in the script thread and the top functions by cumulative time are
printed, plus the modules imported during the run with their own import time (`-X importtime`-like,
from sys.modules before/after).

    .venv/bin/python -P bench/profile_page.py views/lm_chain_rule.py --lang ja
    .venv/bin/python -P bench/profile_page.py app.py --lang ja          # app.py + the home page
    .venv/bin/python -P bench/profile_page.py views/tf_attention.py --after views/lm_ngram.py  # warm imports first

Last line: {"page": ..., "lang": ..., "seconds": ..., "new_modules": n, "top": [[function, cumulative s], ...]}
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("page")
    ap.add_argument("--lang", default="en", choices=("en", "ja"))
    ap.add_argument("--after", action="append", default=[], help="pages opened (unprofiled) before this one")
    ap.add_argument("--top", type=int, default=30)
    a = ap.parse_args()
    os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-profile-"))
    os.environ.setdefault("ATLAS_FORCE_CPU", "1")
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    import torch  # noqa: F401 - before the clock, as on a running server
    import ui.guard
    from core.i18n import LANG_NAMES

    prof = cProfile.Profile()
    armed = {"on": False}
    original = ui.guard.run_page

    def profiled(run, after: bool = True) -> None:  # runs in the script thread: profile there
        if not armed["on"]:
            return original(run, after)
        prof.enable()
        try:
            return original(run, after)
        finally:
            prof.disable()

    ui.guard.run_page = profiled
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["lang"] = LANG_NAMES[a.lang]
    armed["on"] = a.page == "app.py" and not a.after
    before = set(sys.modules)
    t0 = time.perf_counter()
    at.run()
    if a.page != "app.py" or a.after:
        for p in a.after:
            at.switch_page(p).run()
        armed["on"] = True
        before = set(sys.modules)
        t0 = time.perf_counter()
        at.switch_page(a.page).run()
    seconds = time.perf_counter() - t0
    armed["on"] = False
    new = sorted(m.split(".")[0] for m in set(sys.modules) - before)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(a.top)
    print(out.getvalue(), file=sys.stderr)
    tops = sorted(((f"{Path(k[0]).name}:{k[1]}:{k[2]}", v[3]) for k, v in stats.stats.items()), key=lambda x: -x[1])
    errs = [str(e.value)[:200] for e in at.exception]
    print(json.dumps({"page": a.page, "lang": a.lang, "seconds": round(seconds, 3),
                      "new_top_packages": sorted(set(new))[:60], "errors": errs,
                      "top": [[n, round(s, 3)] for n, s in tops[: a.top]]}, ensure_ascii=False))


if __name__ == "__main__":
    main()
