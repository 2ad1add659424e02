"""Screenshots of pages in headless Chromium (Debian's `chromium`), for looking at what users see.

    .venv/bin/python scripts/screenshot.py --port 8650 --out /tmp/shots home gpt_gelu ...
    .venv/bin/python scripts/screenshot.py --lesson 1 --stops 1,2,3 --present --out docs   # the README's

Starts `streamlit run app.py` on the port, opens each page in English and Japanese, waits for the
page to finish drawing, and writes full-page PNGs. Needs `apt-get install chromium fonts-noto-cjk`
and `pip install playwright` (not part of the test requirements).
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.e2e.conftest: the one "page is idle" check
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def wait_for_server(url: str, timeout: float = 60) -> None:
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


def lesson_shots(browser, url: str, args, out: Path) -> None:
    """The lesson's stops as a projector shows them: 1280×720, presenter view if asked, one fresh visitor each."""
    for lang in args.langs.split(","):
        label = {"en": "English", "ja": "日本語"}[lang]
        for k in (int(v) for v in args.stops.split(",")):
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            present = "&present=1" if args.present else ""
            page.goto(f"{url}/?lesson={args.lesson}&stop={k}{present}&lang={urllib.parse.quote(label)}")
            page.wait_for_function(f"() => new URLSearchParams(location.search).get('stop') === '{k}'"
                                   " && location.pathname.length > 1", timeout=60000)
            wait_idle(page)
            time.sleep(args.wait)
            target = out / f"lesson{args.lesson}-stop{k}-{lang}{'-present' if args.present else ''}.png"
            save_small(page.screenshot(), target)
            print(target)
            page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="*", help="url paths, e.g. home gpt_gelu")
    ap.add_argument("--lesson", type=int, help="screenshot this lesson's stops instead of pages")
    ap.add_argument("--stops", default="1,2,3")
    ap.add_argument("--present", action="store_true", help="presenter view (?present=1)")
    ap.add_argument("--port", type=int, default=8650)
    ap.add_argument("--out", default="/tmp/shots")
    ap.add_argument("--langs", default="en,ja")
    ap.add_argument("--wait", type=float, default=2.0, help="extra seconds once the page is idle (charts animate)")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900, help="Streamlit scrolls inside the page: a tall viewport "
                    "is what captures everything")
    args = ap.parse_args()
    if args.lesson:  # a projector's screen, not a tall page
        args.width, args.height = 1280, 720
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port),
                               "--server.headless", "true", "--server.fileWatcherType", "none",
                               "--server.address", "127.0.0.1"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for_server(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            if args.lesson:
                lesson_shots(browser, url, args, out)
            for lang in args.langs.split(",") if args.pages else ():
                label = {"en": "English", "ja": "日本語"}[lang]
                for name in args.pages:
                    page = browser.new_page(viewport={"width": args.width, "height": args.height})  # a fresh session each
                    path = "" if name == "home" else name
                    page.goto(f"{url}/{path}?lang={urllib.parse.quote(label)}")
                    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=30000)
                    time.sleep(args.wait)
                    page.wait_for_function(  # nothing running, no spinner or progress bar left
                        "!document.querySelector('[data-testid=\"stStatusWidget\"], [data-testid=\"stSpinner\"],"
                        " [data-testid=\"stProgress\"]')", timeout=300000)
                    target = out / f"{name}-{lang}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                    page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
