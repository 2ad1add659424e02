"""The attention page's additions from the notes: the two other dict analogies on the trained GPT, and
why counting "X at position I with Y at position J" does not work (the motivation for attention)."""
from __future__ import annotations

import json
from dataclasses import asdict

import streamlit as st

from core.corpus import corpus_id, load_shipped, split_train_heldout
from core.lm.position_pairs import PairSparsity, corpus_sparsity
from core.runtime.diskcache import get_or_build
from core.transformer.dict_lookup import Entry, many_texts, prefix_keys
from ui.safe import plain
from ui.texts.notes_checks import T

N_TEXTS = 40  # held-out lines that lend their tokens as keys: ~700 keys, 0.1 s
SHOWN = 6


def _pool(lang: str) -> list[str]:
    _, held = split_train_heldout(load_shipped(lang))
    return [line for line in held.split("\n") if line.strip()][:N_TEXTS]


@st.cache_data(max_entries=16, show_spinner=False)
def _dicts(label: str, lang: str, head: int, _model, _tok) -> tuple[list[Entry], list[Entry]]:
    """Both dicts for one model (`label` names it) and head; ~0.2 s."""
    many = many_texts(_model, _tok, T.t("nd_query_word", lang), 13, _pool(lang), head=head)
    prefixes = [T.t(f"nd_prefix_{i}", lang) for i in range(5)]
    return many, prefix_keys(_model, _tok, T.t("nd_query_text", lang), prefixes, head=head)


def dict_analogies(trained, lang: str) -> None:
    """Under the self-attention dict: a query against keys from many texts, and keys that are prefixes."""
    st.subheader(T.t("nd_h", lang))
    if trained is None:
        st.info(T.t("nd_no_gpt", lang))
        return
    n_head = trained.model.config.n_head
    head = st.selectbox(T.t("nd_head", lang), range(n_head), format_func=lambda h: f"{h + 1}", key="att_nd_head", bind="query-params")
    many, pre = _dicts(trained.label, lang, int(head), trained.model, trained.tokenizer)
    st.caption(T.t("nd_model", lang, label=plain(trained.label), head=int(head) + 1))
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(T.t("nd_many", lang, word=T.t("nd_query_word", lang)))
        st.dataframe([{T.t("nd_col_key", lang): e.key, T.t("nd_col_score", lang): round(e.score, 3),
                       T.t("nd_col_weight", lang): round(e.weight, 4)} for e in many[:SHOWN]],
                     hide_index=True, key="att_nd_many")
        st.caption(T.t("nd_many_note", lang, n=len(many), top=many[0].weight, uniform=1 / len(many),
                       ratio=many[0].weight * len(many)))
    with c2:
        st.markdown(T.t("nd_prefix", lang, q=T.t("nd_query_text", lang)))
        st.dataframe([{T.t("nd_col_key", lang): e.key, T.t("nd_col_score", lang): round(e.score, 3),
                       T.t("nd_col_weight", lang): round(e.weight, 3)} for e in pre],
                     hide_index=True, key="att_nd_prefix")
        st.caption(T.t("nd_prefix_note", lang, top=pre[0].key, w=pre[0].weight))


@st.cache_data(max_entries=2, show_spinner=False)
def _sparsity(lang: str) -> PairSparsity:
    """~1-3 s once per corpus (MeCab over the Japanese corpus), then from disk."""
    text = load_shipped(lang)
    value, _ = get_or_build("pair_sparsity", corpus_id(text), lambda: corpus_sparsity(text, lang),
                            dump=lambda s: json.dumps(asdict(s)).encode(),
                            load=lambda b: PairSparsity(**{**json.loads(b), "example": tuple(json.loads(b)["example"])}))
    return value


def position_counts(lang: str) -> PairSparsity:
    """The notes' question 'P(X at I, Y at J)?', counted on the corpus of the UI language."""
    st.header(T.t("pp_h", lang))
    s = _sparsity(lang)
    st.markdown(T.t("pp_intro", lang, k=s.max_offset))
    names = (T.t("pp_abs", lang), T.t("pp_rel", lang))
    st.dataframe([{T.t("pp_col_way", lang): names[0], T.t("pp_col_keys", lang): s.absolute_keys,
                   T.t("pp_col_mean", lang): round(s.absolute_mean, 2),
                   T.t("pp_col_once", lang): f"{s.absolute_singleton_share:.1%}"},
                  {T.t("pp_col_way", lang): names[1], T.t("pp_col_keys", lang): s.relative_keys,
                   T.t("pp_col_mean", lang): round(s.relative_mean, 2),
                   T.t("pp_col_once", lang): f"{s.relative_singleton_share:.1%}"}],
                 hide_index=True, key="att_pp_table")
    st.caption(T.t("pp_fig_title", lang, n=s.occurrences))
    x, y, k = s.example
    st.markdown(T.t("pp_example", lang, x=plain(x), y=plain(y), k=k, n=s.example_count, cells=s.example_cells))
    return s
