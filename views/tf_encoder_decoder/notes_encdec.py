"""The encoder–decoder page's checks of the notes: how often a digit reads the word that says it (measured),
the blocks of the shipped model (the decoder's extra sub-layer), and what encoder–decoders are used for."""
from __future__ import annotations

import streamlit as st

from core import notes_specs
from core.notes_store import model_digest
from core.transformer.cross_alignment import AlignmentRates, sublayers
from core.transformer.encoder_decoder import Seq2Seq, Seq2SeqConfig
from core.transformer.encoder_decoder_train import cache_key
from ui import notes_jobs
from ui.texts.notes_checks import T


@st.cache_resource(max_entries=4, show_spinner=False)
def _digest(key: str, _model: Seq2Seq) -> str:
    """The weights' digest of the model shown for one config (~10 ms), once per process: the page's model
    for a config is loaded once and never changes."""
    return model_digest(_model)


def rates(model: Seq2Seq, cfg: Seq2SeqConfig, lang: str) -> AlignmentRates | None:
    """One teacher-forced pass over the ~1,000 held-out numbers (1-3 s): shipped in assets/models/notes/ for the
    shipped model, else computed once in a background job (None meanwhile, its progress drawn)."""
    note = notes_specs.encdec_alignment(model, cfg, digest=_digest(cache_key(cfg), model))
    got = notes_jobs.value(note, f"encdec_align_{cfg.lang}", lang)
    return None if got is None else notes_specs.alignment_from_json(got)


def cross_reading(model: Seq2Seq, cfg: Seq2SeqConfig, lang: str) -> AlignmentRates | None:
    """The measured rate under the cross-attention chart, with a per-layer × head table."""
    r = rates(model, cfg, lang)
    if r is None:
        return None
    last = len(r.mean_heads) - 1
    layer, head, best = r.best()
    so = "align_so_not" if r.mean_heads[-1] <= 0.5 else "align_so_most" if min(r.mean_heads) > 0.5 else "align_so_last"
    st.markdown(T.t("align_claim", lang, rate=r.mean_heads[-1], layer=last + 1, first=r.mean_heads[0],
                    digits=r.digits, numbers=r.numbers, zeros=r.zeros, bl=layer + 1, bh=head + 1, best=best,
                    so=T.t(so, lang)))
    with st.expander(T.t("align_table", lang)):
        st.table([{T.t("align_col_layer", lang): li + 1,
                       **{T.t("align_col_head", lang, h=hi + 1): f"{x:.1%}" for hi, x in enumerate(row)},
                       T.t("align_col_mean", lang): f"{r.mean_heads[li]:.1%}"} for li, row in enumerate(r.by_head)])
        st.caption(T.t("align_def", lang))
    return r


def blocks_and_uses(model: Seq2Seq, lang: str) -> None:
    """'Encoder and decoder differ only by the mask' — the model's own blocks say otherwise; then the uses."""
    st.subheader(T.t("blocks_h", lang))
    st.markdown(T.t("blocks_intro", lang))
    st.dataframe([{T.t("blocks_col_side", lang): T.t(f"side_{s.side}", lang),
                   T.t("blocks_col_layer", lang): s.layer + 1, T.t("blocks_col_name", lang): T.t(f"sub_{s.name}", lang),
                   T.t("blocks_col_mask", lang): T.t(f"mask_{s.mask}", lang),
                   T.t("blocks_col_params", lang): s.params} for s in sublayers(model)],
                 hide_index=True, key="encdec_blocks")
    st.subheader(T.t("uses_h", lang))
    st.dataframe([{T.t("uses_col_task", lang): T.t(f"use_{k}", lang),
                   T.t("uses_col_src", lang): T.t(f"use_{k}_src", lang),
                   T.t("uses_col_tgt", lang): T.t(f"use_{k}_tgt", lang)} for k in ("mt", "chat", "sum", "num")],
                 hide_index=True, key="encdec_uses")
    st.caption(T.t("uses_note", lang))
