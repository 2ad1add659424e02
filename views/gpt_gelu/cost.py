"""The GELU page's cost section: the size switch answers at once; the timing runs in core.gpt.timing.gelu_cost's job.

While a size is being timed the section shows the figure it had (with a note saying which size that is) and
a progress line polled by a fragment, which redraws the page when the new figure is ready. The first time a
session draws the section there is no earlier figure, so it waits a moment for the job (the timing at the
default 1M takes ~0.2 s on the quiet 2 cores, so the first screen is usually whole); on a busy machine it
stops waiting after FIRST_WAIT_S and shows the progress line instead, as a size switch does.
"""
from __future__ import annotations

import streamlit as st

from core.charts import gelu as charts
from core.errors import UserInputError
from core.gpt import gelu
from core.gpt.timing.gelu_cost import CostJob, cost_or_job, measured
from core.runtime.device import device_info
from ui import shell
from ui.background import progress_line
from ui.guard import guarded
from views.gpt_gelu.texts import T

SIZES = [1_000_000, 2_000_000, 4_000_000]
FIRST_WAIT_S = 1.0  # a first draw waits this long at most for its figure, then polls: 10 s before, the whole page
# held its script thread that long at heavy load (5x the quiet timing is still under 1 s)
POLL_S = 0.5
SHOWN = "gelu_cost_shown"  # session key: the size whose figure this session saw last


@st.fragment(run_every=POLL_S)
@guarded
def _poll(job: CostJob, lang: str) -> None:
    if not job.state().active:
        st.rerun(scope="app")  # done (or failed): the page draws the figure or the message
    progress_line(job, T.t("cost_what", lang), lang)


def _draw(costs: list[gelu.Cost], n: int, device, lang: str) -> None:
    names = {k: T.t(f"cost_{k}", lang) for k in gelu.COST_FORMS}
    st.plotly_chart(charts.cost_figure(costs, names,
                                       T.t("cost_fig", lang, device=shell.device_text(device_info(device), lang)),
                                       T.t("cost_ax", lang), T.t("cost_ratio", lang)), key="gelu_fig_cost")
    st.caption(T.t("cost_caption", lang, n=n))


@st.fragment  # a size switch reruns this section only, not the page
@guarded
def cost_section(lang: str) -> None:
    n = st.select_slider(T.t("cost_n", lang), SIZES, SIZES[0], key="gelu_cost_n", bind="query-params",
                         format_func=lambda v: f"{v // 1_000_000}M")
    device = shell.device()
    try:
        got = cost_or_job(device, n)
    except UserInputError as e:  # the server's job limit is reached (trainings running)
        shell.show_error(e)
        return
    prev = st.session_state.get(SHOWN)
    if isinstance(got, CostJob) and prev is None and got.wait(FIRST_WAIT_S) and got.result is not None:
        got = got.result  # a first draw: no earlier figure to show meanwhile, and the wait is short
    if not isinstance(got, CostJob):
        st.session_state[SHOWN] = n
        _draw(got, n, device, lang)
        return
    s = got.state()
    if not s.active and s.message is not None:  # failed: say why (the next rerun starts a fresh job)
        shell.show_error(s.message)
        return
    st.info(T.t("cost_timing", lang, n=n))
    _poll(got, lang)
    old = measured(device, prev) if prev is not None else None
    if old is not None:
        st.caption(T.t("cost_timing_prev", lang, prev=prev))
        _draw(old, prev, device, lang)
