"""Benchmark: where one training step of the reference GPT goes, split by torch.profiler.

    .venv/bin/python bench/profile_step.py [--steps 30] [--warmup 10] [--threads N] [--preset small]

The reference config: characters of the shipped English corpus, 4 layers x 4 heads x 128 wide, context
64, batch 12, trained by the app's own Trainer (core.gpt.pretrain.gpt_trainer on core.runtime.trainer),
so the step profiled is the step the pages run. Each profiled op's *self* time goes to one bucket by
name: matmuls (mm/addmm/bmm), attention (SDPA kernels), GELU, LayerNorm, optimizer (AdamW), clipping and
the NaN guard (foreach norms and copies), autograd engine, other ops. The batch gather is timed as a
region ("data"). Python overhead is what is left of the wall time after every op: module calls,
the loop, callbacks. Details go to stderr; the last line on stdout is one JSON object:
{"ms_per_step", "split_pct": {bucket: percent of wall time}, "threads"}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
from torch.profiler import ProfilerActivity, profile, record_function  # noqa: E402

from core.corpus import load_shipped, split_train_heldout  # noqa: E402
from core.gpt.data import TokenData, build_tokenizer  # noqa: E402
from core.gpt.model import GPT, PRESETS, GPTConfig  # noqa: E402
from core.gpt.pretrain import TrainConfig, lm_loss  # noqa: E402
from core.runtime.trainer import Trainer  # noqa: E402

BUCKETS = [  # (bucket, substrings of op names), first match wins
    ("attention", ("scaled_dot_product", "flash_attention", "efficient_attention")),
    ("gelu", ("gelu",)),
    ("layernorm", ("layer_norm",)),
    ("optimizer", ("adam",)),
    ("clip_and_nan_guard", ("_foreach_norm", "_foreach_mul", "_foreach_copy", "clip_grad", "_foreach_div")),
    ("matmuls", ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")),
    ("autograd_engine", ("autograd::engine",)),
]
REGIONS = ("atlas::", "Optimizer.", "ProfilerStep")  # annotations, not ops: their self time is Python


def bucket_of(name: str) -> str:
    for b, keys in BUCKETS:
        if any(k in name for k in keys):
            return b
    return "other_ops"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=30, help="profiled steps")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--preset", default=None, help="a core.gpt.model.PRESETS size instead of the reference config")
    a = p.parse_args()
    if a.preset is not None and a.preset not in PRESETS:
        p.error(f"unknown preset {a.preset!r}; choose one of {list(PRESETS)}")
    torch.set_num_threads(a.threads)
    train, held = split_train_heldout(load_shipped("en"))
    tok = build_tokenizer("char", train)
    cfg = (GPTConfig.preset(a.preset, tok.vocab_size, dropout=0.0) if a.preset else
           GPTConfig(vocab_size=tok.vocab_size, n_layer=4, n_head=4, n_embd=128, block_size=64))
    data = TokenData.from_text(tok, train, held, cfg.block_size)
    torch.manual_seed(0)
    model = GPT(cfg)
    tc = TrainConfig(max_iters=a.warmup + a.steps, batch_size=12, eval_interval=0, eval_iters=1)

    def batches(g):
        with record_function("atlas::data"):
            return data.batch("train", tc.batch_size, g)

    trainer = Trainer(model, batches, lm_loss, tc)
    prof_box: dict = {}
    times: list[float] = []

    def on_step(tr, s) -> None:
        if s.step == a.warmup:
            prof_box["p"] = profile(activities=[ProfilerActivity.CPU])
            prof_box["p"].__enter__()
            times.append(time.perf_counter())
        elif s.step == a.warmup + a.steps:
            times.append(time.perf_counter())
            prof_box["p"].__exit__(None, None, None)

    trainer.add_callback("on_step", on_step)
    trainer.run()
    wall_us = (times[1] - times[0]) * 1e6
    events = prof_box["p"].key_averages()
    split = {b: 0.0 for b, _ in BUCKETS}
    split.update(other_ops=0.0, data=0.0)
    op_total = 0.0
    for e in events:
        if e.key == "atlas::data":
            split["data"] += e.cpu_time_total
        if e.key.startswith(REGIONS):
            continue
        split[bucket_of(e.key)] += e.self_cpu_time_total
        op_total += e.self_cpu_time_total
    split["other_ops"] = max(0.0, split["other_ops"] - split["data"])  # the gather's own ops are in "data"
    split["python_overhead"] = max(0.0, wall_us - op_total)
    pct = {k: round(100 * v / wall_us, 1) for k, v in sorted(split.items(), key=lambda kv: -kv[1])}
    ms = wall_us / a.steps / 1e3
    print(f"{ms:.1f} ms/step over {a.steps} steps, {a.threads} threads, params {model.num_params():,}",
          file=sys.stderr)
    for k, v in pct.items():
        print(f"  {k:20s} {v:5.1f} %  {split[k] / a.steps / 1e3:6.2f} ms", file=sys.stderr)
    print(json.dumps({"ms_per_step": round(ms, 2), "split_pct": pct, "threads": a.threads}))


if __name__ == "__main__":
    main()
