"""n-gram models: held-out perplexity against n, sampling, bigram heatmap, the Markov assumption's blind spot."""
import streamlit as st

from core.lm.chain_rule import find_distant_repeat
from core.charts.lm import ChartText, perplexity_vs_n, repeat_chips_html, transition_heatmap
from core.errors import UserInputError
from core.lm.data import LMData, build, corpus_lang, transition_matrix, turning_point
from core.lm.units import join_units, show_token
from core.lm import ngram_job
from core.lm.ngram import perplexity_curve
from ui import figcache, notes_ngram, shell
from ui.background import outcome
from ui import export
from ui.corpus_picker import pick_corpus
from ui.safe import plain
from views.lm_ngram.ngram_mkn import section as mkn_section
from views.lm_ngram.texts import T

lang = shell.lang()


@st.cache_resource(max_entries=8, show_spinner=False)
def lm_data(key: str, level: str, clang: str, _train: str, _heldout: str) -> LMData:
    return build(_train, _heldout, level, clang)


@st.cache_data(max_entries=32, show_spinner=False)
def curves(key: str, level: str, clang: str, smoothing: str, k: float, _d: LMData) -> tuple[list, list]:
    return perplexity_curve(_d.counts, _d.heldout, smoothing, k), perplexity_curve(_d.counts, _d.train, smoothing, k)


@st.cache_data(max_entries=8, show_spinner=False)
def distant(key: str, clang: str, _d: LMData):
    return find_distant_repeat(_d.train + _d.heldout, clang)


def upload_ngrams(picked, level: str, clang: str, smoothing: str, k: float):
    """An uploaded corpus (up to 5 MB: up to a minute of counting) is counted in a background job of its session's
    own (the private scope ui.corpus_picker made current: core.runtime.private)."""
    req = ngram_job.NGramRequest(picked.key, level, clang, smoothing, k)
    got = ngram_job.result_or_job(req, picked.train, picked.heldout)
    return outcome(got, "ngram_job", lang, T.t("job_what", lang), T.t("job_running", lang), ngram_job.restart,
                   (req, picked.train, picked.heldout))


def curve_note(held: list, train: list, smoothing: str, lang: str) -> str:
    """The caption under the perplexity curve, computed from its numbers (two sentences: training, held-out)."""
    tv, hv = [p.ppl for p in train], [p.ppl for p in held]
    tb, t_up = turning_point(tv)
    hb, h_up = turning_point(hv)
    if tb == len(tv):
        first = T.t("note_train_falls", lang, a=tv[0], b=tv[-1], n=len(tv))
    else:
        first = T.t("note_train_turns", lang, best=tb, v=tv[tb - 1], last=tv[-1], n=len(tv))
    if hb == len(hv):
        second = T.t("note_held_falls", lang, best=hb, v=hv[-1])
    else:
        second = T.t("note_held_rises" if h_up else "note_held_flat", lang, best=hb, v=hv[hb - 1], last=hv[-1],
                     n=len(hv))
    hint = T.t("note_try_addk" if smoothing == "kn" else "note_try_kn", lang)
    return f"{first} {second} {hint}"


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))
c1, c2, c3 = st.columns([2, 2, 2])
level = c1.radio(T.t("level", lang), ["char", "word"], key="ngram_level", bind="query-params",
                 format_func=lambda v: T.t(f"level_{v}", lang))
smoothing = c2.radio(T.t("smoothing", lang), ["kn", "addk"], key="ngram_smoothing", bind="query-params",
                     format_func=lambda v: T.t(f"sm_{v}", lang), help=T.t("smoothing_help", lang))
k = c3.select_slider(T.t("k", lang), [0.001, 0.01, 0.1, 0.5, 1.0], value=0.1, key="ngram_k", bind="query-params",
                     disabled=smoothing != "addk")
top = st.container()  # the curve goes here, on the first screen; the corpus and the formulas below it
picked = pick_corpus("ngram", default=lang)
clang = corpus_lang(picked.lang_hint, picked.text)
st.latex(r"P(w_1 \dots w_N) \approx \prod_{i} P(w_i \mid w_{i-n+1}, \dots, w_{i-1})")
if smoothing == "kn":
    st.markdown(T.t("latex_kn_label", lang))
    st.latex(r"P_{KN}(w \mid h) = \frac{\max(c(h,w) - D,\,0)}{c(h)} + \frac{D\,N_{1+}(h\,\bullet)}{c(h)}\,P_{KN}(w "
             r"\mid h')")
else:
    st.latex(r"P_{\text{add-}k}(w \mid h) = \frac{c(h,w) + k}{c(h) + k\,|V|}")

try:
    if picked.lang_hint == "upload":  # counted in the background; the page stops until it is done
        with top:  # its progress shows where the curve will be
            up = upload_ngrams(picked, level, clang, smoothing, k)
        if up is None:
            st.stop()
        data, held, train = up.data, up.heldout, up.train
    else:
        data = lm_data(picked.key, level, clang, picked.train, picked.heldout)
        held, train = (notes_ngram.curves(picked, level, smoothing, k)
                       or curves(picked.key, level, clang, smoothing, k, data))
except UserInputError as e:
    shell.show_error(e)
    st.stop()

unit = T.t(f"unit_{level}", lang)
curve_text = ChartText(T.t("curve_title", lang, unit=unit), T.t("curve_x", lang), T.t("curve_y", lang),
                       {"heldout": T.t("heldout", lang), "train": T.t("train", lang)})
top.plotly_chart(figcache.figure(("ngram_curve", picked.key, level, smoothing, k), lang, lambda: perplexity_vs_n(
    [p.ppl for p in held], [p.ppl for p in train], curve_text)), key="ngram_curve_chart")
top.markdown(curve_note(held, train, smoothing, lang))  # says what these curves do, not what they usually do
if held[0].unk:
    top.caption(T.t("unk_note", lang, unk=held[0].unk))

st.header(T.t("sample_h", lang))
s1, s2, s3 = st.columns(3)
n = s1.slider(T.t("n", lang), 1, 5, 3, key="ngram_n", bind="query-params")
seed = s2.number_input(T.t("seed", lang), 0, 10_000, 0, key="ngram_seed", bind="query-params")
length = s3.slider(T.t("length", lang), 10, 300, 120 if level == "char" else 60, key="ngram_length",
                   bind="query-params")
sample = data.counts.sample(length, n, smoothing, k, seed=int(seed))
st.code(join_units(sample, level, clang), language=None, wrap_lines=True)
st.caption(T.t("sample_note", lang, ctx=n - 1))
export.csv_button(export.unit_rows(sample, lang), f"ngram_sample_n{n}", lang, key="ngram_csv")

st.header(T.t("heat_h", lang))
topk = st.slider(T.t("topk", lang), 5, 30, 15, key="ngram_topk", bind="query-params")
matrix, top = transition_matrix(data.counts, topk, smoothing, k)
heat_text = ChartText(T.t("heat_title", lang, k=len(top)), T.t("heat_x", lang), T.t("heat_y", lang))
st.plotly_chart(figcache.figure(("ngram_heat", picked.key, level, smoothing, k, topk), lang,
                                lambda: transition_heatmap(matrix, top, heat_text)), key="ngram_heat_chart")
st.caption(T.t("heat_note", lang))

st.header(T.t("distant_h", lang))
shipped_distant = None
try:
    if picked.lang_hint == "upload":
        wdata, ex = up.words, up.distant
    elif (shipped_distant := notes_ngram.distant(picked)) is not None:  # no MeCab pass over the corpus
        ex, probs = shipped_distant
    else:
        wdata = data if level == "word" else lm_data(picked.key, "word", clang, picked.train, picked.heldout)
        ex = distant(picked.key, clang, wdata)
except UserInputError:
    ex = None
if ex is None:
    st.info(T.t("distant_none", lang))
else:
    word, window = ex.tokens[ex.second], ex.window(n)
    st.markdown(T.t("distant_intro", lang, word=plain(word), gap=ex.gap, n=n, ctx=len(window)))
    chips = repeat_chips_html(ex.tokens, ex.first, ex.second, ex.second - len(window))  # escaped inside
    st.markdown(chips, unsafe_allow_html=True)
    p = probs[f"{n}|{smoothing}|{k}"] if shipped_distant is not None else ex.prob(wdata.counts, n, smoothing, k)
    shown = " ".join(show_token(t) for t in window) or "∅"
    st.markdown(T.t("distant_prob", lang, n=n, word=plain(word), window=plain(shown), p=p))

mkn_section(picked, level, clang, lang)  # modified against interpolated KN, tuned on a dev split
