"""Soak: a real server, several browser sessions doing what a class does, and what the server feels.

Starts `streamlit run app.py` on a free localhost port with an empty cache folder, then for `--seconds`
drives `--sessions` concurrent Chromium tabs (Playwright, async, one browser) that open pages, type
hostile text, hammer a slider with quick key presses, start / stop / reload a training and close their
tabs, while a separate thread polls `/_stcore/health` four times a second. Meanwhile every request a
tab makes is checked (anything not for 127.0.0.1 counts as outbound), and every page is scanned for
exception boxes and the app's "something went wrong" box. After the tabs close, server RSS and threads
are measured at once and again after `--settle` seconds (past the training lease's grace period and
Streamlit's reconnect window for closed sessions).

Last line: one JSON object {"sessions", "page_runs", "exceptions", "server_tracebacks", "health_p50_s",
"health_p99_s", "health_max_s", "health_n", "rss_mb": {"start", "warm", "peak", "closed", "settled"} ("warm": every page opened once by one tab, closed),
"threads": {"start", "peak", "settled"}, "outbound", "seconds", "load_avg"}.

    .venv/bin/python bench/soak.py --seconds 120
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
INJECTION = "</script><img src=x onerror=alert(1)> ![x](http://example.invalid/b.png) 日本語 👩‍👩‍👧 " * 3
TEXT_PAGES = [("lm_chain_rule", ".st-key-chain_text textarea"), ("tf_attention", ".st-key-att_text textarea"),
              ("tok_compare", ".st-key-tokc_text textarea")]
SLIDER_PAGES = [("tf_positional", ".st-key-pe_k [role=slider]"), ("lm_entropy", ".st-key-ent_size [role=slider]"),
                ("lm_ngram", ".st-key-ngram_topk [role=slider]"), ("gpt_gelu", ".st-key-gelu_range [role=slider]")]
BROWSE = ["", "lm_chain_rule", "lm_ngram", "lm_entropy", "tok_bpe", "tok_compare", "tf_attention", "tf_positional",
          "tf_multihead", "gpt_gelu", "gpt_train"]
UNEXPECTED = ("Something went wrong on this page", "このページで問題が起きました")
EXC_JS = """(words) => document.querySelectorAll('[data-testid="stException"]').length +
  [...document.querySelectorAll('[data-testid="stAlert"]')].filter(a => words.some(w => a.innerText.includes(w))).length"""
IDLE_JS = """() => !!document.querySelector('[data-testid="stMainBlockContainer"] h1') &&
  !document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-stale="true"]')"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> tuple[float, int]:
    """(RSS in MB, threads) of a process, from /proc."""
    rss, threads = 0.0, 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads


class Health(threading.Thread):
    """Polls /_stcore/health every `every_s`; keeps each latency (a timeout counts as its full wait)."""

    def __init__(self, url: str, pid: int, every_s: float = 0.25):
        super().__init__(daemon=True)
        self.url, self.pid, self.every_s = url + "/_stcore/health", pid, every_s
        self.latencies: list[float] = []
        self.peak_rss, self.peak_threads = 0.0, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            t0 = time.perf_counter()
            try:
                urllib.request.urlopen(self.url, timeout=60).read()
            except OSError:
                pass
            self.latencies.append(time.perf_counter() - t0)
            try:
                rss, th = proc_status(self.pid)
                self.peak_rss, self.peak_threads = max(self.peak_rss, rss), max(self.peak_threads, th)
            except OSError:
                pass
            self.stop.wait(self.every_s)


class Soak:
    def __init__(self, url: str, deadline: float, seed: int):
        self.url, self.deadline = url, deadline
        self.rng = random.Random(seed)
        self.page_runs = self.exceptions = 0
        self.outbound: list[str] = []
        self.notes: list[str] = []
        self.rss_warm = 0.0

    def _check(self, req) -> None:
        u = req.url
        if not (u.startswith(("data:", "blob:", "about:")) or urllib.parse.urlsplit(u).hostname == "127.0.0.1"):
            self.outbound.append(u)

    async def idle(self, page, timeout_s: float = 90.0) -> None:
        end = time.time() + timeout_s
        stable = None
        while time.time() < end:
            if await page.evaluate(IDLE_JS):
                stable = stable or time.time()
                if time.time() - stable > 0.6:
                    break
            else:
                stable = None
            await page.wait_for_timeout(200)
        self.page_runs += 1
        n = await page.evaluate(EXC_JS, list(UNEXPECTED))
        if n:
            self.exceptions += n
            self.notes.append(f"{n} exception box(es) on {page.url}")

    async def visit(self, page, path: str) -> None:
        await page.goto(f"{self.url}/{path}")
        await self.idle(page)

    async def act(self, page) -> None:
        kind = self.rng.choice(["browse", "type", "slider", "train", "reload"])
        if kind == "browse":
            await self.visit(page, self.rng.choice(BROWSE))
        elif kind == "type":
            path, box = self.rng.choice(TEXT_PAGES)
            await self.visit(page, path)
            field = page.locator(box).first
            if await field.count():
                await field.fill(INJECTION[: self.rng.randint(1, len(INJECTION))])
                await field.press("Control+Enter")
                await self.idle(page)
        elif kind == "slider":  # quick key presses: each one a rerun request
            path, sel = self.rng.choice(SLIDER_PAGES)
            await self.visit(page, path)
            handle = page.locator(sel).first
            if await handle.count():
                await handle.focus()
                for _ in range(self.rng.randint(30, 100)):
                    await page.keyboard.press(self.rng.choice(["ArrowRight", "ArrowLeft"]))
                    await page.wait_for_timeout(20)
                await self.idle(page)
        elif kind == "train":
            await self.visit(page, "gpt_train")
            start = page.locator(".st-key-gpt_start button")
            if await start.count() and await start.is_enabled():
                await start.click()
                await self.idle(page, 120)
                await page.wait_for_timeout(self.rng.randint(2000, 8000))
                stop = page.locator(".st-key-gpt_stop button")
                if self.rng.random() < 0.6 and await stop.count() and await stop.is_enabled():
                    await stop.click()
                    await self.idle(page)
        else:
            await page.reload()
            await self.idle(page)

    async def session(self, browser, i: int) -> int:
        """One student: tabs opened and closed until the deadline; returns how many tabs it used."""
        tabs = 0
        while time.time() < self.deadline:
            ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
            ctx.on("request", self._check)
            ctx.set_default_timeout(90_000)
            page = await ctx.new_page()
            tabs += 1
            try:
                for _ in range(self.rng.randint(2, 6)):
                    if time.time() >= self.deadline:
                        break
                    await self.act(page)
            except Exception as e:  # noqa: BLE001 - a slow page under load is a note, not the bench's end
                self.notes.append(f"session {i}: {type(e).__name__}: {str(e)[:120]}")
            await ctx.close()  # the tab goes away (its session ends on the server)
        return tabs


async def drive(url: str, seconds: float, sessions: int, seed: int, pid: int) -> tuple[Soak, int]:
    from playwright.async_api import async_playwright

    soak = Soak(url, time.time() + seconds, seed)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=ARGS)
        # Warm-up: app.py first (a fresh server's first direct page link skips it), then every page once, so
        # that imports (torch, plotly, transformers) and the process-wide caches (shipped models, corpora)
        # are in the "warm" RSS that the end is compared with; then that tab closes.
        first = await browser.new_context()
        first.on("request", soak._check)
        first.set_default_timeout(180_000)
        page = await first.new_page()
        for path in BROWSE:
            try:
                await soak.visit(page, path)
            except Exception as e:  # noqa: BLE001
                soak.notes.append(f"warm-up {path}: {type(e).__name__}")
        await first.close()
        await asyncio.sleep(5)
        soak.rss_warm = proc_status(pid)[0]
        soak.deadline = time.time() + seconds  # the soak's own time starts after the warm-up
        # The idle session whose server-side experience the health poll stands for: open, never touched.
        idle_ctx = await browser.new_context()
        idle_ctx.on("request", soak._check)
        idle = await idle_ctx.new_page()
        await idle.goto(f"{url}/tf_positional")
        tabs = await asyncio.gather(*(soak.session(browser, i) for i in range(sessions)))
        await soak.idle(idle)  # still answering after the soak
        await idle_ctx.close()
        await browser.close()
    return soak, sum(tabs) + 1


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--sessions", type=int, default=3)
    ap.add_argument("--settle", type=float, default=150.0,
                    help="seconds after the tabs close before the last RSS: past the training lease's grace (60 s) "
                         "and Streamlit's keeping of a closed session for a reconnect (server.disconnectedSessionTTL, 120 s)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="atlas-soak-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = cache / "server.log"
    env = {**os.environ, "ATLAS_CACHE_DIR": str(cache), "ATLAS_FORCE_CPU": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            end = time.time() + 120
            while time.time() < end:
                try:
                    urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            rss0, th0 = proc_status(proc.pid)
            health = Health(url, proc.pid)
            health.start()
            soak, tabs = asyncio.run(drive(url, a.seconds, a.sessions, a.seed, proc.pid))
            health.stop.set()
            health.join()
            rss_closed, _ = proc_status(proc.pid)
            time.sleep(a.settle)
            rss_settled, th_settled = proc_status(proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    server_log = log_path.read_text(errors="replace")
    lat = health.latencies
    for note in soak.notes[-15:]:
        print("note:", note)
    for i, chunk in enumerate(server_log.split("Traceback")[1:4]):  # what the server logged, briefly
        print(f"server traceback {i + 1}:", chunk.strip().splitlines()[-1][:200])
    print(json.dumps({
        "sessions": tabs, "page_runs": soak.page_runs, "exceptions": soak.exceptions,
        "server_tracebacks": server_log.count("Traceback"),
        "health_p50_s": round(statistics.median(lat), 3) if lat else None, "health_p99_s": round(pct(lat, 0.99), 3),
        "health_max_s": round(max(lat), 3) if lat else None, "health_n": len(lat),
        "rss_mb": {"start": round(rss0), "warm": round(soak.rss_warm), "peak": round(max(health.peak_rss, rss_closed)), "closed": round(rss_closed),
                   "settled": round(rss_settled)},
        "threads": {"start": th0, "peak": health.peak_threads, "settled": th_settled},
        "outbound": len(soak.outbound), "exit_code": proc.returncode, "seconds": a.seconds,
        "load_avg": [round(x, 2) for x in os.getloadavg()],
    }))


if __name__ == "__main__":
    main()
