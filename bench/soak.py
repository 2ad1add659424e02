"""Soak: a real server, several browser sessions doing what a class does, and what the server feels.

Starts the server as `make run` does (scripts/serve.py: torch, pandas and plotly imported before it listens;
`--launcher streamlit` for a bare `streamlit run app.py`) on a free localhost port with an empty cache folder,
waits `--fresh-wait` seconds for its start-up to settle (the "fresh" memory), then for `--seconds`
drives `--sessions` concurrent Chromium tabs (Playwright, async, one browser) that open pages, type
hostile text, hammer a slider with quick key presses, start / stop / reload a training, start a
fine-tuning or task-formats experiment and reload it, and close their tabs, while a separate thread polls
`/_stcore/health` four times a second. Meanwhile every request a
tab makes is checked (anything not for 127.0.0.1 counts as outbound), and every page is scanned for
exception boxes and the app's "something went wrong" box. After the tabs close, server RSS and threads
are measured at once and every 10 s for `--settle` seconds (past the training lease's grace period and
Streamlit's reconnect window for closed sessions). Memory is VmRSS split into RssAnon (heap: Python
objects, tensors, malloc arenas) and RssFile (file-backed pages: shared libraries, mmapped dictionaries
and safetensors), from /proc/PID/status, so a dictionary mmap is told apart from a leak.

Two ways the health figures are kept honest on a shared machine: they count from the end of the warm-up
(its first imports are first-open cost, reported apart as "health_warmup"), and a *control* server (the same
app, one idle tab, no soak) is polled at the same time: its latency is what the machine's load alone costs.
With py-spy on PATH, every health response slower than 0.3 s gets stack dumps of the server (bench/spy.py):
which thread held the GIL, what the event loop was doing; printed as counts before the JSON.

Hostile cases run beside the class (one client each, bench/soak.py's `Hostile`): a *crashing upload* (a
5.1 MB text of one line on Compare tokenizers, which made MeCab segfault the server; where this branch has no
guard for it yet, the probe `mecab_guarded()` sees the crash in a child process and the upload is the same
shape at 1 MB, reported as "mocked"), a *token replay* (tab A trains on an upload with a marker string; a
second browser opens A's address bar, `?run=` token included: a cross-session view is any sign of A's run
there — its Stop/Pause buttons, its progress, the marker), and a *flood of reruns* from one client (hundreds
of slider key presses without waiting, then rapid reloads). The server must stay up ("server_alive").

Last line: one JSON object {"sessions", "page_runs", "exceptions", "server_tracebacks", "health_p50_s",
"health_p99_s", "health_max_s", "health_n", "health_over_1s", "health_warmup", "control_health", "spy_dumps",
"rss_mb": {"start", "fresh", "warm", "peak", "closed", "settled"} ("fresh": the preloaded server before any
session; "warm": every page opened once by one tab, closed), "rss_split_mb": {phase: {"anon", "file"}},
"settle_curve_mb": [[seconds after close, RSS, anon], …], "settled_minus_fresh_mb", "launcher",
"threads": {"start", "peak", "settled"}, "outbound", "seconds", "load_avg_soak", "load_avg", "server_alive",
"cross_session_views",
"hostile": {"crash_upload", "replay", "flood"}}.

    PATH=.venv/bin:$PATH .venv/bin/python -m bench.soak --seconds 120
    ... --launcher streamlit   (bare `streamlit run`, no preload: the before of scripts/serve.py)
    ATLAS_GC_FREEZE=0 ... (the same with core.runtime.gcpolicy off: the before of the after)
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.spy import Watch, pct, proc_status

ROOT = Path(__file__).resolve().parent.parent

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
INJECTION = "</script><img src=x onerror=alert(1)> ![x](http://example.invalid/b.png) 日本語 👩‍👩‍👧 " * 3
TEXT_PAGES = [("lm_chain_rule", ".st-key-chain_text textarea"), ("tf_attention", ".st-key-att_text textarea"),
              ("tok_compare", ".st-key-tokc_text textarea")]
# Streamlit 1.67's slider is a react-aria group around an <input type=range>, drawn as a skeleton until it is
# scrolled into view (`[role=slider]` found nothing: the slider presses were never made).
SLIDER_PAGES = [("tf_positional", ".st-key-pe_k input[type=range]"),
                ("lm_entropy", ".st-key-ent_size input[type=range]"),
                ("lm_ngram", ".st-key-ngram_topk input[type=range]"),
                ("gpt_gelu", ".st-key-gelu_range input[type=range]")]


async def slider(page, sel: str):
    """The slider's range input, scrolled into view so it is drawn (None when the page has none)."""
    box = page.locator(sel.split()[0]).first
    if not await box.count():
        return None
    await box.scroll_into_view_if_needed()
    handle = page.locator(sel).first
    try:
        await handle.wait_for(state="attached", timeout=30_000)
    except Exception:  # noqa: BLE001 - not drawn in time: no presses this round
        return None
    return handle
BROWSE = ["", "lm_chain_rule", "lm_ngram", "lm_entropy", "tok_bpe", "tok_compare", "tf_attention", "tf_positional",
          "tf_multihead", "gpt_gelu", "gpt_train"]
UNEXPECTED = ("Something went wrong on this page", "このページで問題が起きました")
EXC_JS = """(words) => document.querySelectorAll('[data-testid="stException"]').length +
  [...document.querySelectorAll('[data-testid="stAlert"]')]
    .filter(a => words.some(w => a.innerText.includes(w))).length"""
IDLE_JS = """() => !!document.querySelector('[data-testid="stMainBlockContainer"] h1') &&
  !document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-stale="true"]')"""


def proc_mem(pid: int) -> dict:
    """VmRSS, RssAnon and RssFile of a process in MB (/proc/PID/status); zeros once it is gone (a crash)."""
    want = {"VmRSS:": "rss", "RssAnon:": "anon", "RssFile:": "file"}
    out = {"rss": 0.0, "anon": 0.0, "file": 0.0}
    if not os.path.exists(f"/proc/{pid}/status"):
        return out
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key = line.split(None, 1)[0] if line.strip() else ""
            if key in want:
                out[want[key]] = round(int(line.split()[1]) / 1024, 1)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Soak:
    def __init__(self, url: str, deadline: float, seed: int):
        self.url, self.deadline = url, deadline
        self.rng = random.Random(seed)
        self.page_runs = self.exceptions = 0
        self.outbound: list[str] = []
        self.notes: list[str] = []
        self.rss_warm: dict = {}
        self.t_soak = time.time()

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
        kind = self.rng.choice(["browse", "type", "slider", "train", "experiment", "reload"])
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
            handle = await slider(page, sel)
            if handle is not None:
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
        elif kind == "experiment":  # fine-tuning or task formats: start, let it run, reload (it must reattach)
            path, key = self.rng.choice([("gpt_finetune", "ft_run"), ("gpt_tasks", "tasks_start")])
            await self.visit(page, path)
            start = page.locator(f".st-key-{key} button")
            if await start.count() and await start.is_enabled():
                await start.click()
                await self.idle(page, 120)
                await page.wait_for_timeout(self.rng.randint(2000, 6000))
                await page.reload()
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


# issue 27: one line of ~2.6 MB or more of this made MeCab segfault
CRASH_LINE = "今日は雨が降っている読売巨人軍が勝った"


def mecab_guarded() -> bool:
    """Does this branch keep a 5 MB line away from MeCab? Tried in a child process (a segfault kills only it)."""
    code = ("from core.tokenizers import mecab\ntry:\n    mecab.split(%r * 90000)\nexcept Exception:\n    pass\n"
            % CRASH_LINE)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=300)
    return out.returncode >= 0  # -11: SIGSEGV, no guard


class Hostile:
    """The three hostile clients; each records what it tried and what it saw."""

    def __init__(self, soak: "Soak", folder: Path):
        self.soak, self.folder = soak, folder
        self.crash = {"mode": None, "bytes": 0, "done": False}
        self.replay = {"tried": 0, "cross_session_views": 0, "seen": []}
        self.flood = {"key_presses": 0, "reloads": 0}

    async def crash_upload(self, browser) -> None:
        guarded = await asyncio.to_thread(mecab_guarded)
        mb = 5.1 if guarded else 1.0
        path = self.folder / "one-line.txt"
        line = (CRASH_LINE * int(mb * 2**20 / len(CRASH_LINE.encode()) + 1)).encode()[: int(mb * 2**20)]
        path.write_bytes(line.decode("utf-8", "ignore").encode())
        self.crash.update(mode="real" if guarded else "mocked (no MeCab line guard on this branch)",
                          bytes=path.stat().st_size)
        ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
        ctx.on("request", self.soak._check)
        ctx.set_default_timeout(120_000)
        page = await ctx.new_page()
        try:
            await self.soak.visit(page, "tok_compare")
            await page.locator('[data-testid="stExpander"] summary').first.click()  # the corpus is in "Settings"
            await page.locator(".st-key-tokc_corpus").get_by_text("Upload a .txt file").click()
            await self.soak.idle(page)
            await page.locator(".st-key-tokc_upload input[type=file]").set_input_files(str(path))
            await page.wait_for_timeout(3000)
            await self.soak.idle(page, 180)
            await page.wait_for_timeout(20_000)  # the tokenizers train on it in the background meanwhile
            await self.soak.idle(page, 180)
            self.crash["done"] = True
        except Exception as e:  # noqa: BLE001 - a note; the JSON says whether the server lived
            self.soak.notes.append(f"crash upload: {type(e).__name__}: {str(e)[:120]}")
        await ctx.close()

    async def token_replay(self, browser, rounds: int = 2) -> None:
        for r in range(rounds):
            marker = "MK" + "".join(self.soak.rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12))
            path = self.folder / f"private-{r}.txt"
            path.write_text("".join(f"line {i}: the cat sat on the mat, {marker} said the dog.\n" for i in range(400)))
            a = await browser.new_context(viewport={"width": 1280, "height": 720})
            b = await browser.new_context(viewport={"width": 1280, "height": 720})
            for c in (a, b):
                c.on("request", self.soak._check)
                c.set_default_timeout(120_000)
            try:
                pa = await a.new_page()
                await self.soak.visit(pa, "gpt_train")
                await pa.locator(".st-key-gpt_corpus").get_by_text("Upload a .txt file").click()
                await self.soak.idle(pa)
                await pa.locator(".st-key-gpt_upload input[type=file]").set_input_files(str(path))
                await self.soak.idle(pa, 120)
                start = pa.locator(".st-key-gpt_start button")
                if not (await start.count() and await start.is_enabled()):
                    self.soak.notes.append("replay: A could not start")
                    continue
                await start.click()
                await pa.locator(".st-key-gpt_pause button").wait_for(timeout=120_000)  # A's run is running
                await self.soak.idle(pa, 120)
                address = pa.url  # what a student pastes into a chat: ?run= included
                if "run=" not in address:
                    self.soak.notes.append("replay: no run token in A's address")
                    continue
                pb = await b.new_page()
                await pb.goto(address)
                await self.soak.idle(pb, 120)
                await pb.wait_for_timeout(3000)
                self.replay["tried"] += 1
                text = await pb.inner_text("body")
                seen = []  # a fresh page has Start, and Stop / Reset disabled: A's run shows as any of these
                if await pb.locator(".st-key-gpt_pause button").count():
                    seen.append("pause")
                for what in ("stop", "reset"):
                    button = pb.locator(f".st-key-gpt_{what} button")
                    if await button.count() and await button.first.is_enabled():
                        seen.append(what)
                if await pb.locator("[data-testid=stProgress]").count():
                    seen.append("progress")
                if marker in text:
                    seen.append("marker")
                if seen:
                    self.replay["cross_session_views"] += 1
                    self.replay["seen"].append(seen)
                stop = pa.locator(".st-key-gpt_stop button")
                if await stop.count():
                    await stop.click()
                    await self.soak.idle(pa)
            except Exception as e:  # noqa: BLE001
                self.soak.notes.append(f"replay: {type(e).__name__}: {str(e)[:120]}")
            await a.close()
            await b.close()

    async def rerun_flood(self, browser) -> None:
        ctx = await browser.new_context(viewport={"width": 1280, "height": 720})
        ctx.on("request", self.soak._check)
        ctx.set_default_timeout(120_000)
        page = await ctx.new_page()
        try:
            for path, sel in SLIDER_PAGES[:2]:
                await self.soak.visit(page, path)
                handle = await slider(page, sel)
                if handle is not None:
                    await handle.focus()
                    for _ in range(300):  # no wait between presses: each one a rerun request
                        await page.keyboard.press(self.soak.rng.choice(["ArrowRight", "ArrowLeft"]))
                        self.flood["key_presses"] += 1
                    await self.soak.idle(page, 120)
            for _ in range(25):  # reloads that never wait for the page
                await page.reload(wait_until="commit")
                self.flood["reloads"] += 1
                await page.wait_for_timeout(100)
            await self.soak.idle(page, 120)
        except Exception as e:  # noqa: BLE001
            self.soak.notes.append(f"flood: {type(e).__name__}: {str(e)[:120]}")
        await ctx.close()

    async def run(self, browser) -> None:
        await asyncio.gather(self.crash_upload(browser), self.token_replay(browser), self.rerun_flood(browser))


async def drive(url: str, seconds: float, sessions: int, seed: int, pid: int, ctl_url: str | None = None,
                hostile_dir: Path | None = None) -> tuple[Soak, int, Hostile | None]:
    from playwright.async_api import async_playwright

    soak = Soak(url, time.time() + seconds, seed)
    hostile = Hostile(soak, hostile_dir) if hostile_dir is not None else None
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
        soak.rss_warm = proc_mem(pid)
        soak.deadline = time.time() + seconds  # the soak's own time starts after the warm-up
        soak.t_soak = time.time()  # health figures count from here (the warm-up's imports are first-open cost)
        # The idle session whose server-side experience the health poll stands for: open, never touched.
        idle_ctx = await browser.new_context()
        idle_ctx.on("request", soak._check)
        idle = await idle_ctx.new_page()
        await idle.goto(f"{url}/tf_positional")
        if ctl_url:  # the control server: the same app with only this one idle tab
            ctl = await (await browser.new_context()).new_page()
            await ctl.goto(ctl_url)
            await soak.idle(ctl, 180)
            await ctl.goto(f"{ctl_url}/tf_positional")
        extra = [hostile.run(browser)] if hostile is not None else []
        done = await asyncio.gather(*(soak.session(browser, i) for i in range(sessions)), *extra)
        tabs = [n for n in done if isinstance(n, int)]
        await soak.idle(idle)  # still answering after the soak
        await idle_ctx.close()
        await browser.close()
    return soak, sum(tabs) + 1, hostile


def start_server(cache: Path, log, launcher: str = "serve") -> tuple[subprocess.Popen, str]:
    """The app on a free port: through scripts/serve.py as `make run` does, or a bare `streamlit run`."""
    port = free_port()
    env = {**os.environ, "ATLAS_CACHE_DIR": str(cache), "ATLAS_FORCE_CPU": "1"}
    head = ([sys.executable, "scripts/serve.py"] if launcher == "serve"
            else [sys.executable, "-m", "streamlit", "run", "app.py"])
    proc = subprocess.Popen(
        [*head, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    end = time.time() + 120
    while time.time() < end:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    return proc, url


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def phase(watch: Watch, t0: float, t1: float) -> dict:
    lat = [s for t, s in watch.latencies if t0 <= t < t1]
    return {"p50_s": round(pct(lat, 0.5), 3), "p99_s": round(pct(lat, 0.99), 3),
            "max_s": round(max(lat), 3) if lat else None, "n": len(lat), "over_1s": sum(x > 1.0 for x in lat)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--sessions", type=int, default=3)
    ap.add_argument("--settle", type=float, default=150.0,
                    help="seconds after the tabs close before the last RSS: past the training lease's grace (60 s) "
                         "and Streamlit's keeping of a closed session for a reconnect "
                         "(server.disconnectedSessionTTL, 120 s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-control", action="store_true",
                    help="skip the control server (the same app, one idle tab, no soak) polled alongside: "
                         "its latency is what the machine's load alone costs")
    ap.add_argument("--no-spy", action="store_true", help="no py-spy dumps during slow health responses")
    ap.add_argument("--launcher", choices=("serve", "streamlit"), default="serve",
                    help="serve: scripts/serve.py, as `make run` (preloads torch, pandas, plotly); "
                         "streamlit: bare `streamlit run`")
    ap.add_argument("--no-hostile", action="store_true", help="without the hostile clients (crashing upload, "
                    "token replay, rerun flood)")
    ap.add_argument("--fresh-wait", type=float, default=10.0,
                    help="seconds between the server answering /health and the fresh memory reading")
    a = ap.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="atlas-soak-"))
    log_path = cache / "server.log"
    control = ctl_watch = ctl_url = None
    with open(log_path, "wb") as log, open(cache / "control.log", "wb") as ctl_log:
        proc, url = start_server(cache / "soak", log, a.launcher)
        try:
            rss0, th0 = proc_status(proc.pid)
            time.sleep(a.fresh_wait)  # the start-up's last allocations (Streamlit's own threads) done
            fresh = proc_mem(proc.pid)
            health = Watch(url, proc.pid, spy=not a.no_spy)
            health.start()
            if not a.no_control:
                control, ctl_url = start_server(cache / "control", ctl_log, a.launcher)
                ctl_watch = Watch(ctl_url, control.pid, spy=False)
                ctl_watch.start()
            t_start = time.time()
            soak, tabs, hostile = asyncio.run(drive(url, a.seconds, a.sessions, a.seed, proc.pid,
                                                    ctl_url if control else None, None if a.no_hostile else cache))
            t_end = time.time()
            alive_after_soak = proc.poll() is None
            load_soak = [round(x, 2) for x in os.getloadavg()]
            for w in (health, ctl_watch):
                if w is not None:
                    w.stop.set()
                    w.join()
            closed = proc_mem(proc.pid)
            rss_closed = closed["rss"]
            curve, t_closed = [], time.time()
            while time.time() - t_closed < a.settle:
                time.sleep(min(10.0, max(0.0, a.settle - (time.time() - t_closed))))
                m = proc_mem(proc.pid)
                curve.append([round(time.time() - t_closed), round(m["rss"]), round(m["anon"])])
            settled = proc_mem(proc.pid)
            try:
                rss_settled, th_settled = proc_status(proc.pid)
            except OSError:  # the server died: the JSON says so (server_alive false)
                rss_settled, th_settled = 0.0, 0
            server_alive = alive_after_soak and proc.poll() is None
        finally:
            stop_server(proc)
            if control is not None:
                stop_server(control)
    server_log = log_path.read_text(errors="replace")
    for note in soak.notes[-15:]:
        print("note:", note)
    releases = [line for line in server_log.splitlines() if "atlas.memory" in line]
    for line in releases[-8:]:  # the idle keeper's releases (ui/memory.py), with the memory before and after
        print("server:", line[:400])
    for i, chunk in enumerate(server_log.split("Traceback")[1:4]):  # what the server logged, briefly
        print(f"server traceback {i + 1}:", chunk.strip().splitlines()[-1][:200])
    spy = health.summary()
    print("py-spy during slow health responses:", json.dumps(spy, indent=1, ensure_ascii=False))
    during = phase(health, soak.t_soak, t_end)
    print(json.dumps({
        "sessions": tabs, "page_runs": soak.page_runs, "exceptions": soak.exceptions,
        "server_tracebacks": server_log.count("Traceback"),
        "health_p50_s": during["p50_s"], "health_p99_s": during["p99_s"], "health_max_s": during["max_s"],
        "health_n": during["n"], "health_over_1s": during["over_1s"],
        "health_warmup": phase(health, t_start, soak.t_soak),
        "control_health": phase(ctl_watch, soak.t_soak, t_end) if ctl_watch else None,
        "spy_dumps": spy["dumps"],
        "rss_mb": {"start": round(rss0), "fresh": round(fresh["rss"]), "warm": round(soak.rss_warm.get("rss", 0)),
                   "peak": round(max(health.peak_rss, rss_closed)), "closed": round(rss_closed),
                   "settled": round(rss_settled)},
        "rss_split_mb": {k: {"anon": round(v.get("anon", 0)), "file": round(v.get("file", 0))}
                         for k, v in (("fresh", fresh), ("warm", soak.rss_warm), ("closed", closed),
                                      ("settled", settled))},
        "settle_curve_mb": curve, "settled_minus_fresh_mb": round(rss_settled - fresh["rss"]), "launcher": a.launcher,
        "idle_releases": sum("idle release" in line for line in releases),
        "threads": {"start": th0, "peak": health.peak_threads, "settled": th_settled},
        "outbound": len(soak.outbound), "exit_code": proc.returncode, "seconds": a.seconds,
        "load_avg_soak": load_soak, "load_avg": [round(x, 2) for x in os.getloadavg()],
        "server_alive": server_alive,
        "cross_session_views": hostile.replay["cross_session_views"] if hostile else None,
        "hostile": {"crash_upload": hostile.crash, "replay": hostile.replay,
                    "flood": hostile.flood} if hostile else None,
    }))


if __name__ == "__main__":
    main()
