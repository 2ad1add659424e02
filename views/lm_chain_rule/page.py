"""Chain rule on a typed sentence: each token's conditional probability, running product, H and PP."""
import streamlit as st

from core.lm.chain_rule import ChainResult, chain_gpt, chain_ngram
from core.charts.lm import chain_figure
from core.errors import UserInputError
from core.lm.data import LMData, build, corpus_lang
from core.lm.units import show_token, split_units
from core.textcheck import check_text
from ui import shell
from ui import export
from ui.corpus_picker import cached, pick_corpus
from ui.safe import plain
from ui.shared_state import get_gpt
from ui.texts.common import T as COMMON
from views.lm_chain_rule import chain_compare
from views.lm_chain_rule.texts import T

lang = shell.lang()
MAX_CHARS = 500  # one sentence, or a short paragraph: what fits on a projector


@st.cache_resource(max_entries=8, show_spinner=False)
def lm_data(key: str, level: str, clang: str, _train: str, _heldout: str) -> LMData:
    return build(_train, _heldout, level, clang)


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

# First screen: the sentence, unit and n beside it, then the chart; the model, smoothing and corpus below it.
t_col, c2, c3 = st.columns([2.6, 1.2, 1.2])
raw = t_col.text_area(T.t("sentence", lang), T.t("default_sentence", lang), key="chain_text", bind="query-params",
                      height=68)
top = st.container()  # the chart and the numbers
gpt = get_gpt(lang)  # the live-trained GPT, else the one shipped with the app
models = ["ngram"] + (["gpt", "both"] if gpt is not None else [])
MODEL_LABELS = {"ngram": lambda: T.t("model_ngram", lang), "both": lambda: T.t("model_both", lang),
                "gpt": lambda: T.t("model_gpt", lang, label=plain(gpt.label))}
c1, c4 = st.columns([3, 2])
model = c1.radio(T.t("model", lang), models, key="chain_model", bind="query-params",
                 format_func=lambda m: MODEL_LABELS[m]())
use_ngram = model == "ngram"
level = c2.radio(T.t("level", lang), ["char", "word"], key="chain_level", bind="query-params",
                 format_func=lambda v: T.t(f"level_{v}", lang), disabled=not use_ngram)
n = c3.slider(T.t("n", lang), 1, 5, 3, key="chain_n", bind="query-params", disabled=model == "gpt")
smoothing = c4.radio(T.t("smoothing", lang), ["kn", "addk"], key="chain_smoothing", bind="query-params",
                     format_func=lambda v: T.t(f"sm_{v}", lang), disabled=model == "gpt")
if gpt is None:
    st.caption(T.t("no_gpt", lang))
picked = pick_corpus("chain", default=lang) if model != "gpt" else None
if model == "both":  # the n-gram counted in the GPT's pieces: both models on the same tokens
    chain_compare.render(top, gpt, picked, raw, n, smoothing, MAX_CHARS, lang)
    st.stop()

try:
    checked = check_text(raw, max_chars=MAX_CHARS)
    if use_ngram:
        clang = corpus_lang(picked.lang_hint, picked.text)
        # an upload's counts: in its session's own scope
        data = cached(picked, lm_data, picked.key, level, clang, picked.train, picked.heldout)
        tokens = split_units(checked.text, level, clang)
        result: ChainResult = chain_ngram(data.counts, tokens, n, smoothing, 0.1)
        unk = int((data.counts.encode(tokens) == 0).sum())
    else:
        result, unk = chain_gpt(gpt.model, gpt.tokenizer, checked.text), 0
        top.caption(T.t("gpt_first", lang))
except UserInputError as e:
    shell.show_error(e)
    st.stop()
if checked.truncated:
    top.caption(COMMON.t("text_truncated", lang, n=MAX_CHARS))
if checked.removed_controls:
    top.caption(COMMON.t("controls_removed", lang, n=checked.removed_controls))
if unk:
    top.info(T.t("unk", lang, n=unk))

tokens_shown = [show_token(s.token) for s in result.steps]
top.plotly_chart(chain_figure(tokens_shown, result.log2_probs, T.t("chart_title", lang), T.t("chart_x", lang),
                              T.t("chart_bar", lang), T.t("chart_line", lang)), key="chain_chart")
m = top.columns(5)
m[0].metric(T.t("m_tokens", lang), len(result.steps))
m[1].metric(T.t("m_prob", lang), f"{result.product:.3g}" if result.product > 0 else f"2^{result.total_log2:.0f}")
m[2].metric(T.t("m_log", lang), f"{result.total_log2:.2f}")
m[3].metric(T.t("m_h", lang), f"{result.cross_entropy_bits:.3f}")
m[4].metric(T.t("m_pp", lang), f"{result.perplexity:.2f}")
top.markdown(T.t("check", lang, n=len(result.steps), prod=result.product, exp=result.product_from_logs))
top.latex(r"P(w_1, \dots, w_N) = \prod_{i=1}^{N} P(w_i \mid w_1, \dots, w_{i-1}), \qquad "
          r"H = -\frac{1}{N}\sum_{i=1}^{N} \log_2 P(w_i \mid w_{<i}), \qquad PP = 2^{H}")
running = result.running_log2
rows = [{T.t("col_token", lang): tok,
         T.t("col_context", lang): " ".join(show_token(c) for c in s.context[-8:]) or "∅",
         T.t("col_p", lang): s.prob,
         T.t("col_bits", lang): -lp,
         T.t("col_running", lang): r,
         T.t("col_seen", lang): s.seen_context}
        for tok, s, lp, r in zip(tokens_shown, result.steps, result.log2_probs, running)]
st.dataframe(rows, key="chain_table", hide_index=True,
             column_config={T.t("col_p", lang): st.column_config.NumberColumn(format="%.5f"),
                            T.t("col_bits", lang): st.column_config.NumberColumn(format="%.2f"),
                            T.t("col_running", lang): st.column_config.NumberColumn(format="%.2f")})
export.csv_button(rows, "chain_rule_tokens", lang, key="chain_csv")
if use_ngram:
    st.caption(T.t("table_note", lang))
