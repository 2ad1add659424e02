"""Lesson mode: a guided path of stops over the live pages, kept in the URL (?lesson=1&stop=7).

The shell calls `panel()` before navigation runs, so the lesson's widget values are in session state
before the page draws its widgets, and the panel (point, question, Previous / Next) sits at the top of
the page where the class can see it. Each page calls `shell.lang()` first, which calls `follow()`:
if the lesson's stop is on another page, the app switches there.
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.charts.gpt_diagram import BOXES, DiagramText, gpt1_diagram
from core.errors import UserInputError
from core.lesson import MAX_LESSON, Lesson, Stop, lesson_path, load_lesson, parse_number, unusable_values
from ui.registry import PAGES, url_path
from ui.safe import inert
from ui.texts.common import T
from ui.texts.lesson import T as LT

LESSON_PARAM, STOP_PARAM = "lesson", "stop"
_APPLIED = "_lesson_applied"  # (lesson, stop, lang) whose widget values were last written
# A lesson file written before pages became folders names a page by its old file: still read, as its folder's page.
OLD_PAGE_FILES = {f"views/{p.name}.py": p.path for p in PAGES}


def with_folder_pages(lesson: Lesson) -> Lesson:
    """`lesson` with every stop's page named views/<name>/page.py (an old file, views/<name>.py, is renamed)."""
    return replace(lesson, stops=tuple(replace(s, page=OLD_PAGE_FILES.get(s.page, s.page)) for s in lesson.stops))


@st.cache_data(max_entries=8, show_spinner=False)
def _load(number: int, mtime: float, where: str = "") -> Lesson | UserInputError:
    """Parsed once per file version: a teacher's edit shows on the next rerun (mtime and path are in the key)."""
    try:
        return with_folder_pages(load_lesson(number, {p.path for p in PAGES} | set(OLD_PAGE_FILES)))
    except UserInputError as e:
        return e


def first_lesson() -> Lesson | None:
    """Lesson 1 if its file loads (the home page offers it), else None."""
    path = lesson_path(1)
    loaded = _load(1, path.stat().st_mtime, str(path)) if path.is_file() else None
    return loaded if isinstance(loaded, Lesson) else None


def active() -> tuple[Lesson, int] | None:
    """The lesson and stop index (0-based) named by the URL, or None in free exploration."""
    if LESSON_PARAM not in st.query_params:
        return None
    number = parse_number(st.query_params.get(LESSON_PARAM), 1, MAX_LESSON)
    path = lesson_path(number or 1)
    loaded = _load(number, path.stat().st_mtime, str(path)) if number and path.is_file() else UserInputError(
        "This link names no lesson; the app is in free exploration.",
        "このリンクのレッスンはありません。自由に探索するモードで開きました。")
    if isinstance(loaded, UserInputError):
        st.session_state["_lesson_error"] = loaded
        return None
    stop = parse_number(st.query_params.get(STOP_PARAM, "1"), 1, len(loaded.stops))
    if stop is None:
        st.session_state["_lesson_note"] = True  # a stale stop number: start from the first stop
        stop = 1
    return loaded, stop - 1


def start(number: int = 1, stop: int = 0) -> None:
    """Button callback: open lesson `number` at `stop` (0-based). Only our two parameters are written:
    the widget-bound ones (lang, present, the page's settings) belong to their widgets."""
    st.query_params[LESSON_PARAM] = str(number)
    st.query_params[STOP_PARAM] = str(stop + 1)


def _leave() -> None:
    """Back to free exploration, on the page and widget values now shown."""
    for key in (LESSON_PARAM, STOP_PARAM):
        st.query_params.pop(key, None)
    st.session_state.pop(_APPLIED, None)


def _apply(lesson: Lesson, index: int, lang: str) -> None:
    """Write the stop's widget values once per (lesson, stop, language): the teacher may change them after."""
    marker = (lesson.number, index, lang)
    if st.session_state.get(_APPLIED) == marker:
        return
    for key, value in lesson.stops[index].values(lang).items():
        st.session_state[key] = value
    st.session_state[_APPLIED] = marker


def blame(exc: BaseException) -> bool:
    """A page raised `exc`. If this lesson stop wrote widget values (and they were not dropped before), they
    are the likely cause (chain_n = 10**18, "three", [1, 2, 3]): drop them, keep a message naming the stop
    and rerun, so the page opens with its own values under that message. False: not the lesson's doing."""
    stop, marker = target(), st.session_state.get(_APPLIED)
    if stop is None or marker is None or st.session_state.get("_lesson_blamed") == marker:
        return False
    keys = list(stop.values(marker[2]))
    if not keys:
        return False
    named = _keys_in_traceback(exc, keys) or keys
    for key in keys:
        st.session_state.pop(key, None)
    st.session_state["_lesson_blamed"] = marker  # once: a page that fails again without them has its own bug
    st.session_state["_lesson_error"] = unusable_values(marker[1] + 1, named)
    st.rerun()
    return True  # not reached: st.rerun raises


def _keys_in_traceback(exc: BaseException, keys: list[str]) -> list[str]:
    """The stop's keys that a frame of `exc`'s traceback was handling (Streamlit's widget calls have `key`)."""
    found, tb = [], exc.__traceback__
    while tb is not None:
        key = tb.tb_frame.f_locals.get("key")
        if isinstance(key, str) and key in keys and key not in found:
            found.append(key)
        tb = tb.tb_next
    return found


def target() -> Stop | None:
    return st.session_state.get("_lesson_target")


def diagram_part(stop: Stop) -> str | None:
    """The part of GPT-1's diagram `stop` lights, or None."""
    return stop.diagram_part()


def follow() -> None:
    """Called at the top of every page: switch to the stop's page if this is not it."""
    stop = target()
    if stop is None:
        return
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    page = st.Page(stop.page, url_path=url_path(stop.page))
    if ctx is not None and ctx.page_script_hash != page._script_hash:
        # The link's own values go along (a stale stop number is noted again there); `?lesson=1` alone is stop 1.
        number, index = st.session_state.get("_lesson_at", (1, 0))
        st.switch_page(page, query_params={LESSON_PARAM: st.query_params.get(LESSON_PARAM) or str(number),
                                           STOP_PARAM: st.query_params.get(STOP_PARAM) or str(index + 1)})


def panel(lang: str) -> Stop | None:
    """Draw the lesson panel at the top of the page; return the current stop (None: free exploration)."""
    found = active()
    st.session_state["_lesson_target"] = None
    err = st.session_state.pop("_lesson_error", None)
    if err is not None:
        st.warning(inert(err.message(lang)), icon=":material/error:")  # it may quote the file's page name
    if found is None:
        return None
    lesson, i = found
    stop = lesson.stops[i]
    _apply(lesson, i, lang)
    st.session_state["_lesson_target"] = stop
    st.session_state["_lesson_at"] = (lesson.number, i)
    idx = 0 if lang == "en" else 1
    n = len(lesson.stops)
    part = diagram_part(stop)
    # Compact, so the page's chart stays on a projector's first screen: "k / n · title", the point and the
    # question, three buttons; from positional encoding on, GPT-1's diagram sits beside them (collapsible).
    with st.container(border=True, key="lesson_panel"):
        if st.session_state.pop("_lesson_note", False):
            st.caption(T.t("lesson_bad_stop", lang))
        text_col, fig_col = st.columns([3.1, 1]) if part else (st.container(), None)
        with text_col:
            # A lesson file's texts keep **bold**, *italics* and `code`; inert() leaves no image, link or HTML.
            title = f"**{LT.t('stop_of', lang, k=i + 1, n=n)} · {inert(stop.title[idx])}**"
            point = f"{inert(stop.point[idx])}  \n**{T.t('lesson_question', lang)}** {inert(stop.question[idx])}"
            if fig_col is None:  # title and buttons share a row
                head = st.columns([3.2, 1.1, 1, 1.45], vertical_alignment="center")
                head[0].container(key="lesson_title").markdown(title)
                buttons = head[1:]
                st.markdown(point)
            else:  # a narrower column beside the diagram: the buttons go under the text, which keeps its width
                st.container(key="lesson_title").markdown(title)
                st.markdown(point)
                buttons = st.columns([1, 1, 1.3, 1.2])[:3]
            _buttons(buttons, lesson, i, lang)
        if fig_col is not None:
            with fig_col.expander(LT.t("diagram", lang), expanded=True):
                st.plotly_chart(diagram(part, lang), key="lesson_diagram", config={"displayModeBar": False,
                                                                                    "staticPlot": True})
    return stop


def _buttons(cols: list, lesson: Lesson, i: int, lang: str) -> None:
    """Previous / Next / Explore freely, one per column."""
    n = len(lesson.stops)
    cols[0].button(T.t("lesson_prev", lang), key="lesson_prev", disabled=i == 0, on_click=start,
                   args=(lesson.number, i - 1), icon=":material/arrow_back:", width="stretch")
    cols[1].button(T.t("lesson_next", lang), key="lesson_next", disabled=i == n - 1, on_click=start,
                   args=(lesson.number, i + 1), icon=":material/arrow_forward:", type="primary", width="stretch")
    cols[2].button(T.t("lesson_leave", lang), key="lesson_leave", on_click=_leave, icon=":material/explore:",
                   help=T.t("lesson_leave_help", lang), width="stretch")


def diagram(part: str, lang: str):
    """GPT-1's architecture with `part` highlighted, labelled in `lang` (core.charts.gpt_diagram)."""
    text = DiagramText({b: LT.t(b, lang) for b in BOXES}, LT.t("layers", lang))
    return gpt1_diagram(text, part, n_layer=12, height=180, font_size=11)  # a map beside the point: small type
