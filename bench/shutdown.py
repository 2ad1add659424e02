"""SIGTERM to exit: how long a real server takes to stop while a page's job runs, and that it saved its work.

For each scenario a fresh `streamlit run app.py` (empty cache folder) is opened in headless Chromium;
the page's job is started (GPT pre-training, fine-tuning, task formats) and left running for `--run`
seconds with its tab open; then SIGTERM, and the time until the process has exited. With py-spy
installed, `--spy` dumps the server's threads every 0.5 s after the signal: what the exit waited on.
"idle" is a server with one open tab and no job (Streamlit's own stop).

Last line: one JSON object {"scenarios": {name: {"exit_s", "rc", "saved"}}, "load_avg"}, "saved" being
what the job left on disk (the training's autosave step; the count of cached fine-tuning / task runs).

    .venv/bin/python -m bench.shutdown [--only training,finetune] [--spy]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.e2e.conftest import ARGS, CHROMIUM, Server, new_context, wait_idle

ROOT = Path(__file__).resolve().parent.parent
# name -> (page, start button's key, a key present only while it runs)
SCENARIOS = {"idle": ("", None, None), "training": ("gpt_train", "gpt_start", "gpt_pause"),
             "finetune": ("gpt_finetune", "ft_run", None), "tasks": ("gpt_tasks", "tasks_start", None)}


def spy_after_signal(pid: int, until: float) -> list[str]:
    """One line per dump: the main thread's innermost frame and each active thread's."""
    exe, lines = shutil.which("py-spy"), []
    t0 = time.time()
    while exe and time.time() < until:
        try:
            out = subprocess.run([exe, "dump", "--json", "--pid", str(pid)], capture_output=True, text=True,
                                 timeout=5).stdout
            threads = json.loads(out)
        except (subprocess.SubprocessError, json.JSONDecodeError, OSError):
            break  # the process has gone
        parts = []
        for t in threads:
            if t.get("thread_name") == "MainThread" or t.get("active"):
                depth = 8 if t.get("thread_name") == "MainThread" else 1  # what the exit path is in
                frames = " < ".join(f"{f['short_filename']}:{f['line']} {f['name']}" for f in t["frames"][:depth])
                parts.append(f"{t.get('thread_name')}{'*' if t.get('owns_gil') else ''}: {frames or '?'}")
        lines.append(f"+{time.time() - t0:.1f}s " + " | ".join(parts))
        time.sleep(0.5)
    return lines


def saved(cache: Path) -> dict:
    autosave = cache / "autosave"
    out = {"autosaves": sorted(p.name for p in autosave.glob("*.safetensors")) if autosave.is_dir() else []}
    for kind in ("finetune-runs", "transfer-runs"):
        d = cache / kind
        out[kind] = len([p for p in d.iterdir() if not p.name.startswith(".tmp")]) if d.is_dir() else 0
    out["tmp_left"] = len(list(cache.rglob(".tmp-*")))
    return out


def scenario(browser, name: str, run_s: float, spy: bool) -> dict:
    page_path, start_key, running_key = SCENARIOS[name]
    cache = Path(tempfile.mkdtemp(prefix=f"atlas-shutdown-{name}-"))
    srv = Server(cache)
    ctx = new_context(browser)
    try:
        page = ctx.new_page()
        page.goto(srv.url)  # app.py first (a fresh server's first direct link skips it)
        wait_idle(page)
        if page_path:
            page.goto(f"{srv.url}/{page_path}")
            wait_idle(page)
        if start_key:
            page.locator(f".st-key-{start_key} button").click()
            if running_key:
                page.locator(f".st-key-{running_key} button").wait_for(timeout=120_000)
            page.wait_for_timeout(int(run_s * 1000))
        t0 = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        timeline = spy_after_signal(srv.proc.pid, t0 + 30) if spy else []
        try:
            rc = srv.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.time() - t0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
        srv.log.close()
        ctx.close()
    log = (cache / "server.log").read_text(errors="replace")
    return {"exit_s": round(took, 2), "rc": rc, "saved": saved(cache), "tracebacks": log.count("Traceback"),
            "timeline": timeline}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated: " + ", ".join(SCENARIOS))
    ap.add_argument("--run", type=float, default=6.0, help="seconds the job runs before SIGTERM")
    ap.add_argument("--spy", action="store_true", help="py-spy dumps every 0.5 s after the signal")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name in a.only.split(","):
            r = scenario(browser, name, a.run, a.spy)
            for line in r.pop("timeline"):
                print(f"{name} {line}", flush=True)
            print(name, r, "load", os.getloadavg(), flush=True)
            out[name] = r
        browser.close()
    print(json.dumps({"scenarios": out, "load_avg": [round(x, 2) for x in os.getloadavg()]}))


if __name__ == "__main__":
    main()
