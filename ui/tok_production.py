"""The production tokenizers on the tokenizer pages: their rows on the Compare page, and the token premium
(what each language pays) over the parallel pairs and over the visitor's own pair.

    tokens = loaded(keys, lang)               # key -> ProductionTokenizer; missing ones say why
    rows = production_rows(tokens, text)      # key -> Row, or UserInputError
"""
from __future__ import annotations

import streamlit as st

from core.charts.byte_chips import BYTE_CHIP_CSS, byte_chips_html
from core.charts.premium import PremiumLabels, premium_figure
from core.errors import UserInputError
from core.tokenizers.compare import Row, Toolkit, tokenize_row
from core.tokenizers.premium import load_pairs, premium_table
from core.tokenizers.production import KEYS, ProductionTokenizer, production_row, try_load
from core.tokenizers.production_specs import BY_KEY
from ui import shell
from ui.safe import inert
from ui.texts.tokenizers import T as COMPARE
from ui.texts.tok_production import T

PREMIUM_OURS = ("bpe_raw", "spm_bpe", "spm_unigram")  # learned rows that take raw text (no MeCab per sentence)


def name(key: str, lang: str) -> str:
    spec = BY_KEY[key]
    return T.t("name", lang, label=spec.label, model=spec.model)


def loaded(keys: list[str], lang: str) -> dict[str, ProductionTokenizer]:
    """The installed ones among `keys`; each missing or damaged one gets its message (and the fix)."""
    out = {}
    for key in keys:
        got = try_load(key)
        if isinstance(got, UserInputError):
            st.warning(inert(T.t("unavailable", lang, name=name(key, lang), msg=got.message(lang))),
                       icon=":material/error:")
        else:
            out[key] = got
    return out


def production_rows(tokens: dict[str, ProductionTokenizer], text: str) -> dict[str, Row | UserInputError]:
    rows: dict[str, Row | UserInputError] = {}
    for key, tok in tokens.items():
        try:
            rows[key] = production_row(tok, text)
        except UserInputError as e:
            rows[key] = e
    return rows


def draw_rows(rows: dict[str, Row | UserInputError], tokens: dict[str, ProductionTokenizer], show_ids: bool,
              lang: str) -> None:
    st.subheader(T.t("heading", lang))
    st.markdown(T.t("intro", lang))
    st.markdown(BYTE_CHIP_CSS, unsafe_allow_html=True)
    for key, row in rows.items():
        tok = tokens[key]
        if isinstance(row, UserInputError):
            st.markdown(f"**{name(key, lang)}**")
            shell.show_error(row)
            continue
        tpc = row.n_tokens / row.n_chars if row.n_chars else 0.0
        st.markdown(f"**{name(key, lang)}** — {T.t('stats', lang, n=row.n_tokens, tpc=tpc)}")
        src = tok.source
        st.caption(inert(T.t("desc", lang, package=src.get("package", tok.spec.package),
                                   version=src.get("version", tok.spec.version),
                                   license=src.get("license", "?"), vocab=tok.vocab_size)))
        if row.normalized is not None:
            st.caption(T.t("normalized", lang))
        st.markdown(byte_chips_html(row.tokens, show_ids, more=COMPARE.t("more", lang)), unsafe_allow_html=True)


@st.cache_data(max_entries=16, show_spinner=False)
def _premium(keys: tuple[str, ...], corpus_key: str, vocab: int, ours: tuple[str, ...],
             _kit: Toolkit) -> list[tuple[str, int, int, int, int]]:
    """(row key, English tokens, Japanese tokens, pairs, <unk> tokens) for every tokenizer, over the shipped pairs
    (SentencePiece folds a run of unseen characters into one <unk>: few tokens, the text lost); `ours`: the
    learned rows of `_kit` to include (part of the cache key: they join once trained)."""
    pairs = load_pairs()
    count = {k: (lambda t, tok=try_load(k): len(tok.encode(t))) for k in keys}
    count["chars"] = len
    count["bytes"] = lambda t: len(t.encode("utf-8", "surrogatepass"))
    for k in ours:
        count[k] = lambda t, k=k: tokenize_row(k, _kit, t).n_tokens
    unknown = {k: sum(tokenize_row(k, _kit, t).n_unknown for p in pairs for t in (p.en, p.ja))
               for k in ours if k.startswith("spm_")}  # our BPE falls back to bytes: nothing lost
    return [(r.key, r.en_tokens, r.ja_tokens, r.n_pairs, unknown.get(r.key, 0)) for r in premium_table(count, pairs)]


def _label(key: str, lang: str, corpus: str, unknown: int = 0) -> str:
    if unknown:
        return T.t("with_unk", lang, name=_label(key, lang, corpus), n=unknown)
    if key in BY_KEY:
        return name(key, lang)
    if key in ("chars", "bytes"):
        return T.t(key, lang)
    return T.t("ours", lang, name=COMPARE.t(f"name_{key}", lang), corpus=corpus)


def _counts(key: str, tokens: dict[str, ProductionTokenizer], kit: Toolkit, text: str) -> int:
    if key in tokens:
        return len(tokens[key].encode(text))
    if key == "chars":
        return len(text)
    if key == "bytes":
        return len(text.encode("utf-8", "surrogatepass"))
    return tokenize_row(key, kit, text).n_tokens


def premium_section(tokens: dict[str, ProductionTokenizer], kit: Toolkit, corpus_key: str, corpus: str,
                    vocab: int, lang: str) -> None:
    """The chart and table over the parallel pairs, then the same on the visitor's own pair."""
    st.subheader(T.t("premium_h", lang))
    ours = tuple(k for k in PREMIUM_OURS if k in kit.learned)  # ours join once trained
    table = _premium(tuple(k for k in KEYS if k in tokens), corpus_key, vocab, ours, kit)
    st.markdown(T.t("premium_intro", lang, n=table[0][3] if table else 0))
    labels = PremiumLabels(T.t("chart_title", lang), T.t("chart_x", lang), T.t("en", lang), T.t("ja", lang),
                           T.t("ratio", lang))
    shown = [(_label(k, lang, corpus, unk), en / n, ja / n) for k, en, ja, n, unk in table]
    st.plotly_chart(premium_figure(shown, labels), key="tokc_premium")
    st.dataframe([{T.t("col_tok", lang): lab, T.t("col_en", lang): round(e, 2), T.t("col_ja", lang): round(j, 2),
                   T.t("col_ratio", lang): round(j / e, 2) if e else None} for lab, e, j in shown],
                 hide_index=True, key="tokc_premium_table")
    st.markdown(f"**{T.t('own_h', lang)}**")
    pairs = load_pairs()
    c1, c2 = st.columns(2)
    en = c1.text_input(T.t("own_en", lang), value=pairs[0].en, key="tokc_pair_en", max_chars=2000)
    ja = c2.text_input(T.t("own_ja", lang), value=pairs[0].ja, key="tokc_pair_ja", max_chars=2000)
    own = []
    for key, *_, unk in table:
        try:
            ne, nj = (_counts(key, tokens, kit, t) for t in (en, ja))
        except (UserInputError, UnicodeError, ValueError, TypeError):
            continue  # a lone surrogate and such: the rows above say why
        own.append({T.t("col_tok", lang): _label(key, lang, corpus, unk), T.t("col_en_n", lang): ne,
                    T.t("col_ja_n", lang): nj, T.t("col_ratio", lang): round(nj / ne, 2) if ne else None})
    st.dataframe(own, hide_index=True, key="tokc_own_table")


@st.cache_resource(show_spinner=False)
def _gpt2_ranks() -> dict:
    from core.tokenizers.gpt2_merges import load_ranks

    return load_ranks()


def _shown(piece: str) -> str:
    """A byte-level piece as the text it stands for, or its hex bytes when it holds part of a character."""
    from core.charts.tokens import visible
    from core.tokenizers.production import BYTE_OF

    raw = bytes(BYTE_OF.get(c, 0x3F) for c in piece)
    try:
        return visible(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return "<" + raw.hex(" ") + ">"


def gpt2_merges_section(text: str, show_ids: bool, lang: str, max_rows: int = 300) -> None:
    """On the BPE page: GPT-2's merge list replayed on the typed text, then GPT-2's tokens as chips."""
    from core.tokenizers.gpt2_merges import replay

    st.subheader(T.t("merges_h", lang))
    got = try_load("gpt2")
    if isinstance(got, UserInputError):
        shell.show_error(got)
        return
    err = None
    try:
        row = production_row(got, text)
    except UserInputError as e:
        err = e
    if err is not None:
        shell.show_error(err)
        return
    ranks = _gpt2_ranks()
    steps, final = replay(text, ranks)
    st.markdown(T.t("merges_intro", lang, m=len(ranks)))
    st.dataframe([{T.t("col_word", lang): _shown(s.word), T.t("col_rank", lang): s.rank + 1,
                   T.t("col_pair", lang): f"{_shown(s.left)} + {_shown(s.right)}"
                                          + (f" ×{s.count}" if s.count > 1 else ""),
                   T.t("col_after", lang): " | ".join(_shown(p) for p in s.pieces)} for s in steps[:max_rows]],
                 hide_index=True, key="bpe_gpt2_steps", height=300)
    agree = final == [got.id_to_piece(t.id) for t in row.tokens]
    st.markdown(T.t("final", lang, n=row.n_tokens, ok=T.t("yes" if agree else "no", lang)))
    st.markdown(BYTE_CHIP_CSS, unsafe_allow_html=True)
    st.markdown(byte_chips_html(row.tokens, show_ids, more=COMPARE.t("more", lang)), unsafe_allow_html=True)
