"""`python -m core.train`: GPT-1 pre-training from the command line, alone or under torchrun.

    python -m core.train --text FILE --tokenizer char --n-layer 4 --n-head 4 --n-embd 128 \
        --block-size 64 --batch-size 12 --max-iters 2000 --eval-interval 250 --lr 1e-3 --out DIR
    torchrun --nproc_per_node=2 -m core.train ...   # DistributedDataParallel (gloo on CPU, nccl on CUDA)

The last line printed is one JSON object: {"val_loss", "train_loss", "iters", "tokens_per_s", "wall_s"}.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from core.gpt.data import TOKENIZERS, TokenData, build_tokenizer
from core.gpt.model import GPT, GPTConfig
from core.gpt.pretrain import EvalInfo, TrainConfig, gpt_trainer, summary
from core.runtime.distributed import close_distributed, init_distributed
from core.runtime.trainer import StepInfo, Trainer, configure_optimizer


def ddp_env() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m core.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--text", required=True, help="UTF-8 text file; its last ~10%% is held out")
    p.add_argument("--heldout-text", default=None, help="UTF-8 held-out text file: then all of --text is trained on")
    p.add_argument("--tokenizer", choices=TOKENIZERS, default="char")
    p.add_argument("--vocab-size", type=int, default=1000, help="for bpe / unigram")
    p.add_argument("--byte-fallback", action="store_true",
                   help="bpe / unigram: characters outside the vocabulary become UTF-8 byte pieces, never <unk>")
    p.add_argument("--preset", default=None,
                   help="named size (tiny, class-demo, small, medium, gpt-1); flags override it")
    p.add_argument("--n-layer", type=int)
    p.add_argument("--n-head", type=int)
    p.add_argument("--n-embd", type=int)
    p.add_argument("--block-size", type=int)
    p.add_argument("--dropout", type=float)
    p.add_argument("--pre-ln", action="store_true", help="GPT-2's pre-LN instead of GPT-1's post-LN")
    p.add_argument("--batch-size", type=int, default=12)
    p.add_argument("--max-iters", type=int, default=2000)
    p.add_argument("--eval-interval", type=int, default=250)
    p.add_argument("--eval-iters", type=int, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup-iters", type=int, default=200)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--sample-interval", type=int, default=0)
    p.add_argument("--seed", type=int, default=1337)
    p.add_argument("--threads", default=None,
                   help="torch threads per process: a number, or auto (time all cores against one and use the faster; "
                        "the default for one process; under torchrun the default is cores / processes)")
    p.add_argument("--device", default=None, help="cpu, cuda, mps (default: the best available)")
    p.add_argument("--out", default=None, help="folder for checkpoints (ckpt.safetensors)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/ckpt.safetensors")
    p.add_argument("--no-progress", action="store_true")
    return p.parse_args(argv)


def model_config_from_args(a: argparse.Namespace, vocab_size: int) -> GPTConfig:
    base = dict(GPTConfig.preset(a.preset or "class-demo", vocab_size).to_dict())
    for k in ("n_layer", "n_head", "n_embd", "block_size", "dropout"):
        v = getattr(a, k)
        if v is not None:
            base[k] = v
    base["pre_ln"] = bool(a.pre_ln) or (base.get("pre_ln", False))
    base["vocab_size"] = vocab_size
    return GPTConfig.from_dict(base)


def main(argv: list[str] | None = None) -> dict:
    from core.corpus import split_train_heldout
    from core.gpt.checkpoints.files import load_checkpoint, save_checkpoint
    from core.runtime.device import pick_device

    a = parse_args(argv)
    world, rank, device = init_distributed(torch.device(a.device) if a.device else pick_device())
    threads = max(1, (os.cpu_count() or 1) // world)
    if a.threads is None and not ddp_env():
        a.threads = "auto"
    if a.threads not in (None, "auto"):
        threads = int(a.threads)
    torch.set_num_threads(threads)

    text = Path(a.text).read_text(encoding="utf-8")
    train_text, held_text = split_train_heldout(text) if a.heldout_text is None else (
        text, Path(a.heldout_text).read_text(encoding="utf-8"))
    out = Path(a.out) if a.out else None
    ckpt_path = out / "ckpt.safetensors" if out else None
    resume = None
    if a.resume and ckpt_path and ckpt_path.exists():
        resume = load_checkpoint(ckpt_path)
        tokenizer, mcfg = resume.tokenizer, resume.config
    else:
        tokenizer = build_tokenizer(a.tokenizer, train_text, a.vocab_size, byte_fallback=a.byte_fallback)
        mcfg = model_config_from_args(a, tokenizer.vocab_size)
    tc = TrainConfig(max_iters=a.max_iters, batch_size=a.batch_size, lr=a.lr, warmup_iters=a.warmup_iters,
                     weight_decay=a.weight_decay, grad_clip=a.grad_clip, eval_interval=a.eval_interval,
                     eval_iters=a.eval_iters, sample_interval=a.sample_interval, seed=a.seed,
                     threads="auto" if a.threads == "auto" else None)
    data = TokenData.from_text(tokenizer, train_text, held_text, mcfg.block_size, device)

    torch.manual_seed(a.seed)  # identical initial weights on every rank
    model = GPT(mcfg).to(device)
    start = 0
    optimizer = configure_optimizer(model, tc)
    if resume is not None:
        resume.load_into(model, optimizer)
        start = resume.step
    is_main = rank == 0
    bar = None

    def on_sample(tr: Trainer, step: int, text_: str) -> None:
        if is_main:
            (bar.write if bar else print)(f"--- sample at step {step} ---\n{text_}")

    trainer = gpt_trainer(model, data, tc, tokenizer, on_sample=on_sample, start_step=start, optimizer=optimizer,
                          rank=rank, max_threads=threads, distributed=world > 1)
    if is_main and not a.no_progress:
        from tqdm import tqdm

        bar = tqdm(total=tc.max_iters, initial=start, unit="step", file=sys.stderr, dynamic_ncols=True)

        def on_step(tr: Trainer, s: StepInfo) -> None:
            bar.update(1)
            if s.step % 10 == 0:
                bar.set_postfix(loss=f"{s.loss:.3f}", tok_s=f"{s.tokens_per_s * world:,.0f}")

        trainer.add_callback("on_step", on_step)

    def on_eval(tr: Trainer, e: EvalInfo) -> None:
        if not is_main:
            return
        msg = f"step {e.step}: train {e.train_loss:.4f}, val {e.val_loss:.4f}"
        (bar.write(msg) if bar else print(msg, file=sys.stderr))
        if ckpt_path is not None:
            save_checkpoint(ckpt_path, tr.raw_model, tokenizer, step=e.step, optimizer=tr.optimizer,
                            extra={"train_config": asdict(tc), "val_loss": e.val_loss})

    trainer.add_callback("on_eval", on_eval)
    result = trainer.run()
    if bar is not None:
        bar.close()
    out_line = summary(result)
    out_line["tokens_per_s"] = round(result.tokens_per_s * world, 1)  # all processes together
    close_distributed()
    if is_main:
        if result.reason is not None:
            print(result.reason.en, file=sys.stderr)
        print(json.dumps(out_line))
    return out_line


def run(argv: list[str] | None = None) -> int:
    """`main` for a shell: a refused checkpoint, a full or read-only disk, a missing file end in one line
    on stderr and exit code 1, never in a traceback (the message says what went wrong; a trace says nothing more)."""
    from core.errors import UserInputError
    from core.runtime.childproc import die_with_parent

    die_with_parent()  # under a model rebuild (scripts/build_models.py): end with it; elsewhere nothing
    try:
        main(argv)
    except UserInputError as e:
        print(f"error: {e.message('en')}", file=sys.stderr)
        return 1
    except OSError as e:
        where = f": {e.filename}" if e.filename else ""
        print(f"error: {e.strerror or type(e).__name__}{where}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
