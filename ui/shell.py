"""The frame around every page: language switch (kept in the URL), device, and error display.

app.py calls `sidebar()` once per rerun, before navigation, so every page shares one language and
one device setting; pages read them with `lang()` and `device()`.
"""
from __future__ import annotations

import streamlit as st
import torch

from core.runtime.device import DeviceInfo, device_info, pick_device
from core.errors import UserInputError
from core.i18n import LANG_NAMES, LANGS, normalize_lang
from ui.safe import inert
from ui.texts.common import T

LANG_KEY = "lang"  # also the URL query parameter: ?lang=日本語 opens the app in Japanese
FORCE_CPU_KEY = "force_cpu"
_REROUTED_KEY = "_shell_rerouted"


def _through_app() -> None:
    """Make sure the page runs inside app.py (sidebar, language, navigation).

    On a fresh server, the first session that opens a page by direct link (…/lm_ngram?lang=日本語) is run
    by Streamlit's legacy `pages/` folder handling, which skips app.py: no language switch, raw file names
    in the sidebar. app.py's st.navigation turns that handling off for the process; until then we turn it
    off here and rerun once, so the same URL goes through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get(_REROUTED_KEY):
        PagesManager.uses_pages_directory = False
        st.session_state[_REROUTED_KEY] = True
        st.rerun()


def lang() -> str:
    _through_app()
    return normalize_lang(st.session_state.get(LANG_KEY))


def device() -> torch.device:
    return pick_device(force_cpu=bool(st.session_state.get(FORCE_CPU_KEY, False)))


@st.cache_resource
def _device_info(kind: str) -> DeviceInfo:
    return device_info(torch.device(kind))


def sidebar() -> str:
    """Draw the shared sidebar; return the language in use."""
    with st.sidebar:
        st.segmented_control(
            "Language / 言語",
            options=list(LANGS),
            format_func=lambda code: LANG_NAMES[code],
            key=LANG_KEY,
            default="en",
            bind="query-params",
            required=True,
        )
        code = lang()
        info = _device_info(device().type)
        st.caption(f"{T.t('device', code)}: **{info.label()}**")
        st.toggle(T.t("force_cpu", code), key=FORCE_CPU_KEY, help=T.t("force_cpu_help", code),
                  disabled=info.kind == "cpu" and not st.session_state.get(FORCE_CPU_KEY))
    return code


def show_error(err: UserInputError) -> None:
    st.warning(inert(err.message(lang())), icon=":material/error:")  # messages may quote file names / ids
