"""Benchmark: our trainer against a minimal nanoGPT-style reference, at the issue's reference config.

    .venv/bin/python -m bench.reference --calibrate        # once, on a quiet machine: bench/peak.json
    .venv/bin/python -m bench.reference [--iters 2000] [--chunk 50] [--ours-lr 2e-3] [--bf16]
    # the race of issue 14: ours on its own, shorter schedule that decays to 0
    PATH=.venv/bin:$PATH python -m bench.reference --iters 2000 --ours-iters 1600 --ours-min-lr-ratio 0 --threads 2

The reference is written here from nanoGPT's public description (README's "baby GPT on a CPU": 4 layers,
4 heads, 128 wide, context 64, batch 12, 2000 iterations, dropout 0.0 there since the model is tiny;
pre-LN, GELU, no biases, tied head, AdamW betas (0.9, 0.99) with weight decay 0.1 on matrices, lr 1e-3,
100 warm-up steps then cosine to 1e-4, clipping at 1.0). Ours is core.gpt.model.GPT (GPT-1's post-LN
by default) trained by core.runtime.trainer.Trainer through core.gpt.pretrain.gpt_trainer.

Fair by construction:
- one process, the two runs *alternate* every `--chunk` steps (ours runs its chunk, then the reference
  runs its own from ours' on_step callback), so a busy neighbour slows both alike;
- training time only (each side times its own steps; evaluations are outside the clocks);
- one common evaluation set: `--eval-windows` fixed windows drawn with a fixed seed from the held-out
  split, scored by one function (`heldout_loss`) for both models, after every chunk.

Reported for each: training seconds, tokens/s, the held-out curve, MFU against the peak in
bench/peak.json (or a probe of this run when there is none: the JSON says which); and the training
time ours needs to reach the reference's final held-out loss, as a fraction of the reference's time
(linear interpolation between evaluations), also with each side's median step time in place of its total
(`time_ratio_at_median_steps`: a burst of load that collapses a few 2-thread chunks of one side moves
the totals, not the medians). Details go to stderr; the last line is one JSON object.

What ours' schedule is made of (learning curves on this common set, 1 thread, 2026-11-30): with GPT-1's
post-LN, a peak lr above 2e-3 stalls at the unigram loss (3.39-3.41 for hundreds of steps: lr 2.5e-3 and
3e-3 at batch 12, lr 2e-3 at batch 24 whose warm-up the Trainer caps at a tenth of an 800-step run);
batch 12, lr 2e-3, a 1,600-step cosine to 0 reaches the reference's final 2.0536 at step ~1330 (2.0615 at
1300, 2.0354 at 1400, 2.0174 at 1600); with beta2 0.95 and 1,400 steps it ended at 2.0654, and batch 8
(lr 1.5e-3, 2,000 steps: as many tokens as 1,333 of batch 12) at 2.0797, while costing ~7% more per token.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.corpus import load_shipped, split_train_heldout
from core.gpt.data import TokenData, build_tokenizer
from core.gpt.model import GPT, GPTConfig
from core.gpt.pretrain import TrainConfig, gpt_trainer

ROOT = Path(__file__).resolve().parent.parent


PEAK_FILE = Path(__file__).resolve().parent / "peak.json"


# ------------------------------------------------------------------ the peak
def matmul_peak(dtype=torch.float32, seconds: float = 2.0) -> float:
    """The calibration's peak: bench/train_gpt.py's probe, run longer."""
    from bench.train_gpt import matmul_peak as probe

    return probe(dtype, seconds=seconds)


def calibrate(threads: int) -> dict:
    torch.set_num_threads(threads)
    out = {"threads": threads, "fp32_flops_per_s": round(matmul_peak(torch.float32)),
           "bf16_flops_per_s": round(matmul_peak(torch.bfloat16)), "loadavg": open("/proc/loadavg").read().split()[:3],
           "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpu": _cpu_name()}
    PEAK_FILE.write_text(json.dumps(out, indent=1) + "\n")
    return out


def _cpu_name() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown"


# ------------------------------------------------------------------ the reference (nanoGPT-style)
class RefBlock(nn.Module):
    """Pre-LN block: x + attn(LN(x)), then x + mlp(LN(x)); no biases (nanoGPT's default bias=False)."""

    def __init__(self, C: int, nh: int, p: float):
        super().__init__()
        self.nh, self.p = nh, p
        self.ln1, self.ln2 = nn.LayerNorm(C, bias=False), nn.LayerNorm(C, bias=False)
        self.qkv, self.proj = nn.Linear(C, 3 * C, bias=False), nn.Linear(C, C, bias=False)
        self.fc, self.out = nn.Linear(C, 4 * C, bias=False), nn.Linear(4 * C, C, bias=False)
        self.drop = nn.Dropout(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)  # 3 x (B, T, C)
        q, k, v = (t.view(B, T, self.nh, C // self.nh).transpose(1, 2) for t in (q, k, v))  # (B, nh, T, hs)
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.p if self.training else 0.0, is_causal=True)
        x = x + self.drop(self.proj(y.transpose(1, 2).reshape(B, T, C)))
        return x + self.drop(self.out(F.gelu(self.fc(self.ln2(x)))))


class RefGPT(nn.Module):
    def __init__(self, V: int, T: int, L: int, nh: int, C: int, p: float):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.drop = nn.Dropout(p)
        self.blocks = nn.ModuleList(RefBlock(C, nh, p) for _ in range(L))
        self.ln_f = nn.LayerNorm(C, bias=False)
        self.head = nn.Linear(C, V, bias=False)
        self.head.weight = self.wte.weight  # tied
        for name, prm in self.named_parameters():
            # N(0, 0.02), residual projections scaled by 1/sqrt(2L) (GPT-2's init, as nanoGPT)
            if prm.dim() == 2:
                std = 0.02 / math.sqrt(2 * L) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(prm, 0.0, std)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        T = idx.shape[1]
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(T, device=idx.device)))  # (B, T, C)
        for b in self.blocks:
            x = b(x)
        return self.head(self.ln_f(x))  # (B, T, V)

    def flops_per_token(self, T: int) -> float:
        L, C = len(self.blocks), self.wte.weight.shape[1]
        n = sum(p.numel() for p in self.parameters()) - self.wpe.weight.numel()
        return 6.0 * n + 12.0 * L * C * T


@dataclass
class RefConfig:
    lr: float = 1e-3  # nanoGPT shakespeare-char
    min_lr: float = 1e-4  # lr / 10
    warmup: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    dropout: float = 0.0  # the README's CPU recipe; its GPU shakespeare-char config (384 wide) uses 0.2


def ref_lr(it: int, rc: RefConfig, max_iters: int) -> float:
    if it < rc.warmup:
        return rc.lr * (it + 1) / (rc.warmup + 1)
    r = (it - rc.warmup) / max(1, max_iters - rc.warmup)
    return rc.min_lr + 0.5 * (1.0 + math.cos(math.pi * min(1.0, r))) * (rc.lr - rc.min_lr)


def ref_steps(model: RefGPT, data: TokenData, rc: RefConfig, batch: int, max_iters: int, seed: int):
    """The reference's plain loop as a generator: each next() runs one step and yields its seconds."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    rest = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": rc.weight_decay}, {"params": rest, "weight_decay": 0.0}],
                            lr=rc.lr, betas=(0.9, 0.99))
    gen = torch.Generator().manual_seed(seed)
    model.train()
    for it in range(max_iters):
        t0 = time.perf_counter()
        for g in opt.param_groups:
            g["lr"] = ref_lr(it, rc, max_iters)
        x, y = data.batch("train", batch, gen)
        logits = model(x)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), rc.grad_clip)
        opt.step()
        if it % 10 == 0:
            loss.item()  # the reference logs every 10 steps (a sync on a GPU)
        yield time.perf_counter() - t0


# ------------------------------------------------------------------ the common evaluation
def eval_windows(data: TokenData, n: int, T: int, seed: int = 2024) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` fixed windows of the held-out split: (n, T) inputs and their next-token targets."""
    g = torch.Generator().manual_seed(seed)
    ix = torch.randint(len(data.heldout) - T - 1, (n,), generator=g)
    off = torch.arange(T)
    return data.heldout[ix[:, None] + off], data.heldout[ix[:, None] + off + 1]


@torch.inference_mode()
def heldout_loss(logits_of, windows: tuple[torch.Tensor, torch.Tensor], batch: int = 64) -> float:
    """Mean next-token cross-entropy (nats) over every window; `logits_of(x)` -> (B, T, V)."""
    x, y = windows
    total = 0.0
    for i in range(0, len(x), batch):
        lg = logits_of(x[i:i + batch]).float()
        total += F.cross_entropy(lg.reshape(-1, lg.size(-1)), y[i:i + batch].reshape(-1), reduction="sum").item()
    return total / y.numel()


def _scored(model: nn.Module, logits_of, windows) -> float:
    was = model.training
    model.eval()
    try:
        return heldout_loss(logits_of, windows)
    finally:
        model.train(was)


def time_to_reach(curve: list[tuple[int, float, float]], target: float) -> float | None:
    """Training seconds at which a curve of (step, seconds, loss) first reaches `target` (interpolated)."""
    for (s0, t0, l0), (s1, t1, l1) in zip(curve, curve[1:]):
        if l1 <= target:
            f = 1.0 if l0 == l1 else min(1.0, max(0.0, (l0 - target) / (l0 - l1)))
            return t0 + f * (t1 - t0)
    return None


def median_step_s(curve: list[tuple[int, float, float]]) -> float:
    """Median seconds per step over the chunks of a curve: a chunk that a neighbour's burst slowed 5-10x
    (2-thread steps collapse on shared cores) moves the total a lot and the median not at all."""
    per = sorted((t1 - t0) / (s1 - s0) for (s0, t0, _), (s1, t1, _) in zip(curve, curve[1:]) if s1 > s0)
    return per[len(per) // 2] if len(per) % 2 else 0.5 * (per[len(per) // 2 - 1] + per[len(per) // 2])


# ------------------------------------------------------------------ the run
def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--calibrate", action="store_true", help="measure the fp32/bf16 matmul peak into bench/peak.json")
    p.add_argument("--iters", type=int, default=2000)
    p.add_argument("--chunk", type=int, default=50, help="steps each side runs before the other; evaluation interval")
    p.add_argument("--eval-windows", type=int, default=256)
    p.add_argument("--threads", default=str(os.cpu_count() or 1),
                   help="a number for both; 'auto': ours uses ThreadTuner")
    p.add_argument("--ours-iters", type=int, default=None, help="ours' own schedule length (default --iters)")
    p.add_argument("--ours-batch", type=int, default=12)
    p.add_argument("--ours-lr", type=float, default=2e-3)
    p.add_argument("--ours-warmup", type=int, default=200)
    p.add_argument("--ours-min-lr-ratio", type=float, default=0.1)
    p.add_argument("--ours-beta2", type=float, default=0.99, help="AdamW's beta2 for ours (the reference keeps 0.99)")
    p.add_argument("--ours-pre-ln", action="store_true")
    p.add_argument("--bf16", action="store_true", help="ours under bf16 autocast")
    p.add_argument("--ref-dropout", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1337)
    a = p.parse_args()
    n_threads = os.cpu_count() or 1 if a.threads == "auto" else int(a.threads)
    if a.calibrate:
        out = calibrate(n_threads)
        print(json.dumps(out))
        return
    torch.set_num_threads(n_threads)
    load0 = open("/proc/loadavg").read().split()[:3]
    if float(load0[0]) > 0.5 * (os.cpu_count() or 1) and n_threads > 1:
        # Seen in this project: at load 20 on 2 cores, 2-thread steps collapse ~10x (a 50-step chunk took
        # 200 s) and the race measures the scheduler, not the code. One thread degrades gracefully.
        print(f"warning: load average {load0[0]} on {os.cpu_count()} cores: {n_threads}-thread steps may collapse; "
              "wait for a quiet machine or use --threads 1", file=sys.stderr)
    train, held = split_train_heldout(load_shipped("en"))
    tok = build_tokenizer("char", train)
    B, T = 12, 64
    data = TokenData.from_text(tok, train, held, T)
    windows = eval_windows(data, a.eval_windows, T)

    torch.manual_seed(a.seed)
    ours = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=4, n_head=4, n_embd=128, block_size=T,
                         pre_ln=a.ours_pre_ln))
    torch.manual_seed(a.seed)
    rc = RefConfig(dropout=a.ref_dropout)
    ref = RefGPT(tok.vocab_size, T, 4, 4, 128, rc.dropout)
    ours_iters = a.ours_iters or a.iters
    tc = TrainConfig(max_iters=ours_iters, batch_size=a.ours_batch, lr=a.ours_lr, warmup_iters=a.ours_warmup,
                     min_lr_ratio=a.ours_min_lr_ratio, beta2=a.ours_beta2, eval_interval=0, eval_iters=1, seed=a.seed,
                     threads="auto" if a.threads == "auto" else None, autocast="bf16" if a.bf16 else None)
    steps = ref_steps(ref, data, rc, B, a.iters, a.seed)
    curves = {"ours": [(0, 0.0, _scored(ours, lambda x: ours(x).logits, windows))],
              "reference": [(0, 0.0, _scored(ref, ref, windows))]}
    ref_s = [0.0]

    def ref_to(step: int) -> None:
        """The reference's chunk, right after ours: up to the same fraction of its run."""
        for _ in range(step - curves["reference"][-1][0]):
            ref_s[0] += next(steps)
        curves["reference"].append((step, ref_s[0], _scored(ref, ref, windows)))

    def on_step(tr, s) -> None:
        if s.step % a.chunk and s.step != ours_iters:
            return
        curves["ours"].append((s.step, s.elapsed_s, _scored(ours, lambda x: ours(x).logits, windows)))
        ref_to(round(s.step * a.iters / ours_iters))
        print(f"ours {s.step:5d}  {curves['ours'][-1][2]:.4f} ({s.elapsed_s:6.1f} s, {s.threads} thr)  reference "
              f"{curves['reference'][-1][0]:5d}  {curves['reference'][-1][2]:.4f} ({ref_s[0]:6.1f} s)", file=sys.stderr)

    trainer = gpt_trainer(ours, data, tc, max_threads=n_threads)
    trainer.add_callback("on_step", on_step)
    trainer.run()
    torch.set_num_threads(n_threads)

    if PEAK_FILE.exists():
        pk = json.loads(PEAK_FILE.read_text())
        peak = pk["bf16_flops_per_s"] if a.bf16 else pk["fp32_flops_per_s"]
        peak_src = f"bench/peak.json ({pk['when']})"
    else:
        peak = matmul_peak(torch.bfloat16 if a.bf16 else torch.float32)
        peak_src = "probe in this run (no bench/peak.json)"
    out = {"iters": a.iters, "ours_iters": ours_iters, "ours_batch": a.ours_batch, "ours_lr": a.ours_lr,
           "ours_warmup": a.ours_warmup, "ours_min_lr_ratio": a.ours_min_lr_ratio, "ours_beta2": a.ours_beta2,
           "ours_pre_ln": a.ours_pre_ln, "threads": a.threads, "bf16": a.bf16,
           "peak_flops_per_s": round(peak), "peak_source": peak_src + (" bf16" if a.bf16 else " fp32")}
    for name, model, fpt in (("ours", ours, ours.flops_per_token(T)), ("reference", ref, ref.flops_per_token(T))):
        secs = curves[name][-1][1]
        tokens = (ours_iters * a.ours_batch if name == "ours" else a.iters * B) * T
        out[name] = {"train_s": round(secs, 2), "tokens_per_s": round(tokens / secs, 1),
                     "mfu": round(tokens / secs * fpt / peak, 3), "final_heldout": round(curves[name][-1][2], 4),
                     "curve": [(s, round(t, 2), round(v, 4)) for s, t, v in curves[name]]}
    target = out["reference"]["final_heldout"]
    reach = time_to_reach(curves["ours"], target)
    out["ours_time_to_reference_final_s"] = None if reach is None else round(reach, 2)
    out["time_ratio"] = None if reach is None else round(reach / out["reference"]["train_s"], 3)
    out["tokens_per_s_ratio"] = round(out["ours"]["tokens_per_s"] / out["reference"]["tokens_per_s"], 3)
    # The same ratio with each side's median step time (robust to bursts of load that hit one side's chunks):
    # steps ours needs to the reference's final loss x its median step, over the reference's steps x its own.
    med = {k: median_step_s(curves[k]) for k in curves}
    reach_step = time_to_reach([(s, s, v) for s, _, v in curves["ours"]], target)
    out["median_step_ms"] = {k: round(v * 1e3, 2) for k, v in med.items()}
    out["ours_steps_to_reference_final"] = None if reach_step is None else round(reach_step, 1)
    out["time_ratio_at_median_steps"] = (None if reach_step is None else
                                         round(reach_step * med["ours"] / (a.iters * med["reference"]), 3))
    out["mfu_at_median_steps"] = {"ours": round(a.ours_batch * T / med["ours"] * ours.flops_per_token(T) / peak, 3),
                                  "reference": round(B * T / med["reference"] * ref.flops_per_token(T) / peak, 3)}
    out["loadavg_start"], out["loadavg_end"] = load0, open("/proc/loadavg").read().split()[:3]
    out["quiet"] = max(float(load0[0]), float(out["loadavg_end"][0])) <= 0.5 * (os.cpu_count() or 1)
    print(f"ours {out['ours']['tokens_per_s']:.0f} tok/s (MFU {out['ours']['mfu']}), reference "
          f"{out['reference']['tokens_per_s']:.0f} tok/s (MFU {out['reference']['mfu']}); ours reaches the reference's "
          f"final {target} in {out['time_ratio']} of its time; load {load0} -> {out['loadavg_end']}", file=sys.stderr)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
