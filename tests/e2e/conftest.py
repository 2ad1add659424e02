"""Real-browser tests: a `streamlit run app.py` server on 127.0.0.1 and Debian's chromium driven by
Playwright. Every request the browser makes is checked: anything not for 127.0.0.1 is recorded
(new_context), and every test in this folder fails when its browser made such a request (the autouse fixture
`no_outbound_requests`), whichever tests run and in whatever order.

In CI (CI set) a missing chromium or playwright fails the suite; locally it is skipped with a message.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 720}
PAGE_TIMEOUT_MS = 240_000  # pages that train on first open (encoder–decoder) on 2 shared cores
EXTERNAL: list[str] = []  # requests that tried to leave 127.0.0.1, over the whole suite
SLOW: dict[str, float] = {}  # page -> seconds to finish drawing, for the report


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"e2e: {why} (CI must run the browser tests: apt-get install -y chromium fonts-noto-cjk)")
    pytest.skip(f"e2e skipped locally: {why}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free port, caches in a temp folder; `url` is http://127.0.0.1:port."""

    def __init__(self, cache_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ATLAS_CACHE_DIR": str(cache_dir), "ATLAS_FORCE_CPU": "1"}
        self.log = open(cache_dir / "server.log", "wb")  # closed in stop
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        end = time.time() + 90
        while time.time() < end:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not start; see {cache_dir / 'server.log'}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing (requirements-dev.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def server(browser, tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("e2e-cache"))
    yield srv
    srv.stop()


def _local(url: str) -> bool:
    return url.startswith(("data:", "blob:", "about:")) or urllib.parse.urlsplit(url).hostname == "127.0.0.1"


def new_context(browser):
    """A fresh browser context (no cookies, no storage: a new visitor) whose every request is checked.

    A request listener rather than a route: routing turns off the browser's HTTP cache, so every page load
    would fetch and parse the app's JavaScript again, slow on 2 shared cores. Recording, and failing the test
    that made the request (no_outbound_requests), is what the check needs.
    """
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US")
    ctx.on("request", lambda r: None if _local(r.url) else EXTERNAL.append(r.url))
    ctx.set_default_timeout(60_000)
    return ctx


@pytest.fixture(autouse=True)
def no_outbound_requests():
    """Every e2e test: no request of its browser contexts left 127.0.0.1. Torn down after the test's own
    fixtures (autouse fixtures are set up first), so the contexts it closed have delivered their events."""
    before = len(EXTERNAL)
    yield
    bad = EXTERNAL[before:]
    assert bad == [], f"requests left 127.0.0.1: {sorted(set(bad))[:20]}"


def pytest_terminal_summary(terminalreporter):
    """The e2e pages' drawing times (tests/e2e/test_pages.py), slowest first, when they ran."""
    if SLOW:
        terminalreporter.write_line("e2e page seconds: " + json.dumps(dict(sorted(SLOW.items(),
            key=lambda kv: -kv[1]))))


@pytest.fixture
def context(browser):
    ctx = new_context(browser)
    yield ctx
    ctx.close()


IDLE_JS = """() => {
  if (document.querySelector('[data-testid="stException"]')) return true;  // done, badly: the test says so
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || !document.querySelector('[data-testid="stMainBlockContainer"] h1')) return false;
  return !document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], ' +
                                 '[data-testid="stSkeleton"], [data-stale="true"]');
}"""


def wait_idle(page, timeout_ms: int = PAGE_TIMEOUT_MS, settle_s: float = 1.0) -> float:
    """Wait until the page has a title and Streamlit has stopped running (stable for `settle_s`); return seconds."""
    start = time.time()
    end = start + timeout_ms / 1000
    stable_since = None
    while time.time() < end:
        if page.evaluate(IDLE_JS):
            stable_since = stable_since or time.time()
            if time.time() - stable_since >= settle_s:
                return time.time() - start
        else:
            stable_since = None
        page.wait_for_timeout(200)
    raise AssertionError(f"page still running after {timeout_ms / 1000:.0f} s: {page.url}")


def leaked(urls: list[str]) -> list[str]:
    """The recorded off-machine requests (kept for the tests that check a stretch of their own)."""
    return list(urls)


def exceptions(page) -> list[str]:
    return [e.inner_text()[:300] for e in page.query_selector_all('[data-testid="stException"]')]
