"""Every fast path of issue 14 against its plain form: the same numbers (or, for a sampling shortcut, the
same distribution), so a speed-up can never quietly change what a page or a training shows."""
from __future__ import annotations

import json
import math
import threading

import plotly.graph_objects as go
import pytest
import torch

from core.charts import attention as C
from core.runtime import threads
from core.transformer import attention_study as S
from core.transformer import inputs as I


def _plain_study(d_k: int, n_keys: int, n_samples: int, seed: int) -> tuple[float, float, float, float]:
    """The study as first written: every key drawn, q kᵀ by matmul."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(n_samples, 1, d_k, generator=g)
    k = torch.randn(n_samples, n_keys, d_k, generator=g)
    up = torch.randn(n_samples, 1, n_keys, generator=g)
    logits = (q @ k.transpose(-2, -1)).requires_grad_(True)  # (S, 1, d_k) x (S, d_k, n_keys)
    p = torch.softmax(logits, dim=-1)
    (p * up).sum().backward()
    p = p.detach()
    ent = -(p * torch.log2(p.clamp_min(1e-30))).sum(-1)
    return (float(logits.detach().var()), float(ent.mean()), float(p.max(-1).values.mean()),
            float(logits.grad.norm(dim=-1).mean()))


@pytest.mark.parametrize("d_k", [1, 16, 256])
def test_scaling_study_draws_logits_with_the_distribution_of_drawn_keys(d_k):
    n = 6000  # standard errors of the means ~1 %: the tolerances below are several of them
    fast = {p.scaled: p for p in S.scaling_study([d_k], n_keys=16, n_samples=n, seed=5)}[False]
    var, ent, mx, grad = _plain_study(d_k, 16, n, seed=11)
    assert fast.logit_var == pytest.approx(var, rel=0.08)
    assert fast.entropy == pytest.approx(ent, rel=0.04, abs=0.03)
    assert fast.max_weight == pytest.approx(mx, rel=0.04)
    assert fast.grad_norm == pytest.approx(grad, rel=0.06, abs=0.003)


def test_scaling_study_variance_grows_like_d_k():
    pts = {(p.d_k, p.scaled): p for p in S.scaling_study([4, 1024], n_samples=2000, seed=1)}
    assert pts[1024, False].logit_var == pytest.approx(1024, rel=0.1)  # not 1: ‖q‖ scales the keys' normal
    assert pts[1024, True].logit_var == pytest.approx(1.0, rel=0.1)


def _revalidated(fig: go.Figure) -> dict:
    """The same figure put through plotly's full validation (raises on any invalid property)."""
    return json.loads(go.Figure(fig.to_dict()).to_json())


@pytest.mark.parametrize("causal", [False, True])
def test_step_figures_built_unvalidated_equal_the_validated_build(causal):
    toks = ["The", "cat", "</script>", "sat", "on", "the", "mat", "😀"]
    s = I.sentence_steps(I.random_inputs(toks, 64, 3), 8, True, causal, 3)
    titles = {f: f"title {f}" for _, fs in C.STEP_TABS for f in fs}
    figs = C.step_figures(s, toks, titles, "dims", "token", "query", "key")
    assert set(figs) == set(titles)
    for name, fig in figs.items():
        assert json.loads(fig.to_json()) == _revalidated(fig), name
        assert fig.layout.template.layout.font.family  # the default template is there, as in a validated figure
    m = torch.randn(30, 64)  # > 16 dimensions: the thinned axis
    f = C.matrix_figure(m, [str(i) for i in range(30)], None, "", "d", "t", diverging=False, zrange=(0, 1), annotate=True)
    assert json.loads(f.to_json()) == _revalidated(f)


def test_interactive_threads_apply_to_the_calling_thread_only():
    before = torch.get_num_threads()
    seen = {}

    def page():
        torch.set_num_threads(2)
        threads.for_interactive()
        seen["page"] = torch.get_num_threads()

    t = threading.Thread(target=page)
    t.start()
    t.join()
    assert seen["page"] == threads.interactive_threads() == 1
    assert torch.get_num_threads() == before  # the main thread (a CLI training) keeps its own count
    assert not math.isnan(before)
