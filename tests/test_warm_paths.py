"""What a warm server keeps so a first interaction does not wait: the Japanese corpus's MeCab split on disk
(core.lm.units) and the one-time builds ui.preload runs before the server listens."""
from __future__ import annotations

import pytest

from core.corpus import load_shipped, split_train_heldout
from core.lm import units
from core.runtime.diskcache import cache_root


def _files():
    folder = cache_root() / units.MECAB_CACHE_KIND
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))


def test_long_japanese_text_split_once_then_read_back_exactly(empty_cache, monkeypatch):
    train, heldout = split_train_heldout(load_shipped("ja"))
    plain = units._mecab_lines(train)
    assert units.split_units(train, "word", "ja") == plain and len(plain) > 10_000
    assert len(_files()) == 1  # the training part (a whole corpus) is now on disk

    def no_mecab(text):
        raise AssertionError("MeCab ran although the split was on disk")

    monkeypatch.setattr(units, "_mecab_lines", no_mecab)
    assert units.split_units(train, "word", "ja") == plain  # read back, word for word, "\n" tokens included
    assert "\n" in plain and plain.count("\n") == train.count("\n")


def test_short_texts_and_other_levels_never_touch_the_disk(empty_cache):
    short = "猫が寝た。\n\n犬も寝た。"
    assert units.split_units(short, "word", "ja") == ["猫", "が", "寝", "た", "。", "\n", "\n",
                                                      "犬", "も", "寝", "た", "。"]
    long_en = "The cat sat on the mat.\n" * 400
    units.split_units(long_en, "word", "en")
    units.split_units(load_shipped("ja"), "char", "ja")
    assert _files() == []


def test_a_damaged_or_foreign_cache_file_is_split_again(empty_cache):
    text = load_shipped("ja")[:10_000]
    want = units._mecab_lines(text)
    units.split_units(text, "word", "ja")
    (path,) = _files()
    for bad in (b"[\"truncated", b'{"not": "a list"}', b"[1, 2, 3]"):
        path.write_bytes(bad)
        assert units.split_units(text, "word", "ja") == want
        assert units._load_words(path.read_bytes()) == want  # rewritten with the right words


def test_another_text_gets_its_own_file(empty_cache):
    a = load_shipped("ja")[:6_000]
    b = a.replace("。", "．")
    assert units.split_units(a, "word", "ja") != units.split_units(b, "word", "ja")
    assert len(_files()) == 2


def test_preload_warmups_run_and_a_failing_one_is_skipped(empty_cache):
    from ui.preload import WARMUPS, preload

    def broken():
        raise RuntimeError("no corpus here")

    took = preload((), warmups=(("warm:broken", broken),) + WARMUPS)
    assert set(took) == {name for name, _ in WARMUPS}  # the broken one is skipped, the others still ran
    from transformers import conversion_mapping

    assert conversion_mapping._checkpoint_conversion_mapping_cache is not None  # built once, kept by transformers
    assert len(_files()) == 2  # the shipped corpus's training and held-out parts
    train, heldout = split_train_heldout(load_shipped("ja"))
    assert units.split_units(heldout, "word", "ja") == units._mecab_lines(heldout)


# --- the pages that read the kept split show what they showed when MeCab ran in the rerun --------------------

def _ngram_view(at) -> tuple[str, str, list[str]]:
    """(the sampled text, the bigram heatmap's spec, every chart's spec) the n-gram page shows."""
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    return at.code[0].value, next(s for s in specs if '"heatmap"' in s), specs


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_ngram_corpus_switch_at_word_level_same_page_from_the_kept_split(empty_cache, lang):
    import streamlit as st

    from tests.apptest import errors, open_page

    def ja_words_page():
        at = open_page("views/lm_ngram/page.py", lang=lang)
        at.radio(key="ngram_level").set_value("word").run()
        at.radio(key="ngram_corpus").set_value("en").run()
        english = _ngram_view(at)
        at.radio(key="ngram_corpus").set_value("ja").run()
        assert not at.exception, errors(at)
        return english, _ngram_view(at)

    st.cache_resource.clear()  # the page's counts too: MeCab splits the corpus in the rerun (and keeps it)
    english, split_now = ja_words_page()
    assert len(_files()) >= 1
    assert split_now[0] != english[0] and split_now[1] != english[1]  # the switch changes the sample and the heatmap
    assert any("\u3040" <= ch <= "\u30ff" for ch in split_now[0])  # Japanese words now
    st.cache_resource.clear()
    _english, from_disk = ja_words_page()  # counts rebuilt from the split on disk
    assert from_disk == split_now  # the same sample, heatmap and curves, figure for figure


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_composition_chart_kept_per_sentence_redrawn_for_a_new_one(lang):
    import json

    from tests.apptest import errors, open_page

    def comp(at):
        return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if c.proto.id.endswith("mha_comp_fig")
                    or "mha_comp_fig" in c.proto.id)

    at = open_page("views/tf_multihead/page.py", lang=lang)
    first = comp(at)
    assert ("layers" in json.dumps(first, ensure_ascii=False)) == (lang == "en")  # the chart speaks the page's language
    at.slider(key="mha_layer").set_value(2).run()
    at.slider(key="mha_head").set_value(3).run()
    assert not at.exception, errors(at)
    assert comp(at) == first  # a slider move does not change heads-vs-layers reach: the same chart
    sentence = "A small model learns the next letter from the ones before it, slowly."
    at.text_area(key="mha_text").set_value(sentence).run()
    assert not at.exception, errors(at)
    assert comp(at)["data"] != first["data"]  # another sentence: its own reach curves
