"""The frame around every page: language switch (kept in the URL), device, and error display.

app.py calls `sidebar()` once per rerun, before navigation, so every page shares one language and
one device setting; pages read them with `lang()` and `device()`.

Pages live in `views/`, not `pages/`: Streamlit 1.67 decides once per process, from whether a folder
named `pages/` sits beside the main script (PagesManager.uses_pages_directory, "a relic of v1" in its
source), to run a fresh server's first direct page link through its legacy v1 handling, which skips
app.py (no language switch, raw file names in the sidebar). With no such folder the flag is False from
the start and st.navigation (file paths from ui.registry) serves every link through app.py; no
Streamlit internals are touched. tests/e2e/test_a_fresh_server.py checks it on a fresh server.
"""
from __future__ import annotations

import html

import streamlit as st
import torch

from core.runtime.device import DeviceInfo, device_info, pick_device
from core.errors import UserInputError
from core.i18n import LANG_NAMES, LANGS, normalize_lang
from ui.safe import inert
from ui.texts.common import T
from ui import lesson, presenter  # kept apart from the lines above, which others edit
from ui import export, links, owner

LANG_KEY = "lang"  # also the URL query parameter: ?lang=日本語 (or ?lang=ja) opens the app in Japanese
FORCE_CPU_KEY = "force_cpu"


def device_text(info, lang: str) -> str:
    """A core.runtime.device.DeviceInfo in the page's language: "CPU · 2 threads" / "CPU · 2 スレッド", or the
    GPU's name."""
    if info.kind != "cpu":
        return info.label()
    return T.t("device_cpu_1", lang) if info.threads == 1 else T.t("device_cpu", lang, n=info.threads)


def lang() -> str:
    """The UI language; called first by every page, so it also takes a lesson to its stop's page."""
    lesson.follow()
    code = normalize_lang(st.session_state.get(LANG_KEY))
    presenter.tab_title(code)  # the browser tab follows the language
    return code


def _lang_from_code() -> None:
    """?lang=ja (the code, as people type it) works like ?lang=日本語 (the switch's label, as Streamlit binds it)."""
    raw = st.query_params.get(LANG_KEY)
    if raw in LANGS and LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = raw  # Streamlit drops "ja" from the URL; the link box puts the label back


def device() -> torch.device:
    return pick_device(force_cpu=bool(st.session_state.get(FORCE_CPU_KEY, False)))


@st.cache_resource(max_entries=4)  # one per device kind: cpu, cuda, mps
def _device_info(kind: str) -> DeviceInfo:
    return device_info(torch.device(kind))


def link_box(code: str) -> None:
    """"Link to this view": the browser's own address (every bound widget is in it), with a copy button.

    Read in the browser rather than built here: the page's widgets write the URL after the sidebar is drawn.
    The HTML is a constant plus two of our own labels; no user text goes into it.
    """
    label, copy, done = (html.escape(T.t(k, code)) for k in ("link_label", "link_copy", "link_copied"))
    st.html(_LINK_HTML.format(label=label, copy=copy, done=done, lang=LANG_NAMES[code]), unsafe_allow_javascript=True)


_LINK_HTML = """
<div style="font-size:0.85rem">
<label for="atlas-link" style="display:block;margin-bottom:2px">{label}</label>
<input id="atlas-link" data-lang="{lang}" readonly style="width:100%;font-size:0.8rem;padding:3px">
<button id="atlas-copy" type="button" style="margin-top:4px;font-size:0.85rem">{copy}</button>
</div>
<script>
(function () {{
  // The address with the language in it even when the URL has none yet (Streamlit drops ?lang=ja).
  const here = (box) => {{
    const u = new URL(window.location.href), lang = box.dataset.lang;
    // the training's lease (ui/train_session.py): a shared link shares the view, not the run
    u.searchParams.delete("run");
    if (!u.searchParams.has("lang") && lang !== "English") u.searchParams.set("lang", lang);
    return u.toString();
  }};
  const box = document.getElementById("atlas-link"), btn = document.getElementById("atlas-copy");
  if (!box || !btn) return;
  box.value = here(box);
  box.onfocus = () => {{ box.value = here(box); box.select(); }};
  if (!window.__atlasLinkTimer) window.__atlasLinkTimer = setInterval(() => {{
    const b = document.getElementById("atlas-link");
    if (b && document.activeElement !== b) b.value = here(b);
  }}, 1000);
  btn.onclick = () => {{
    box.value = here(box); box.select();
    const ok = () => {{ btn.textContent = "{done}"; setTimeout(() => {{ btn.textContent = "{copy}"; }}, 1500); }};
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(box.value).then(ok, ok);
    else {{ document.execCommand("copy"); ok(); }}
  }};
}})();
</script>
"""


def sidebar() -> str:
    """Draw the shared sidebar, the lesson panel and the presenter view; return the language in use."""
    export.install()  # every chart's PNG: a file name and 2x scale (idempotent)
    links.install()  # a link's value a widget cannot take is dropped with a note, never raised (idempotent)
    _lang_from_code()
    links.remember()  # the link's values, before any widget takes them; the note's place at the top
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
        code = normalize_lang(st.session_state.get(LANG_KEY))
        presenter.toggle(code)
        info = _device_info(device().type)
        shown = device_text(info, code)
        st.caption(f"{T.t('device', code)}: **{shown}**")
        st.toggle(T.t("force_cpu", code), key=FORCE_CPU_KEY, help=T.t("force_cpu_help", code),
                  disabled=info.kind == "cpu" and not st.session_state.get(FORCE_CPU_KEY))
        link_box(code)
        owner.install()  # this browser's secret (a cookie): what makes a run token in a URL its own
    if presenter.presenting():
        st.set_page_config(initial_sidebar_state="collapsed")
    stop = lesson.panel(code)
    presenter.apply(stop.hide if stop else (), code)
    return code


def show_error(err: UserInputError) -> None:
    st.warning(inert(err.message(lang())), icon=":material/error:")  # messages may quote file names / ids


def in_range(key: str, lo: int, hi: int) -> None:
    """Before a slider whose range follows the input (a token position in a typed text): the value an earlier run
    kept under `key`, now outside [lo, hi], is pulled to the nearest end. Streamlit keeps a keyed widget's value
    across runs and raises StreamlitValueAboveMaxError when a shorter text lowers the maximum under it."""
    value = st.session_state.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not lo <= value <= hi:
        st.session_state[key] = min(max(value, lo), hi)
