"""Benchmark: the training page's job against the command line, at the same settings.

    .venv/bin/python bench/page_vs_cli.py [--iters 300] [--rounds 2] [--poll 0.5] [--cli-nice 0] [--page-nice 5,0]

The page: core.gpt.training_job.TrainingJob built by `build_job` from the page's default JobSettings
(class-demo, characters of the shipped English corpus), run in its background thread while another
thread does what the page's fragments do: every `--poll` seconds `job.view()` and the three live
charts built and serialised to JSON (loss, lr, tokens/s: Python under the GIL, beside the training),
every `--views` seconds a model snapshot and one prompt's attention (the page's "follow" views). The command line:
`python -m core.train` in a subprocess with the same model, batch, lr, evaluation and sample settings.
The two alternate (page, CLI, page, CLI, ...) so machine load hits both alike; `--together` runs them at
the same time instead (each round: the CLI in its process, the page's job in this one), which holds
better when other people's work comes and goes within a minute.

Both step rates are the Trainer's own: tokens / training seconds (evaluations and samples excluded),
the number the CLI prints. The page's job runs its thread at a lower priority (nice +5, so the web
server answers first): `--cli-nice 5` runs the CLI at the same niceness to tell that cost apart from
the rest (polling, locks, threads). `--page-nice 5,0` runs the page's job at each niceness in turn
(core.runtime.threads.TRAINING_NICE), so one run tells whether the niceness is the cost. Also reported
per page run: what the page's own work costs while the job trains (median and 90th percentile ms of one
poll: view() plus the three figures serialised, the web side of a rerun) and how late a 50 ms sleep
wakes (scheduler latency): the responsiveness a lower priority is meant to buy.
`--hog-at N` adds one page run in which a busy process (one core spinning, as another user's job) starts at
step N: `collapse` in the JSON reports the threads before and after, the step the thread policy settled at
(steps_to_settle) and the median step time before, while hogged on the old count, and after.
Last line: one JSON object {"page_tokens_per_s", "cli_tokens_per_s", "ratio", "by_nice", "collapse", ...}.
`--poll-cost 300` only times the page's charts for one poll of a 300-step view (no training): {"poll_cost_ms", ...}.

Measured 2026-11-30 (quiet, load 0.7-2, 4 or 3 alternating rounds of 300 steps): the page's job alone
(`--view-only`) matched the CLI (1.06); with the polls it read 0.657 (rounds 0.59-0.73) while a poll built
the three charts through plotly's validated calls (p50 58 ms of GIL every 0.5 s). With the charts built in
one unvalidated call (core.charts.training, poll p50 11-15 ms): 0.963 at the page's own poll of 2 s
(0.93/1.01/0.96) and 0.98 at 0.5 s (0.88/0.98/1.03). `--poll-cost 300`, alternating with the charts of bee7d4d in
the same minutes (load ~3, CI running): 7.3 and 14.1 ms against 84.5 and 57.0 ms (31 -> 7.6 ms when quiet).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.corpus import load_shipped, split_train_heldout  # noqa: E402
from core.gpt import training_job as tj  # noqa: E402


class TimedJob(tj.TrainingJob):
    """The page's job, also keeping the trainer's training seconds (StepInfo.elapsed_s) and, per step,
    (step, threads, seconds): what the thread policy chose and what that step took."""

    train_s = 0.0
    hog_at: int | None = None  # start a busy process (another user's work) once this step is reached
    hog: subprocess.Popen | None = None

    def _on_step(self, tr, s) -> None:
        super()._on_step(tr, s)
        if not hasattr(self, "trace"):
            self.trace = []
        self.trace.append((s.step, s.threads, s.elapsed_s - self.train_s))
        self.train_s = s.elapsed_s
        if self.hog_at is not None and self.hog is None and s.step >= self.hog_at:
            self.hog = start_hog()


def start_hog() -> subprocess.Popen:
    """One process spinning on a core, as another user's job would: with it, 2 torch threads can collapse."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def collapse_report(trace: list[tuple[int, int, float]], hog_at: int) -> dict:
    """How the thread policy met a busy process started at step `hog_at`: the threads before, the step at
    which it settled on another count, how many steps that took, and the median step time in each stretch."""
    med = lambda xs: round(1e3 * statistics.median(xs), 1) if xs else None  # noqa: E731
    before = [(st, th, dt) for st, th, dt in trace if st < hog_at]
    after = [(st, th, dt) for st, th, dt in trace if st >= hog_at]
    usual = statistics.mode([th for _, th, _ in before[-50:]]) if before else None
    # settled: the first step from which the count stays the same to the end (the policy's final choice)
    settled = next((st for i, (st, th, _) in enumerate(after) if all(t == th for _, t, _ in after[i:])), None)
    final = after[-1][1] if after else None
    hit = [dt for st, th, dt in after if th == usual and (settled is None or st < settled)]
    changes = [(st, th) for (_, prev, _), (st, th, _) in zip(trace, trace[1:]) if th != prev]  # probes and choices
    by_threads = {th: med([dt for _, t, dt in after if t == th]) for th in sorted({t for _, t, _ in after})}
    return {"hog_at_step": hog_at, "threads_before": usual, "threads_after": final, "thread_changes": changes,
            "step_ms_after_by_threads": by_threads,
            "settled_at_step": settled, "steps_to_settle": (settled - hog_at) if settled is not None else None,
            "step_ms_before": med([dt for _, _, dt in before[-50:]]),
            "step_ms_hogged_same_threads": med(hit), "step_ms_after": med([dt for st, _, dt in after
                                                                           if settled is not None and st >= settled])}


def page_poll(job: tj.TrainingJob, v: tj.JobView) -> None:
    """What ui/gpt_train_view.live_view computes per poll, without Streamlit: three figures as JSON."""
    from core.charts import training as charts

    names = {k: k for k in ("batch", "smoothed", "train", "val", "unigram", "bigram", "kn", "shipped")}
    figs = [charts.loss_figure(v.steps, v.loss, [e.step for e in v.evals], [e.train_loss for e in v.evals],
                               [e.val_loss for e in v.evals], v.references, names, "loss", "step", "nats",
                               max_steps=v.max_iters, height=380),
            charts.series_figure(v.steps, v.lr, "lr", "lr", "step", "lr", max_steps=v.max_iters, tickformat="~g"),
            charts.series_figure(v.steps, v.tokens_per_s, "tok/s", "tok/s", "step", "tok/s", smooth=True,
                                 max_steps=v.max_iters)]
    for f in figs:
        f.to_json()


def poll_cost(steps: int, reps: int = 30) -> dict:
    """Median ms of `page_poll` (the three live charts built and serialised) for a view of `steps` steps with an
    evaluation every 50: the page's own work per poll, measured alone (no training beside it)."""
    from types import SimpleNamespace as View

    evals = [View(step=s, train_loss=2.0, val_loss=2.1) for s in range(0, steps, 50)]
    v = View(steps=list(range(steps)), loss=[3.0 - s / (2 * steps) for s in range(steps)], evals=evals,
             references={"unigram": 3.3, "bigram": 2.5, "kn": 2.2}, max_iters=steps, lr=[1e-3] * steps,
             tokens_per_s=[13000.0] * steps)
    page_poll(None, v)  # imports, the template
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        page_poll(None, v)
        times.append(time.perf_counter() - t)
    return {"poll_cost_ms": round(1e3 * statistics.median(times), 2), "steps": steps, "reps": reps,
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def page_run(settings: tj.JobSettings, train: str, held: str, poll: float, views: float, as_page: bool,
             nice: int | None = None, hog_at: int | None = None) -> dict:
    from core.runtime import threads

    if nice is not None:
        threads.TRAINING_NICE = nice  # read by lower_priority() when the job's thread starts
    job = tj.build_job(settings, train, held, "cpu", "bench")
    job.__class__ = TimedJob  # same object, one more number kept per step
    job.hog_at = hog_at
    costs: list[float] = []
    polls: list[float] = []  # view() + figures: the page's side of a rerun while the job trains
    late: list[float] = []  # how late a 50 ms sleep wakes
    done = threading.Event()

    def poller() -> None:  # the page's fragments
        threads.for_interactive()  # as ui.guard.run_page does for every rerun: one torch thread
        last_views = time.perf_counter()
        while not done.is_set():
            t0 = time.perf_counter()
            v = job.view()
            costs.append(time.perf_counter() - t0)
            if not v.active and v.status != "ready":
                break
            if as_page and v.steps:
                page_poll(job, v)
                polls.append(time.perf_counter() - t0)
                if time.perf_counter() - last_views > views:
                    from core.gpt.views import prompt_attention

                    prompt_attention(job.model_snapshot(), job.tokenizer, "To be, or not to be")
                    last_views = time.perf_counter()
            t1 = time.perf_counter()
            time.sleep(0.05)
            late.append(time.perf_counter() - t1 - 0.05)
            time.sleep(max(0.0, poll - 0.05))

    t = threading.Thread(target=poller, daemon=True)
    job.start()
    t.start()
    try:
        job.wait()
    finally:
        if job.hog is not None:
            job.hog.kill()
            job.hog.wait()
    done.set()
    t.join()
    v = job.view()
    tokens = (v.step) * settings.batch_size * job.config.block_size
    q = lambda xs, f: 1e3 * sorted(xs)[min(len(xs) - 1, int(f * len(xs)))] if xs else 0.0  # noqa: E731
    return {"tokens_per_s": tokens / job.train_s, "status": v.status, "views": len(costs),
            "view_ms": 1e3 * statistics.mean(costs) if costs else 0.0, "threads": v.threads,
            "poll_ms_p50": q(polls, 0.5), "poll_ms_p90": q(polls, 0.9), "wake_late_ms_p90": q(late, 0.9),
            **({"collapse": collapse_report(getattr(job, "trace", []), hog_at)} if hog_at is not None else {})}


def cli_command(settings: tj.JobSettings, text_file: str, nice: int) -> list[str]:
    cmd = [sys.executable, "-m", "core.train", "--text", text_file, "--tokenizer", settings.tokenizer,
           "--preset", settings.preset, "--batch-size", str(settings.batch_size), "--max-iters", str(settings.max_iters),
           "--eval-interval", str(settings.eval_interval), "--eval-iters", str(settings.eval_iters),
           "--lr", str(settings.lr), "--sample-interval", str(settings.sample_interval), "--no-progress"]
    if nice:
        cmd = ["nice", "-n", str(nice)] + cmd
    return cmd


def cli_run(settings: tj.JobSettings, text_file: str, nice: int) -> dict:
    out = subprocess.run(cli_command(settings, text_file, nice), cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def together_run(settings: tj.JobSettings, text_file: str, nice: int, page_args: tuple) -> tuple[dict, dict]:
    """The CLI and the page's job at the same time: on a machine shared with others' bursts, both meet the
    same load, which alternating runs a minute apart do not guarantee. They also compete with each other
    for the 2 cores alike, so the ratio compares the two paths, not their absolute speed."""
    proc = subprocess.Popen(cli_command(settings, text_file, nice), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        pg = page_run(settings, *page_args)
    finally:
        out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(err[-2000:])
    return pg, json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--iters", type=int, default=300)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--poll", type=float, default=0.5)
    p.add_argument("--views", type=float, default=10.0, help="seconds between model snapshots + attention")
    p.add_argument("--view-only", action="store_true", help="poll job.view() only (no charts, no snapshots)")
    p.add_argument("--cli-nice", type=int, default=0)
    p.add_argument("--page-nice", default=None, help="comma-separated nicenesses for the page's job, run in turn "
                   "(default: the policy's core.runtime.threads.TRAINING_NICE)")
    p.add_argument("--together", action="store_true", help="run the CLI and the page's job at the same time "
                   "(same load for both) instead of one after the other")
    p.add_argument("--hog-at", type=int, default=None, help="after the last round, one more page run with a busy "
                   "process started at this step: the JSON's `collapse` says how the thread policy met it")
    p.add_argument("--main-threads", action="store_true", help="leave this process's main thread at torch's default "
                   "thread count (before 2026-11-30 the bench and the server did: the job's 2 threads then ran no "
                   "faster than 1; see core.runtime.threads.serial_main_thread)")
    p.add_argument("--poll-cost", type=int, default=0, metavar="STEPS",
                   help="only time one poll's charts (page_poll) for a finished-looking view of STEPS steps, no training")
    a = p.parse_args()
    if a.poll_cost:
        print(json.dumps(poll_cost(a.poll_cost)))
        return
    from core.runtime import threads

    if not a.main_threads:
        threads.serial_main_thread()  # as the server's preload does, before any torch op in this thread
    nices = [int(n) for n in a.page_nice.split(",")] if a.page_nice else [threads.TRAINING_NICE]
    load0 = open("/proc/loadavg").read().split()[:3]
    text = load_shipped("en")
    train, held = split_train_heldout(text)
    settings = tj.JobSettings(max_iters=a.iters)
    pages, clis, views = [], [], []
    by_nice: dict[int, list[dict]] = {n: [] for n in nices}
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, "corpus.txt")
        Path(f).write_text(text, encoding="utf-8")
        for r in range(a.rounds):
            if not a.together:
                cl = cli_run(settings, f, a.cli_nice)
            for n in nices:
                page_args = (train, held, a.poll, a.views, not a.view_only, n)
                if a.together:
                    pg, cl = together_run(settings, f, a.cli_nice, page_args)
                else:
                    pg = page_run(settings, *page_args)
                by_nice[n].append({**pg, "ratio": pg["tokens_per_s"] / cl["tokens_per_s"]})
                print(f"round {r + 1}: page (nice {n}) {pg['tokens_per_s']:.0f} tok/s ({pg['views']} views, "
                      f"{pg['view_ms']:.2f} ms each, poll p50/p90 {pg['poll_ms_p50']:.0f}/{pg['poll_ms_p90']:.0f} ms, "
                      f"wake late p90 {pg['wake_late_ms_p90']:.1f} ms, {pg['threads']} thr), CLI {cl['tokens_per_s']:.0f} "
                      f"tok/s; load {os.getloadavg()[0]:.1f}", file=sys.stderr)
            clis.append(cl["tokens_per_s"])
            pg = by_nice[nices[0]][-1]
            pages.append(pg["tokens_per_s"])
            views.append(pg["view_ms"])
    collapse = None
    if a.hog_at is not None:
        hogged = page_run(tj.JobSettings(max_iters=max(a.iters, a.hog_at + 150)), train, held, a.poll, a.views,
                          not a.view_only, nices[0], hog_at=a.hog_at)
        collapse = hogged["collapse"]
        print(f"busy process at step {a.hog_at}: {collapse}", file=sys.stderr)
    ratios = [pg / cl for pg, cl in zip(pages, clis)]
    med = lambda rs, k: round(statistics.median(r[k] for r in rs), 3)  # noqa: E731
    summary = {n: {k: med(rs, k) for k in ("tokens_per_s", "ratio", "poll_ms_p50", "poll_ms_p90", "wake_late_ms_p90")}
               for n, rs in by_nice.items()}
    print(json.dumps({"page_tokens_per_s": round(statistics.median(pages), 1),
                      "cli_tokens_per_s": round(statistics.median(clis), 1),
                      "ratio": round(statistics.median(ratios), 3), "ratios": [round(x, 3) for x in ratios],
                      "view_ms": round(statistics.mean(views), 3), "iters": a.iters, "cli_nice": a.cli_nice,
                      "poll_s": a.poll, "as_page": not a.view_only, "together": a.together, "by_nice": summary, "collapse": collapse,
                      "loadavg_start": load0, "loadavg_end": open("/proc/loadavg").read().split()[:3]}))


if __name__ == "__main__":
    main()
