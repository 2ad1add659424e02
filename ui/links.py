"""Links that reopen a view, and a note when a link's values cannot be used.

Widgets bound with `bind="query-params"` take their value from the URL when a session opens. A value the
widget cannot take (an unknown option, out of range, too long, not a number) Streamlit drops silently:
the view opens with defaults and nobody knows why. We tell the reader:

1. `remember()` (ui.shell, before any widget, on a session's first run): keep the link's raw values.
2. the page builds its widgets; Streamlit seeds them from the URL, or drops the value.
3. `after_page()` (ui.guard.run_page after the page; st.stop(), wrapped by `install()`, before it stops): for each remembered key that
   a widget on this page now owns (`key in st.session_state`), compare the widget's value with the
   link's. Equal, or still in the URL untouched: taken. Different: reset (or clamped, or cut), and the
   note placed by `remember()` at the top of the page names the key and the value it could not use.

0. `install()` (ui.shell, once per process): Streamlit's own URL seeding takes each widget's options, range
   and type, but a few values make it raise instead of refusing (`?seed=1e999` or 400 digits on a
   number_input: int(inf) is an OverflowError, which it does not catch; the page ends in the error box).
   The seeding is wrapped once for every bound widget: a value it cannot take, or longer than
   MAX_VALUE_CHARS, is dropped from the URL as Streamlit drops any invalid value, and step 3 reports it.

This works for every bound widget without knowing its options: the comparison is on values, which
works for numbers, booleans, text, ranges and lists. (An option label typed by hand that equals the
default is also dropped by Streamlit and would be reported; Streamlit never writes defaults into a link.)
Keys of other pages stay remembered until their page runs: a lesson link can carry several pages' keys.
"""
from __future__ import annotations

import functools
import logging
import math
import threading

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state.session_state import SessionState

from core.lesson import KEY_RE
from ui.safe import plain
from ui.texts.export import T

log = logging.getLogger("atlas.links")
PENDING_KEY = "_atlas_link_values"  # session key: {param: [raw values]} from the link that opened the session
SHELL_PARAMS = ("lang", "present", "embed", "embed_options")  # handled by the shell or by Streamlit itself
MAX_SHOWN = 24  # characters of a rejected value quoted in the note
# The longest value a link may give one widget: a text box's own check keeps 2,000 characters (core.textcheck),
# an option label or a number is far shorter. Longer values are not read at all.
MAX_VALUE_CHARS = 4000
_slot = threading.local()  # this run's placeholder (one script thread per run; never shared across sessions)


def install() -> None:
    """Wrap Streamlit's URL seeding of bound widgets once per process (idempotent); see step 0 above."""
    seed = getattr(SessionState, "_seed_widget_from_url", None)
    if seed is None:  # a Streamlit without it: say so in the log (tests/test_links.py fails on it too)
        log.warning("Streamlit has no SessionState._seed_widget_from_url: URL values are not guarded")
        return
    if not getattr(seed, "_atlas_guarded", False):
        SessionState._seed_widget_from_url = _guarded(seed)
    if not getattr(st.stop, "_atlas_noted", False):
        st.stop = _noting_stop(st.stop)


def _noting_stop(stop):
    """st.stop() that first places the link note: once it has run, the stopped script can draw nothing more
    (in Streamlit 1.67 every later st.* call, st.session_state included, raises StopException again)."""
    @functools.wraps(stop)
    def noting_stop():
        after_page()
        stop()

    noting_stop._atlas_noted = True
    return noting_stop


def _guarded(seed):
    @functools.wraps(seed)
    def guarded_seed(self, metadata, user_key, widget_id, url_value):
        values = url_value if isinstance(url_value, list) else [url_value]
        try:
            if sum(len(v) for v in values) > MAX_VALUE_CHARS:
                raise ValueError(f"{sum(len(v) for v in values)} characters")
            return seed(self, metadata, user_key, widget_id, url_value)
        except Exception as e:  # noqa: BLE001 - whatever the widget cannot take is dropped, never raised
            log.info("URL value for %r not usable (%s): dropped", user_key, type(e).__name__)
            self._clear_url_param(user_key)
            return False

    guarded_seed._atlas_guarded = True
    return guarded_seed


def remember() -> None:
    """First run of a session: keep the link's values; every run: place the (empty) note at the top."""
    if PENDING_KEY not in st.session_state:
        st.session_state[PENDING_KEY] = {k: st.query_params.get_all(k) for k in st.query_params
                                         if k not in SHELL_PARAMS and KEY_RE.fullmatch(k)}
    _slot.note = st.empty() if st.session_state[PENDING_KEY] else None


def _same(value: object, raw: str) -> bool:
    if isinstance(value, bool):
        return raw.strip().lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            return math.isclose(float(raw), float(value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return str(value) == raw


def matches(value: object, raw: list[str]) -> bool:
    """Does a widget's `value` say what the link's `raw` strings said?

    >>> matches(3, ["3"]), matches(3, ["99"]), matches((-4.0, 4.0), ["-4", "4"]), matches(True, ["true"])
    (True, False, True, True)
    >>> matches(["bpe", "chars"], ["bpe", "bogus"]), matches("word", ["word"])
    (False, True)
    """
    if isinstance(value, (list, tuple)):
        return len(value) == len(raw) and all(_same(v, r) for v, r in zip(value, raw))
    return len(raw) == 1 and _same(value, raw[0])


def rejected(pending: dict[str, list[str]], state, url) -> list[tuple[str, str]]:
    """The (key, raw value) pairs of `pending` whose widget exists in `state` but did not take the value.
    Keys decided here leave `pending`."""
    out = []
    for key in [k for k in pending if k in state]:
        raw = pending.pop(key)
        if url.get_all(key) == raw or matches(state[key], raw):
            continue
        out.append((key, ", ".join(raw)))
    return out


def after_page() -> None:
    """After the page: show which of the link's values its widgets could not use. Never raises."""
    try:
        ctx = get_script_run_ctx()
        slot = getattr(_slot, "note", None)
        if slot is None or (ctx is not None and ctx.fragment_ids_this_run):
            return  # nothing remembered, or a fragment's own rerun (the slot is outside it)
        pending = st.session_state.get(PENDING_KEY) or {}
        bad = rejected(pending, st.session_state, st.query_params)
        if bad:
            lang = st.session_state.get("lang")
            # Each key (a widget on this page) and each value quoted short: every reset key is named, however many.
            items = "; ".join(f"{plain(k)} = “{plain(v, MAX_SHOWN)}”" for k, v in bad)
            slot.warning(T.t("link_reset", lang if lang in ("en", "ja") else "en", items=items),
                         icon=":material/link_off:")
        _slot.note = None
    except Exception:  # noqa: BLE001 - a note must never break the page it annotates
        log.exception("link check failed")


def keep_in_range(key: str, lo: int, hi: int) -> None:
    """Before a bound slider whose range follows the data (a token position in a text the reader types): clamp the
    value the session keeps for `key` into [lo, hi]. The value outlives a run without the slider, and Streamlit
    raises (StreamlitValueAboveMaxError: the page's error box, on every rerun) when it draws the slider again with
    a kept value out of range: the last of 19 tokens chosen, the text cut to one token (no slider), then three
    (bench/class_load.py's students on the Multi-head page; tests/test_links.py). A value in range is left alone."""
    value = st.session_state.get(key)
    if isinstance(value, (int, float)) and not lo <= value <= hi:
        st.session_state[key] = min(max(int(value), lo), hi)
