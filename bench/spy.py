"""Who holds the server while a health check waits: py-spy stack dumps taken *during* slow responses.

`Watch` polls `/_stcore/health` (like the soak's idle session); when one request has been in flight for
more than `slow_s`, `py-spy dump --json` snapshots every thread of the server, again every `again_s`
while it is still waiting (at most `max_dumps` in all). Each dump says which thread owns the GIL and
what the event-loop thread (Streamlit's main thread, which answers /health) is doing. `summary()`
groups the dumps by the GIL holder's innermost frame in our code (or the library's when there is
none) and by the main thread's state: the question "what kept health waiting" answered by counts.

py-spy is a dev tool (`pip install py-spy`); without it the watch still measures, and says so.
"""
from __future__ import annotations

import collections
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent) + "/"  # frames under it are ours


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def proc_status(pid: int) -> tuple[float, int]:
    """(RSS in MB, threads) of a process, from /proc."""
    rss, threads = 0.0, 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, threads


def _where(frames: list[dict]) -> str:
    """The innermost frame in our code ('core/x.py:12 fn'), else the innermost frame at all."""
    for f in frames:
        name = f.get("filename") or ""
        if name.startswith(ROOT):
            return f"{name[len(ROOT):]}:{f['line']} {f['name']}"
    return f"{frames[0]['short_filename']}:{frames[0]['line']} {frames[0]['name']}" if frames else "?"


class Watch(threading.Thread):
    """Health latencies of one server; py-spy dumps of it during slow ones (when `spy`)."""

    def __init__(self, url: str, pid: int, every_s: float = 0.25, spy: bool = True, slow_s: float = 0.3,
                 again_s: float = 0.4, max_dumps: int = 80):
        super().__init__(daemon=True)
        self.url, self.pid, self.every_s = url + "/_stcore/health", pid, every_s
        self.latencies: list[tuple[float, float]] = []  # (when started, seconds)
        self.peak_rss, self.peak_threads = 0.0, 0
        self.stop = threading.Event()
        self.pyspy = shutil.which("py-spy") if spy else None
        self.slow_s, self.again_s, self.max_dumps = slow_s, again_s, max_dumps
        self.dumps: list[dict] = []
        self._inflight: float | None = None
        if self.pyspy:
            threading.Thread(target=self._spy, daemon=True).start()

    def run(self) -> None:
        while not self.stop.is_set():
            t0 = time.perf_counter()
            self._inflight = t0
            try:
                urllib.request.urlopen(self.url, timeout=60).read()
            except OSError:
                pass
            self._inflight = None
            self.latencies.append((time.time(), time.perf_counter() - t0))
            try:
                rss, th = proc_status(self.pid)
                self.peak_rss, self.peak_threads = max(self.peak_rss, rss), max(self.peak_threads, th)
            except OSError:
                pass
            self.stop.wait(self.every_s)

    def _spy(self) -> None:
        last = 0.0
        while not self.stop.is_set() and len(self.dumps) < self.max_dumps:
            since = self._inflight
            now = time.perf_counter()
            if since is not None and now - since > self.slow_s and now - last > self.again_s:
                last = now
                try:
                    out = subprocess.run([self.pyspy, "dump", "--json", "--pid", str(self.pid)],
                                         capture_output=True, text=True, timeout=10).stdout
                    threads = json.loads(out)
                except (subprocess.SubprocessError, json.JSONDecodeError, OSError):
                    continue
                self.dumps.append({"waited_s": round(now - since, 2), "threads": threads})
            time.sleep(0.05)

    def figures(self) -> dict:
        lat = [s for _, s in self.latencies]
        return {"p50_s": round(pct(lat, 0.5), 3), "p99_s": round(pct(lat, 0.99), 3),
                "max_s": round(max(lat), 3) if lat else None, "n": len(lat),
                "over_1s": sum(s > 1.0 for s in lat)}

    def summary(self, top: int = 8) -> dict:
        """What the dumps saw: GIL holders (where), and the main (event-loop) thread's state."""
        gil, main, busy = collections.Counter(), collections.Counter(), collections.Counter()
        for d in self.dumps:
            holders = [t for t in d["threads"] if t.get("owns_gil")]
            gil.update(f"{t.get('thread_name') or '?'}: {_where(t['frames'])}" for t in holders)
            if not holders:
                gil["(nobody: GIL free)"] += 1
            for t in d["threads"]:
                if t.get("thread_name") == "MainThread":
                    main["active" if t.get("active") else "idle"] += 1
                    if t.get("active"):
                        main[_where(t["frames"])] += 1
                elif t.get("active"):
                    busy[f"{t.get('thread_name') or '?'}: {_where(t['frames'])}"] += 1
        return {"dumps": len(self.dumps), "pyspy": bool(self.pyspy), "gil_holder": dict(gil.most_common(top)),
                "main_thread": dict(main.most_common(top)), "other_active": dict(busy.most_common(top))}
