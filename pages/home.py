"""Home: the map from language models to GPT-1, linking every page."""
import streamlit as st

from ui import shell
from ui.registry import PAGES, SECTIONS
from ui.texts.common import T as COMMON
from ui.texts.home import T

lang = shell.lang()
idx = 0 if lang == "en" else 1
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
st.header(T.t("journey", lang))

for n, section in enumerate(s for s in SECTIONS if s != "sec_start"):
    st.subheader(f"{n + 1}. {COMMON.t(section, lang)}")
    st.markdown(T.t(f"{section}_story", lang))
    for entry in (p for p in PAGES if p.section == section):
        if entry.exists():
            st.page_link(entry.path, label=f"**{entry.title[idx]}** — {entry.blurb[idx]}", icon=entry.icon)
        else:
            st.markdown(f"- {entry.title[idx]} — {entry.blurb[idx]} {T.t('coming', lang)}")
