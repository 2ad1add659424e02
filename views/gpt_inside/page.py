"""Inside the GPT's prediction on your text: the next-token distribution and a sampler, the logit lens, head
knockouts."""
import streamlit as st

from core.textcheck import check_text
from ui import shell
from ui.safe import plain
from ui.shared_state import get_gpt
from ui.texts.common import T as COMMON
from views.gpt_inside.sections import knockout, lens, next_token
from views.gpt_inside.texts import T

lang = shell.lang()
MAX_CHARS = 2000  # a prompt or a paragraph; the model reads at most its context anyway
VIEWS = {"next": next_token, "lens": lens, "knockout": knockout}

st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
c_text, c_view = st.columns([2.4, 1.6])
raw = c_text.text_area(T.t("text", lang), T.t("default_text", lang), key="inside_text", bind="query-params",
                       height=68)
view = c_view.radio(T.t("view", lang), list(VIEWS), key="inside_view", bind="query-params", horizontal=True,
                    format_func=lambda v: T.t(f"view_{v}", lang))
gpt = get_gpt(lang)  # the live-trained GPT, else the one shipped with the app
if gpt is None:
    st.caption(T.t("no_gpt", lang))
    st.stop()
c_view.caption(T.t("model", lang, label=plain(gpt.label)))
checked = check_text(raw, max_chars=MAX_CHARS, allow_empty=True)  # empty: each section says what it does then
if checked.truncated:
    st.caption(COMMON.t("text_truncated", lang, n=MAX_CHARS))
VIEWS[view](gpt, checked.text, lang)
