"""A class on one server: N simulated students, each a websocket client speaking Streamlit's own protocol.

Goal (issue 26): 30 students with 2 trainings running on this 2-core machine: the time from a widget change
to the end of its rerun p95 <= 1 s, p99 <= 2 s, no errors, server RSS <= 2 GB.

Each student is a `tests.stclient.Tab` (no browser: the protobuf messages a browser sends and reads, see
that module), connecting over `--ramp` seconds as a class arrives, then acting at a person's pace, one action
every 5–15 s (seeded): following a link to another page (a quarter of the actions) or changing one widget of
the page it is on (the widget, its id and its options taken from the server's deltas, never hard-coded). A
share of the students (`--train-share`) go to Train GPT-1 and press its Start button first, watch (their tab
answers the page's `run_every` fragments as a browser does) and press Stop after 20–80 s, or not; a refused
or queued Start is counted, with the wait until the training ran.

For each N (a fresh server each, `scripts/serve.py` as `make run` starts it, caches in a temp folder, warmed by
one tab opening every page first, like bench/soak.py): p50/p95/p99 of widget changes and of page opens,
errors (a closed connection, a run that did not finish in 90 s, an exception box or the app's "something went
wrong" box), trainings (pressed, started at once, queued with their wait, refused), server RSS (fresh, warm,
peak, end) and CPU (cores busy on average), the health endpoint's p50/p99, the load average.

    .venv/bin/python -m bench.class_load --n 1,10,30,60 --seconds 120
    .venv/bin/python -m bench.class_load --n 60 --servers 2        # 2 processes behind HAProxy (make class)
    .venv/bin/python -m bench.class_load --n 30 --url http://127.0.0.1:8501 --pids 123,456   # a running server

Network: only 127.0.0.1 (the server it starts, or the --url given, which must be local). Last line: one JSON
object {"runs": [{"n", "widget": {"p50_s", "p95_s", "p99_s", "n"}, "page": {...}, "errors", "error_notes",
"trainings": {...}, "rss_mb": {...}, "cpu_cores", "health": {...}, "abuse": {... "server": what the websocket
limits did, read from the server's log}, "server_tracebacks", "server_logs": the folder that keeps the logs,
...}], "targets", "missed"}.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import importlib.util

from bench.soak import ARGS as CHROMIUM_ARGS, IDLE_JS, proc_mem, start_server, stop_server
from bench.spy import Watch, pct
from tests.stclient import Closed, Tab, load_page, some_value, state_of

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("classroom", ROOT / "scripts" / "classroom.py")
_classroom = importlib.util.module_from_spec(_spec)  # by path: scripts/ is not a package
sys.modules["classroom"] = _classroom
_spec.loader.exec_module(_classroom)
Classroom = _classroom.Classroom

SKIP_KEYS = {"present", "force_cpu"}  # presenter view and the device switch are the teacher's
REFUSED = ("trainings are already running", "件の学習が動いています")
QUEUED_KEY = "gpt_queue_cancel"  # the queued training's Cancel button (views/gpt_train/page.py)
QUEUED_TEXT = ("in the queue", "待ち行列")  # its place, shown beside it (views/gpt_train/sections.py)
TARGETS = {"n": 30, "widget_p95_s": 1.0, "widget_p99_s": 2.0, "errors": 0, "rss_peak_mb": 2048}


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (every thread), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler(threading.Thread):
    """The servers' summed RSS once a second (the peak and the last)."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.stop, self.peak, self.last = pids, threading.Event(), 0.0, 0.0

    def run(self) -> None:
        while not self.stop.wait(1.0):
            try:
                self.last = sum(proc_mem(p)["rss"] for p in self.pids)
            except OSError:
                continue
            self.peak = max(self.peak, self.last)


class Class:
    """N students and what they measured."""

    def __init__(self, url: str, n: int, seconds: float, ramp: float, train_share: float, seed: int):
        self.url, self.n, self.seconds, self.ramp = url, n, seconds, ramp
        self.rng = random.Random(seed)
        self.trainers = set(self.rng.sample(range(n), round(n * train_share))) if n > 1 else set()
        self.widget: list[float] = []
        self.page: list[float] = []
        self.errors = 0
        self.notes: list[str] = []
        self.train = {"pressed": 0, "started": 0, "queued": 0, "refused": 0, "stopped": 0, "wait_s": [],
                      "still_queued": 0, "positions_shown": 0}
        self.pages: list[str] = []
        self.deadline = 0.0
        self.refused_elsewhere: collections.Counter = collections.Counter()
        self.browser_s: list[float] = []  # the Chromium tab's change-to-idle (what a person sees)
        self.twin_s: list[float] = []  # the same change by a client tab (what the bench measures)
        self.outbound: list[str] = []
        self.abuse = {"malformed_closed": 0, "sessions_opened": 0, "reruns_sent": 0}
        self.start_clicks: list[float] = []  # Start presses (also in `widget`): they build the model in the page
        self.background: list[str] = []  # --trainings: each background training's state after its Start
        self.head_start = 0.0

    def error(self, i: int, what: str) -> None:
        self.errors += 1
        if len(self.notes) < 12:
            self.notes.append(f"student {i}: {what}")

    def check(self, tab: Tab, i: int, what: str) -> None:
        if tab.page_name != "gpt_train" and any(r in tab.text() for r in REFUSED):
            self.refused_elsewhere[tab.page_name or "home"] += 1  # a page's own job refused at the limit
        if tab.run.exceptions or tab.run.unexpected:
            self.error(i, f"{what}: {tab.run.exceptions} exception(s), {tab.run.unexpected} error box(es)")

    async def warm(self) -> float:
        """One tab opens the app, then every page once (imports, shipped models): the server as a class finds it."""
        t0 = time.perf_counter()
        async with Tab(self.url, timeout_s=300) as tab:
            await tab.open("")
            self.pages = [p for p in tab.pages if p]
            for p in self.pages:
                await tab.open(p)
        return time.perf_counter() - t0

    async def student(self, i: int) -> None:
        rng = random.Random(self.rng.random())
        await asyncio.sleep(self.head_start + self.ramp * i / max(1, self.n))
        trainer = i in self.trainers
        try:
            jar = await asyncio.to_thread(load_page, self.url)  # the page first: a balancer's cookie, the XSRF one
            async with Tab(self.url, cookies=jar) as tab:
                self.page.append(await tab.open("gpt_train" if trainer else rng.choice(["", *self.pages])))
                self.check(tab, i, "first page")
                queued_at = stop_at = None
                while True:
                    await asyncio.sleep(rng.uniform(5, 15))
                    if time.time() >= self.deadline:
                        break
                    keys = tab.keys()
                    if queued_at is not None and "gpt_pause" in keys:  # the queue let it run
                        self.train["wait_s"].append(round(time.time() - queued_at, 1))
                        queued_at, stop_at = None, time.time() + rng.uniform(20, 80)
                    if trainer and "gpt_start" in keys and stop_at is None and queued_at is None:
                        self.train["pressed"] += 1
                        took = await tab.click("gpt_start")
                        self.widget.append(took)
                        self.start_clicks.append(took)
                        text, keys = tab.text(), tab.keys()
                        if "gpt_pause" in keys:
                            self.train["started"] += 1
                            stop_at = time.time() + rng.uniform(20, 80)
                        elif QUEUED_KEY in keys:
                            self.train["queued"] += 1
                            self.train["positions_shown"] += any(q in text for q in QUEUED_TEXT)
                            queued_at = time.time()
                        elif any(r in text for r in REFUSED):
                            self.train["refused"] += 1
                            stop_at = float("inf")  # a refused student goes on browsing this page
                    elif trainer and stop_at is not None and time.time() >= stop_at and "gpt_stop" in keys \
                            and rng.random() < 0.6:
                        self.widget.append(await tab.click("gpt_stop"))
                        self.train["stopped"] += 1
                        stop_at = float("inf")
                    elif not trainer and rng.random() < 0.25:
                        self.page.append(await tab.open(rng.choice(["", *self.pages])))
                    else:
                        choices = [w for w in tab.run.widgets.values()
                                   if w.kind != "button" and not w.disabled and w.key not in SKIP_KEYS]
                        if not choices:
                            continue
                        w = rng.choice(choices)
                        self.widget.append(await tab.change(w, some_value(w, rng, tab.values.get(w.id))))
                    self.check(tab, i, f"page {tab.page_name or 'home'}")
                if queued_at is not None:
                    self.train["still_queued"] += 1
                    self.train["wait_s"].append(round(time.time() - queued_at, 1))
        except (Closed, asyncio.TimeoutError, OSError) as e:
            self.error(i, f"{type(e).__name__}: {str(e)[:100]}")

    async def abuser(self, rate: float, sessions: int) -> None:
        """A hostile client beside the class: malformed frames, `sessions` extra sessions held open, and reruns
        flooded at `rate` a second on a slider page (bounded: at most rate x the run's seconds, and 20,000)."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        ws_url = Tab(self.url).ws_url
        for frame in (b"\xff\x00garbage", "a text frame"):  # each should cost the server a closed socket, nothing more
            try:
                async with connect(ws_url, subprotocols=["streamlit"]) as ws:
                    await ws.send(frame)
                    await asyncio.wait_for(ws.recv(), 10)
            except Exception:  # noqa: BLE001 - closed by the server: what we want
                self.abuse["malformed_closed"] += 1
        held = []
        for _ in range(sessions):
            t = Tab(self.url, auto_rerun=False)
            try:
                await t.connect()
                await t._send()
                held.append(t)
            except OSError:
                break
        self.abuse["sessions_opened"] = len(held)
        try:
            async with Tab(self.url, auto_rerun=False) as tab:
                await tab.open("lm_entropy")
                w = tab.widget("ent_size")
                rng = random.Random(1)
                budget = int(min(20_000, rate * (self.deadline - time.time())))
                for _ in range(budget):
                    if time.time() >= self.deadline or tab.closed:
                        break
                    await tab._send([state_of(w, some_value(w, rng))])
                    self.abuse["reruns_sent"] += 1
                    await asyncio.sleep(1 / rate)
                self.abuse["flood_closed_by_server"] = tab.closed is not None
        except (Closed, OSError, KeyError, ConnectionClosed) as e:  # cut between the check and the send
            self.abuse["flood_closed_by_server"] = True
            self.abuse["flood_error"] = f"{type(e).__name__}: {str(e)[:80]}"
        finally:
            for t in held:
                await t.close()

    async def twins(self) -> None:
        """One real Chromium tab and one client tab making the same change (the entropy page's size slider, one
        step) every 8 s: what a person sees (the browser's running indicator gone, no stale element) against
        what the clients measure (script_finished)."""
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
            page = await (await browser.new_context(viewport={"width": 1280, "height": 720})).new_page()
            page.on("request", lambda r: self.outbound.append(r.url) if urllib.parse.urlsplit(r.url).hostname
                    not in ("127.0.0.1", "localhost", None) and not r.url.startswith(("data:", "blob:")) else None)
            await page.goto(f"{self.url}/lm_entropy", timeout=120_000)
            handle = page.locator(".st-key-ent_size input[type=range]").first  # Streamlit 1.67: a range input
            await handle.wait_for(timeout=120_000)
            await page.wait_for_function(IDLE_JS, timeout=120_000)
            jar = await asyncio.to_thread(load_page, self.url)
            async with Tab(self.url, cookies=jar) as tab:
                await tab.open("lm_entropy")
                value = 6
                while time.time() < self.deadline - 10:
                    await asyncio.sleep(8)
                    value = 7 if value == 6 else 6
                    await handle.focus()
                    t0 = time.perf_counter()
                    await page.keyboard.press("ArrowRight" if value == 7 else "ArrowLeft")
                    busy_until = t0 + 1.0  # the indicator may take a moment to appear
                    while time.perf_counter() < busy_until and await page.evaluate(IDLE_JS):
                        await asyncio.sleep(0.02)
                    await page.wait_for_function(IDLE_JS, polling=20, timeout=60_000)
                    self.browser_s.append(time.perf_counter() - t0 - (1.0 if time.perf_counter() >= busy_until else 0))
                    self.twin_s.append(await tab.change(tab.widget("ent_size"), [value]))
            await browser.close()

    async def background_training(self, k: int) -> None:
        """A teacher's tab beside the class (not a student, not measured): Train GPT-1's Start pressed at once and
        watched to the end (its tab answers the page's fragments), so `--trainings` trainings run from the first
        student on. The default 2,000 steps outlast a run of a few minutes."""
        try:
            async with Tab(self.url, cookies=await asyncio.to_thread(load_page, self.url)) as tab:
                await tab.open("gpt_train")
                await tab.click("gpt_start")
                state = lambda: ("running" if "gpt_pause" in tab.keys() else "queued" if QUEUED_KEY in tab.keys()
                                 else "other")
                self.background[k] = state()
                while time.time() < self.deadline:
                    await asyncio.sleep(1)
                self.background[k] += f", {state()} at the end"
        except (Closed, asyncio.TimeoutError, OSError, KeyError) as e:
            self.background[k] = f"{type(e).__name__}: {str(e)[:80]}"

    async def drive(self, abuse_rate: float = 0.0, abuse_sessions: int = 0, browser: bool = False,
                    trainings: int = 0) -> None:
        self.head_start = 5.0 if trainings else 0.0  # the background trainings press Start before any student arrives
        self.deadline = time.time() + self.head_start + self.ramp + self.seconds
        self.background = ["?"] * trainings
        extra = [self.abuser(abuse_rate, abuse_sessions)] if abuse_rate > 0 else []
        extra += [self.twins()] if browser else []
        extra += [self.background_training(k) for k in range(trainings)]
        await asyncio.gather(*(self.student(i) for i in range(self.n)), *extra)


def figures(xs: list[float]) -> dict:
    return {"p50_s": round(pct(xs, 0.5), 3), "p95_s": round(pct(xs, 0.95), 3), "p99_s": round(pct(xs, 0.99), 3),
            "max_s": round(max(xs), 3) if xs else None, "n": len(xs)}


def one_n(a, n: int) -> dict:
    """One class of n students against a fresh server (or the --url given); its row of the table."""
    proc = room = None
    tmp = Path(tempfile.mkdtemp(prefix="atlas-class-"))
    log = open(tmp / "server.log", "wb")
    try:
        if a.url:
            url, pids = a.url, [int(p) for p in a.pids.split(",") if p]
        elif a.servers > 1:  # K processes behind HAProxy (scripts/classroom.py), each with the training limit
            room = Classroom(a.servers, cache=tmp / "cache", env={"ATLAS_FORCE_CPU": "1",
                                                                  "ATLAS_MAX_TRAININGS": str(a.max_trainings)})
            url, pids = room.start().url, [p.pid for p in room.servers]
            time.sleep(5)
        else:
            os.environ["ATLAS_MAX_TRAININGS"] = str(a.max_trainings)
            proc, url = start_server(tmp / "cache", log)
            pids = [proc.pid]
            time.sleep(5)
        assert urllib.parse.urlsplit(url).hostname in ("127.0.0.1", "localhost"), "local servers only"
        fresh = sum(proc_mem(p)["rss"] for p in pids) if pids else 0.0
        c = Class(url, n, a.seconds, a.ramp, a.train_share, a.seed)
        warm_s = asyncio.run(c.warm())
        warm = sum(proc_mem(p)["rss"] for p in pids) if pids else 0.0
        health = Watch(url, pids[0] if pids else os.getpid(), spy=False)
        sampler = Sampler(pids)
        health.start()
        sampler.start()
        cpu0, t0, load0 = sum(cpu_seconds(p) for p in pids), time.time(), [round(x, 2) for x in os.getloadavg()]
        spy = profile(pids[0], tmp / "profile.txt", a.ramp + a.seconds) if a.profile and pids else None
        asyncio.run(c.drive(a.abuse_rate, a.abuse_sessions, a.browser, a.trainings))
        wall = time.time() - t0
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        load = [round(x, 2) for x in os.getloadavg()]
        health.stop.set()
        sampler.stop.set()
        health.join()
        sampler.join()
        hl = [s for _, s in health.latencies]
        where = None
        if spy is not None:
            spy.wait(timeout=60)
            where = summarize(tmp / "profile.txt")
        waits = c.train["wait_s"]
        return {
            "n": n, "widget": figures(c.widget), "page": figures(c.page), "start_click": figures(c.start_clicks),
            "errors": c.errors, "error_notes": c.notes,
            "background_trainings": c.background,
            "trainings": {**{k: v for k, v in c.train.items() if k != "wait_s"}, "wait_s": sorted(waits),
                          "wait_max_s": max(waits) if waits else None, "refused_elsewhere": dict(c.refused_elsewhere)},
            "rss_mb": {"fresh": round(fresh), "warm": round(warm), "peak": round(max(sampler.peak, warm)),
                       "end": round(sampler.last)},
            "cpu_cores": round(cpu / wall, 2) if pids else None, "wall_s": round(wall), "warmup_s": round(warm_s, 1),
            "pages": len(c.pages),
            "health": {"p50_s": round(pct(hl, 0.5), 3), "p99_s": round(pct(hl, 0.99), 3), "n": len(hl)},
            "load_avg": load, "load_avg_start": load0, "servers": len(pids), "profile": where,
            "abuse": {**c.abuse, "server": limit_lines(tmp)} if a.abuse_rate > 0 else None,
            "browser_check": {"browser": figures(c.browser_s), "client": figures(c.twin_s),
                              "browser_minus_client_p50_s": round(pct(c.browser_s, 0.5) - pct(c.twin_s, 0.5), 3),
                              "outbound": len(c.outbound)} if a.browser else None, "server_tracebacks": tracebacks(tmp),
            "server_logs": str(tmp),
        }
    finally:
        if proc is not None:
            stop_server(proc)
        if room is not None:
            room.stop()
        log.close()


def profile(pid: int, out: Path, seconds: float) -> subprocess.Popen | None:
    """py-spy sampling the (first) server for `seconds`, 20 times a second, per thread (a dev tool: None without it)."""
    exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(exe).exists():
        return None
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "20", "--duration", str(int(seconds)),
                             "--format", "raw", "--threads", "--nonblocking", "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarize(path: Path, top: int = 12) -> dict | None:
    """Where the server's busy samples were: by thread kind, and by the innermost frame in our code (else the
    library's innermost), each as a share of all busy samples."""
    if not path.exists():
        return None
    by_thread, by_frame, total = collections.Counter(), collections.Counter(), 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = stack.split(";")
        thread = next((f for f in frames if f.startswith("thread ")), "?")
        name = re.sub(r"[-_]\d+$", "", thread.split(": ", 1)[-1])  # "thread (123): TrainingJob-2" -> TrainingJob
        code = [f for f in frames if f"({ROOT}/" in f and "/.venv/" not in f]
        where = (code or frames)[-1].replace(f"{ROOT}/", "")
        by_thread[name] += int(n)
        by_frame[where] += int(n)
        total += int(n)
    share = lambda c: {k: round(v / total, 3) for k, v in c.most_common(top)}
    return {"samples": total, "threads": share(by_thread), "frames": share(by_frame)} if total else None


def tracebacks(folder: Path) -> int:
    """Tracebacks in the server logs written under `folder` (one server's log, or each process's behind a balancer)."""
    return sum(p.read_text(errors="replace").count("Traceback") for p in folder.rglob("*.log"))


def limit_lines(folder: Path) -> dict:
    """What the servers' websocket limits did (ui/websocket_limits.py's log lines): connections slowed and cut,
    messages delayed and read from the cut ones, malformed frames closed, sessions refused."""
    text = "".join(p.read_text(errors="replace") for p in folder.rglob("*.log"))
    cut = re.findall(r"atlas\.websocket: .* cut: (\d+) messages, (\d+) delayed", text)
    closed = re.findall(r"atlas\.websocket: .* closed: (\d+) messages, (\d+) delayed", text)
    return {"slowed": text.count(" slowed: over "), "cut": len(cut),
            "read_by_cut": sum(int(m) for m, _ in cut),
            "delayed": sum(int(d) for _, d in cut + closed),
            "malformed_closed": len(re.findall(r"atlas\.websocket: .* closed: a (text frame|frame of)", text)),
            "refused_sessions": max((int(n) for n in re.findall(r"(\d+) refused so far", text)), default=0)}


def missed(runs: list[dict]) -> dict:
    """By how much each target was missed at N = 30 (absent: met, or N = 30 not run)."""
    row = next((r for r in runs if r["n"] == TARGETS["n"]), None)
    if row is None:
        return {}
    got = {"widget_p95_s": row["widget"]["p95_s"], "widget_p99_s": row["widget"]["p99_s"], "errors": row["errors"],
           "rss_peak_mb": row["rss_mb"]["peak"]}
    return {k: round(v - TARGETS[k], 3) for k, v in got.items() if v == v and v > TARGETS[k]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", default="1,10,30,60", help="class sizes, comma-separated (a fresh server for each)")
    ap.add_argument("--seconds", type=float, default=120.0, help="how long the class works, after arriving")
    ap.add_argument("--ramp", type=float, default=15.0, help="seconds over which the students connect")
    ap.add_argument("--train-share", type=float, default=1 / 3, help="share of students who press Start on Train GPT-1")
    ap.add_argument("--max-trainings", type=int, default=2, help="ATLAS_MAX_TRAININGS of the server started")
    ap.add_argument("--trainings", type=int, default=0,
                    help="trainings started in tabs beside the class before the students arrive (not students)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--abuse-rate", type=float, default=0.0,
                    help="> 0: a hostile client beside the class, flooding reruns at this many a second (plus "
                         "malformed frames and --abuse-sessions sessions held open)")
    ap.add_argument("--browser", action="store_true",
                    help="one real Chromium tab (Playwright) beside the class, timed against a client tab's "
                         "same change")
    ap.add_argument("--abuse-sessions", type=int, default=0)
    ap.add_argument("--profile", action="store_true", help="py-spy samples of the server: where its busy time goes")
    ap.add_argument("--servers", type=int, default=1, help="K > 1: K processes behind HAProxy (scripts/classroom.py)")
    ap.add_argument("--url", default="", help="drive this server (127.0.0.1) instead of starting one")
    ap.add_argument("--pids", default="", help="with --url: the server processes to measure (RSS, CPU)")
    a = ap.parse_args()
    runs = []
    for n in [int(x) for x in a.n.split(",") if x]:
        runs.append(one_n(a, n))
        r = runs[-1]
        print(f"N={n}: widget p50 {r['widget']['p50_s']} p95 {r['widget']['p95_s']} p99 {r['widget']['p99_s']} s, "
              f"errors {r['errors']}, trainings {r['trainings']}, RSS peak {r['rss_mb']['peak']} MB, "
              f"CPU {r['cpu_cores']} cores", flush=True)
        for note in r["error_notes"]:
            print("  note:", note)
    print(json.dumps({"runs": runs, "targets": TARGETS, "missed": missed(runs), "seconds": a.seconds,
                      "train_share": a.train_share, "max_trainings": a.max_trainings, "seed": a.seed}))


if __name__ == "__main__":
    main()
