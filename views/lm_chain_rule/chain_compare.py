"""The chain-rule page's side-by-side view: the n-gram and the GPT score one sentence on the same tokens
(the GPT's), and each token shows its probability, its rank in the vocabulary and the top-5 alternatives,
coloured by GLTR's rank buckets."""
from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from core.charts.inside import Labels, gltr_figure, surprisal_pair_figure
from core.errors import UserInputError
from core.gpt.inside.predict import BUCKETS, Guesses, gpt_guesses, ngram_guesses, unknown_count
from core.lm.ngram import NGramCounts
from core.lm.units import show_token
from core.textcheck import check_text
from ui import export, shell
from ui.corpus_picker import cached
from ui.texts.common import T as COMMON
from views.lm_chain_rule.texts import T


def tokenizer_key(tokenizer) -> str:
    """A short hash of the tokenizer's vocabulary: the n-gram below is counted in its pieces."""
    h = hashlib.sha256()
    for i in range(tokenizer.vocab_size):
        h.update(tokenizer.id_to_piece(i).encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:16]


@st.cache_resource(max_entries=4, show_spinner=False)
def ngram_in_pieces(corpus_key: str, tok_key: str, _train: str, _tokenizer) -> NGramCounts:
    """An n-gram counted over the training text cut into the GPT tokenizer's pieces."""
    return NGramCounts.train(_tokenizer.pieces(_train))


def _buckets(g: Guesses, lang: str) -> str:
    counts = np.bincount([x.bucket for x in g.guesses], minlength=len(BUCKETS) + 1)
    return " · ".join(f"{T.t(f'bucket{i}', lang)}: {c}" for i, c in enumerate(counts))


def _bits(g: Guesses) -> float:
    return float(-np.mean([np.log2(x.prob) for x in g.guesses]))


def _alts(g) -> str:
    return "  ".join(f"{show_token(t)} {p:.2f}" for t, p in g.top)


def render(where, gpt, picked, raw: str, n: int, smoothing: str, max_chars: int, lang: str) -> None:
    """Score `raw` under both models and draw the figure (in `where`, the first screen), metrics and table."""
    try:
        checked = check_text(raw, max_chars=max_chars)
        ours = gpt_guesses(gpt.model, gpt.tokenizer, checked.text)
        counts = cached(picked, ngram_in_pieces, picked.key, tokenizer_key(gpt.tokenizer), picked.train, gpt.tokenizer)
        theirs = ngram_guesses(counts, ours.pieces, n, smoothing, 0.1, first=ours.first)
    except UserInputError as e:
        shell.show_error(e)
        return
    if checked.truncated:
        where.caption(COMMON.t("text_truncated", lang, n=max_chars))
    if ours.truncated:
        where.caption(T.t("cmp_cut", lang, n=gpt.model.config.block_size))
    unk = unknown_count(gpt.tokenizer, gpt.tokenizer.encode(checked.text))
    if unk:
        where.info(T.t("cmp_unk", lang, n=unk))
    names = {"ngram": T.t("cmp_ngram", lang, n=n), "gpt": T.t("cmp_gpt", lang)}
    hover = {"p": "P", "rank": T.t("cmp_rank", lang), "top": T.t("cmp_top", lang),
             **{f"b{i}": T.t(f"bucket{i}", lang) for i in range(len(BUCKETS) + 1)}}
    where.plotly_chart(gltr_figure([(names["ngram"], theirs.guesses), (names["gpt"], ours.guesses)],
                                   Labels(T.t("cmp_title", lang), T.t("chart_x", lang), names=hover)),
                       key="chain_cmp_gltr")
    m = where.columns(3)
    m[0].metric(T.t("m_tokens", lang), len(ours.guesses))
    m[1].metric(T.t("cmp_h", lang, model=names["ngram"]), f"{_bits(theirs):.3f}")
    m[2].metric(T.t("cmp_h", lang, model=names["gpt"]), f"{_bits(ours):.3f}")
    where.caption(T.t("cmp_first" if ours.first == 0 else "cmp_no_start", lang) + " " +
                  T.t("cmp_vocab", lang, g=ours.vocab, n=theirs.vocab))
    shown = [show_token(g.token) for g in ours.guesses]
    st.plotly_chart(surprisal_pair_figure(
        shown, [-np.log2(g.prob) for g in theirs.guesses], [-np.log2(g.prob) for g in ours.guesses],
        Labels(T.t("cmp_bits_title", lang), T.t("chart_x", lang), T.t("col_bits", lang),
               {"before": names["ngram"], "after": names["gpt"]})), key="chain_cmp_bits")
    rows = [{T.t("col_token", lang): tok,
             T.t("cmp_col_p", lang, m="n-gram"): a.prob, T.t("cmp_col_rank", lang, m="n-gram"): a.rank,
             T.t("cmp_col_top", lang, m="n-gram"): _alts(a),
             T.t("cmp_col_p", lang, m="GPT"): b.prob, T.t("cmp_col_rank", lang, m="GPT"): b.rank,
             T.t("cmp_col_top", lang, m="GPT"): _alts(b)}
            for tok, a, b in zip(shown, theirs.guesses, ours.guesses)]
    fmt = st.column_config.NumberColumn(format="%.4f")
    st.dataframe(rows, key="chain_cmp_table", hide_index=True,
                 column_config={T.t("cmp_col_p", lang, m=m_): fmt for m_ in ("n-gram", "GPT")})
    export.csv_button(rows, "chain_rule_compare", lang, key="chain_cmp_csv")
    st.caption(T.t("cmp_buckets", lang, ngram=_buckets(theirs, lang), gpt=_buckets(ours, lang)))
