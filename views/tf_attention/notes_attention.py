"""The attention page's additions from the notes: the two other dict analogies on the trained GPT, and
why counting "X at position I with Y at position J" does not work (the motivation for attention)."""
from __future__ import annotations

import streamlit as st

from core import notes_specs
from core.lm.position_pairs import PairSparsity
from core.notes_store import model_digest, ready
from core.transformer.dict_lookup import Entry, many_texts, prefix_keys
from ui import notes_jobs
from ui.safe import plain
from ui.texts.notes_checks import T

SHOWN = notes_specs.DICT_SHOWN


def _strings(lang: str) -> notes_specs.DictStrings:
    return notes_specs.dict_strings(T, lang)


@st.cache_resource(max_entries=4, show_spinner=False)
def _digest(label: str, _model) -> str:
    """The shipped model's weights digest (~20 ms), once per model shown."""
    return model_digest(_model)


@st.cache_data(max_entries=16, show_spinner=False)
def _live_dicts(label: str, lang: str, head: int, _model, _tok) -> tuple[list[Entry], int, list[Entry]]:
    """Both dicts for a live-trained model (`label` names it) and head; ~0.2 s on a quiet CPU."""
    s = _strings(lang)
    many = many_texts(_model, _tok, s.query_word, notes_specs.DICT_QUERY_POS, notes_specs.dict_pool(lang), head=head)
    return many[:SHOWN], len(many), prefix_keys(_model, _tok, s.query_text, list(s.prefixes), head=head)


def _dicts(trained, lang: str, head: int) -> tuple[list[Entry], int, list[Entry]] | None:
    """The shipped GPT's dicts come from assets/models/notes/ (every head at once), a live model's are computed."""
    if not trained.shipped:
        return _live_dicts(trained.label, lang, head, trained.model, trained.tokenizer)
    note = notes_specs.dict_lookup(lang, trained.model, trained.tokenizer, _strings(lang),
                                   digest=_digest(trained.label, trained.model))
    got = notes_jobs.value(note, "att_nd", lang)
    return None if got is None else notes_specs.dicts_from_json(got, head)


def dict_analogies(trained, lang: str) -> None:
    """Under the self-attention dict: a query against keys from many texts, and keys that are prefixes."""
    st.subheader(T.t("nd_h", lang))
    if trained is None:
        st.info(T.t("nd_no_gpt", lang))
        return
    n_head = trained.model.config.n_head
    head = st.selectbox(T.t("nd_head", lang), range(n_head), format_func=lambda h: f"{h + 1}", key="att_nd_head",
                        bind="query-params")
    got = _dicts(trained, lang, int(head))
    if got is None:
        return
    many, n_many, pre = got
    st.caption(T.t("nd_model", lang, label=plain(trained.label), head=int(head) + 1))
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(T.t("nd_many", lang, word=T.t("nd_query_word", lang)))
        st.dataframe([{T.t("nd_col_key", lang): e.key, T.t("nd_col_score", lang): round(e.score, 3),
                       T.t("nd_col_weight", lang): round(e.weight, 4)} for e in many],
                     hide_index=True, key="att_nd_many")
        st.caption(T.t("nd_many_note", lang, n=n_many, top=many[0].weight, uniform=1 / n_many,
                       ratio=many[0].weight * n_many))
    with c2:
        st.markdown(T.t("nd_prefix", lang, q=T.t("nd_query_text", lang)))
        st.dataframe([{T.t("nd_col_key", lang): e.key, T.t("nd_col_score", lang): round(e.score, 3),
                       T.t("nd_col_weight", lang): round(e.weight, 3)} for e in pre],
                     hide_index=True, key="att_nd_prefix")
        st.caption(T.t("nd_prefix_note", lang, top=pre[0].key, w=pre[0].weight))


def position_counts(lang: str) -> PairSparsity | None:
    """The notes' question 'P(X at I, Y at J)?', counted on the corpus of the UI language."""
    st.header(T.t("pp_h", lang))
    got = notes_jobs.value(notes_specs.position_pairs(lang), "att_pp", lang)  # shipped; else a background job
    if got is None:
        return None
    s = notes_specs.pairs_from_json(got)
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


def scaling_points(seed: int) -> list:
    """The √d_k study of the attention page: shipped for the default seed, else computed (~0.3 s)."""
    note = notes_specs.attention_scaling(seed)
    got = ready(note)
    return notes_specs.scaling_from_json(got if got is not None else note.compute())
