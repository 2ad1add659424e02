"""Render time of every page through AppTest, in a warm process.

Each page is opened once to warm caches (models, tokenizers, corpora), then re-run `--repeats` times;
the median is reported. Target: ≤ 0.5 s per page on a 2-core CPU.
Last line: one JSON object {"pages": {path: seconds}, "max_s": ..., "lang": ...}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ATLAS_FORCE_CPU", "1")

from streamlit.testing.v1 import AppTest  # noqa: E402

from core.i18n import LANG_NAMES  # noqa: E402
from ui.registry import available_pages  # noqa: E402


def time_page(path: str, lang: str, repeats: int) -> float:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = LANG_NAMES[lang]
    at.run()
    at.switch_page(path).run()  # warm: first render trains / loads what the page caches
    if at.exception:
        raise RuntimeError(f"{path}: {[e.value for e in at.exception]}")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lang", default="en", choices=list(LANG_NAMES))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None,
                    help="time only the pages whose path contains one of these strings (e.g. lm_ tf_)")
    args = ap.parse_args()
    results = {}
    for entry in available_pages():
        if args.only and not any(s in entry.path for s in args.only):
            continue
        results[entry.path] = round(time_page(entry.path, args.lang, args.repeats), 4)
        print(f"{entry.path:32s} {results[entry.path]:.3f} s", file=sys.stderr)
    print(json.dumps({"pages": results, "max_s": max(results.values()), "lang": args.lang}))


if __name__ == "__main__":
    main()
