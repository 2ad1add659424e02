"""The residual stream of our GPT, measured: what passes through each block against what each sub-layer adds,
and what the held-out loss does when one skip connection is removed (the ResNet point of the notes).

A block has two sub-layers f (masked self-attention, then the GELU feed-forward), each wrapped in a skip
connection that adds f's output to its input. GPT-1 is **post-LN**: LayerNorm comes after the addition,

    x ← LN(x + f(x))          with the skip          x ← LN(f(x))          skip removed

so "removing the skip" keeps the LayerNorm and drops only the `x +`: the sub-layer's output replaces the
stream instead of being added to it. (Pre-LN, GPT-2's arrangement: x ← x + f(LN(x)) becomes x ← f(LN(x)).)
Nothing is retrained: the same weights, one connection cut, the loss on a fixed held-out slice.

Norms are L2 norms of the C-dimensional vectors, averaged over the positions of that slice: ‖x‖ is what
enters a sub-layer (the residual input), ‖f(x)‖ what it adds.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn as nn

PARTS = ("attn", "mlp")
MAX_EVAL_BLOCKS = 8  # the held-out slice: at most 8 contexts of tokens (every token scored once)


def run_blocks(model, idx: torch.Tensor, removed: frozenset[tuple[int, str]] = frozenset(),
               norms: list | None = None) -> torch.Tensor:
    """The GPT's logits (B, T, V) on `idx`, with the skip connection of each (layer, part) in `removed` cut.

    With nothing removed this is the model's own forward (without dropout). Pass a list as `norms` to get,
    per layer, {"attn_in", "attn_out", "mlp_in", "mlp_out"}: mean L2 norms over all positions."""
    cfg = model.config
    B, T = idx.shape
    x = model.wte(idx) + model.wpe(model.pos[:T])  # (B, T, C)
    mean_norm = lambda t: float(t.norm(dim=-1).mean())  # (B, T, C) -> one number
    for i, b in enumerate(model.h):
        row = {}
        for part, ln, f in (("attn", b.ln_1, lambda h: b.attn(h)[0]), ("mlp", b.ln_2, b.mlp)):
            row[f"{part}_in"] = mean_norm(x)
            out = f(ln(x)) if cfg.pre_ln else f(x)  # (B, T, C)
            row[f"{part}_out"] = mean_norm(out)
            keep = (i, part) not in removed
            if cfg.pre_ln:
                x = x + out if keep else out
            else:
                x = ln(x + out if keep else out)
        if norms is not None:
            norms.append(row)
    return model.lm_head(model.ln_f(x))  # (B, T, C) x (C, V) -> (B, T, V)


class SkipCut(nn.Module):
    """`model` with some skip connections removed, callable like a GPT (`.logits`) for the shared evaluation."""

    def __init__(self, model, removed: frozenset[tuple[int, str]]):
        super().__init__()
        self.model, self.removed = model, removed

    def forward(self, idx: torch.Tensor):
        from core.gpt.model import GPTOutput

        return GPTOutput(run_blocks(self.model, idx, self.removed), None, None)


@dataclass
class ResidualStudy:
    norms: list[dict]  # per layer: attn_in, attn_out, mlp_in, mlp_out (mean L2 norms)
    base_loss: float  # held-out loss (nats per token) of the model as it is
    cut_loss: list[dict]  # per layer: {"attn": loss with that skip removed, "mlp": ...}
    tokens: int  # held-out tokens scored
    pre_ln: bool

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> "ResidualStudy":
        return cls(**d)


def heldout_ids(tokenizer, text: str, block_size: int, blocks: int = MAX_EVAL_BLOCKS) -> list[int]:
    """The fixed held-out slice: the first `blocks` × block_size + 1 tokens of `text`."""
    ids = tokenizer.encode(text)
    if len(ids) < 2:
        raise ValueError("the held-out text has fewer than two tokens")
    return ids[: blocks * block_size + 1]


@torch.no_grad()
def study(model, ids: list[int], step=lambda: None) -> ResidualStudy:
    """Norms through the stream and the held-out loss with each skip connection removed in turn, on `ids`.
    `step()` is called between evaluations (a job's stop check)."""
    from core.shipped.models import heldout_token_losses

    cfg = model.config
    was = model.training
    model.eval()
    try:
        x = torch.tensor([ids[: cfg.block_size]])
        norms: list[dict] = []
        run_blocks(model, x, norms=norms)
        loss = lambda removed: float(heldout_token_losses(SkipCut(model, removed), ids, cfg.block_size).mean())
        base = loss(frozenset())
        cut = []
        for i in range(cfg.n_layer):
            row = {}
            for part in PARTS:
                step()
                row[part] = loss(frozenset({(i, part)}))
            cut.append(row)
    finally:
        model.train(was)
    return ResidualStudy(norms, base, cut, len(ids) - 1, bool(cfg.pre_ln))


def note(model, tokenizer, lang: str, heldout_text: str, digest: str):
    """The study of `model` (weights `digest`) on the held-out slice of `heldout_text`, as a core.notes_store
    Note: shipped for the shipped GPT (residual-<lang>), else computed once per model in a background job."""
    from core.corpus import corpus_id
    from core.notes_store import Note

    inputs = {"model": digest, "heldout": corpus_id(heldout_text), "lang": lang, "blocks": MAX_EVAL_BLOCKS,
              "torch": torch.__version__.split("+")[0], "version": 1}

    def compute() -> dict:
        return study(model, heldout_ids(tokenizer, heldout_text, model.config.block_size)).to_json()

    return Note(f"residual-{lang}", inputs, compute)


def page_note(gpt, lang: str, digest: str | None = None):
    """`note` as the residual-stream page builds it for a loaded GPT (core.shipped.models.LoadedGPT) of `lang`: on
    the shipped corpus's held-out text, keyed by the weights' digest (`digest` when the caller has it cached).
    scripts/build_models.py ships it for the shipped GPT."""
    from core.gpt.tasks.pretrain_text import corpus_heldout
    from core.notes_store import model_digest

    return note(gpt.model, gpt.tokenizer, lang, corpus_heldout(lang), digest or model_digest(gpt.model))
