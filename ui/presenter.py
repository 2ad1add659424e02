"""Presenter view (?present=1): larger text and chart fonts for a projector, a collapsed sidebar, and the
controls a lesson stop does not need hidden.

The CSS is a constant of this file plus `.st-key-<widget key>` selectors for the lesson's hidden
controls; widget keys are checked on load (core.lesson.KEY_RE: [a-z0-9_]), so no user text reaches it.
"""
from __future__ import annotations

import streamlit as st

from core.charts.style import FONT_SCALE
from core.lesson import KEY_RE
from ui.texts.common import T

PRESENT_KEY = "present"  # also the URL query parameter
CHART_SCALE = 1.35  # 15 px chart text -> 20 px: readable from the back of a room at 1280×720

# Streamlit sizes text in rem, so one root size scales headings, labels and metrics together.
_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stMainBlockContainer"] { padding-top: 3.1rem; max-width: 100%; }
[data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.05rem; line-height: 1.45; }
[data-testid="stCaptionContainer"] { font-size: 0.9rem; }
.st-key-lesson_panel { background: #F4F8FC; }
.st-key-lesson_panel button p { font-size: 0.85rem; }
/* At a lesson stop the panel's title and point introduce the page: the page's own title and intro paragraph
   (the first text after the title) step aside, so the stop's chart is on the projector's first screen. */
[data-testid="stMainBlockContainer"]:has(.st-key-lesson_panel) [data-testid="stElementContainer"]:has(h1)
  + [data-testid="stElementContainer"]:has([data-testid="stMarkdown"]) { display: none; }
[data-testid="stMainBlockContainer"]:has(.st-key-lesson_panel) h1 { display: none; }
.st-key-lesson_panel [data-testid="stMarkdownContainer"] p { font-size: 0.95rem; line-height: 1.35; }
</style>
"""

# Every view: the first screen is for the chart (less empty space above the title, a smaller title), and a
# rerun shows itself. Streamlit 1.67 draws no status widget here (the header stays empty; measured with
# scripts/screenshots.py's browser), and st.spinner sits wherever its call is, often below the fold. While a
# run is going, Streamlit marks the elements it has not redrawn yet `data-stale`, and a spinner is on the page:
# either puts a badge at the top centre, whichever control started the run. {running} is our own label
# (ui.texts.common), never user text.
_BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.2rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.1rem; padding-top: 0.4rem; padding-bottom: 0.4rem; }
.st-key-lesson_panel .st-key-lesson_title [data-testid="stMarkdownContainer"] p {
  font-size: 1.15rem; line-height: 1.3; }
.st-key-lesson_panel [data-testid="stVerticalBlock"] { gap: 0.35rem; }
.st-key-lesson_panel [data-testid="stExpander"] summary { padding-top: 0.25rem; padding-bottom: 0.25rem; }
.st-key-lesson_panel [data-testid="stExpanderDetails"] { padding: 0 0.3rem 0.3rem 0.3rem; }
[data-testid="stApp"]:has([data-stale="true"], [data-testid="stSpinner"])::after {
  content: "{running}"; position: fixed; top: 0.6rem; left: 50%; transform: translateX(-50%); z-index: 1000001;
  background: #FFF4D6; color: #1F2933; border: 2px solid #E69F00; border-radius: 0.5rem; padding: 0.15rem 0.8rem;
  font-size: 1rem; font-weight: 600; box-shadow: 0 2px 6px rgba(0,0,0,0.15); pointer-events: none;
  opacity: 0; animation: atlas-busy 0.2s linear 0.4s forwards; }  /* after 0.4 s: quick reruns do not flicker */
@keyframes atlas-busy { to { opacity: 1; } }
</style>
"""


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def toggle(lang: str) -> None:
    """The switch, kept in the URL (present=true); ?present=1 as typed by hand works too."""
    if st.query_params.get(PRESENT_KEY) in ("1", "yes", "on") and PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = True  # Streamlit binds booleans as true/false and drops "1"
    st.toggle(T.t("present", lang), key=PRESENT_KEY, bind="query-params", help=T.t("present_help", lang))


def apply(hide: tuple[str, ...] = (), lang: str = "en") -> None:
    """Once per run, before the page: chart font scale for this run, the running badge, and the CSS when presenting."""
    on = presenting()
    FONT_SCALE.set(CHART_SCALE if on else 1.0)
    st.html(_BASE_CSS.replace("{running}", T.t("running", lang)))
    if not on:
        return
    hidden = "".join(f".st-key-{k} {{ display: none; }}\n" for k in hide if KEY_RE.match(k))
    st.html(_CSS.replace("</style>", hidden + "</style>"))


def tab_title(lang: str) -> None:
    """The browser tab's title in the reader's language: "<page title> · Transformer Atlas".

    Called by each page (through shell.lang()), when Streamlit knows which page runs.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui.registry import PAGES

    from streamlit.errors import StreamlitAPIException

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    try:
        for entry in PAGES:
            if st.Page(entry.path, url_path=entry.name)._script_hash == ctx.page_script_hash:
                st.set_page_config(page_title=f"{entry.title[0 if lang == 'en' else 1]} · Transformer Atlas")
                return
    except StreamlitAPIException:  # a script run outside app.py (a test's snippet): its pages do not resolve
        return
