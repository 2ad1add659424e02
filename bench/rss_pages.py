"""Server memory, page by page: what a fresh process holds after every page is opened once.

    .venv/bin/python -P bench/rss_pages.py [--lang en --lang ja] [--release]

One process, an empty cache folder, ui/preload.py's imports first (as `make run` does); then app.py and every
page of ui/registry.py through Streamlit's AppTest (as bench/first_open.py), recording the process's resident
memory (VmRSS) after each page, waiting out any background job's progress bar. It separates the memory the
pages' process-wide caches take (dictionaries, shipped models, tokenizers: kept for every later visitor, by
design) from what sessions leave behind (bench/soak.py: settled vs warm). Last line: one JSON object
{"rss_mb": {"start", "preloaded", "end"}, "pages": {"<lang>:<page>": MB after it}, "growth_mb": {"<lang>:<page>": MB
it added}, "largest": [[page, MB], …]}.

`--release` then gives the memory back step by step, as the idle keeper (ui.memory) does on a server, and
records VmRSS / RssAnon / RssFile after each step, so each step's share is a number: "trim" (glibc's free
pages only), "refreeze" (cycles frozen by core.runtime.gcpolicy), "sessions" (the AppTest sessions and
their state dropped), then each registered release in turn (Streamlit caches, figures, lru caches, core
tables, finished jobs); with the cache census (entries per cache) before the release. Added to the JSON:
"census", "release": [[step, {"rss", "anon", "file"}], …]. `--reopen` then opens every page again, as the
next visitor after an idle release would, timed: "reopen_s" per page, "reopen_max_s", "rss_mb"."reopened".
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
    ap.add_argument("--release", action="store_true", help="then release step by step (see above)")
    ap.add_argument("--reopen", action="store_true", help="with --release: then open every page again, timed")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["ATLAS_CACHE_DIR"] = tempfile.mkdtemp(prefix="atlas-rss-")
    out = {"rss_mb": {"start": rss_mb()}, "pages": {}, "growth_mb": {}}
    from ui.preload import preload

    preload()
    out["rss_mb"]["preloaded"] = rss_mb()
    apps = visit_all(a.lang or ["en", "ja"], out)
    gc.collect()
    out["rss_mb"]["end"] = rss_mb()
    out["largest"] = sorted(out["growth_mb"].items(), key=lambda kv: -kv[1])[:5]
    if a.release:
        out["census"], out["release"] = release_steps(apps)
        if a.reopen:  # a visitor after the idle release: every page again, timed (issue 10: first open <= 3 s)
            again = {"pages": {}, "growth_mb": {}, "seconds": {}}
            visit_all(a.lang or ["en", "ja"], again)
            out["reopen_s"] = again["seconds"]
            out["reopen_max_s"] = max(again["seconds"].values())
            gc.collect()
            out["rss_mb"]["reopened"] = rss_mb()
    print(json.dumps(out, ensure_ascii=False))


def visit_all(langs: list[str], out: dict) -> list:
    """app.py and every page once per language, in one AppTest each (a visitor clicking through); records
    into `out` the RSS after each page, what it added and the seconds it took. Returns the AppTests."""
    from streamlit.testing.v1 import AppTest

    from core.i18n import LANG_NAMES
    from ui.registry import available_pages

    apps = []
    for lang in langs:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params["lang"] = LANG_NAMES[lang]
        pages = [("app.py", None)] + [(e.path, e.path) for e in available_pages()]
        for name, path in pages:
            before, t0 = rss_mb(), time.perf_counter()
            (at.switch_page(path) if path else at).run()
            while at.get("progress") and not at.exception:  # a background job: wait for its result
                time.sleep(0.5)
                at.run()
            key = f"{lang}:{name}"
            out.setdefault("seconds", {})[key] = round(time.perf_counter() - t0, 2)
            out["pages"][key], out["growth_mb"][key] = rss_mb(), rss_mb() - before
            print(f"{key:34s} {out['pages'][key]:5d} MB  {out['growth_mb'][key]:+5d}  {out['seconds'][key]:5.2f} s",
                  file=sys.stderr, flush=True)
        apps.append(at)
    return apps


def release_steps(apps: list) -> tuple[dict, list]:
    """Give the memory back one step at a time (each followed by a collection and malloc_trim)."""
    from core.runtime import memory
    from core.runtime.gcpolicy import refreeze
    from ui import memory as ui_memory

    ui_memory.register_releases()
    census = ui_memory.census()
    steps = [("end", memory.status())]

    def step(name: str, fn=None) -> None:
        if fn is not None:
            fn()
        gc.collect()
        memory.trim()
        steps.append((name, memory.status()))
        print(f"{name:20s} {steps[-1][1]}", file=sys.stderr, flush=True)

    step("trim")
    step("refreeze", refreeze)
    step("sessions", apps.clear)
    for name in memory.registered():
        step(name, memory._releasers[name])  # noqa: SLF001 - one at a time, to measure each
    step("refreeze again", refreeze)
    return census, steps


if __name__ == "__main__":
    main()
