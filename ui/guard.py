"""The last-resort handler around every page: no traceback ever reaches the reader.

app.py runs the selected page through `run_page(page.run)`; a fragment's own reruns need `@guarded`. Bad input should
already be a
`UserInputError` caught by the page; anything that still escapes is shown here as one generic message
in the UI language (no raw English exception text in Japanese mode) with a short reference, and the
full traceback goes to the server log under the same reference.

Streamlit's own control flow must pass through untouched: `st.rerun`, `st.stop` and `st.switch_page`
raise subclasses of `ScriptControlException` (a BaseException, so `except Exception` does not see
them), and a fragment that already showed its error raises `FragmentHandledException` to tell the
script runner; both are re-raised.
"""
from __future__ import annotations

import functools
import logging
import uuid
from typing import Callable, TypeVar

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from core.errors import UserInputError
from core.i18n import normalize_lang
from core.runtime import private
from core.runtime.threads import for_interactive
from ui.texts.guard import T
from ui.links import after_page

log = logging.getLogger("atlas.guard")
F = TypeVar("F", bound=Callable[..., object])


def _lang() -> str:
    # Not ui.shell.lang(): that may rerun, and a handler must not raise.
    try:
        return normalize_lang(st.session_state.get("lang"))
    except Exception:  # noqa: BLE001 - no session state (bare mode): English
        return "en"


def show_unexpected(exc: BaseException) -> str:
    """Log `exc` with its traceback under a new reference; show the generic message. Returns the reference."""
    ref = uuid.uuid4().hex[:8]
    log.error("page failed [ref %s]", ref, exc_info=(type(exc), exc, exc.__traceback__))
    lang = _lang()
    st.error(T.t("unexpected", lang) + "\n\n" + T.t("reference", lang, ref=ref), icon="⚠️")
    return ref


def run_page(run: Callable[[], None], after: bool = True) -> None:
    """Run a page; show any exception it lets escape as a bilingual message instead of a traceback.

    A page's run starts and ends with no private scope current (core.runtime.private: ui.corpus_picker
    makes an upload's current for the rest of the run), so no callback, fragment or later page of this
    script thread works in a scope it did not ask for."""
    for_interactive()  # small torch work in a rerun: one thread (two collapse when the cores are shared)
    if after:
        private.enter(None)
    try:
        _run(run, after)
    finally:
        if after:
            private.enter(None)


def _run(run: Callable[[], None], after: bool) -> None:
    try:
        run()
    except StopException:
        if after:
            after_page()  # the page stopped early (st.stop): its widgets are drawn, its link values decided
        raise
    except (ScriptControlException, FragmentHandledException):
        raise  # st.rerun / st.stop / st.switch_page, or a fragment error Streamlit has shown already
    except UserInputError as e:  # a page that forgot its try: still the clear message
        st.warning(e.message(_lang()), icon="⚠️")
    except Exception as e:  # noqa: BLE001 - the point of a last resort
        from ui.lesson import blame  # a lesson stop's widget values the page cannot take: named, then dropped

        if not blame(e):  # (blame reruns the page when it was the lesson's doing)
            show_unexpected(e)
    if after:  # not for a fragment (@guarded): the page around it is not done yet
        after_page()  # ui.links: a note naming the link values the page's widgets could not use


def guarded(fn: F) -> F:
    """The same last resort for a fragment, whose timed reruns (`run_every`) do not pass through app.py:

        @st.fragment(run_every=2.0)
        @guarded
        def live() -> None: ...
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        result = None

        def call() -> None:
            nonlocal result
            result = fn(*args, **kwargs)

        run_page(call, after=False)
        return result

    return wrapper  # type: ignore[return-value]


@st.cache_resource(show_spinner=False)
def start_process() -> int:
    """Once per server process (app.py): remove `.tmp-*` files a killed writer left in the disk cache,
    hook background jobs' stop callbacks to server shutdown, start the training leases' reaper (which
    also trims freed memory) and import what threads must not import concurrently. Returns how many
    temp files went."""
    from core.runtime import shutdown
    from core.runtime.diskcache import clean_stale_tmp
    from core.runtime.gcpolicy import freeze_if_imported
    from core.runtime.sessions import LEASES
    from ui.memory import start as start_idle_keeper
    from ui.server_loop import call_on_main

    # plotly imports pandas lazily, inside the first figure built: two sessions' threads building their
    # first figures at once raced on it ("partially initialized module 'pandas'", seen in bench/soak.py).
    # Imported here, once, before any page runs.
    import pandas  # noqa: F401 - imported for that side effect
    import plotly.graph_objects  # noqa: F401 - imported for that side effect

    shutdown.install(call_on_main=call_on_main)  # SIGTERM stops jobs at once (ui.server_loop: set from the main thread)
    shutdown.register(LEASES.close_all)  # a server stop stops the trainings that wait for a reload
    LEASES.start_reaper()  # also hands freed memory back to the OS every 30 s (sessions.trim_memory)
    start_idle_keeper()  # every tab closed for a while: the process-wide caches go (ui/memory.py)
    # the imports above are permanent: Streamlit's gc after each run skips them (core.runtime.gcpolicy)
    freeze_if_imported()
    try:
        removed = clean_stale_tmp()
    except OSError:  # an unreadable cache folder must not keep the app from starting
        removed = 0
    if removed:
        log.info("removed %d stale temporary cache files", removed)
    return removed
