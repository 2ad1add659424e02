"""Benchmark: the item-3 GPT config (4 layers × 4 heads × 128 wide, context 64, batch 12, characters)
trained by core.runtime.trainer.Trainer (core.gpt.pretrain.gpt_trainer), and this machine's fp32 matmul peak measured
in the same run.

    .venv/bin/python -m bench.train_gpt --text FILE [--iters 300] [--threads N] [--preset small] [--batch 12]

Training runs in chunks; between chunks a short fp32 matmul probe measures the peak, so both see the
same machine load (other processes on a shared machine move both; their ratio, the MFU, is steadier).
Model FLOPs are 6·N per token (N = parameters used in matmuls, the tied head included, W_p not)
plus the attention term 12·n_layer·n_embd·T (PaLM's appendix B; nanoGPT's estimate_mfu).
Details go to stderr; the last line on stdout is one JSON object:
{"tokens_per_s", "model_flops_per_s", "matmul_peak_flops_per_s", "mfu", "peak_rss_mb"}.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path


import torch

from core.corpus import load_shipped, split_train_heldout
from core.gpt.model import GPT, PRESETS, GPTConfig
from core.gpt.data import TokenData, build_tokenizer
from core.gpt.pretrain import TrainConfig, gpt_trainer
from core.runtime.trainer import Trainer


def matmul_peak(dtype=torch.float32, n: int = 1024, seconds: float = 0.25) -> float:
    """FLOP/s of an n×n @ n×n matmul, best of repeated timings within `seconds` (the best, not the mean:
    the quiet moments). bench/reference.py calibrates with it too."""
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2 * n**3 / (time.perf_counter() - t0))
    return best


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--text", default=None, help="UTF-8 text (default: the shipped English corpus)")
    p.add_argument("--iters", type=int, default=300, help="measured steps (after --warmup)")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--chunk", type=int, default=25, help="steps between matmul-peak probes")
    p.add_argument("--threads", default=str(os.cpu_count() or 1),
                   help="a number, or auto (core.runtime.threads.ThreadTuner: all cores or one, whichever is faster "
                        "now)")
    p.add_argument("--preset", default=None,
                   help="a core.gpt.model.PRESETS size (its layers, heads, width, context) instead of the item-3 "
                        "config")
    p.add_argument("--batch", type=int, default=12)
    a = p.parse_args()
    if a.preset is not None and a.preset not in PRESETS:
        p.error(f"unknown preset {a.preset!r}; choose one of {list(PRESETS)}")
    if a.threads != "auto":
        torch.set_num_threads(int(a.threads))
    text = Path(a.text).read_text(encoding="utf-8") if a.text else load_shipped("en")
    train, held = split_train_heldout(text)
    tok = build_tokenizer("char", train)
    cfg = (GPTConfig.preset(a.preset, tok.vocab_size, dropout=0.0) if a.preset else
           GPTConfig(vocab_size=tok.vocab_size, n_layer=4, n_head=4, n_embd=128, block_size=64))
    data = TokenData.from_text(tok, train, held, cfg.block_size)
    torch.manual_seed(0)
    model = GPT(cfg)
    total = a.warmup + a.iters
    tc = TrainConfig(max_iters=total, batch_size=a.batch, lr=1e-3, eval_interval=0, eval_iters=1,
                     threads="auto" if a.threads == "auto" else int(a.threads))

    probes: list[float] = []  # each with the thread count the training uses at that moment
    used: list[int] = []
    chunks: list[tuple[float, int]] = []  # (training seconds, tokens) per chunk
    state = {"t": 0.0}

    def on_step(tr: Trainer, s) -> None:
        used.append(s.threads)
        if s.step == a.warmup:
            state["t"] = s.elapsed_s
            probes.append(matmul_peak())
        elif s.step > a.warmup and ((s.step - a.warmup) % a.chunk == 0 or s.step == total):
            steps = (s.step - a.warmup - 1) % a.chunk + 1
            chunks.append((s.elapsed_s - state["t"], steps * a.batch * cfg.block_size))
            state["t"] = s.elapsed_s
            probes.append(matmul_peak())

    trainer = gpt_trainer(model, data, tc)
    trainer.add_callback("on_step", on_step)
    trainer.run()
    secs = sum(c[0] for c in chunks)
    tokens = sum(c[1] for c in chunks)
    tps = tokens / secs
    flops_tok = model.flops_per_token(cfg.block_size)
    peak = statistics.median(probes)
    ratios = [n * flops_tok / s / pk for (s, n), pk in zip(chunks, probes[1:])]
    print(f"threads {a.threads} (steps with 1 thread: {used.count(1)} of {len(used)}), params {model.num_params():,}, "
          f"{flops_tok / 1e6:.2f} MFLOP/token, "
          f"{secs / a.iters * 1e3:.1f} ms/step; per-chunk MFU (each against the next probe) "
          f"median {statistics.median(ratios):.3f}, max {max(ratios):.3f}; peak probes "
          f"{min(probes) / 1e9:.0f}-{max(probes) / 1e9:.0f} GFLOP/s; load average {os.getloadavg()[0]:.1f}",
          file=sys.stderr)
    calib = json.loads((Path(__file__).resolve().parent / "peak.json").read_text())["fp32_flops_per_s"]
    print(json.dumps({
        "config": {"preset": a.preset or "item-3", "n_layer": cfg.n_layer, "n_head": cfg.n_head, "n_embd": cfg.n_embd,
                   "block_size": cfg.block_size, "batch": a.batch, "vocab": cfg.vocab_size},
        "tokens_per_s": round(tps, 1),
        "model_flops_per_s": round(tps * flops_tok, 1),
        "matmul_peak_flops_per_s": round(peak, 1),
        "mfu": round(tps * flops_tok / peak, 4),
        "mfu_vs_calibrated_peak": round(tps * flops_tok / calib, 4),  # bench/peak.json, measured quietly once
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
