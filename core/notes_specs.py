"""Every note the pages show, as a `core.notes_store.Note`: its name, today's inputs, how to compute it.

One function per note; the page and `scripts/build_models.py --only notes` call the same function, so a
shipped file is used exactly when it was computed from what the page would compute from. Values are
JSON (lists, dicts, floats); the `*_from_json` helpers turn them back into the dataclasses pages draw.

    sudachi_counts()                          Sudachi A/B/C and MeCab token counts of the Japanese corpus
    position_pairs(lang)                      "X at I with Y at J" vs "X, then Y k later" counts (words)
    dict_lookup(lang, model, tok, strings)    the attention page's two dict analogies, every head
    encdec_alignment(model, cfg)              how often a digit's strongest cross-attention reads its word
    attention_scaling(seed)                   the √d_k study of the attention page
    ngram_page(lang)                          the n-gram page's curves and its distant-repeat example
    normalization_page(lang)                  the normalization page's table at every level and n
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from dataclasses import asdict, dataclass

from core.corpus import corpus_id, load_shipped, split_train_heldout
from core.notes_store import Note, model_digest

POSITION_OFFSET, POSITION_MAX_LEN = 4, 64  # the pair counts' settings (core.lm.position_pairs defaults)
DICT_QUERY_POS = 13  # the many-texts query sits at position 14: past most keys' positions
DICT_POOL_LINES = 40  # held-out lines that lend their tokens as keys: ~700 keys
DICT_SHOWN = 6  # rows of the many-texts dict kept (the page shows these and the count)
NGRAM_KS = (0.001, 0.01, 0.1, 0.5, 1.0)  # the n-gram page's k slider: every value it offers is shipped


def lib_versions(*names: str) -> dict[str, str]:
    """Installed versions of the packages a note's numbers depend on (a new dictionary splits differently)."""
    return dict(_versions(names))


@functools.lru_cache(maxsize=16)
def _versions(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:  # a metadata scan costs ~10 ms: once
    out = {}
    for n in names:
        try:
            out[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            out[n] = "missing"
    return tuple(out.items())


def _torch_version() -> dict[str, str]:
    return lib_versions("torch")  # random draws and float sums may change between releases


# ----------------------------------------------------------------------------- tokenizer comparison
def sudachi_counts(lang: str = "ja") -> Note:
    """{"A": [tokens, distinct], "B": ..., "C": ..., "mecab": ...} over the whole shipped corpus."""
    text = load_shipped(lang)

    def compute() -> dict:
        from core.tokenizers.sudachi import split_counts

        return {k: list(v) for k, v in split_counts(text).items()}

    libs = lib_versions("sudachipy", "sudachidict-core", "fugashi", "unidic-lite")
    return Note(f"sudachi-counts-{lang}", {"corpus": corpus_id(text), "libs": libs}, compute)


# ----------------------------------------------------------------------------- attention page
def position_pairs(lang: str) -> Note:
    """asdict(core.lm.position_pairs.PairSparsity) of the shipped corpus of `lang`, in words."""
    text = load_shipped(lang)

    def compute() -> dict:
        from core.lm.position_pairs import corpus_sparsity

        return asdict(corpus_sparsity(text, lang, POSITION_OFFSET, POSITION_MAX_LEN))

    inputs = {"corpus": corpus_id(text), "lang": lang, "max_offset": POSITION_OFFSET, "max_len": POSITION_MAX_LEN,
              "libs": lib_versions("fugashi", "unidic-lite") if lang == "ja" else {}}
    return Note(f"position-pairs-{lang}", inputs, compute)


def pairs_from_json(value: dict):
    from core.lm.position_pairs import PairSparsity

    ex = value.get("example")
    return PairSparsity(**{**value, "example": tuple(ex) if ex is not None else None})


def dict_pool(lang: str) -> list[str]:
    """The held-out lines whose tokens are the many-texts dict's keys."""
    _, held = split_train_heldout(load_shipped(lang))
    return [line for line in held.split("\n") if line.strip()][:DICT_POOL_LINES]


@dataclass(frozen=True)
class DictStrings:
    """The page's words (from its catalog, in the model's language): the query word, the query sentence, the
    prefixes."""

    query_word: str
    query_text: str
    prefixes: tuple[str, ...]


def dict_strings(catalog, lang: str) -> DictStrings:
    """The page's words from its catalog (ui.texts.notes_checks.T): the page and build_models read the same ones."""
    return DictStrings(catalog.t("nd_query_word", lang), catalog.t("nd_query_text", lang),
                       tuple(catalog.t(f"nd_prefix_{i}", lang) for i in range(5)))


def dict_lookup(lang: str, model, tokenizer, strings: DictStrings, digest: str | None = None) -> Note:
    """Both dicts of core.transformer.dict_lookup for every head of `model`:
    {"heads": [{"many": [[key, score, weight], ...DICT_SHOWN], "many_n": n, "prefix": [[key, score, weight], ...]}]}."""
    pool = dict_pool(lang)

    def compute() -> dict:
        from core.transformer.dict_lookup import many_texts, prefix_keys

        heads = []
        for h in range(model.config.n_head):
            many = many_texts(model, tokenizer, strings.query_word, DICT_QUERY_POS, pool, head=h)
            pre = prefix_keys(model, tokenizer, strings.query_text, list(strings.prefixes), head=h)
            heads.append({"many": [[e.key, e.score, e.weight] for e in many[:DICT_SHOWN]], "many_n": len(many),
                          "prefix": [[e.key, e.score, e.weight] for e in pre]})
        return {"heads": heads}

    pool_hash = hashlib.sha1("\n".join(pool).encode("utf-8")).hexdigest()[:16]
    inputs = {"model": digest or model_digest(model), "strings": asdict(strings), "pool": pool_hash,
              "query_pos": DICT_QUERY_POS, "shown": DICT_SHOWN, **_torch_version()}
    return Note(f"dict-lookup-{lang}", inputs, compute)


def dicts_from_json(value: dict, head: int):
    """(the many-texts entries shown, their total count, the prefix entries) of one head."""
    from core.transformer.dict_lookup import Entry

    h = value["heads"][head]
    return [Entry(*e) for e in h["many"]], h["many_n"], [Entry(*e) for e in h["prefix"]]


def attention_scaling(seed: int) -> Note:
    """[asdict(ScalingPoint), ...] of core.transformer.attention_study.scaling_study at its defaults."""
    from core.transformer import attention_study as S

    def compute() -> list:
        return [asdict(p) for p in S.scaling_study(list(S.STUDY_D_KS), seed=seed)]

    inputs = {"d_ks": list(S.STUDY_D_KS), "keys": S.STUDY_KEYS, "samples": S.STUDY_SAMPLES, "seed": int(seed),
              **_torch_version()}
    return Note(f"attention-scaling-seed{int(seed)}", inputs, compute)


def scaling_from_json(value: list) -> list:
    from core.transformer.attention_study import ScalingPoint

    return [ScalingPoint(**p) for p in value]


# ----------------------------------------------------------------------------- encoder–decoder page
def encdec_alignment(model, cfg, digest: str | None = None) -> Note:
    """The AlignmentRates fields of core.transformer.cross_alignment over the held-out numbers of `cfg`."""
    from core.transformer.encoder_decoder_train import cache_key, heldout_numbers

    numbers = heldout_numbers(cfg)

    def compute() -> dict:
        from core.transformer.cross_alignment import alignment_rates

        return dict(alignment_rates(model, numbers).__dict__)

    inputs = {"model": digest or model_digest(model), "config": cache_key(cfg),
              "numbers": hashlib.sha1(",".join(map(str, numbers)).encode()).hexdigest()[:16], **_torch_version()}
    return Note(f"encdec-alignment-{cfg.lang}", inputs, compute)


def alignment_from_json(value: dict):
    from core.transformer.cross_alignment import AlignmentRates

    return AlignmentRates(**value)


# ----------------------------------------------------------------------------- n-gram page
def ngram_page(lang: str) -> Note:
    """The n-gram page on the shipped corpus of `lang`, at every setting its widgets offer:
    {"curves": {"level|smoothing|k": {"heldout": [asdict(Perplexity)], "train": [...]}},
     "distant": {"tokens", "first", "second", "probs": {"n|smoothing|k": p}} or None}.
    The word level needs MeCab over the whole Japanese corpus (1-7 s on a busy CPU): that is what this saves."""
    text = load_shipped(lang)

    def compute() -> dict:
        from core.lm.chain_rule import find_distant_repeat
        from core.lm.data import build
        from core.lm.ngram import MAX_ORDER, perplexity_curve

        train, held = split_train_heldout(text)
        curves, data = {}, None
        for level in ("char", "word"):
            data = build(train, held, level, lang)
            for sm in ("kn", "addk"):
                for k in NGRAM_KS:
                    curves[f"{level}|{sm}|{k}"] = {
                        "heldout": [asdict(p) for p in perplexity_curve(data.counts, data.heldout, sm, k)],
                        "train": [asdict(p) for p in perplexity_curve(data.counts, data.train, sm, k)]}
        ex = find_distant_repeat(data.train + data.heldout, lang)  # words, as the page does
        distant = None if ex is None else {
            "tokens": list(ex.tokens), "first": ex.first, "second": ex.second,
            "probs": {f"{n}|{sm}|{k}": ex.prob(data.counts, n, sm, k) for n in range(1, MAX_ORDER + 1)
                      for sm in ("kn", "addk") for k in NGRAM_KS}}
        return {"curves": curves, "distant": distant}

    from core.lm.ngram import MAX_ORDER

    inputs = {"corpus": corpus_id(text), "lang": lang, "ks": list(NGRAM_KS), "max_order": MAX_ORDER,
              "libs": lib_versions("fugashi", "unidic-lite") if lang == "ja" else {}}
    return Note(f"ngram-page-{lang}", inputs, compute)


def normalization_page(lang: str) -> Note:
    """{"level|n": [asdict(FormStats) for raw, nfkc, nfkc_kana]} of core.lm.normalize.compare_forms on the shipped
    corpus: every level and n the normalization page offers (a form's row does not depend on the others)."""
    from core.lm.normalize import FORMS

    text = load_shipped(lang)

    def compute() -> dict:
        from core.lm.normalize import compare_forms

        train, held = split_train_heldout(text)
        return {f"{level}|{n}": [asdict(r) for r in compare_forms(train, held, level, lang, n=n, forms=FORMS)]
                for level in ("char", "word") for n in range(1, 6)}

    inputs = {"corpus": corpus_id(text), "lang": lang, "forms": list(FORMS), "n": [1, 5],
              "libs": lib_versions("fugashi", "unidic-lite") if lang == "ja" else {}}
    return Note(f"normalization-page-{lang}", inputs, compute)
