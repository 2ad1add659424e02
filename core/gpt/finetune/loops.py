"""The two trainings of an experiment, both through core.runtime's Trainer: LM pre-training of a backbone
(the GPT or the LSTM, cached on disk) and fine-tuning one variant with L3 = L2 + λ·L1.
"""
from __future__ import annotations

import json
import math
import threading
from typing import Callable

import torch
import torch.nn as nn

from core.gpt.data import TokenData
from core.gpt.finetune.heads import (Curves, Encoded, TopicClassifier, add_extract_token, by_length, evaluate,
                                    finetune_loss_parts, length_cut)
from core.gpt.finetune.settings import CACHE_VERSION, PRETRAIN_SEED, Budget, cache_key, new_backbone
from core.gpt.model import GPTConfig
from core.gpt.pretrain import TrainConfig, gpt_trainer
from core.gpt.topic_data import TopicData
from core.runtime.diskcache import get_or_build
from core.runtime.trainer import StepInfo, Trainer
from core.tokenizers.base import Tokenizer


class Stopped(Exception):
    """The gate said stop: nothing is cached (get_or_build stores only what a build returns)."""


def dump_state(state: dict[str, torch.Tensor], meta: dict) -> bytes:
    """safetensors bytes with `meta` as JSON in the header; the tied LM head is left out (it is wte)."""
    from safetensors.torch import save

    return save({k: v.detach().cpu().contiguous() for k, v in state.items() if not k.endswith("lm_head.weight")},
                metadata={"meta": json.dumps(meta, default=str)})


def load_state(data: bytes) -> tuple[dict[str, torch.Tensor], dict]:
    """(tensors, meta) from dump_state's bytes; raises on anything else (the cache then rebuilds)."""
    from safetensors.torch import load

    n = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + n])
    return load(data), json.loads(header["__metadata__"]["meta"])


def pretrain(arch: str, tokenizer: Tokenizer, data: TopicData, budget: Budget, device: torch.device | str = "cpu",
             gate=None, on_step=None, threads: int | None = None, gpt_cfg: GPTConfig | None = None,
             tag: str = "") -> tuple[nn.Module | None, dict]:
    """An LM pre-trained on the training paragraphs for budget.pretrain_steps; from the cache if there.

    Returns (model, {"seconds", "val_loss", "cached", "steps"}); model is None when stopped by `gate`.
    """
    from core.gpt.checkpoint import tokenizer_to_meta

    model = new_backbone(arch, budget, tokenizer.vocab_size, gpt_cfg)
    key = cache_key([CACHE_VERSION, arch, tag, data.key(), tokenizer_to_meta(tokenizer), model.config.to_dict(),
                     budget.pretrain_steps, budget.pretrain_batch, budget.pretrain_lr, PRETRAIN_SEED])

    def build() -> tuple[dict[str, torch.Tensor], dict]:
        torch.manual_seed(PRETRAIN_SEED)
        m = new_backbone(arch, budget, tokenizer.vocab_size, gpt_cfg).to(device)
        tdata = TokenData.from_text(tokenizer, data.train_text, data.heldout_text, m.config.block_size, device)
        tc = TrainConfig(max_iters=budget.pretrain_steps, batch_size=budget.pretrain_batch, lr=budget.pretrain_lr,
                         eval_interval=0, eval_iters=10, seed=PRETRAIN_SEED, threads="auto")
        trainer = gpt_trainer(m, tdata, tc, gate=gate, max_threads=threads)
        if on_step is not None:
            trainer.add_callback("on_step", lambda tr, s: on_step(s))
        result = trainer.run()
        if result.status == "diverged":
            raise result.reason
        if result.status != "finished":
            raise Stopped()
        info = {"seconds": round(result.wall_s, 2), "val_loss": result.eval.val_loss, "steps": result.iters,
                "params": sum(p.numel() for p in m.parameters())}
        return m.state_dict(), info

    try:
        (state, info), ci = get_or_build("finetune-pretrain", f"{arch}-{key}", build, suffix=".safetensors",
                                         dump=lambda v: dump_state(*v), load=load_state)
    except Stopped:
        return None, {"status": "stopped"}
    model.load_state_dict(state, strict=False)  # the tied head follows wte
    return model.to(device), {**info, "cached": ci.hit}


def finetune(backbone: nn.Module, n_classes: int, train: Encoded, heldout: Encoded, budget: Budget, lam: float,
             seed: int, device: torch.device | str = "cpu", gate=None, curves: Curves | None = None,
             lock: threading.Lock | None = None, on_step: Callable[[], None] | None = None, threads: int | None = None,
             thread_choice: dict | None = None):
    """Fine-tune backbone + W_y with L3 = L2 + λ·L1 for budget.epochs; returns (model, accuracy, confusion)
    or None when `gate()` said stop. `curves` is filled as it goes (under `lock`, for a reader thread).
    A diverging run raises its UserInputError.

    `thread_choice` (one dict for an experiment's runs): the thread count the trainer's tuner settled on,
    per architecture. The first run of each measures it; later runs reuse it instead of spending ~14 of
    their ~48 steps measuring again (half of them with the slower count)."""
    device = torch.device(device)
    torch.manual_seed(seed)
    model = TopicClassifier(backbone, n_classes, add_extract_token(backbone)).to(device)
    heldout = by_length(heldout)  # less padding in every evaluation batch; same accuracy and confusion
    N = len(train.labels)
    total = math.ceil(N / budget.batch) * budget.epochs
    arch = type(backbone).__name__
    # An attention backbone's cost is its token positions: trim the padding (two parts per batch, one
    # evaluation batch per 32 length-sorted passages). The LSTM's is its sequential time steps: one part
    # per batch and one evaluation batch for the whole held-out set (fewer steps; the same numbers).
    recurrent = arch == "LSTMLM"
    eval_batch = len(heldout.labels) if recurrent else 32
    known = (thread_choice or {}).get(arch) if device.type == "cpu" else None
    tc = TrainConfig(max_iters=total, lr=budget.lr, warmup_iters=max(1, total // 10), min_lr_ratio=0.0,
                     eval_interval=max(1, total // max(1, budget.evals)), threads=known or "auto")
    curves = curves if curves is not None else Curves()
    lock = lock or threading.Lock()

    def batches():
        """Shuffled mini-batches, epoch after epoch, with padding columns nobody reads trimmed; each sorted
        by length with the cut that lets its two parts be trimmed further (finetune_loss_parts)."""
        gen = torch.Generator().manual_seed(seed)
        for _ in range(budget.epochs):
            perm = torch.randperm(N, generator=gen)
            for i in range(0, N, budget.batch):
                idx = perm[i:i + budget.batch]
                idx = idx[torch.argsort(train.ends[idx], stable=True)]
                end = int(train.ends[idx].max()) + 1
                yield (train.x[idx, :end].to(device), train.ends[idx].to(device), train.y_lm[idx, :end].to(device),
                       train.labels[idx].to(device), 0 if recurrent else length_cut(train.ends[idx]))

    def loss_fn(m: TopicClassifier, batch):
        x, ends, y_lm, labels, cut = batch
        out = finetune_loss_parts(m, x, ends, labels, y_lm, lam, cut)
        return out["l3"], {"l2": out["l2"], "l1": out["l1"], "logits": out["logits"], "labels": labels}

    def record_step(tr: Trainer, s: StepInfo) -> None:
        e = s.extras
        acc = float((e["logits"].argmax(-1) == e["labels"]).float().mean())
        with lock:
            curves.steps.append(s.step)
            curves.l2.append(e["l2"].item())
            curves.l1.append(e["l1"].item())
            curves.train_acc.append(acc)
        if on_step is not None:
            on_step()

    def record_eval(tr: Trainer, result) -> None:
        acc, loss, _ = result
        with lock:
            curves.eval_steps.append(tr.step)
            curves.eval_acc.append(acc)
            curves.eval_loss.append(loss)

    trainer = Trainer(model, batches(), loss_fn, tc, evaluate=lambda m, step: evaluate(m, heldout, n_classes, eval_batch),
                      gate=gate, max_threads=threads)
    trainer.add_callback("on_step", record_step)
    trainer.add_callback("on_eval", record_eval)
    trainer.evaluate()  # step 0: the untrained head
    result = trainer.run()
    if result.status == "diverged":
        raise result.reason
    if result.status != "finished":
        return None
    if thread_choice is not None and device.type == "cpu":
        thread_choice.setdefault(arch, trainer.threads)
    acc, _, conf = trainer.last_eval  # the trainer always evaluates the final step: no second pass
    return model.eval(), acc, conf


