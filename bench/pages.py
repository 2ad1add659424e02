"""Render time of every page through AppTest, in a warm process.

Each page is opened once to warm caches (models, tokenizers, corpora), then re-run `--repeats` times;
the median is reported. Target: ≤ 0.5 s per page on a 2-core CPU.
Last line: one JSON object {"pages": {path: seconds}, "max_s": ..., "lang": ...}.

`--template-ab` instead times each rerun twice in turn, in one process, with the charts styled the old
way (`template="plotly_white"` applied to every figure on top of streamlit's default) and the current
way (the "atlas" template as plotly's default): a busy machine slows both alike, so the ratio holds.
Last line then: {"template_ab": {path: {"before_s", "after_s", "speedup"}}, "lang": ...}.

`--interactions` times what a user does on each page, warm: every text box gets a sentence it has not
seen, every slider, number box, select box, select slider, radio, pill row and multiselect moves to another
value and every toggle and checkbox flips (a new input where the widget allows, so caches keyed by input
are missed as a user's first try would miss them), one `.run()` per change; buttons are left out (they
start jobs); a background job a change starts (shown as progress) is waited out before the next change.
Pages with views behind a choice are also walked from each view of VIEWS (the widget values set first, as a lesson
stop sets them; keys read 'page#key=value'), so the widgets each view draws are changed too.
`--tries N` changes every widget N times in turn and keeps the median; `--lang both` runs every page in
English and then in Japanese. `--profile` adds a cProfile of every change (stderr).
Beside each wall time the process's CPU seconds over the rerun (`cpu_s`): on a shared machine the wall
time swings with everyone's load, the CPU time of a single-threaded rerun much less.
Last line then: {"interactions": {path: {widget: seconds}}, "cpu_s": {...},
"slowest": [path, widget, seconds], "lang": ...}.
`--gc` adds what the garbage collector did (gc.callbacks, timed): per generation the passes, their seconds and
the longest, the objects a full pass walked, and per widget the seconds of collection inside its rerun (`gc`'s
`worst_reruns`); it also runs the full pass a server runs after every script run (Streamlit's postScriptGC,
which AppTest skips) and counts it in the rerun's time.

`--compare BEFORE.json[,…] AFTER.json[,…]` reads saved `--interactions` outputs (runs alternated between two
checkouts, so a busy machine slows both alike) and prints the median of each side per widget and the ratio.
Last line then: {"compare": {path: {widget: {"before_s", "after_s", "speedup"}}}, "loadavg": {...}}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.i18n import LANG_NAMES
from ui.registry import PAGES

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("ATLAS_FORCE_CPU", "1")


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


def _per_figure_template(fig, title=None, height=None):
    """core.charts.style.styled as it was: the whole plotly_white template validated into every figure."""
    from core.charts import style

    fig.update_layout(font=dict(family=style.FONT_FAMILY, size=style.FONT_SIZE),
                      title=dict(text=title) if title else None,
                      margin=dict(l=60, r=20, t=60 if title else 30, b=50), colorway=style.PALETTE,
                      template="plotly_white",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0))
    if height:
        fig.update_layout(height=height)
    return fig


def template_ab(path: str, lang: str, repeats: int) -> dict:
    import importlib
    import pkgutil

    import plotly.io as pio

    import core.charts
    from core.charts import style

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = LANG_NAMES[lang]
    at.run()
    at.switch_page(path).run()
    mods = [importlib.import_module(f"core.charts.{m.name}") for m in pkgutil.iter_modules(core.charts.__path__)]
    fast = style.styled
    mods = [m for m in mods if m is not style and getattr(m, "styled", None) is fast]  # the chart modules
    times: dict[str, list[float]] = {"before": [], "after": []}
    try:
        for _ in range(repeats):
            for way in ("before", "after"):
                for m in mods:
                    m.styled = _per_figure_template if way == "before" else fast
                pio.templates.default = "streamlit" if way == "before" else style.TEMPLATE
                t0 = time.perf_counter()
                at.run()
                times[way].append(time.perf_counter() - t0)
                if at.exception:
                    raise RuntimeError(f"{path}: {[e.value for e in at.exception]}")
    finally:
        for m in mods:
            m.styled = fast
        pio.templates.default = style.TEMPLATE
    b, a = statistics.median(times["before"]), statistics.median(times["after"])
    return {"before_s": round(b, 4), "after_s": round(a, 4), "speedup": round(b / a, 2)}


SENTENCES = {"en": ["The cat sat on the mat because it was warm.", "Students read the play aloud in class today.",
                    "A small model learns the next letter from the ones before it."],
             "ja": ["猫は暖かいのでマットの上に座った。", "今日は授業で生徒が劇を声に出して読んだ。",
                    "小さなモデルは前の文字から次の文字を学ぶ。"]}
# Every kind of input a page offers (AppTest's names); buttons are left out: they start jobs, not reruns.
KINDS = ("text_input", "text_area", "slider", "number_input", "selectbox", "select_slider", "radio", "toggle",
         "checkbox", "multiselect", "button_group")
SHELL_KEYS = {"lang", "force_cpu", "present"}  # the sidebar's: every page has them, none is the page's


def _option_value(at, w, label: str):
    """The value behind a formatted option label (radio, select slider, pills...): Streamlit's own deserializer
    for the widget, so options shown through a format_func (translated labels) are set by value."""
    meta = at.session_state._state._state._new_widget_state.widget_metadata[w.id]
    return meta.deserializer([label] if meta.value_type == "string_array_value" else label)


def _new_value(at, w, lang: str, i: int):
    """Another value for widget `w` (None: leave it), the i-th try so each is new where the widget allows."""
    kind = type(w).__name__
    if kind in ("TextInput", "TextArea"):
        s = SENTENCES[lang]
        return s[i % len(s)] + " " * (i // len(s))
    if kind in ("Slider", "NumberInput"):
        v, lo, hi = w.value, getattr(w, "min", None), getattr(w, "max", None)
        if isinstance(v, (tuple, list)) or lo is None or hi is None:
            return None
        step = getattr(w, "step", None) or 1
        up = v + step * (1 + i % 2)  # one or two steps: a value this widget has not had yet
        return type(v)(up if up <= hi else max(lo, v - step * (1 + i % 2)))
    if kind == "Selectbox" and len(w.options) > 1:  # by index: options are the labels, values may differ
        return ("index", (w.index + 1) % len(w.options) if w.index is not None else 0)
    if kind in ("Toggle", "Checkbox"):
        return not w.value
    if kind in ("Radio", "SelectSlider") and len(w.options) > 1:
        cur = w.index if kind == "Radio" else w.options.index(str(w.format_func(w.value)))
        return _option_value(at, w, w.options[(cur + 1) % len(w.options)])
    if kind == "Multiselect" and w.options:
        chosen = list(w.value)
        if len(chosen) > 1:
            return chosen[:-1]  # one fewer series
        rest = [o for j, o in enumerate(w.options) if j not in w.indices]
        return chosen + list(_option_value(at, w, rest[0])) if rest else None  # deserialized as a list
    if kind == "ButtonGroup" and len(w.options) > 1 and w.proto.click_mode == w.proto.ClickMode.SINGLE_SELECT:
        cur = w.indices[0] if w.indices else -1
        return _option_value(at, w, w.options[(cur + 1) % len(w.options)])
    return None


def _widgets(at) -> list[tuple[str, str]]:
    out = []
    for kind in KINDS:
        found = at.get(kind) if kind == "button_group" else getattr(at, kind)
        out += [(kind, w.key) for w in found if w.key and w.key not in SHELL_KEYS and not w.key.startswith("shell_")]
    return out


def _find(at, kind: str, key: str):
    if kind == "button_group":
        return next(w for w in at.get(kind) if w.key == key)
    return getattr(at, kind)(key=key)


class GcLog:
    """Every collection the interpreter runs, timed through gc.callbacks: {generation: [seconds, ...]} and, for
    full passes, how many objects they walked (tracked objects, the frozen ones excluded)."""

    def __init__(self) -> None:
        import gc

        self.passes: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.walked: list[int] = []
        self.where = "start"  # what runs now: a page's widget change, or "start" / "between" reruns
        self.slow: list[tuple[str, int, int, float]] = []  # (where, generation, objects walked, seconds) over 20 ms
        self._t0 = 0.0
        self._gc = gc

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            if info["generation"] == 2:  # counted before the clock starts (listing them takes time too)
                self.walked.append(len(self._gc.get_objects()))
            self._t0 = time.perf_counter()
        else:
            dt = time.perf_counter() - self._t0
            self.passes[info["generation"]].append(dt)
            if dt > 0.02:
                self.slow.append((self.where, info["generation"], self.walked[-1] if info["generation"] == 2 else -1,
                                  round(dt, 4)))

    def total(self) -> float:
        return sum(sum(v) for v in self.passes.values())

    def summary(self) -> dict:
        per_gen = {f"gen{g}": {"n": len(v), "s": round(sum(v), 3), "max_s": round(max(v, default=0.0), 4),
                               "median_s": round(statistics.median(v), 4) if v else 0.0}
                   for g, v in self.passes.items()}
        return per_gen | {
            "full_pass_walked_max": max(self.walked, default=0),
            "full_pass_walked_median": int(statistics.median(self.walked)) if self.walked else 0,
            "passes_over_20ms": self.slow}


GC_LOG: GcLog | None = None
GC_SECONDS: dict[tuple[str, str], dict[str, float]] = {}  # (page, lang) -> widget -> collection seconds in its rerun


def _settle(limit_s: float = 60.0) -> None:
    """Wait until no background job runs: a change may start one (the GELU page times its kernels in a job,
    a notes section computes in one), which the page shows as progress; its CPU belongs to it, not to the
    next change's rerun."""
    from core.runtime.jobs import LIMITER

    end = time.perf_counter() + limit_s
    while LIMITER.active() and time.perf_counter() < end:
        time.sleep(0.05)


# Views a page shows only after a choice: (page, {widget key: value}) walked besides the page's first view.
VIEWS = {
    "views/lm_chain_rule/page.py": [{"chain_model": "both"}],  # the n-gram and the GPT side by side (ranks, top-5)
    "views/gpt_inside/page.py": [{"inside_view": "lens"}, {"inside_view": "knockout"}],  # "next" is the first view
}


def interactions(path: str, lang: str, profile: bool = False, tries: int = 1, state: dict | None = None) -> dict:
    """Seconds of one rerun after each widget change on a warm page: the median of `tries` changes per widget.
    `state`: widget values set before the page first runs (another view of the page)."""
    view = path + "".join(f"#{k}={v}" for k, v in (state or {}).items())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = LANG_NAMES[lang]
    at.run()
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.switch_page(path).run()
    _settle()  # a job the view starts (a table computed once per model) is not the first change's time
    at.run()  # warm
    out: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}  # CPU seconds of the process over the rerun: what load cannot inflate
    # the view's own choice last: it leaves the view
    widgets = sorted(_widgets(at), key=lambda w: w[1] in (state or {}))
    for i, (kind, key) in enumerate(widgets * tries):
        try:
            w = _find(at, kind, key)
        except (KeyError, IndexError, StopIteration):
            continue  # gone after an earlier change
        try:
            v = None if getattr(w.proto, "disabled", False) else _new_value(at, w, lang, i)
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            print(f"{path} {kind}:{key}: no new value ({type(e).__name__}: {e})", file=sys.stderr)
            v = None
        if v is None:
            continue
        try:
            w.select_index(v[1]) if isinstance(v, tuple) and v[0] == "index" else w.set_value(v)
        except (ValueError, TypeError, AssertionError) as e:  # a value AppTest cannot set on this widget
            print(f"{path} {kind}:{key}: skipped ({type(e).__name__}: {e})", file=sys.stderr)
            continue
        prof = None
        if profile:  # AppTest runs the script in a thread of its own: start the profiler inside it
            import cProfile
            import threading

            prof = cProfile.Profile()

            def start_in_thread(*_):
                sys.setprofile(None)
                prof.enable()

            threading.setprofile(start_in_thread)
        g0 = GC_LOG.total() if GC_LOG is not None else 0.0
        if GC_LOG is not None:
            GC_LOG.where = f"{path} {kind}:{key}"
        c0, t0 = time.process_time(), time.perf_counter()
        at.run()
        dt = time.perf_counter() - t0
        if GC_LOG is not None:
            # A server runs gc.collect(2) after every script run (Streamlit's runner.postScriptGC); AppTest does not.
            # Run it here as the server would, inside the rerun's time: the browser's last messages wait on it.
            import gc

            t1 = time.perf_counter()
            gc.collect(2)
            dt += time.perf_counter() - t1
            GC_SECONDS.setdefault((view, lang), {})[f"{kind}:{key}"] = round(GC_LOG.total() - g0, 4)
            GC_LOG.where = "between"
        out.setdefault(f"{kind}:{key}", []).append(dt)
        cpu.setdefault(f"{kind}:{key}", []).append(time.process_time() - c0)
        if prof is not None:
            threading.setprofile(None)
            import pstats

            print(f"--- cProfile {path} {kind}:{key} ({dt:.3f} s)", file=sys.stderr)
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        if at.exception:
            raise RuntimeError(f"{path} {key}: {[e.value for e in at.exception]}")
        _settle()
    med = {k: round(statistics.median(ts), 4) for k, ts in out.items()}
    CPU_SECONDS[(view, lang)] = {k: round(statistics.median(ts), 4) for k, ts in cpu.items()}
    print(f"{view} [{lang}]: {len(med)} widgets changed, slowest {max(med.values(), default=0):.3f} s", file=sys.stderr)
    return med


CPU_SECONDS: dict[tuple[str, str], dict[str, float]] = {}  # (page, lang) -> widget -> median CPU s of a rerun


def compare(before: list[str], after: list[str]) -> dict:
    """Median seconds per (page, widget) over the saved runs of each side, and before/after."""
    def runs(files):
        return [json.loads(Path(f).read_text().strip().splitlines()[-1]) for f in files]

    b, a = runs(before), runs(after)
    out: dict[str, dict] = {}

    def med(rs, field, page, w):
        xs = [r.get(field, {}).get(page, {}).get(w) for r in rs]
        xs = [x for x in xs if x is not None]
        return statistics.median(xs) if xs else None

    for page in b[0]["interactions"]:
        for w in b[0]["interactions"][page]:
            mb, ma = med(b, "interactions", page, w), med(a, "interactions", page, w)
            if mb is not None and ma is not None:
                row = {"before_s": mb, "after_s": ma, "speedup": round(mb / ma, 2)}
                cb, ca = med(b, "cpu_s", page, w), med(a, "cpu_s", page, w)  # CPU seconds: what load inflates least
                if cb is not None and ca is not None:
                    row.update(before_cpu_s=cb, after_cpu_s=ca, cpu_speedup=round(cb / max(ca, 1e-4), 2))
                out.setdefault(page, {})[w] = row
    rows = sorted(((p, w, r) for p, d in out.items() for w, r in d.items()), key=lambda x: -x[2]["before_s"])
    for p, w, r in rows:
        cpu = f"  cpu {r['before_cpu_s']:.3f} -> {r['after_cpu_s']:.3f} s" if "before_cpu_s" in r else ""
        print(f"{p:33s} {w[:36]:36s} {r['before_s']:6.3f} s -> {r['after_s']:6.3f} s ({r['speedup']}x){cpu}",
              file=sys.stderr)
    return {"compare": out,
            "loadavg": {"before": [r.get("loadavg") for r in b], "after": [r.get("loadavg") for r in a]}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--lang", default="en", choices=[*LANG_NAMES, "both"],
                    help="both: every page in English, then in Japanese (--interactions keys read 'page@lang')")
    ap.add_argument("--tries", type=int, default=1, help="with --interactions: changes per widget (median kept)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", nargs="*", default=None,
                    help="time only the pages whose path contains one of these strings (e.g. lm_ tf_)")
    ap.add_argument("--template-ab", action="store_true",
                    help="time each rerun with per-figure templates (before) and the atlas default (after)")
    ap.add_argument("--interactions", action="store_true", help="time each widget change on each page (warm)")
    ap.add_argument("--profile", action="store_true", help="with --interactions: cProfile every change (stderr)")
    ap.add_argument("--gc", action="store_true",
                    help="with --interactions: time every garbage collection (gc.callbacks)")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"),
                    help="comma-separated --interactions outputs of each side: print medians and ratios")
    args = ap.parse_args()
    if args.compare:
        print(json.dumps(compare(args.compare[0].split(","), args.compare[1].split(","))))
        return
    from ui.preload import preload

    preload()  # what scripts/serve.py (make run) imports and warms (ui.preload.WARMUPS) before its server listens
    if args.interactions and args.gc:
        import gc

        global GC_LOG
        GC_LOG = GcLog()
        gc.callbacks.append(GC_LOG)
    if args.interactions:
        langs = list(LANG_NAMES) if args.lang == "both" else [args.lang]
        name = lambda p, lg: f"{p}@{lg}" if len(langs) > 1 else p
        table = {}
        for lg in langs:
            for e in PAGES:
                if args.only and not any(s in e.path for s in args.only):
                    continue
                for state in [None] + VIEWS.get(e.path, []):
                    view = e.path + "".join(f"#{k}={v}" for k, v in (state or {}).items())
                    table[name(view, lg)] = interactions(e.path, lg, args.profile, args.tries, state)
        cpu = {name(p, lg): d for (p, lg), d in CPU_SECONDS.items()}
        rows = sorted(((p, k, t) for p, d in table.items() for k, t in d.items()), key=lambda r: -r[2])
        for p, k, t in rows:
            print(f"{p:33s} {k:40s} {t:6.3f} s (cpu {cpu[p][k]:6.3f} s){'  > 0.5 s' if t > 0.5 else ''}",
                  file=sys.stderr)
        extra = {}
        if GC_LOG is not None:
            per = {name(p, lg): d for (p, lg), d in GC_SECONDS.items()}
            worst = sorted(((p, k, t) for p, d in per.items() for k, t in d.items()), key=lambda r: -r[2])[:5]
            in_reruns = sum(sum(d.values()) for d in per.values())
            # medians: with --tries 1, the runs
            share = in_reruns / max(1e-9, sum(sum(d.values()) for d in table.values()))
            extra = {"gc": GC_LOG.summary() | {"worst_reruns": worst, "in_reruns_s": round(in_reruns, 3),
                                               "share_of_rerun_time": round(share, 3)}}
        print(json.dumps({"interactions": table, "cpu_s": cpu, "slowest": list(rows[0]) if rows else None,
                          "lang": args.lang, "loadavg": open("/proc/loadavg").read().split()[:3]} | extra))
        return
    if args.template_ab:
        ab = {e.path: template_ab(e.path, args.lang, args.repeats) for e in PAGES
              if not args.only or any(s in e.path for s in args.only)}
        for path, r in ab.items():
            print(f"{path:32s} {r['before_s']:.3f} s -> {r['after_s']:.3f} s ({r['speedup']}x)", file=sys.stderr)
        print(json.dumps({"template_ab": ab, "lang": args.lang}))
        return
    results = {}
    for entry in PAGES:
        if args.only and not any(s in entry.path for s in args.only):
            continue
        results[entry.path] = round(time_page(entry.path, args.lang, args.repeats), 4)
        print(f"{entry.path:32s} {results[entry.path]:.3f} s", file=sys.stderr)
    print(json.dumps({"pages": results, "max_s": max(results.values()), "lang": args.lang}))


if __name__ == "__main__":
    main()
