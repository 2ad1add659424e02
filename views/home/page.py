"""Home: the map from language models to GPT-1, linking every page."""
import streamlit as st

from ui import lesson, shell
from ui.registry import PAGES, SECTIONS
from ui.texts.common import T as COMMON
from views.home.texts import T

lang = shell.lang()
idx = 0 if lang == "en" else 1
st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
st.caption(T.t("how", lang))


def _start_presenting() -> None:
    st.session_state["present"] = True
    lesson.start(1, 0)


first = lesson.first_lesson()
if first is not None:
    with st.container(border=True, key="home_lesson"):
        st.subheader(T.t("lesson_h", lang), anchor=False)
        st.markdown(T.t("lesson_intro", lang, n=len(first.stops)))
        c1, c2, _ = st.columns([1, 1, 2])
        c1.button(T.t("lesson_start", lang), key="home_lesson_start", type="primary", icon=":material/school:",
                  on_click=lesson.start, args=(1, 0), width="stretch")
        c2.button(T.t("lesson_start_present", lang), key="home_lesson_present", icon=":material/co_present:",
                  on_click=_start_presenting, width="stretch")

for n, section in enumerate(s for s in SECTIONS if s != "sec_start"):
    st.subheader(f"{n + 1}. {COMMON.t(section, lang)}", divider="gray")
    st.markdown(T.t(f"{section}_story", lang))
    entries = [p for p in PAGES if p.section == section]
    for col, entry in zip(st.columns(len(entries)), entries):
        with col.container(border=True, height="stretch"):
            if entry.exists():
                st.page_link(entry.path, label=f"**{entry.title[idx]}**", icon=entry.icon)
            else:
                st.markdown(f"**{entry.title[idx]}** {T.t('coming', lang)}")
            st.caption(entry.blurb[idx])
