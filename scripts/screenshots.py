"""Screenshots of the app in headless Chromium (Debian's `chromium`), to look at what a class sees.

    .venv/bin/python scripts/screenshots.py --all --out /tmp/shots             # every page, en + ja, 1280×720
    .venv/bin/python scripts/screenshots.py --all --present --out /tmp/shots   # the same in presenter view
    .venv/bin/python scripts/screenshots.py home gpt_gelu --full --out /tmp/shots  # whole pages, tall
    .venv/bin/python scripts/screenshots.py --lesson 1 --stops 1,2,3 --present --out docs   # the README's

Starts `streamlit run app.py` on a free port with an empty cache folder (ATLAS_CACHE_DIR, unless set), opens
each page in a fresh browser context, waits until Streamlit is idle, and writes PNGs. By default a shot is
the 1280×720 screen only — what a projector shows before anyone scrolls; `--full` captures the whole page.
Prints one line per shot with the browser tab's title (it must follow the language) and how far down the
screen the page's first chart starts (above 720 px: on the first screen).
Needs `apt-get install chromium fonts-noto-cjk` and `pip install playwright` (requirements-dev.txt).
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.e2e.conftest: the one "page is idle" check; ui.registry: the pages
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
LABELS = {"en": "English", "ja": "日本語"}


def wait_for_server(url: str, timeout: float = 90) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not start at {url}")


def wait_idle(page, timeout_s: float = 300) -> None:
    """Until the page has its title and nothing is running, spinning or stale for a second."""
    from tests.e2e.conftest import wait_idle as idle

    idle(page, int(timeout_s * 1000))


def save_small(png: bytes, target: Path) -> None:
    """A 256-colour PNG: a screenshot of text and flat charts loses nothing visible and shrinks ~3x."""
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    img.save(target, optimize=True)


PAGE_CHART_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .some(c => !c.closest('.st-key-lesson_panel') && c.querySelector('.main-svg'))"""


FIRST_CHART_TOP_JS = """() => {
  const c = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
    .filter(c => !c.closest('.st-key-lesson_panel') && c.offsetParent !== null);
  return c.length ? Math.min(...c.map(e => e.getBoundingClientRect().top)) : null;
}"""


def settle(page, timeout_s: float, quiet_s: float = 4.0) -> None:
    """Until the page stops growing. Streamlit 1.67 shows no "running" mark in the DOM, so a slow script that
    has drawn its first widgets looks idle to `wait_idle`; its element count still changes until it ends."""
    end, last, since = time.time() + timeout_s, -1, time.time()
    while time.time() < end:
        n = page.evaluate("() => document.querySelectorAll('[data-testid=\"stElementContainer\"]').length")
        if n != last:
            last, since = n, time.time()
        elif time.time() - since >= quiet_s:
            return
        time.sleep(0.25)


def shoot(ctx, url: str, target: Path, args, expect_stop: int | None = None) -> None:
    """A new Streamlit session opens `url`, waits for Streamlit to finish, and the screen is saved to `target`.

    All shots share one browser context, like a teacher's browser: every page load is a new session, but
    the app's scripts (plotly's is loaded lazily, on the first chart) come from the HTTP cache.
    """
    page = ctx.new_page()
    page.goto(url)
    if expect_stop is not None:  # the lesson switches page first: wait until it has
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('stop') === '{expect_stop}'"
                               " && location.pathname.length > 1", timeout=60000)
    wait_idle(page, args.timeout)
    if expect_stop is not None:  # every stop shown in the README has a chart of its page: wait for it
        page.wait_for_function(PAGE_CHART_JS, timeout=int(args.timeout * 1000))
    settle(page, args.timeout)
    page.wait_for_function(  # plotly's script loads lazily: wait until every chart has drawn its SVG
        "() => [...document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')]"
        ".every(c => c.offsetParent === null || c.querySelector('.main-svg'))",  # hidden tabs draw later
        timeout=int(args.timeout * 1000))
    time.sleep(args.wait)
    save_small(page.screenshot(full_page=args.full), target)
    top = page.evaluate(FIRST_CHART_TOP_JS)  # how far down the first screen the page's first chart starts
    print(f"{target}\t{page.title()}\tchart top: {'none' if top is None else f'{top:.0f} px'}", flush=True)
    page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", help="url paths, e.g. home gpt_gelu")
    ap.add_argument("--all", action="store_true", help="every page in ui/registry.py")
    ap.add_argument("--lesson", type=int, help="screenshot this lesson's stops")
    ap.add_argument("--stops", default="1,2,3")
    ap.add_argument("--present", action="store_true", help="presenter view (?present=1)")
    ap.add_argument("--full", action="store_true", help="the whole page (a tall viewport), not the first screen")
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--out", default="/tmp/shots")
    ap.add_argument("--langs", default="en,ja")
    ap.add_argument("--wait", type=float, default=2.0, help="extra seconds once the page is idle (charts animate)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds a page may take to finish drawing")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=720)
    args = ap.parse_args()
    if args.full:
        args.height = max(args.height, 2400)  # Streamlit scrolls inside the page: a tall viewport captures all
    names = list(args.pages)
    if args.all:
        from ui.registry import PAGES

        names += [p.name for p in PAGES]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.port:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            args.port = s.getsockname()[1]
    url = f"http://127.0.0.1:{args.port}"
    env = {**os.environ}
    env.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-shots-"))
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port),
                               "--server.headless", "true", "--server.fileWatcherType", "none",
                               "--server.address", "127.0.0.1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    present = "&present=1" if args.present else ""
    tag = "-present" if args.present else ""
    try:
        wait_for_server(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            ctx = browser.new_context(viewport={"width": args.width, "height": args.height}, locale="en-US")
            warm = ctx.new_page()  # load the app and plotly's script once, so the first shot is not a skeleton
            warm.goto(f"{url}/lm_ngram")
            wait_idle(warm, args.timeout)
            warm.wait_for_selector(".main-svg", timeout=int(args.timeout * 1000))
            warm.close()
            for lang in args.langs.split(","):
                label = urllib.parse.quote(LABELS[lang])
                if args.lesson:
                    for k in (int(v) for v in args.stops.split(",")):
                        shoot(ctx, f"{url}/?lesson={args.lesson}&stop={k}{present}&lang={label}",
                              out / f"lesson{args.lesson}-stop{k}-{lang}{tag}.png", args, expect_stop=k)
                for name in names:
                    path = "" if name == "home" else name
                    shoot(ctx, f"{url}/{path}?lang={label}{present}", out / f"{name}-{lang}{tag}.png", args)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
