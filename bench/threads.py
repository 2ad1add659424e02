"""Benchmark: the load-aware thread policy (core.runtime.threads.ThreadTuner) when the machine gets busy.

    .venv/bin/python bench/threads.py [--steps 160] [--busy-at 60] [--hogs 1]

Trains the class-demo GPT (4 x 4 x 128, context 64, batch 12, characters) twice, in turn: with
`threads="auto"` (the policy every trainer uses: page, fine-tuning, encoder–decoder, CLI) and with all
cores fixed (what a trainer without the policy does). In each run, `--hogs` CPU-bound processes
(`while True: pass`) start at step `--busy-at` and are killed at the end. Printed per run: median step
time before and after the hogs start, the steps until the policy re-measured and then settled, and
the thread counts it chose. Last line: one JSON object with both runs and the load average.

`--interactive [--rounds 7]` instead times what a page rerun computes with torch (the attention page's
scaling study for a new seed), in a fresh thread each time as Streamlit's script runs, with the page
policy's thread count (core.runtime.threads.interactive_threads) and with all cores, alternating.
Last line then: {"interactive": {"threads_policy", "policy_s", "all_cores_s", "ratio"}, "loadavg": ...}.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from core.corpus import load_shipped, split_train_heldout  # noqa: E402
from core.gpt.data import TokenData, build_tokenizer  # noqa: E402
from core.gpt.model import GPT, GPTConfig  # noqa: E402
from core.gpt.pretrain import TrainConfig, gpt_trainer  # noqa: E402


def run(data: TokenData, vocab: int, threads, steps: int, busy_at: int, hogs: int, cores: int) -> dict:
    torch.set_num_threads(cores)
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=vocab, n_layer=4, n_head=4, n_embd=128, block_size=64))
    tc = TrainConfig(max_iters=steps, batch_size=12, eval_interval=0, eval_iters=1, threads=threads)
    log: list[tuple[int, float, int]] = []  # (step, seconds, threads)
    procs: list[subprocess.Popen] = []
    last = [0.0]

    def on_step(tr, s) -> None:
        log.append((s.step, s.elapsed_s - last[0], s.threads))
        last[0] = s.elapsed_s
        if s.step == busy_at:
            procs.extend(subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(hogs))

    trainer = gpt_trainer(model, data, tc, max_threads=cores)
    trainer.add_callback("on_step", on_step)
    try:
        trainer.run()
    finally:
        for p in procs:  # only the processes this bench started
            p.kill()
            p.wait()
    before = [t for s, t, _ in log if min(15, busy_at - 3) < s <= busy_at]  # after the policy's first probe
    after_all = [(s, t, n) for s, t, n in log if s > busy_at]
    settled = after_all[len(after_all) // 2:]  # the second half: after any re-measurement
    slow_ref = statistics.median(before)
    # steps after the hogs start until the policy changed its thread count (None: it never did)
    switch = next((s - busy_at for s, _, n in after_all if n != log[busy_at - 1][2]), None)
    return {"threads": threads, "median_step_ms_before": round(1e3 * slow_ref, 1),
            "median_step_ms_after_settled": round(1e3 * statistics.median(t for _, t, _ in settled), 1),
            "slowdown": round(statistics.median(t for _, t, _ in settled) / slow_ref, 2),
            "threads_before": log[busy_at - 1][2], "threads_settled": statistics.mode(n for _, _, n in settled),
            "steps_until_policy_reacted": switch,
            "step_ms": [round(1e3 * t, 1) for _, t, _ in log], "step_threads": [n for _, _, n in log]}


def interactive(rounds: int, cores: int) -> dict:
    import threading

    from core.runtime import threads as policy
    from core.transformer.attention_study import STUDY_D_KS, scaling_study

    times: dict[int, list[float]] = {policy.interactive_threads(): [], cores: []}

    def rerun(n: int, seed: int) -> None:  # a script thread: set its count, then the page's torch work
        torch.set_num_threads(n)
        t0 = time.perf_counter()
        scaling_study(list(STUDY_D_KS), seed=seed)
        times[n].append(time.perf_counter() - t0)

    for r in range(rounds):
        for n in times:
            t = threading.Thread(target=rerun, args=(n, r))
            t.start()
            t.join()
    pol, allc = (statistics.median(times[n]) for n in times)
    print(f"scaling study: {policy.interactive_threads()} thread {pol * 1e3:.0f} ms, {cores} threads {allc * 1e3:.0f} ms "
          f"(median of {rounds}); load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    return {"threads_policy": policy.interactive_threads(), "policy_s": round(pol, 4), "all_cores_s": round(allc, 4),
            "ratio": round(allc / pol, 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=160)
    p.add_argument("--busy-at", type=int, default=60)
    p.add_argument("--hogs", type=int, default=1, help="CPU-bound processes started at --busy-at")
    p.add_argument("--interactive", action="store_true", help="a page rerun's torch work: policy vs all cores")
    p.add_argument("--rounds", type=int, default=7)
    a = p.parse_args()
    cores = os.cpu_count() or 1
    if a.interactive:
        print(json.dumps({"interactive": interactive(a.rounds, cores), "loadavg": open("/proc/loadavg").read().split()[:3]}))
        return
    load0 = open("/proc/loadavg").read().split()[:3]
    train, held = split_train_heldout(load_shipped("en"))
    tok = build_tokenizer("char", train)
    data = TokenData.from_text(tok, train, held, 64)
    out = {"cores": cores, "hogs": a.hogs, "busy_at": a.busy_at, "loadavg_start": load0}
    for name, threads in (("policy", "auto"), ("fixed_all_cores", cores)):
        r = run(data, tok.vocab_size, threads, a.steps, a.busy_at, a.hogs, cores)
        out[name] = r
        print(f"{name:16s} before {r['median_step_ms_before']:7.1f} ms/step ({r['threads_before']} thr), "
              f"after {r['median_step_ms_after_settled']:7.1f} ms/step ({r['threads_settled']} thr), x{r['slowdown']}; "
              f"reacted after {r['steps_until_policy_reacted']} steps", file=sys.stderr)
    out["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    out["settled_ratio_fixed_over_policy"] = round(out["fixed_all_cores"]["median_step_ms_after_settled"]
                                                   / out["policy"]["median_step_ms_after_settled"], 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
