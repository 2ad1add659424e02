"""Benchmark (issue 14): how high MFU can go at the reference config on this CPU, and what stands between.

    .venv/bin/python -P bench/mfu_ceiling.py [--threads 2] [--batches 12,24,48] [--compile]
                                             [--preset small | --layers L --heads H --width C --context T]
                                             [--attention] [--trainer]

MFU = the model's training FLOPs per second (core.gpt.model.GPT.flops_per_token: 6·N + 12·L·C·T per token)
over a matmul peak. Three numbers per batch size, all in this one run:

- `step`: one plain training step (forward, backward, the Trainer's fused AdamW) of the reference config (4 layers, 4 heads,
  128 wide, context 64, 65-character vocabulary, no dropout), median of `--steps`;
- `matmul_only`: the same step's matrix products alone (every forward product, and both backward products
  dX = dY·Wᵀ and dW = Xᵀ·dY of each, per layer, plus the head), each timed at the step's own shapes
  (median): the time the step could take if everything else (attention's softmax, GELU, LayerNorm, the
  residual adds, the optimizer, Python) were free. Its MFU is the ceiling no scheduling or fusion passes;
- with `--compile`: the step with the model under torch.compile (inductor), after its compile time;
- with `--attention`: attention alone at the step's shapes (B, heads, T, C/heads), forward and backward, as the model
  runs it (F.scaled_dot_product_attention, causal) and written out (QKᵀ/√d + mask, softmax, ·V): whether SDPA's share
  of the step could shrink by not calling it;
- with `--trainer`: the app's Trainer step (core.runtime.trainer.Trainer._step: the NaN guard's weight copy, clipping,
  the fused AdamW) against the plain step, and the Trainer's step without the weight copy, in alternating blocks of
  one process (medians), so machine noise hits all three alike.

Peaks: `bench/peak.json` (calibrated quietly, the figure the race reports) and this run's probe (the same
1024³ matmul, best of 2 s), so a busy moment shows as both falling together.
Details go to stderr; the last line of stdout is one JSON object.

Measured 2026-11-30 (load 0.5-0.8): the "small" preset (6 layers, 6 heads, 192 wide, context 128) at batch 12 on
2 threads: step 230.7 ms, **MFU 0.669** against bench/peak.json (0.666 against this run's probe), ceiling 0.895,
matmul share 0.75 — where the reference config's B12 step reads 0.46 (share 0.50): at T=64, C=128 each non-matmul op
is too small to keep the cores busy. Not steady: minutes later, alternating with the app's Trainer
at the same preset (bench/train_gpt.py --preset small, load 1.0-1.6), this plain step read 305 and 326 ms (0.505,
0.473) and the Trainer 0.588 and 0.562 (0.57-0.61 in two earlier runs). In one process, alternating blocks, the
Trainer's step costs ~3.6 % more than the plain one at this size, its weight copy for the NaN guard
(Trainer._keep_finite), and nothing measurable at the reference size.
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

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from bench.train_gpt import matmul_peak  # noqa: E402
from core.gpt.model import GPT, GPTConfig  # noqa: E402
from core.runtime.trainer import TrainerConfig, configure_optimizer  # noqa: E402

V, L, H, C, T = 65, 4, 4, 128, 64  # the reference config (bench/reference.py); --preset/--layers/... change L, H, C, T


def _median_s(fn, reps: int) -> float:
    for _ in range(3):
        fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def step_time(B: int, steps: int, compiled: bool = False) -> tuple[float, float, float]:
    """(median step seconds, FLOPs per step, compile seconds) of the plain training step."""
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=V, n_layer=L, n_head=H, n_embd=C, block_size=T, dropout=0.0))
    flops = model.flops_per_token(T) * B * T
    opt = configure_optimizer(model, TrainerConfig(lr=1e-3))  # the Trainer's own: fused AdamW
    fwd = torch.compile(model) if compiled else model
    x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))

    def one() -> None:
        loss = F.cross_entropy(fwd(x).logits.reshape(-1, V), y.reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    t0 = time.perf_counter()
    one()  # with compile: the compilation
    return _median_s(one, steps), flops, time.perf_counter() - t0


def matmul_only(B: int, reps: int) -> tuple[float, float]:
    """(seconds, FLOPs) of the step's matrix products alone, each at its own shape (median timing)."""
    M = B * T
    fwd = [(M, C, 3 * C), (M, C, C), (M, C, 4 * C), (M, 4 * C, C)]  # qkv, attention out, MLP in, MLP out
    shapes = []
    for m, k, n in fwd:
        shapes += [(m, k, n), (m, n, k), (k, m, n)]  # forward, dX = dY·Wᵀ, dW = Xᵀ·dY
    shapes = shapes * L + [(M, C, V), (M, V, C), (C, M, V)]  # the tied head, and its backward
    hs = C // H  # attention's own products QKᵀ and AV per head, forward and backward (2 each)
    seconds, flops = 0.0, 0.0
    for m, k, n in shapes:
        a, b = torch.randn(m, k), torch.randn(k, n)
        seconds += _median_s(lambda: a @ b, reps)
        flops += 2 * m * k * n
    q, k = torch.randn(B * H, T, hs), torch.randn(B * H, hs, T)
    seconds += 6 * L * _median_s(lambda: torch.bmm(q, k), reps)
    flops += 6 * L * 2 * B * H * T * T * hs
    return seconds, flops


def attention_times(B: int, reps: int) -> dict:
    """Forward + backward ms of causal attention at the step's shapes: SDPA (the model's path) and written out."""
    hs = C // H
    q, k, v = (torch.randn(B, H, T, hs, requires_grad=True) for _ in range(3))  # (B, nh, T, hs)
    bias = torch.zeros(T, T).masked_fill(~torch.ones(T, T, dtype=torch.bool).tril(), float("-inf"))

    def sdpa() -> None:
        F.scaled_dot_product_attention(q, k, v, is_causal=True).sum().backward()

    def written() -> None:
        (((q @ k.transpose(-2, -1)) * hs ** -0.5 + bias).softmax(-1) @ v).sum().backward()  # (B, nh, T, hs)

    return {"sdpa_ms": round(_median_s(sdpa, reps) * 1e3, 3), "written_out_ms": round(_median_s(written, reps) * 1e3, 3)}


def trainer_vs_plain(B: int, blocks: int = 6, per_block: int = 8) -> dict:
    """Median ms of the plain step, the Trainer's step, and the Trainer's step without its weight copy."""
    from core.runtime.trainer import Trainer

    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=V, n_layer=L, n_head=H, n_embd=C, block_size=T, dropout=0.0))
    x, y = torch.randint(0, V, (B, T)), torch.randint(0, V, (B, T))
    tr = Trainer(model, lambda g: (x, y), lambda m, b: m(b[0], b[1]).loss,
                 TrainerConfig(lr=1e-3, max_iters=10**9, eval_interval=0))
    opt = tr.optimizer

    def plain() -> None:
        loss = model(x, y).loss
        loss.item()  # the Trainer reads the loss every step too
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)

    def trainer() -> None:
        tr._step(1e-3)

    def no_copy() -> None:
        keep, tr._keep_finite = tr._keep_finite, lambda: None
        try:
            tr._step(1e-3)
        finally:
            tr._keep_finite = keep

    times: dict[str, list[float]] = {"plain": [], "trainer": [], "trainer_no_copy": []}
    for _ in range(blocks):
        for name, fn in (("plain", plain), ("trainer", trainer), ("trainer_no_copy", no_copy)):
            for i in range(per_block):
                t = time.perf_counter()
                fn()
                if i >= 2:  # the first steps after a switch warm the caches
                    times[name].append(time.perf_counter() - t)
    return {f"{k}_ms": round(statistics.median(v) * 1e3, 2) for k, v in times.items()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batches", default="12,24,48")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--reps", type=int, default=200)
    p.add_argument("--compile", action="store_true", help="also time the step under torch.compile (~20 s to compile)")
    p.add_argument("--attention", action="store_true", help="also time attention alone: SDPA against written out")
    p.add_argument("--trainer", action="store_true", help="also time the app's Trainer step against the plain step")
    p.add_argument("--preset", default=None, help="a core.gpt.model.PRESETS size instead of the reference config")
    p.add_argument("--layers", type=int, default=None)
    p.add_argument("--heads", type=int, default=None)
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--context", type=int, default=None)
    a = p.parse_args()
    global L, H, C, T
    if a.preset:
        from core.gpt.model import PRESETS

        if a.preset not in PRESETS:
            p.error(f"unknown preset {a.preset!r}; choose one of {list(PRESETS)}")
        ps = PRESETS[a.preset]
        L, H, C, T = ps["n_layer"], ps["n_head"], ps["n_embd"], ps["block_size"]
    L, H, C, T = a.layers or L, a.heads or H, a.width or C, a.context or T
    torch.set_num_threads(a.threads)
    load0 = os.getloadavg()[0]
    calib = json.loads((ROOT / "bench" / "peak.json").read_text())["fp32_flops_per_s"]
    now = matmul_peak(torch.float32, seconds=2.0)
    out: dict = {"config": {"n_layer": L, "n_head": H, "n_embd": C, "block_size": T, "vocab": V},
                 "threads": a.threads, "peak_file_gflops": round(calib / 1e9, 1), "peak_now_gflops": round(now / 1e9, 1),
                 "batches": {}}
    for B in (int(b) for b in a.batches.split(",")):
        st, fl, _ = step_time(B, a.steps)
        ms, mfl = matmul_only(B, a.reps)
        r = {"step_ms": round(st * 1e3, 2), "mfu_step": round(fl / st / calib, 3),
             "mfu_step_vs_now": round(fl / st / now, 3), "matmul_only_ms": round(ms * 1e3, 2),
             "mfu_ceiling": round(fl / ms / calib, 3), "matmul_share_of_step": round(ms / st, 3),
             "matmul_flops_vs_model_flops": round(mfl / fl, 3)}
        if a.compile:
            cs, _, comp = step_time(B, a.steps, compiled=True)
            r.update(compiled_step_ms=round(cs * 1e3, 2), compile_s=round(comp, 1), mfu_compiled=round(fl / cs / calib, 3))
        if a.attention:
            r["attention"] = attention_times(B, a.reps)
        if a.trainer:
            r["trainer"] = trainer_vs_plain(B)
        out["batches"][B] = r
        print(f"B{B}: {r}", file=sys.stderr, flush=True)
    out["load_avg_1m"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
