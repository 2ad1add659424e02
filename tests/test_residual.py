"""The residual-stream study: the forward it runs equals the model's own, a removed skip equals a forward
written out by hand from the weights, and the base held-out loss equals the shared evaluation's."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from core.gpt.inside import residual as R
from core.gpt.model import GPT, GPTConfig
from core.shipped.models import heldout_loss


def tiny(pre_ln: bool) -> GPT:
    torch.manual_seed(0)
    m = GPT(GPTConfig(vocab_size=11, n_layer=2, n_head=2, n_embd=16, block_size=8, pre_ln=pre_ln)).eval()
    with torch.no_grad():  # weights far from their init, so every piece matters
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    return m


def by_hand(m: GPT, idx: torch.Tensor, removed: set) -> torch.Tensor:
    """GPT-1 post-LN written out with torch.nn.functional from the state dict: x = LN(f(x)) where cut."""
    sd, C, H = m.state_dict(), m.config.n_embd, m.config.n_head
    T = idx.shape[1]
    x = sd["wte.weight"][idx] + sd["wpe.weight"][:T]
    ln = lambda t, k: F.layer_norm(t, (C,), sd[f"{k}.weight"], sd[f"{k}.bias"])
    for i in range(m.config.n_layer):
        p = f"h.{i}."
        q, k, v = F.linear(x, sd[p + "attn.c_attn.weight"], sd[p + "attn.c_attn.bias"]).split(C, dim=2)
        heads = lambda t: t.view(1, T, H, C // H).transpose(1, 2)
        att = (heads(q) @ heads(k).transpose(-2, -1)) / math.sqrt(C // H)
        att = att.masked_fill(torch.ones(T, T).tril() == 0, float("-inf")).softmax(-1)
        y = (att @ heads(v)).transpose(1, 2).reshape(1, T, C)
        a = F.linear(y, sd[p + "attn.c_proj.weight"], sd[p + "attn.c_proj.bias"])
        x = ln(a if (i, "attn") in removed else x + a, p + "ln_1")
        h = F.gelu(F.linear(x, sd[p + "mlp.c_fc.weight"], sd[p + "mlp.c_fc.bias"]))
        f = F.linear(h, sd[p + "mlp.c_proj.weight"], sd[p + "mlp.c_proj.bias"])
        x = ln(f if (i, "mlp") in removed else x + f, p + "ln_2")
    return x @ sd["wte.weight"].T


IDX = torch.tensor([[1, 5, 2, 7, 7, 3, 0, 9]])


@pytest.mark.parametrize("pre_ln", [False, True])
def test_nothing_removed_is_the_models_own_forward(pre_ln):
    m = tiny(pre_ln)
    with torch.no_grad():
        assert torch.allclose(R.run_blocks(m, IDX), m(IDX).logits, atol=1e-5)


@pytest.mark.parametrize("removed", [set(), {(0, "attn")}, {(1, "mlp")}, {(0, "mlp"), (1, "attn")}])
def test_a_removed_skip_equals_the_forward_written_by_hand(removed):
    m = tiny(False)
    with torch.no_grad():
        got = R.run_blocks(m, IDX, frozenset(removed))
        assert torch.allclose(got, by_hand(m, IDX, removed), atol=1e-4)
        if removed:
            assert not torch.allclose(got, m(IDX).logits, atol=1e-3)


def test_study_norms_and_losses():
    m = tiny(False)
    ids = [int(i) for i in torch.randint(0, 11, (40,), generator=torch.Generator().manual_seed(1))]
    s = R.study(m, ids)
    assert s.base_loss == pytest.approx(heldout_loss(m, ids, m.config.block_size), abs=1e-6)
    assert len(s.norms) == len(s.cut_loss) == m.config.n_layer and s.tokens == len(ids) - 1
    assert all(math.isfinite(v) and v > 0 for row in s.norms for v in row.values())
    assert all(math.isfinite(r[p]) for r in s.cut_loss for p in R.PARTS)
    assert R.ResidualStudy.from_json(s.to_json()) == s


@pytest.mark.parametrize("pre_ln", [False, True])
def test_norms_equal_the_models_own_forward_seen_through_hooks(pre_ln):
    """The norms the page draws, against the tensors the model's own forward passes between its modules."""
    m = tiny(pre_ln)
    seen: dict[str, torch.Tensor] = {}

    def keep(name):
        def hook(module, args, out):
            seen[name + "_in"] = args[0].detach()
            seen[name + "_out"] = (out[0] if isinstance(out, tuple) else out).detach()
        return hook

    handles = [getattr(b, mod).register_forward_hook(keep(f"{i}.{mod}"))
               for i, b in enumerate(m.h) for mod in ("ln_1", "attn", "ln_2", "mlp")]
    norms: list[dict] = []
    try:
        with torch.no_grad():
            m(IDX)
            R.run_blocks(m, IDX, norms=norms)
    finally:
        for h in handles:
            h.remove()
    mean = lambda t: float(t.norm(dim=-1).mean())
    for i, row in enumerate(norms):
        # The stream entering a sub-layer: pre-LN, what its LayerNorm reads; post-LN, what the sub-layer reads.
        stream = {"attn": seen[f"{i}.ln_1_in" if pre_ln else f"{i}.attn_in"],
                  "mlp": seen[f"{i}.ln_2_in" if pre_ln else f"{i}.mlp_in"]}
        for part in R.PARTS:
            assert row[f"{part}_in"] == pytest.approx(mean(stream[part]), rel=1e-5)
            assert row[f"{part}_out"] == pytest.approx(mean(seen[f"{i}.{part}_out"]), rel=1e-5)
