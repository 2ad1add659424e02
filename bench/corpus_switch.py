"""A corpus switch on the pages that count n-grams or tokenize the corpus, step by step (warm process).

    .venv/bin/python bench/corpus_switch.py [--pages lm_chain_rule tok_compare lm_ngram tok_sweep tok_bpe]

Each page is opened in English, then its corpus radio goes en -> ja -> upload (no file: the shipped corpus of
the reader's language) -> en -> ja, one rerun each, timed: the first visit to a corpus builds what the page
caches for it (counts, tokenizers), the later ones show what a class sees going back and forth.
Last line: {"switch": {page: [[to, seconds], ...]}, "loadavg": [...]}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]  # bench/tokenizers.py
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ATLAS_FORCE_CPU", "1")

from streamlit.testing.v1 import AppTest  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", nargs="*", default=["lm_chain_rule", "tok_compare", "lm_ngram", "tok_sweep", "tok_bpe"])
    a = ap.parse_args()
    out = {}
    for page in a.pages:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params["lang"] = "English"
        at.run()
        at.switch_page(f"views/{page}.py").run()
        key = next(w.key for w in at.radio if w.key and w.key.endswith("_corpus"))
        rows = []
        for to in ("ja", "upload", "en", "ja", "en"):
            at.radio(key=key).set_value(to)
            t0 = time.perf_counter()
            at.run()
            rows.append([to, round(time.perf_counter() - t0, 3)])
            assert not at.exception, [e.value for e in at.exception]
        out[page] = rows
        print(page, rows, file=sys.stderr)
    print(json.dumps({"switch": out, "loadavg": open("/proc/loadavg").read().split()[:3]}))


if __name__ == "__main__":
    main()
