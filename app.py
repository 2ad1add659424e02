"""Transformer Atlas: navigation. Run with `make run` (streamlit run app.py)."""
from __future__ import annotations

import streamlit as st

from ui import shell
from ui.registry import SECTIONS, available_pages
from ui.texts.common import T

st.set_page_config(page_title="Transformer Atlas", page_icon=":material/hub:", layout="wide")

lang = shell.sidebar()
idx = 0 if lang == "en" else 1
sections: dict[str, list] = {}
for entry in available_pages():
    page = st.Page(entry.path, title=entry.title[idx], icon=entry.icon, default=entry.path == "pages/home.py")
    sections.setdefault(T.t(entry.section, lang), []).append(page)
ordered = {T.t(s, lang): sections[T.t(s, lang)] for s in SECTIONS if T.t(s, lang) in sections}
st.navigation(ordered, expanded=True).run()
