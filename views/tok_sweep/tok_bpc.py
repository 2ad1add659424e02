"""The Vocabulary-size page's quality chart: held-out bits per character of one KN trigram over each
tokenizer's tokens, read from assets/measurements/vocab_bpc.json (scripts/measure_bpc.py; the page never
recomputes it)."""
from __future__ import annotations

import json

import streamlit as st

from core.charts.bpc import bpc_figure
from core.tokenizers.production_specs import BY_KEY, ROOT
from views.tok_sweep.texts.tok_bpc import T

BPC_FILE = ROOT / "assets" / "measurements" / "vocab_bpc.json"


@st.cache_data(show_spinner=False)
def _data() -> dict:
    return json.loads(BPC_FILE.read_text("utf-8"))


def _label(key: str, lang: str) -> str:
    return BY_KEY[key].label if key in BY_KEY else T.t(f"k_{key}", lang)


def bpc_section(data_lang: str, lang: str) -> None:
    st.subheader(T.t("heading", lang))
    try:
        data = _data()
        pts = data["langs"][data_lang]
    except (OSError, ValueError, KeyError):
        st.info(T.t("missing", lang), icon=":material/info:")
        return
    ours = [(p["vocab_size"], p["bits_per_char"]) for p in pts if p["tokenizer"] == "bpe_raw"]
    singles = {_label(p["tokenizer"], lang): (p["vocab_size"], p["bits_per_char"])
               for p in pts if p["tokenizer"] != "bpe_raw"}
    st.markdown(T.t("intro", lang, n=data["n"], chars=pts[0]["heldout_chars"], corpus=T.t(f"corpus_{data_lang}", lang)))
    st.plotly_chart(bpc_figure({T.t("k_bpe_raw", lang): ours}, singles, T.t("title", lang), T.t("x", lang),
                               T.t("y", lang)), key="sweep_bpc")
    best = min(pts, key=lambda p: p["bits_per_char"])
    mine = min((p for p in pts if p["tokenizer"] == "bpe_raw"), key=lambda p: p["bits_per_char"])
    prods = [p for p in pts if p["tokenizer"] in BY_KEY]
    if prods:
        prod = min(prods, key=lambda p: p["bits_per_char"])
        st.markdown(T.t("read", lang,
                        best=T.t("k_bpe_short", lang) if best is mine else _label(best["tokenizer"], lang),
                        b=best["bits_per_char"], ov=mine["vocab_size"],
                        ob=mine["bits_per_char"], prod=_label(prod["tokenizer"], lang), pv=prod["vocab_size"],
                        pb=prod["bits_per_char"]))
    st.dataframe([{T.t("col_tok", lang): _label(p["tokenizer"], lang), T.t("col_v", lang): p["vocab_size"],
                   T.t("col_bpc", lang): round(p["bits_per_char"], 3),
                   T.t("col_tpc", lang): round(p["tokens_per_char"], 3),
                   T.t("col_unk", lang): p["unk"]} for p in pts], hide_index=True, key="sweep_bpc_table")
