"""The two trainings of fine-tuning, both through core.runtime's Trainer: LM pre-training of a backbone
(the GPT or the LSTM, cached on disk) and `fit`, one fine-tuning run of any task with L3 = L2 + λ·L1
(the fine-tuning page's variants and the task-formats page's runs alike; the recipe is a FitConfig).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import torch
import torch.nn as nn

from core.gpt.data import TokenData
from core.gpt.finetune.heads import Scores, TaskModel, evaluate, length_cut, task_loss_parts, task_model
from core.gpt.finetune.settings import CACHE_VERSION, PRETRAIN_SEED, Budget, FitConfig, cache_key, new_backbone
from core.gpt.model import GPTConfig
from core.gpt.pretrain import TrainConfig, gpt_trainer
from core.gpt.tasks.encode import EncodedSplit
from core.gpt.topic_data import TopicData
from core.runtime.diskcache import get_or_build
from core.runtime.threads import ThreadTuner, use_threads
from core.runtime.jobs import Stopped
from core.runtime.trainer import StepInfo, Trainer, TrainerConfig, configure_optimizer
from core.tokenizers.base import Tokenizer


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
    from core.gpt.checkpoints.files import tokenizer_to_meta

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
        result = trainer.run_to_end()
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


@dataclass
class Curves:
    """What one run's trainer reported, step by step (a page draws it while the run goes on)."""

    steps: list[int] = field(default_factory=list)
    l2: list[float] = field(default_factory=list)  # classification loss of each training batch
    l1: list[float] = field(default_factory=list)  # LM loss of each training batch
    train_acc: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_acc: list[float] = field(default_factory=list)  # held-out accuracy
    eval_loss: list[float] = field(default_factory=list)
    l3: list[float] = field(default_factory=list)  # the loss each update followed, L2 + λ·L1


@dataclass
class FitResult:
    accuracy: float  # held-out, after the last step
    steps: int
    seconds: float  # training and the held-out scoring
    curves: Curves
    scores: Scores  # the final held-out evaluation (logits, confusion, NLL)


def _follow(trainer: Trainer, tuner: ThreadTuner) -> None:
    """Let a shared `tuner` pick the threads of every step, timed by the trainer's own clock (its training time,
    StepInfo.elapsed_s). One policy for a job's many short runs: without it every run would probe both thread
    counts again (a tenth of a 100-step run, and under load the two-thread probes are ~10x slower than the steps
    they test). Timed between on_step events instead, a run's first step carried the run's setup (and the
    previous run's evaluation) and could count as one of the three slow steps that start a new measurement."""
    use_threads(tuner.threads_for_next_step())
    last = [0.0]  # the trainer's training time at the previous step

    def record(tr: Trainer, s: StepInfo) -> None:
        tuner.record(torch.get_num_threads(), s.elapsed_s - last[0])
        last[0] = s.elapsed_s
        n = tuner.threads_for_next_step()
        if n != torch.get_num_threads():
            use_threads(n)

    trainer.add_callback("on_step", record)


def fit(backbone: nn.Module, task: str, n_classes: int, train: EncodedSplit, heldout: EncodedSplit, lam: float,
        cfg: FitConfig, seed: int = 0, device="cpu", gate=None, on_step: Callable[[StepInfo], None] | None = None,
        tuner: ThreadTuner | None = None, curves: Curves | None = None, lock: threading.Lock | None = None,
        init_seed: int | None = None) -> tuple[TaskModel, FitResult] | None:
    """Add the task's token rows to `backbone`, put W_y on it, and train L3 = L2 + λ·L1 through the Trainer;
    (model, FitResult), or None when `gate()` said stop. A diverging run raises its UserInputError.

    `train`/`heldout` hold ids the new rows get (V … V + cfg.new_tokens − 1). `init_seed`: reseed torch before
    the new rows and W_y are drawn (else they follow the backbone's draws). `curves` fills as it goes (under
    `lock`, for a reader thread). `tuner`: one thread policy shared by many runs (_follow)."""
    device = torch.device(device)
    if init_seed is not None:
        torch.manual_seed(init_seed)
    model = task_model(backbone, task, n_classes, train.rows_per_example, cfg.new_tokens, cfg.special_init).to(device)
    E, R = len(train.labels), train.rows_per_example
    steps = cfg.steps(E)
    tc = TrainerConfig(max_iters=steps, lr=cfg.lr, warmup_iters=max(1, steps // 10), min_lr_ratio=0.0,
                       eval_interval=max(1, steps // cfg.evals) if cfg.evals else 0, seed=seed, no_decay=cfg.no_decay,
                       threads=None if tuner else "auto")  # "auto": the faster of 1 or all cores
    curves = curves if curves is not None else Curves()
    lock = lock or threading.Lock()

    def random_batch(gen: torch.Generator):
        """A random batch of whole examples (all rows of each), padding columns nobody reads trimmed."""
        idx = torch.randperm(E, generator=gen)[: cfg.batch]  # (b,)
        rows = (idx.unsqueeze(1) * R + torch.arange(R)).reshape(-1)  # (b * R,) rows of those examples
        end = int(train.extract[rows].max()) + 1
        return train.x[rows, :end].to(device), train.extract[rows].to(device), train.labels[idx].to(device), 0

    def epochs():
        """Every one-row example once per epoch, shuffled; each batch sorted by length with the cut that lets
        its two parts be trimmed further (heads.task_loss_parts), padding columns nobody reads trimmed."""
        assert R == 1, "sampling='epochs' runs one-row examples"
        gen = torch.Generator().manual_seed(seed)
        for _ in range(cfg.epochs):
            perm = torch.randperm(E, generator=gen)
            for i in range(0, E, cfg.batch):
                idx = perm[i:i + cfg.batch]
                idx = idx[torch.argsort(train.extract[idx], stable=True)]
                end = int(train.extract[idx].max()) + 1
                yield (train.x[idx, :end].to(device), train.extract[idx].to(device), train.labels[idx].to(device),
                       length_cut(train.extract[idx]) if cfg.split_batches else 0)

    def loss_fn(m: TaskModel, batch):
        x, extract, labels, cut = batch
        out = task_loss_parts(m, x, extract, labels, lam, cut)
        acc = float((out["logits"].argmax(-1) == labels).float().mean())
        return out["l3"], {"l1": out["l1"].item(), "l2": out["l2"].item(), "acc": acc}

    def record_step(tr: Trainer, s: StepInfo) -> None:
        with lock:
            curves.steps.append(s.step)
            curves.l3.append(s.loss)
            curves.l2.append(s.extras["l2"])
            curves.l1.append(s.extras["l1"])
            curves.train_acc.append(s.extras["acc"])
        if on_step is not None:
            on_step(s)

    def record_eval(tr: Trainer, sc: Scores) -> None:
        with lock:
            curves.eval_steps.append(tr.step)
            curves.eval_acc.append(sc.accuracy)
            curves.eval_loss.append(sc.nll)

    optimizer = configure_optimizer(model, tc)
    if cfg.head_lr_scale != 1.0:
        head = {id(p) for p in model.head.parameters()}
        for g in list(optimizer.param_groups):  # W_y and its bias into their own group at head_lr_scale × lr
            mine = [p for p in g["params"] if id(p) in head]
            g["params"] = [p for p in g["params"] if id(p) not in head]
            optimizer.add_param_group({"params": mine, "weight_decay": g["weight_decay"],
                                       "lr_scale": cfg.head_lr_scale})
    hx, he = heldout.x.to(device), heldout.extract.to(device)
    trainer = Trainer(model, random_batch if cfg.sampling == "random" else epochs(), loss_fn, tc, gate=gate,
                      optimizer=optimizer, evaluate=lambda m, step: evaluate(m, hx, he, heldout.labels, cfg.eval_batch))
    trainer.add_callback("on_step", record_step)
    trainer.add_callback("on_eval", record_eval)
    t0 = time.perf_counter()
    if tuner is not None:
        _follow(trainer, tuner)
    if cfg.evals:
        trainer.evaluate()  # step 0: the untrained head
    try:
        result = trainer.run_to_end()
    except Stopped:
        return None
    sc: Scores = trainer.last_eval  # the trainer always evaluates the final step: no second pass
    return model.eval(), FitResult(sc.accuracy, result.iters, round(time.perf_counter() - t0, 2), curves, sc)
