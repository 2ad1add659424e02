"""How much a server's memory grows when many visitors type many different sentences.

Renders the attention page through AppTest (in this process, as a Streamlit server would run it), types
`--n` distinct sentences one after another, and reads this process's resident memory (VmRSS) after a
warm-up render and every `--every` renders. Every cache keyed by typed text (the figure cache, the
pages' st.cache_data / st.cache_resource) fills as it would on a server a class uses all day; with bounds
the curve flattens once the caches are full, without them it keeps climbing.

    .venv/bin/python bench/cache_rss.py --n 200

Last line: {"page", "n", "rss_start_mb", "rss_end_mb", "growth_mb", "per_render_kb", "curve_mb", "figcache", "loadavg"}.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ATLAS_FORCE_CPU", "1")

from tests.apptest import open_page  # noqa: E402


def rss_mb() -> float:
    """This process's resident set, in MB (Linux /proc), after a full collection."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def sentence(i: int) -> str:
    """A distinct sentence of ~20 words (near the page's 24-token cap), so each render misses the caches."""
    words = ["the", "cat", "sat", "on", "a", "mat", "while", "rain", "fell", "over", "quiet", "town", "and"]
    return " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(18)) + f" number {i} ends here"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="distinct sentences typed")
    ap.add_argument("--every", type=int, default=25, help="read the memory every this many renders")
    ap.add_argument("--page", default="views/tf_attention.py")
    ap.add_argument("--box", default="att_text", help="the key of the page's text box")
    args = ap.parse_args()

    at = open_page(args.page, lang="en", timeout=180)
    at.text_area(key=args.box).set_value(sentence(-1)).run()  # warm: models, tokenizers, the first figures
    start = rss_mb()
    curve = [round(start, 1)]
    for i in range(args.n):
        at.text_area(key=args.box).set_value(sentence(i)).run()
        assert not at.exception, [str(e.value) for e in at.exception]
        if (i + 1) % args.every == 0:
            curve.append(round(rss_mb(), 1))
    end = rss_mb()
    try:  # the figure cache's own account, where it keeps one
        from ui import figcache
        stats = figcache.stats()
    except AttributeError:
        stats = None
    print(json.dumps({"page": args.page, "n": args.n, "rss_start_mb": round(start, 1), "rss_end_mb": round(end, 1),
                      "growth_mb": round(end - start, 1), "per_render_kb": round(1024 * (end - start) / args.n, 1),
                      "curve_mb": curve, "figcache": stats, "loadavg": os.getloadavg()}))


if __name__ == "__main__":
    main()
