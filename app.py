"""Transformer Atlas: navigation. Run with `make run` (streamlit run app.py)."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import shell
from ui.guard import run_page, start_process
from ui.registry import PAGES, SECTIONS
from ui.texts.common import T

# A local image: a ":material/…:" page icon makes the browser fetch it from a public font host.
ICON = Path(__file__).resolve().parent / "static" / "atlas-icon.png"
st.set_page_config(page_title="Transformer Atlas", page_icon=str(ICON), layout="wide")
start_process()  # once per server process: stale cache temp files removed, shutdown hooks installed

lang = shell.sidebar()
idx = 0 if lang == "en" else 1
sections: dict[str, list] = {}
for entry in PAGES:
    # url_path: every page file is page.py; its folder names its URL, as the file stem did (old links still open)
    page = st.Page(entry.path, title=entry.title[idx], icon=entry.icon, url_path=entry.name,
                   default=entry.path == "views/home/page.py")
    sections.setdefault(T.t(entry.section, lang), []).append(page)
ordered = {T.t(s, lang): sections[T.t(s, lang)] for s in SECTIONS if T.t(s, lang) in sections}
run_page(st.navigation(ordered, expanded=True).run)
