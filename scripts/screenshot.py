"""Screenshots of pages in headless Chromium (Debian's `chromium`), for looking at what users see.

    .venv/bin/python scripts/screenshot.py --port 8650 --out /tmp/shots home gpt_gelu ...

Starts `streamlit run app.py` on the port, opens each page in English and Japanese, waits for the
page to finish drawing, and writes full-page PNGs. Needs `apt-get install chromium fonts-noto-cjk`
and `pip install playwright` (not part of the test requirements).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def main() -> None:
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="+", help="url paths, e.g. home gpt_gelu")
    ap.add_argument("--port", type=int, default=8650)
    ap.add_argument("--out", default="/tmp/shots")
    ap.add_argument("--langs", default="en,ja")
    ap.add_argument("--wait", type=float, default=6.0, help="seconds to let a page finish drawing")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900, help="Streamlit scrolls inside the page: a tall viewport "
                    "is what captures everything")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    url = f"http://localhost:{args.port}"
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(args.port),
                               "--server.headless", "true", "--server.fileWatcherType", "none"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        wait_for_server(url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            for lang in args.langs.split(","):
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
