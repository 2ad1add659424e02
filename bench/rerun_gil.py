"""How much a page's rerun keeps *other* threads waiting: the server's event loop (which answers every
session, and /_stcore/health) needs the GIL between a busy session's Python work.

For each page with a slider: open it through AppTest, then rerun it `--reruns` times with the slider
moved (one key press each), while a heartbeat thread asks for the GIL every millisecond and records how
late it wakes. Reported per page: median rerun seconds, and the heartbeat's p99 / max lateness in ms
(what a health check answered by the event loop would wait at the least, per GIL hand-off).
Then the full garbage-collection pass Streamlit runs after every rerun, timed before and after
core.runtime.gcpolicy's freeze (bench/soak.py's py-spy dumps found that pass holding the GIL).
Last line: one JSON object {"pages": {path: {"rerun_s", "late_p99_ms", "late_max_ms"}},
"gc": {"full_pass_s", "objects", "frozen_pass_s", "objects_frozen"}, "switch_ms", "load_avg"}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ATLAS_FORCE_CPU", "1")

from streamlit.testing.v1 import AppTest  # noqa: E402

SLIDERS = [("views/tf_positional.py", "pe_k", [1, 2, 3, 4]), ("views/lm_entropy.py", "ent_size", [3, 4, 5, 6]),
           ("views/lm_ngram.py", "ngram_topk", [10, 11, 12, 13]), ("views/gpt_gelu.py", "gelu_range",
                                                                   [(-4.0, 4.0), (-4.5, 4.0), (-5.0, 4.0), (-5.5, 4.0)])]


class Heartbeat(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.late: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            t0 = time.perf_counter()
            time.sleep(0.001)
            self.late.append(time.perf_counter() - t0 - 0.001)


def measure(path: str, key: str, values: list, reruns: int) -> dict:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    at.switch_page(path).run()
    hb = Heartbeat()
    hb.start()
    times = []
    for i in range(reruns):
        t0 = time.perf_counter()
        at.slider(key=key).set_value(values[i % len(values)]).run()
        times.append(time.perf_counter() - t0)
    hb.stop.set()
    hb.join()
    late = sorted(hb.late)
    return {"rerun_s": round(statistics.median(times), 3), "late_p99_ms": round(1000 * late[int(0.99 * len(late))], 1),
            "late_max_ms": round(1000 * late[-1], 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reruns", type=int, default=8)
    a = ap.parse_args()
    out = {}
    for path, key, values in SLIDERS:
        try:
            out[path] = measure(path, key, values, a.reruns)
        except Exception as e:  # noqa: BLE001 - a page missing on this branch
            out[path] = {"error": f"{type(e).__name__}: {str(e)[:100]}"}
        print(path, out[path], flush=True)
    print(json.dumps({"pages": out, "gc": gc_pass(), "switch_ms": sys.getswitchinterval() * 1000,
                      "load_avg": os.getloadavg()}))


def gc_pass(repeats: int = 3) -> dict:
    """Streamlit's gc.collect(2) after every rerun, in this process with every page's imports loaded: its
    median seconds (the GIL is held throughout) and objects walked, before and after core.runtime.gcpolicy's
    freeze. Run last: the freeze stays."""
    import gc

    from core.runtime import gcpolicy

    def timed() -> float:
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            gc.collect(2)
            ts.append(time.perf_counter() - t0)
        return round(statistics.median(ts), 4)

    gcpolicy.ENABLED = False  # the lease reaper's thread (started by the app) must not re-freeze meanwhile
    gc.unfreeze()
    n_before = gcpolicy.tracked()
    before = timed()
    gcpolicy.ENABLED = True
    gcpolicy._modules_at_freeze = -1  # noqa: SLF001 - freeze now, whatever was imported
    gcpolicy.freeze_if_imported()
    return {"full_pass_s": before, "objects": n_before, "frozen_pass_s": timed(), "objects_frozen": gcpolicy.tracked()}


if __name__ == "__main__":
    main()
