"""core.gpt.gelu against torch's own GELU, the published error bounds and autograd; its charts."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from core.gpt import gelu
from core.charts import gelu as charts
from core.errors import UserInputError

X = torch.linspace(-10, 10, 20_001, dtype=torch.float64)
NAMES = {k: k for k in gelu.FUNCTIONS}


def test_exact_matches_torch_gelu():
    assert torch.allclose(gelu.gelu_exact(X), F.gelu(X, approximate="none"), atol=1e-6, rtol=0)
    x32 = X.float()
    assert torch.allclose(gelu.gelu_exact(x32), F.gelu(x32), atol=1e-6, rtol=1e-6)  # float32: 1 ulp at |x| = 10


def test_tanh_form_matches_torch_tanh_gelu():
    assert torch.allclose(gelu.gelu_tanh(X), F.gelu(X, approximate="tanh"), atol=1e-6, rtol=0)


def test_sigmoid_form_and_relu_follow_their_formulas():
    for x in (-3.0, -0.5, 0.0, 0.7, 4.0):
        t = torch.tensor([x], dtype=torch.float64)
        assert gelu.gelu_sigmoid(t).item() == pytest.approx(x / (1 + math.exp(-1.702 * x)), abs=1e-12)
        assert gelu.relu(t).item() == max(0.0, x)
        phi = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        assert gelu.gelu_exact(t).item() == pytest.approx(x * phi, abs=1e-12)


@pytest.mark.parametrize("name, value, at", [("tanh", 4.73e-4, 2.70), ("sigmoid", 2.03e-2, 2.27)])
def test_max_error_on_minus10_10(name, value, at):
    m = gelu.max_abs_error(name)
    assert m.value == pytest.approx(value, rel=0.02)
    assert m.at == pytest.approx(at, abs=0.02)
    # It really is the maximum: no point of a dense grid exceeds it.
    assert float((gelu.FUNCTIONS[name](X) - gelu.gelu_exact(X)).abs().max()) <= m.value + 1e-15


def test_error_is_symmetric():
    for name in gelu.APPROXIMATIONS:
        e = (gelu.FUNCTIONS[name](X) - gelu.gelu_exact(X)).abs()
        assert torch.allclose(e, e.flip(0), atol=1e-14)


def test_derivatives_match_autograd_of_torch_and_the_formula():
    c = gelu.curves(gelu.GeluRange(-6, 6, 1201))
    x = c.x.clone().requires_grad_(True)
    for name, approx in (("exact", "none"), ("tanh", "tanh")):
        (g,) = torch.autograd.grad(F.gelu(x, approximate=approx).sum(), x)
        assert torch.allclose(c.derivatives[name], g, atol=1e-6)
    # d/dx xΦ(x) = Φ(x) + x φ(x)
    phi = torch.exp(-c.x**2 / 2) / math.sqrt(2 * math.pi)
    cdf = 0.5 * (1 + torch.erf(c.x / math.sqrt(2)))
    assert torch.allclose(c.derivatives["exact"], cdf + c.x * phi, atol=1e-12)
    s = torch.sigmoid(1.702 * c.x)
    assert torch.allclose(c.derivatives["sigmoid"], s + 1.702 * c.x * s * (1 - s), atol=1e-12)
    assert set(c.derivatives["relu"].unique().tolist()) <= {0.0, 1.0}
    # GELU's slope dips below 0 and overshoots 1 (non-monotonic, smooth)
    assert c.derivatives["exact"].min() < -0.1 and c.derivatives["exact"].max() > 1.1


def test_curves_shapes_and_errors():
    c = gelu.curves(gelu.GeluRange(-3, 3, 61))
    assert c.x.shape == (61,) and c.x.dtype == torch.float64
    assert set(c.values) == set(gelu.FUNCTIONS) and set(c.errors) == set(gelu.APPROXIMATIONS)
    assert torch.equal(c.errors["tanh"], (c.values["tanh"] - c.values["exact"]).abs())


@pytest.mark.parametrize("lo, hi", [(1, 1), (2, -2), (-5000, 0), (0, float("inf")), (float("nan"), 1)])
def test_bad_ranges_raise_user_errors(lo, hi):
    with pytest.raises(UserInputError) as e:
        gelu.GeluRange(lo, hi, 100).checked()
    assert e.value.en and e.value.ja and e.value.en != e.value.ja


def test_points_are_capped_and_bounded_below():
    rng, capped = gelu.GeluRange(-1, 1, 10_000_000).checked()
    assert capped and rng.points == gelu.MAX_POINTS
    rng, capped = gelu.GeluRange(-1, 1, 801).checked()
    assert not capped and rng.points == 801
    with pytest.raises(UserInputError):
        gelu.GeluRange(-1, 1, 1).checked()


def test_time_forms_reports_every_form():
    costs = gelu.time_forms(torch.device("cpu"), n=10_000, samples=1, min_sample_s=0.0)
    assert [c.name for c in costs] == list(gelu.COST_FORMS)
    assert all(c.ns_per_element > 0 and c.ratio_vs_relu > 0 for c in costs)
    assert costs[0].name == "relu" and costs[0].ratio_vs_relu == 1.0
    with pytest.raises(UserInputError):
        gelu.time_forms(torch.device("cpu"), n=0)


def test_charts():
    c = gelu.curves(gelu.GeluRange(-4, 4, 81))
    maxima = [gelu.max_abs_error(n) for n in gelu.APPROXIMATIONS]
    f = charts.functions_figure(c, NAMES, "T", "x", "y")
    assert len(f.data) == 4 and f.layout.title.text == "T" and f.layout.xaxis.title.text == "x"
    e = charts.errors_figure(c, NAMES, maxima, "E", "x", "err", "{name} {value} {x}")
    assert e.layout.yaxis.type == "log"
    markers = [t for t in e.data if t.mode == "markers"]
    assert len(markers) == 2 and all(len(t.x) == 2 for t in markers)  # ±x for both, inside [-4, 4]
    narrow = gelu.curves(gelu.GeluRange(-1, 1, 21))
    assert not [t for t in charts.errors_figure(narrow, NAMES, maxima, "E", "x", "e", "").data if t.mode == "markers"]
    d = charts.derivatives_figure(c, NAMES, "D", "x", "d")
    assert len(d.data) == 4
    costs = [gelu.Cost("relu", 1.0, 1.0), gelu.Cost("exact_written", 3.0, 3.0)]
    b = charts.cost_figure(costs, {"relu": "R", "exact_written": "E"}, "C", "ns", "{ratio:.1f}x")
    assert list(b.data[0].text) == ["3.0x", "1.0x"]
