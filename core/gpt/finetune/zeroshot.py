"""Figure 2 (right): zero-shot task performance of a language model as its pre-training goes on.

Pre-training runs once more through the same Trainer as loops.pretrain (core.gpt.pretrain.gpt_trainer,
same budget and seed), and an on_step callback copies the weights at SNAPSHOT_STEPS; all snapshots
are cached together in one safetensors file (core.runtime.diskcache). Each snapshot then answers the
tasks with the LM alone: every candidate string of core.gpt.tasks.zeroshot is scored by the average
log-probability of its continuation, and the best-scoring label is the answer.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.gpt.data import TokenData
from core.gpt.finetune.loops import dump_state, load_state
from core.runtime.jobs import Stopped
from core.gpt.finetune.settings import CACHE_VERSION, PRETRAIN_SEED, Budget, cache_key, new_backbone
from core.gpt.pretrain import TrainConfig, gpt_trainer
from core.gpt.tasks import zeroshot as Z
from core.gpt.topic_data import load_topic_data
from core.runtime.diskcache import get_or_build
from core.tokenizers.base import Tokenizer

SNAPSHOT_STEPS = (0, 50, 100, 200, 400, 700)  # denser early: the LM changes most in its first steps
ZERO_SHOT_TASKS = ("entailment", "similarity", "multiple_choice")  # classification has no LM-only heuristic
ZERO_SHOT_EXAMPLES = 120  # held-out examples each snapshot answers: enough for ±5 points, cheap to score


def zero_shot_examples(task) -> list:
    """Every k-th held-out example of a core.gpt.finetune.tasks.Task, at most ZERO_SHOT_EXAMPLES."""
    held = task.heldout
    return held[:: max(1, len(held) // ZERO_SHOT_EXAMPLES)][:ZERO_SHOT_EXAMPLES]


def examples_key(examples: list) -> str:
    """A hash of the examples scored: precomputed curves of other data are stale."""
    import hashlib

    return hashlib.sha1(repr(examples).encode("utf-8")).hexdigest()[:16]


def shipped_curves_path(lang: str, root: Path | None = None) -> Path:
    from core.shipped.models import MODELS_DIR

    return (root or MODELS_DIR) / f"zeroshot-{lang}.json"


def shipped_curves(task, root: Path | None = None) -> dict[str, dict[int, float]] | None:
    """Figure 2 (right) as `scripts/build_models.py --only zeroshot` precomputed it from the shipped
    models' pre-training replayed: {arch: {update: accuracy}}; None when the file is missing, unreadable,
    or was computed on other examples or other shipped models (then the job computes the curves itself)."""
    from core.shipped.models import gpt_path, lstm_path, read_card

    try:
        card = json.loads(shipped_curves_path(task.lang, root).read_text(encoding="utf-8"))
        models = {"transformer": read_card(gpt_path(task.lang, root))["config_hash"],
                  "lstm": read_card(lstm_path(task.lang, root))["config_hash"]}
        if card["examples"][task.name] != examples_key(zero_shot_examples(task)) or card["models"] != models:
            return None
        return {arch: {int(k): float(v) for k, v in by_task[task.name].items()}
                for arch, by_task in card["accuracy"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def snapshots(arch: str, lang: str, tokenizer: Tokenizer, budget: Budget, steps: tuple[int, ...] = SNAPSHOT_STEPS,
              device="cpu", gate=None, on_step: Callable | None = None) -> dict[int, dict[str, torch.Tensor]] | None:
    """{step: state dict} of one pre-training run, from the cache when there; None when stopped."""
    from core.gpt.checkpoints.files import tokenizer_to_meta

    # the curve ends at the budget
    steps = tuple(sorted({s for s in steps if 0 <= s < budget.pretrain_steps} | {budget.pretrain_steps}))
    data = load_topic_data(lang, max_chars=budget.max_chars)
    key = cache_key([CACHE_VERSION, "snapshots", arch, data.key(), tokenizer_to_meta(tokenizer), steps,
                     budget.pretrain_steps, budget.pretrain_batch, budget.pretrain_lr, budget.n_layer, budget.n_embd,
                     budget.lstm_hidden, budget.block_size, PRETRAIN_SEED])

    def build() -> tuple[dict[str, torch.Tensor], dict]:
        torch.manual_seed(PRETRAIN_SEED)
        m = new_backbone(arch, budget, tokenizer.vocab_size).to(device)
        tdata = TokenData.from_text(tokenizer, data.train_text, data.heldout_text, m.config.block_size, device)
        tc = TrainConfig(max_iters=max(steps[-1], 1), batch_size=budget.pretrain_batch, lr=budget.pretrain_lr,
                         eval_interval=0, eval_iters=2, seed=PRETRAIN_SEED, threads="auto")
        snaps: dict[str, torch.Tensor] = {}

        def keep(step: int, model: nn.Module) -> None:
            snaps.update({f"{step}/{k}": v.detach().cpu().clone() for k, v in model.state_dict().items()
                          if k != "lm_head.weight"})  # tied to wte: stored once

        keep(0, m)
        trainer = gpt_trainer(m, tdata, tc, gate=gate)
        trainer.add_callback("on_step", lambda tr, s: (s.step in steps and keep(s.step, tr.raw_model),
                                                       on_step and on_step(s)))
        trainer.run_to_end()
        return snaps, {"steps": list(steps)}

    try:
        (flat, _), _ = get_or_build("transfer-snapshots", f"{arch}-{key}", build, suffix=".safetensors",
                                    dump=lambda v: dump_state(*v), load=load_state)
    except Stopped:
        return None
    out: dict[int, dict[str, torch.Tensor]] = {}
    for k, v in flat.items():
        step, name = k.split("/", 1)
        out.setdefault(int(step), {})[name] = v
    return out


def model_at(arch: str, budget: Budget, vocab_size: int, state: dict[str, torch.Tensor]) -> nn.Module:
    m = new_backbone(arch, budget, vocab_size)
    m.load_state_dict(state, strict=False)  # the tied head follows wte
    return m.eval()


@torch.inference_mode()
def score_candidates(model: nn.Module, tokenizer: Tokenizer, cands: list[Z.Candidate], block_size: int,
                     batch: int = 64) -> list[float]:
    """Average log P(continuation tokens | prefix) of each candidate. Prefix and continuation are encoded
    apart and joined (the boundary is the continuation's first token); a row longer than the block keeps
    its end, so the continuation is always read whole when it fits."""
    dev = next(model.parameters()).device
    rows = []
    for c in cands:
        p, q = tokenizer.encode(c.prefix) or [0], tokenizer.encode(c.continuation) or [0]
        ids = (p + q)[-block_size:]
        rows.append((ids, min(len(q), len(ids) - 1)))
    scores = []
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        T = max(len(ids) for ids, _ in chunk)
        x = torch.zeros(len(chunk), T, dtype=torch.long)
        mask = torch.zeros(len(chunk), T - 1)
        for b, (ids, n) in enumerate(chunk):
            x[b, :len(ids)] = torch.tensor(ids)
            mask[b, len(ids) - 1 - n: len(ids) - 1] = 1.0  # positions whose next token is a continuation token
        logp = F.log_softmax(model(x.to(dev)).logits[:, :-1].float(), dim=-1).cpu()  # (B, T-1, V)
        tok_lp = logp.gather(-1, x[:, 1:].unsqueeze(-1)).squeeze(-1)  # (B, T-1)
        scores += ((tok_lp * mask).sum(1) / mask.sum(1).clamp(min=1)).tolist()
    return scores


def zero_shot_accuracy(model: nn.Module, tokenizer: Tokenizer, examples: list, task: str, lang: str,
                       block_size: int) -> float:
    """Share of `examples` whose best-scoring label (core.gpt.tasks.zeroshot.predict) is right."""
    cands = [Z.candidates(e, task, lang) for e in examples]
    flat = [c for cs in cands for c in cs]
    scores = score_candidates(model, tokenizer, flat, block_size)
    right, i = 0, 0
    for e, cs in zip(examples, cands):
        table = dict(zip(((c.prefix, c.continuation) for c in cs), scores[i:i + len(cs)]))
        right += Z.predict(cs, lambda p, q: table[(p, q)]) == e.label
        i += len(cs)
    return right / max(1, len(examples))


def curve(task, arch: str, tokenizer: Tokenizer, budget: Budget, use_shipped: bool, key: list, device="cpu",
          gate=None, tick: Callable[[], None] | None = None) -> dict[int, float]:
    """Figure 2 (right) for one LM on `task`: {update: accuracy}. The curve precomputed for the shipped models
    when `use_shipped` and it fits, else snapshots of a pre-training here (cached with `key`, which names the
    examples and the weights' source), each answering the task with the LM alone. Raises Stopped."""
    tick = tick or (lambda: None)
    shipped = (shipped_curves(task) or {}) if use_shipped else {}
    if arch in shipped:
        tick()
        return shipped[arch]
    examples = zero_shot_examples(task)

    def build() -> dict:
        snaps = snapshots(arch, task.lang, tokenizer, budget, SNAPSHOT_STEPS, device, gate=gate,
                          on_step=lambda s: tick())
        if snaps is None:
            raise Stopped()
        return {str(step): zero_shot_accuracy(model_at(arch, budget, tokenizer.vocab_size, st).to(device), tokenizer,
                                              examples, task.name, task.lang, budget.block_size)
                for step, st in sorted(snaps.items())}

    k = cache_key([CACHE_VERSION, "zero_shot1", task.lang, task.name, asdict(budget), *key, arch, SNAPSHOT_STEPS,
                   len(examples)])
    got, _ = get_or_build("finetune-zero-shot", k, build, suffix=".json", dump=lambda v: json.dumps(v).encode("utf-8"),
                          load=lambda b: json.loads(b.decode("utf-8")))
    return {int(s): v for s, v in got.items()}
