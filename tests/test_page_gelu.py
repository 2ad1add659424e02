"""The GELU page through app.py: both languages, widgets change the figures, bad input gives a message."""
from __future__ import annotations

import pytest

from tests.apptest import errors, open_page, specs, warnings

PAGE = "views/gpt_gelu/page.py"


def _timed(n: int) -> None:
    """Wait for the cost job of size `n` (a page test's script thread never polls), so a rerun draws its figure."""
    import torch

    from core.gpt.timing.gelu_cost import cost_or_job

    got = cost_or_job(torch.device("cpu"), n)
    if not isinstance(got, list):
        assert got.wait(60) and got.result is not None, got.state()


def _open(lang: str = "en"):
    """The page with its default size (1M) timed first: a first draw waits at most views.gpt_gelu.cost.FIRST_WAIT_S for
    its cost figure, which a loaded test machine can exceed."""
    _timed(1_000_000)
    return open_page(PAGE, lang=lang)


@pytest.mark.parametrize("lang, title, axis", [("en", "GELU — the activation", "x (input)"),
                                               ("ja", "GELU — GPT-1 の中の活性化関数", "x（入力）")])
def test_renders_in_both_languages(lang, title, axis):
    at = _open(lang)
    assert title in at.title[0].value
    assert len(specs(at)) == 4  # functions, errors, derivatives, cost
    assert all(axis in s for s in specs(at)[:3])
    values = [m.value for m in at.metric]
    assert float(values[0]) == pytest.approx(4.73e-4, rel=0.02) and float(values[1]) == pytest.approx(2.70, abs=0.02)
    assert float(values[2]) == pytest.approx(2.03e-2, rel=0.02) and float(values[3]) == pytest.approx(2.27, abs=0.02)
    assert not warnings(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_range_and_points_change_the_figures(lang):
    at = _open(lang)
    before = specs(at)
    at.slider(key="gelu_range").set_value((-1.0, 2.5)).run()
    assert not at.exception
    after = specs(at)
    assert after[0] != before[0] and after[1] != before[1] and after[2] != before[2]
    assert after[3] == before[3]  # the cost chart does not depend on the range
    at.number_input(key="gelu_points").set_value(41).run()
    assert not at.exception and specs(at)[0] != after[0]


def test_cost_size_changes_the_cost_chart():
    at = _open()
    before = specs(at)[3]
    at.select_slider(key="gelu_cost_n").set_value(2_000_000).run()
    assert not at.exception
    _timed(2_000_000)
    at.run()
    assert not at.exception and specs(at)[3] != before


@pytest.mark.parametrize("lang, timing, still",
                         [("en", "Timing the six kernels on 4,000,000", "still shows the 1,000,000"),
                                                 ("ja", "4,000,000 要素で計測", "1,000,000 要素での計測のまま")])
def test_size_switch_answers_before_the_timing_ends(monkeypatch, lang, timing, still):
    """While a new size is timed the section keeps the figure it had and says so; then it draws the new one,
    and a switch back to a size timed before draws at once (no job)."""
    import threading

    from core.gpt.timing import gelu_cost

    release = threading.Event()
    work = gelu_cost.CostJob.work

    def held(job):  # the timing waits until the test has looked at the page in the meantime
        release.wait(60)
        return work(job)

    monkeypatch.setattr(gelu_cost, "COSTS", gelu_cost.JobRegistry())  # nothing timed yet in this process
    at = _open(lang)  # the 1M figure, timed in this registry
    before = specs(at)[3]
    monkeypatch.setattr(gelu_cost.CostJob, "work", held)
    try:
        at.select_slider(key="gelu_cost_n").set_value(4_000_000).run()
        assert not at.exception
        assert any(timing in i.value for i in at.info), [i.value for i in at.info]
        assert any(still in c.value for c in at.caption)
        assert specs(at)[3] == before  # the 1M figure, still shown
    finally:
        release.set()
    _timed(4_000_000)
    at.run()
    after = specs(at)[3]
    assert not at.exception and after != before and not any(timing in i.value for i in at.info)
    at.select_slider(key="gelu_cost_n").set_value(1_000_000).run()
    assert specs(at)[3] == before  # timed once per process: the same figure, drawn at once


@pytest.mark.parametrize("lang, lo, hi, words", [
    ("en", 5.0, 1.0, "smaller than the maximum"),
    ("ja", 3.0, 3.0, "最大値"),
    ("en", -1e6, 0.0, "±1000"),
    ("ja", 0.0, 1e9, "±1000"),
])
def test_bad_range_gives_a_message(lang, lo, hi, words):
    at = open_page(PAGE, lang=lang)
    at.toggle(key="gelu_custom").set_value(True).run()
    at.number_input(key="gelu_xmin").set_value(lo)
    at.number_input(key="gelu_xmax").set_value(hi).run()
    assert not at.exception, errors(at)
    assert any(words in w for w in warnings(at))
    assert not specs(at)  # the page stops before drawing


def test_equal_slider_handles_give_a_message():
    at = open_page(PAGE)
    at.slider(key="gelu_range").set_value((2.0, 2.0)).run()
    assert not at.exception and any("smaller" in w for w in warnings(at))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_huge_resolution_is_capped(lang):
    at = open_page(PAGE, lang=lang)
    at.number_input(key="gelu_points").set_value(10_000_000).run()
    assert not at.exception
    assert any("20,001" in w for w in warnings(at))
    assert len(specs(at)) == 4


def test_too_few_points_gives_a_message():
    at = open_page(PAGE, lang="ja")
    at.number_input(key="gelu_points").set_value(1).run()
    assert not at.exception and any("3 以上" in w for w in warnings(at))


@pytest.mark.parametrize("lo, hi", [(-1e-9, 1e-9), (-1000.0, 1000.0), (0.0, 0.5)])
def test_extreme_but_valid_ranges_render(lo, hi):
    at = open_page(PAGE)
    at.toggle(key="gelu_custom").set_value(True).run()
    at.number_input(key="gelu_xmin").set_value(lo)
    at.number_input(key="gelu_xmax").set_value(hi).run()
    assert not at.exception, errors(at)
    assert len(specs(at)) == 4 and not warnings(at)


@pytest.mark.parametrize("lang, timing",
                         [("en", "Timing the six kernels on 1,000,000"), ("ja", "1,000,000 要素で計測")])
def test_a_slow_first_timing_does_not_hold_the_page(monkeypatch, lang, timing):
    """A first draw whose timing outlasts FIRST_WAIT_S (a busy machine) shows the progress note and the rest of the
    page, not a page held until the job ends; the next rerun after the job draws the figure."""
    import threading

    from core.gpt.timing import gelu_cost
    from views.gpt_gelu import cost as section

    release = threading.Event()
    work = gelu_cost.CostJob.work
    monkeypatch.setattr(gelu_cost, "COSTS", gelu_cost.JobRegistry())
    monkeypatch.setattr(gelu_cost.CostJob, "work", lambda job: release.wait(60) and work(job))
    monkeypatch.setattr(section, "FIRST_WAIT_S", 0.05)
    try:
        at = open_page(PAGE, lang=lang)
        assert not at.exception, errors(at)
        assert any(timing in i.value for i in at.info), [i.value for i in at.info]
        assert len(specs(at)) == 3  # functions, errors, derivatives: drawn; the cost figure not yet
    finally:
        release.set()
    _timed(1_000_000)
    at.run()
    assert not at.exception and len(specs(at)) == 4 and not any(timing in i.value for i in at.info)
