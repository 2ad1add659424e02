"""Vocabulary size: held-out tokens per character for each learned tokenizer, small to large vocabularies.

The default view ships with the app (core.tokenizers.sweep_job); any other sweep runs in the background."""
import streamlit as st

from core.charts.tokens import sweep_figure
from core.errors import UserInputError
from core.tokenizers import sweep_job as sj
from core.tokenizers.sweep import METHODS, default_sizes, largest_options
from ui import shell
from ui.background import offer_rebuild, outcome
from ui.corpus_picker import pick_corpus
from views.tok_sweep.texts import T
from views.tok_sweep.tok_bpc import bpc_section

lang = shell.lang()


def _result(req: sj.SweepRequest, picked) -> sj.SweepResult | None:
    """The shipped default, else a finished run, else None after drawing the running job (or why it stopped)."""
    if picked.lang_hint in ("en", "ja") and req == sj.default_request(picked.key, picked.train):
        try:
            return sj.shipped_result(picked.lang_hint, req)
        except UserInputError as e:
            if sj.ready(req) is None:
                shell.show_error(e)
                offer_rebuild("sweep", picked.lang_hint, lang)
                return None
    last = st.session_state.get("sweep_job")
    if last is not None and last.request != req and last.state().active:
        last.stop()  # this session moved on: free the slot (a sweep is cheap to run again)
    try:
        got = sj.result_or_job(req, picked.train, picked.heldout)
    except UserInputError as e:  # too many jobs on the server right now
        shell.show_error(e)
        return None
    if isinstance(got, sj.SweepJob):
        st.session_state["sweep_job"] = got
    return outcome(got, "sweep", lang, T.t("what", lang), T.t("running", lang, n=len(req.sizes) * len(req.methods)),
                   sj.restart, (req, picked.train, picked.heldout))


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

c1, c2, c3 = st.columns([1, 1, 2.2])  # first screen: the settings on one row, then the chart; the corpus below
top = st.container()
picked = pick_corpus("sweep", default=lang)
bpc_section(picked.lang_hint if picked.lang_hint in ("en", "ja") else lang, lang)  # precomputed: never waits
options = largest_options(picked.train)
largest = c1.select_slider(T.t("largest", lang), options, value=options[2], key="sweep_largest", bind="query-params",
                           format_func=lambda v: f"{int(v):,}")
points = c2.slider(T.t("points", lang), 3, 8, sj.DEFAULT_POINTS, key="sweep_points", bind="query-params")
methods = c3.multiselect(T.t("methods", lang), list(METHODS), default=list(METHODS), key="sweep_methods",
                         bind="query-params", format_func=lambda m: T.t(f"m_{m}", lang))
if not methods:
    st.info(T.t("no_methods", lang), icon=":material/info:")
    st.stop()

sizes = tuple(default_sizes(picked.train, points=points, largest=largest))
with top:  # progress, the rebuild offer and errors show where the chart will be
    got = _result(sj.SweepRequest(picked.key, sizes, tuple(m for m in METHODS if m in methods)), picked)
if got is None:
    st.stop()
result, notes = got.points, got.notes
for note in notes:
    top.info(note.message(lang), icon=":material/info:")
if not result:
    st.warning(T.t("nothing", lang))
    st.stop()

series = {T.t(f"m_{m}", lang): [(p.vocab_size, p.tokens_per_char) for p in result if p.method == m] for m in methods}
top.plotly_chart(sweep_figure({k: v for k, v in series.items() if v}, T.t("chart_title", lang), T.t("x", lang),
                              T.t("y", lang)), key="sweep_chart")
top.caption(T.t("sizes", lang, sizes=", ".join(f"{v:,}" for v in sizes)))
common = max((v for v in sizes if sum(p.vocab_size == v for p in result) >= 2), default=None)
if common is not None:
    at_v = sorted((p for p in result if p.vocab_size == common), key=lambda p: p.tokens_per_char)
    top.markdown(T.t("read", lang, v=common, best=T.t(f"m_{at_v[0].method}", lang), b=at_v[0].tokens_per_char,
                    worst=T.t(f"m_{at_v[-1].method}", lang), w=at_v[-1].tokens_per_char))
held = len(picked.heldout)
st.dataframe([{T.t("col_method", lang): T.t(f"m_{p.method}", lang), T.t("col_vocab", lang): p.vocab_size,
               T.t("col_tpc", lang): round(p.tokens_per_char, 4), T.t("col_len", lang): round(p.tokens_per_char * held)}
              for p in result], hide_index=True, key="sweep_table")
