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
    f = C.matrix_figure(m, [str(i) for i in range(30)], None, "", "d", "t", diverging=False, zrange=(0, 1),
                        annotate=True)
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


def _plain_scaling_figure(points, names, titles, x_title, current_dk=None, height=420):
    """scaling_figure as first written, with make_subplots and add_vline: the reference."""
    from plotly.subplots import make_subplots

    from core.charts.style import PALETTE, styled

    fig = make_subplots(rows=1, cols=3, subplot_titles=list(titles), horizontal_spacing=0.08)
    for scaled, color, dash in ((False, PALETTE[3], "solid"), (True, PALETTE[0], "dash")):
        pts = [p for p in points if p.scaled == scaled]
        name = names["scaled" if scaled else "unscaled"]
        for col, ys in enumerate(([p.entropy for p in pts], [p.max_weight for p in pts], [p.grad_norm for p in pts]),
                                 1):
            fig.add_trace(go.Scatter(x=[p.d_k for p in pts], y=ys, mode="lines+markers", name=name, legendgroup=name,
                                     showlegend=col == 1, line=dict(color=color, width=3, dash=dash)), row=1, col=col)
    fig.update_xaxes(type="log", title=x_title)
    if current_dk:
        for col in (1, 2, 3):
            fig.add_vline(x=current_dk, line=dict(color="#888", dash="dot"), row=1, col=col)
    styled(fig, None, height=height)
    fig.update_layout(legend=dict(y=1.15))
    return fig


def _rounded(x):
    if isinstance(x, float):
        return round(x, 9)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


@pytest.mark.parametrize("dk", [None, 16])
def test_scaling_figure_in_one_call_equals_the_make_subplots_build(dk):
    pts = S.scaling_study([1, 4, 16, 64], n_samples=32, seed=2)
    args = (pts, {"scaled": "÷√d_k", "unscaled": "raw"}, ["entropy", "max", "grad"], "d_k")
    fast = json.loads(C.scaling_figure(*args, current_dk=dk).to_json())
    plain = json.loads(_plain_scaling_figure(*args, current_dk=dk).to_json())
    assert _rounded(fast) == _rounded(plain)
    assert json.loads(go.Figure(C.scaling_figure(*args, current_dk=dk).to_dict()).to_json()) == fast  # valid


def test_training_threads_keep_their_priority_unless_asked():
    import os

    seen = {}

    def job(nice):
        tid = threading.get_native_id()
        before = os.getpriority(os.PRIO_PROCESS, tid)
        threads.lower_priority(nice)
        seen[nice] = os.getpriority(os.PRIO_PROCESS, tid) - before

    for nice in (None, 3):
        t = threading.Thread(target=job, args=(nice,))
        t.start()
        t.join()
    assert threads.TRAINING_NICE == 0 and seen[None] == 0  # the policy: a page's training is not niced
    assert seen[3] == 3  # an explicit niceness still applies (bench/page_vs_cli.py --page-nice [docs/FINDINGS.md])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_attention_page_new_seed_redraws_the_inputs_and_the_study(lang):
    from tests.apptest import errors, open_page

    def spec(at, key):
        return next(el.proto.spec for el in at.get("plotly_chart") if el.proto.id and key in el.proto.id)

    at = open_page("views/tf_attention/page.py", lang=lang)
    x0, why0 = spec(at, "att_fig_x"), spec(at, "att_fig_why")
    at.number_input(key="att_seed").set_value(7).run()
    assert not at.exception, errors(at)
    assert spec(at, "att_fig_x") != x0 and spec(at, "att_fig_why") != why0  # both follow the seed
    why = json.loads(spec(at, "att_fig_why"))
    assert len(why["data"]) == 6 and len(why["layout"]["shapes"]) == 3  # 2 curves x 3 panels, d_k marked
