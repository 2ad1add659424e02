"""Compare tokenizers: one typed sentence through human-defined and learned tokenizers, side by side."""
import html

import streamlit as st

from core.charts.tokens import CHIP_CSS, chips_html, md_escape
from core.errors import UserInputError
from core.textcheck import check_text
from core.tokenizers.compare import HUMAN, ROWS, Row, learned_row, tokenize_row
from core.tokenizers.compare_job import DEFAULT_VOCAB
from core.tokenizers.hf import LOCAL_MINILM, HFTokenizer, load_hf
from core.tokenizers.production import KEYS as PROD_KEYS
from ui import shell
from ui import export
from ui import tok_production as prod
from ui.corpus_picker import pick_corpus
from ui.texts.common import T as COMMON
from ui.texts.tok_production import T as PROD
from ui.texts.tokenizers import T as NAMES
from views.tok_compare.texts import T
from views.tok_compare.tok_sudachi import three_modes
from views.tok_compare.tokenizer_jobs import comparison_toolkit

lang = shell.lang()
PRESETS = ["p_giants", "p_rain", "p_en", "p_mixed", "p_emoji"]


@st.cache_resource(max_entries=4, show_spinner=False)
def hf_tokenizer(name: str) -> HFTokenizer:
    return load_hf(name)


def use_preset() -> None:
    preset = st.session_state["tokc_preset"]
    if preset != "custom":
        st.session_state["tokc_text"] = T.t(preset, lang)


def draw_row(name: str, desc: str, row: Row, show_ids: bool) -> None:
    st.markdown(f"**{name}** — {T.t('stats', lang, n=row.n_tokens, cpt=row.chars_per_token, unk=row.n_unknown)}")
    st.caption(desc)
    if row.normalized is not None:
        st.markdown(f'<div class="tk-norm">{html.escape(T.t("normalized", lang))} '
                    f'<code>{html.escape(row.normalized)}</code></div>', unsafe_allow_html=True)
    st.markdown(chips_html(row.tokens, show_ids, more=NAMES.t("more", lang)), unsafe_allow_html=True)


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

# First screen: the sentence and the token rows; the corpus, vocabulary size and HF tokenizer in an expander.
left, right = st.columns([1.2, 3], vertical_alignment="bottom")
default = "p_giants" if lang == "ja" else "p_en"
st.session_state.setdefault("tokc_text", T.t(default, lang))
left.selectbox(T.t("preset", lang), PRESETS + ["custom"], index=PRESETS.index(default), key="tokc_preset",
               bind="query-params", format_func=lambda p: T.t("preset_custom", lang) if p == "custom" else T.t(p, lang),
               on_change=use_preset)
show_ids = left.toggle(T.t("show_ids", lang), value=True, key="tokc_ids", bind="query-params")
raw_text = right.text_area(T.t("text", lang), key="tokc_text", bind="query-params", height=100,
                           help=T.t("text_help", lang))
top = st.container()  # the token rows
with st.expander(T.t("settings", lang)):
    picked = pick_corpus("tokc", default=lang)
    vocab = st.number_input(T.t("vocab", lang), min_value=50, max_value=50_000, step=250,
                            value=DEFAULT_VOCAB.get(picked.lang_hint, 1000), key="tokc_vocab", bind="query-params",
                            help=T.t("vocab_help", lang))
    prod_keys = st.multiselect(PROD.t("pick", lang), list(PROD_KEYS), default=list(PROD_KEYS), key="tokc_prod",
                               format_func=lambda k: prod.name(k, lang), help=PROD.t("pick_help", lang))
    hf_on = st.toggle(T.t("hf_on", lang), value=False, key="tokc_hf_on", bind="query-params")
    hf_name = st.text_input(T.t("hf_name", lang), value=LOCAL_MINILM, key="tokc_hf_name", bind="query-params",
                            help=T.t("hf_help", lang), disabled=not hf_on)

try:
    checked = check_text(raw_text)
    kit = comparison_toolkit(picked.text, int(vocab), lang)  # shipped/cached at once, else a background job
except UserInputError as e:
    shell.show_error(e)
    st.stop()
if checked.truncated:
    st.caption(COMMON.t("text_truncated", lang, n=len(checked.text)))
if checked.removed_controls:
    st.caption(COMMON.t("controls_removed", lang, n=checked.removed_controls))
for key in kit.learned:
    note = kit.learned[key].note
    if note is not None:
        st.info(T.t("size_note", lang, name=NAMES.t(f"name_{key}", lang), msg=note.message(lang)),
                icon=":material/info:")

text = checked.text
rows = {key: tokenize_row(key, kit, text) for key in kit.rows()}
names = {key: NAMES.t(f"name_{key}", lang) for key in ROWS}
descs = {key: T.t(f"desc_{key}", lang) for key in ROWS}
if hf_on:
    try:
        with st.spinner(T.t("hf_loading", lang)):
            hf = hf_tokenizer(hf_name)
        rows["hf"] = learned_row("hf", hf, text)
        names["hf"], descs["hf"] = T.t("hf_row", lang, name=md_escape(hf_name)), T.t("hf_desc", lang)
    except UserInputError as e:
        shell.show_error(e)

with top:
    st.markdown(CHIP_CSS, unsafe_allow_html=True)
    for key, row in rows.items():
        draw_row(names[key], descs[key], row, show_ids)
    st.caption(T.t("legend", lang))
    tokens = prod.loaded(prod_keys, lang)  # the installed ones; a missing one says what to run
    made = prod.production_rows(tokens, text)
    prod.draw_rows(made, tokens, show_ids, lang)
for key, row in made.items():
    if not isinstance(row, UserInputError):
        rows[key], names[key] = row, prod.name(key, lang)
st.subheader(T.t("summary", lang))
st.dataframe([{T.t("col_tok", lang): names[k],
               T.t("col_kind", lang): (PROD.t("kind", lang) if k in PROD_KEYS
                                       else T.t("kind_human" if k in HUMAN else "kind_learned", lang)),
               T.t("col_n", lang): r.n_tokens, T.t("col_cpt", lang): round(r.chars_per_token, 2),
               T.t("col_unk", lang): r.n_unknown, T.t("col_vocab", lang): r.vocab_size}
              for k, r in rows.items()], hide_index=True, key="tokc_table")
export.csv_button(export.token_rows(rows, names, lang), "tokenizer_tokens", lang, key="tokc_csv")
prod.premium_section(tokens, kit, picked.key, picked.name, int(vocab), lang)
three_modes(text, lang)
