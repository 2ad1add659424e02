"""The GELU page's cost size switch in a real browser: the timing runs in a background job and a polling fragment
(AppTest never ticks one) redraws the section with the new size's figure, with no further click."""
from __future__ import annotations

from tests.e2e.conftest import exceptions, wait_idle


def test_size_switch_draws_the_new_timing_by_itself(server, context):
    page = context.new_page()
    page.goto(f"{server.url}/gpt_gelu")
    wait_idle(page)
    page.get_by_text("float32, 1,000,000 random elements").wait_for(timeout=60_000)  # the first draw waited for it
    thumb = page.locator('.st-key-gelu_cost_n input[type="range"]').first
    thumb.focus()
    thumb.press("ArrowRight")  # 1M -> 2M
    page.get_by_text("float32, 2,000,000 random elements").wait_for(timeout=120_000)  # drawn by the poll's rerun
    wait_idle(page)
    assert not page.get_by_text("Timing the six kernels").count()  # the note went with the job
    assert page.locator(".st-key-gelu_fig_cost").count() == 1
    assert not exceptions(page)
