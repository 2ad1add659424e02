"""Normalization measured on the corpus: vocabulary, tokens and held-out perplexity with and without NFKC."""
import streamlit as st

from core.charts.lm import forms_figure
from core.errors import UserInputError
from core.lm.data import corpus_lang
from core.lm.units import show_token
from core.lm.normalize import FormStats, VariantGroup, compare_forms, find_variants
from ui import notes_ngram, shell
from ui.corpus_picker import cached, pick_corpus
from ui.texts.notes_checks import T as NOTES
from views.lm_normalization.notes_checks import normalization_verdict
from views.lm_normalization.texts import T

lang = shell.lang()


@st.cache_data(max_entries=16, show_spinner=False)
def stats(key: str, level: str, clang: str, n: int, forms: tuple, _train: str, _heldout: str) -> list[FormStats]:
    return compare_forms(_train, _heldout, level, clang, n=n, forms=forms)


@st.cache_data(max_entries=16, show_spinner=False)
def variants(key: str, level: str, clang: str, form: str, _text: str) -> list[VariantGroup]:
    return find_variants(_text, level, clang, form)


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
ctrl, top = st.container(), st.container()  # first screen: the settings, then the chart; the corpus below
picked = pick_corpus("norm", default=lang)
clang = corpus_lang(picked.lang_hint, picked.text)
c1, c2, c3 = ctrl.columns(3)
level = c1.radio(T.t("level", lang), ["char", "word"], key="norm_level", bind="query-params",
                 format_func=lambda v: T.t(f"level_{v}", lang))
n = c2.slider(T.t("n", lang), 1, 5, 3, key="norm_n", bind="query-params")
fold = c3.checkbox(T.t("fold", lang), value=clang == "ja", key="norm_fold", bind="query-params")
forms = ("raw", "nfkc", "nfkc_kana") if fold else ("raw", "nfkc")
unit = T.t(f"unit_{level}", lang)

try:
    rows = (notes_ngram.form_stats(picked, level, n, forms)
            or cached(picked, stats, picked.key, level, clang, n, forms, picked.train, picked.heldout))
except UserInputError as e:
    shell.show_error(e)
    st.stop()

names = [T.t(f"form_{r.form}", lang) for r in rows]
left, right = top.columns([1, 1.3])
left.plotly_chart(forms_figure(names, [r.heldout_ppl for r in rows], T.t("chart_title", lang, n=n),
                               T.t("chart_y", lang)), key="norm_chart")
raw, nfkc = rows[0], rows[1]
right.markdown(T.t("summary", lang, v0=raw.vocab, v1=nfkc.vocab, unit=unit, p0=raw.heldout_ppl, p1=nfkc.heldout_ppl,
                   d=100 * (nfkc.heldout_ppl / raw.heldout_ppl - 1)))
right.dataframe([{T.t("col_form", lang): name, NOTES.t("col_chars", lang): r.chars,
                  T.t("col_vocab", lang): r.vocab, T.t("col_train", lang): r.train_tokens,
                  T.t("col_held", lang): r.heldout_tokens, T.t("col_unk", lang): r.heldout_unk,
                  T.t("col_ppl", lang): round(r.heldout_ppl, 2), T.t("col_bpc", lang): round(r.bits_per_char, 4)}
                 for name, r in zip(names, rows)], hide_index=True, key="norm_table")
right.caption(T.t("bpc_note", lang))
with right:
    normalization_verdict(rows, lang)
st.latex(r"p(x_0) + p(x_1) \;\to\; p(x_{01}), \qquad "
         r"-p_0\log_2 p_0 - p_1\log_2 p_1 \;\ge\; -(p_0+p_1)\log_2 (p_0+p_1)")

st.header(T.t("variants_h", lang))
st.markdown(T.t("variants_intro", lang, unit=unit))
groups = cached(picked, variants, picked.key, level, clang, forms[-1], picked.text)  # examples quote the text
if not groups:
    st.info(T.t("no_variants", lang, unit=unit))
else:
    st.dataframe([{T.t("col_normal", lang): show_token(g.normal),
                   T.t("col_variants", lang): "  /  ".join(f"{show_token(s)} ({c})" for s, c in g.surfaces),
                   T.t("col_example", lang): g.example} for g in groups], hide_index=True, key="norm_variants")
