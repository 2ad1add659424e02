"""BPE step by step: learn merges on the corpus, then replay them one at a time on a typed sentence."""
import streamlit as st

from core.charts.tokens import CHIP_CSS, chips_html, md_escape, merge_frequency_figure, visible
from core.errors import UserInputError
from core.textcheck import check_text
from core.tokenizers import bpe_job
from core.tokenizers.bpe import BPETokenizer, ReplayStep
from core.tokenizers.compare import Token
from ui import background, figcache, shell
from ui.corpus_picker import cached, pick_corpus
from ui.texts.common import T as COMMON
from ui.tok_production import gpt2_merges_section
from views.tok_bpe.texts import T

lang = shell.lang()
REPLAY_CHARS = 300
TABLE_ROWS = 300
MERGES_MAX = 3000  # the merges slider's top


def move_step(delta: int, total: int) -> None:
    st.session_state["bpe_step"] = min(total, max(0, st.session_state.get("bpe_step", 0) + delta))


@st.cache_resource(max_entries=8, show_spinner=False)
def untrained(corpus_key: str, mode: str, _text: str) -> BPETokenizer:
    return bpe_job.untrained(_text, mode)  # shown while the merges train: the characters need no training


@st.cache_data(max_entries=32, show_spinner=False)
def replay(corpus_key: str, mode: str, merges: int, text: str, _tok: BPETokenizer) -> list[ReplayStep]:
    return _tok.replay(text)


st.title(T.t("title", lang))
st.markdown(T.t("intro", lang))

left, right = st.columns([2, 3], gap="large")
with left:
    ctrl = st.container()  # the settings and what was learned first, the corpus below them
    picked = pick_corpus("bpe", default=lang)
    mode = ctrl.radio(T.t("mode", lang), ["words", "raw"], key="bpe_mode", bind="query-params",
                      format_func=lambda m: T.t(f"mode_{m}", lang))
    merges = ctrl.slider(T.t("merges", lang), 0, MERGES_MAX, 2000, step=50, key="bpe_merges", bind="query-params",
                         help=T.t("merges_help", lang))
# Every merge the slider offers, learned once per corpus and mode (shipped for the shipped corpora; an upload
# trains in its session's background job): a slider move then only truncates, which equals training with fewer merges.
try:
    got = bpe_job.tokenizer_or_job(picked.train, mode, MERGES_MAX)
except UserInputError as e:
    shell.show_error(e)
    st.stop()
with ctrl:
    full = background.outcome(got, "bpe_job", lang, T.t("training", lang), T.t("training_job", lang), bpe_job.restart,
                              (picked.train, mode, MERGES_MAX))
if full is not None:
    learned = full
else:  # not learned yet: the characters alone (an upload's in its session, core.runtime.private: no shared cache)
    learned = (untrained(picked.key, mode, picked.train) if picked.scope is None
               else bpe_job.untrained(picked.train, mode))
tok = learned.truncated(merges)
with ctrl:
    st.markdown(T.t("learned", lang, m=len(tok.merges), c=len(tok.chars), v=len(tok.chars) + len(tok.merges)))
    if full is not None and len(tok.merges) < merges:
        st.info(T.t("ran_out", lang, asked=merges, m=len(tok.merges)), icon=":material/info:")

with right:
    st.subheader(T.t("replay_h", lang))
    st.session_state.setdefault("bpe_text", "読売巨人軍が勝った。" if lang == "ja" else "the lowest newest tokenizers")
    raw = st.text_input(T.t("text", lang), key="bpe_text", bind="query-params", help=T.t("text_help", lang))
    try:
        checked = check_text(raw, max_chars=REPLAY_CHARS)
    except UserInputError as e:
        shell.show_error(e)
        st.stop()
    if checked.truncated:
        st.caption(COMMON.t("text_truncated", lang, n=REPLAY_CHARS))
    # merges known: 0 while training
    steps = cached(picked, replay, picked.key, mode, len(tok.merges), checked.text, tok)
    total = len(steps) - 1
    if total == 0:
        st.info(T.t("no_merges", lang), icon=":material/info:")
        k = 0
    else:
        shell.in_range("bpe_step", 0, total)
        k = st.slider(T.t("step", lang), 0, total, 0, key="bpe_step", bind="query-params", help=T.t("step_help", lang))
        b1, b2, _ = st.columns([2, 3, 3])
        b1.button(T.t("prev", lang), key="bpe_prev", on_click=move_step, args=(-1, total), disabled=k == 0,
                  width="stretch")
        b2.button(T.t("next", lang), key="bpe_next", on_click=move_step, args=(1, total), disabled=k == total,
                  width="stretch")
    step = steps[k]
    if step.merge is None:
        st.markdown(T.t("step0", lang, n=len(step.ids)))
    else:
        a, b = (md_escape(visible(tok.id_to_piece(i))) for i in step.merge.pair)
        st.markdown(T.t("step_k", lang, k=k, total=total, rank=tok.ranks[step.merge.pair] + 1, a=a, b=b,
                        ab=md_escape(visible(tok.id_to_piece(step.merge.id))), count=step.merge.count,
                        applied=step.applied, n=len(step.ids)))
    st.markdown(CHIP_CSS, unsafe_allow_html=True)
    chips = [Token(p, i, i < 256) for i, p in zip(step.ids, step.pieces)]
    highlight = {step.merge.id} if step.merge else None
    st.markdown(chips_html(chips, more=T.t("more", lang), highlight=highlight), unsafe_allow_html=True)
    gpt2_merges_section(checked.text, True, lang)  # beside ours: GPT-2's own merge list on the same text

st.subheader(T.t("table_h", lang))
rows = tok.merge_table(TABLE_ROWS)
st.caption(T.t("table_intro", lang, n=len(rows), m=len(tok.merges)))
c1, c2 = st.columns([1, 1], gap="large")
c1.dataframe([{T.t("col_rank", lang): r, T.t("col_left", lang): visible(a), T.t("col_right", lang): visible(b),
               T.t("col_merged", lang): visible(ab), T.t("col_count", lang): n} for r, a, b, ab, n in rows],
             hide_index=True, key="bpe_table", height=420)
if tok.merges:
    c2.plotly_chart(figcache.figure(("bpe_freq", picked.key, mode, merges), lang, lambda: merge_frequency_figure(
        [m.count for m in tok.merges], T.t("freq_title", lang), T.t("freq_x", lang), T.t("freq_y", lang))),
        key="bpe_freq")
