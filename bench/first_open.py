"""Time to first content of every page for a first visitor: empty disk cache, fresh process.

For each language a fresh Python process is started with `ATLAS_CACHE_DIR` pointing at a new, empty
temporary folder; it opens app.py and then every page of ui/registry.py once, in order, through
Streamlit's AppTest (as tests/apptest.py does), the way a visitor clicking through a new server would.
A page's time runs from the switch to the end of its script run; while the page shows a progress bar
(a background job), it is re-run every 0.5 s until the bar is gone (AppTest never ticks fragments).
Streamlit and ui/preload.py's heavy imports (torch, pandas, plotly) happen before the clock starts, as
`make run` (scripts/serve.py) does before its server listens.

    .venv/bin/python -m bench.first_open            # both languages
    .venv/bin/python -m bench.first_open --lang ja
    .venv/bin/python -m bench.first_open --skip views/tf_encoder_decoder/page.py   # leave a page out

Last line: {"pages": {"<lang>:<page>": seconds}, "max_s": ..., "cache_empty": true, "load_avg": {...}, ...}
(`cache_empty`: every child started on a cache folder with no files in it; `load_avg`: the 1-minute load
average at the start and end of the run, since other work on a 2-core machine moves every number;
`torch_threads`: the children's intra-op threads — with the cores busy, 2 threads make a small model's
inference in the page thread several times slower than 1: compare runs with OMP_NUM_THREADS=1).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_TIMEOUT = 900  # seconds: generous, a cold page may train or load a model on a busy 2-core CPU


def child(lang: str, skip: tuple[str, ...] = ()) -> dict:
    os.environ.setdefault("ATLAS_FORCE_CPU", "1")
    from streamlit.testing.v1 import AppTest

    from core.i18n import LANG_NAMES
    from ui.preload import preload
    from ui.registry import PAGES

    preload()  # before the clock, as scripts/serve.py (make run) does before its server listens

    out, errors = {}, {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PAGE_TIMEOUT)
    at.query_params["lang"] = LANG_NAMES[lang]
    t0 = time.perf_counter()
    at.run()
    out["app.py"] = round(time.perf_counter() - t0, 3)
    for entry in PAGES:
        if entry.path in skip:
            continue
        t0 = time.perf_counter()
        try:
            at.switch_page(entry.path).run()
            deadline = t0 + PAGE_TIMEOUT
            while at.get("progress") and not at.exception and time.perf_counter() < deadline:
                time.sleep(0.5)
                at.run()
        except RuntimeError as e:  # AppTest's script timeout: report it, go on with the next page
            errors[entry.path] = [f"{type(e).__name__}: {str(e)[:200]}"]
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PAGE_TIMEOUT)
            at.query_params["lang"] = LANG_NAMES[lang]
            at.run()
        out[entry.path] = round(time.perf_counter() - t0, 3)
        if at.exception:
            errors.setdefault(entry.path, [str(e.value)[:200] for e in at.exception])
        print(f"{lang} {entry.path:32s} {out[entry.path]:8.2f} s", file=sys.stderr, flush=True)
    return {"pages": out, "errors": errors}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", action="append", choices=("en", "ja"))
    ap.add_argument("--skip", action="append", default=[], help="a page path not to open (repeatable)")
    ap.add_argument("--child", choices=("en", "ja"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child, tuple(a.skip))))
        return
    pages, errors, empty = {}, {}, True
    load_start = os.getloadavg()[0]
    for lang in a.lang or ["en", "ja"]:
        with tempfile.TemporaryDirectory(prefix="atlas-first-open-") as cache:
            empty = empty and not any(Path(cache).rglob("*"))
            env = {**os.environ, "ATLAS_CACHE_DIR": cache}
            skip = [x for p in a.skip for x in ("--skip", p)]
            proc = subprocess.run([sys.executable, "-m", "bench.first_open", "--child", lang, *skip], env=env, cwd=ROOT,
                                  stdout=subprocess.PIPE, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"the {lang} run failed (exit {proc.returncode})")
            res = json.loads(proc.stdout.strip().splitlines()[-1])
        pages.update({f"{lang}:{p}": s for p, s in res["pages"].items()})
        errors.update({f"{lang}:{p}": e for p, e in res["errors"].items()})
    import torch

    result = {"pages": pages, "max_s": max(pages.values()), "cache_empty": empty,
              "over_3s": sorted(p for p, v in pages.items() if v > 3.0),
              "load_avg": {"start": round(load_start, 2), "end": round(os.getloadavg()[0], 2)},
              "torch_threads": torch.get_num_threads()}
    if errors:
        result["errors"] = errors
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
