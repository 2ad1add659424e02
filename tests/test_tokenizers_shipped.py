"""The tokenizers shipped in assets/models/tokenizers/ (build_models --only tokenizers) and the cache layer
that reads them: each shipped file is what a fresh build with the same key gives, a missing or stale one
fails here, a damaged one is rebuilt; the comparison page's other settings train in a background job."""
from __future__ import annotations

import lzma
import os

import pytest

from core.corpus import corpus_id, load_shipped, split_train_heldout
from core.tokenizers import cache, compare_job
from core.tokenizers.bpe import MODES, from_json, train_bpe
from core.tokenizers.compare import (LEARNED, LEARNERS, ROWS, fit_toolkit, human_toolkit, mecab_vocabulary,
                                     ready_toolkit, sudachi_vocabulary, tokenize_row)
from core.tokenizers.spm import SentencePieceTokenizer
from tests.test_shipped_models import B  # scripts/build_models.py as a module

SHIPPED = cache.SHIPPED_DIR  # the real folder (fixtures below move cache.SHIPPED_DIR)
SAMPLE = "The quick brown fox — 読売巨人軍が勝った。ｈｅｌｌｏ ① 👩‍👩‍👧 naïve\n"


@pytest.fixture()
def fresh(tmp_path, monkeypatch):
    """An empty disk cache, nothing shipped, nothing in memory."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "SHIPPED_DIR", tmp_path / "shipped")
    cache.MEMORY.clear()
    yield tmp_path
    cache.MEMORY.clear()


def _card(lang: str) -> dict:
    import json

    path = SHIPPED / f"tokenizers-{lang}.json"
    assert path.is_file(), f"{path} is missing: run python scripts/build_models.py --only tokenizers"
    return json.loads(path.read_text(encoding="utf-8"))


def _same_tokenizer(a, b, text: str) -> None:
    assert type(a) is type(b)
    if isinstance(a, SentencePieceTokenizer):
        assert a.vocab_size == b.vocab_size
        assert [a.id_to_piece(i) for i in range(a.vocab_size)] == [b.id_to_piece(i) for i in range(b.vocab_size)]
    else:
        assert a.to_json() == b.to_json()
    assert a.encode(text) == b.encode(text)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_tokenizers_are_what_a_fresh_build_gives(lang, fresh):
    card = _card(lang)
    text = load_shipped(lang)
    train, _ = split_train_heldout(text)
    assert card["corpus_id"] == corpus_id(text), "stale: the corpus changed, run build_models --only tokenizers"
    assert card["train_part_hash"] == cache.text_hash(train)
    shipped = {name: lzma.decompress((SHIPPED / name).read_bytes()) for name in card["files"]}
    # A fresh build of everything the pages train at their defaults, into the empty cache.
    vocab = compare_job.DEFAULT_VOCAB[lang]
    built = {name: LEARNERS[name](text, vocab).tok for name in LEARNED}
    built["mecab"] = mecab_vocabulary(text)
    built["sudachi"] = sudachi_vocabulary(text)
    for mode in ("words", "raw"):
        built[mode] = full = train_bpe(train, mode, B.TOK_BPE_MERGES)
        assert full.truncated(500).merges == MODES[mode]().train(train, 500).merges  # why one file serves the slider
    fresh_files = {p.name + ".xz": p for p in (fresh / "cache" / cache.KIND).iterdir()}
    assert set(fresh_files) == set(card["files"]), "stale or missing shipped files: run build_models --only tokenizers"
    sample = text[:3000] + SAMPLE
    for name, data in shipped.items():
        again = fresh_files[name].read_bytes()
        if name.startswith("spm-"):
            _same_tokenizer(SentencePieceTokenizer(data), SentencePieceTokenizer(again), sample)
        else:  # our BPE and MeCab's / Sudachi's vocabularies: plain deterministic Python, byte for byte
            assert data == again
        if name.startswith("bpe-"):
            _same_tokenizer(from_json(data.decode()), from_json(again.decode()), sample)
    assert len(built) == 8


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_default_toolkit_comes_from_the_shipped_files_without_training(lang, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))  # empty disk cache; the real shipped folder
    cache.MEMORY.clear()
    kit = ready_toolkit(load_shipped(lang), compare_job.DEFAULT_VOCAB[lang])
    assert kit is not None and set(kit.learned) == set(LEARNED)
    assert all(kit.learned[k].note is None for k in ("spm_bpe", "spm_unigram"))
    assert not (tmp_path / cache.KIND).exists()  # nothing trained, nothing written
    assert tokenize_row("spm_unigram", kit, SAMPLE).n_tokens > 0
    cache.MEMORY.clear()


def test_no_training_refuses_then_a_built_tokenizer_loads(fresh):
    text = "low lower lowest newer newest " * 20
    with cache.no_training():
        with pytest.raises(cache.NotReady):
            train_bpe(text, "words", 10)
    tok = train_bpe(text, "words", 10)  # outside the block it trains (and caches on disk)
    cache.MEMORY.clear()
    with cache.no_training():
        assert train_bpe(text, "words", 10).merges == tok.merges  # from disk, no training


def test_a_page_asking_never_waits_for_a_job_training_the_same_tokenizer(fresh):
    import threading

    from core.runtime.diskcache import _lock_for

    text = "ab ac ad " * 40
    key = cache.cache_key("bpe", text, mode="words", num_merges=3)
    asked = []
    with _lock_for(cache.KIND, key):  # as while a job's get_or_build trains this key
        t = threading.Thread(target=lambda: asked.append(_ask(text)))
        t.start()
        t.join(30)
        assert not t.is_alive() and asked == ["not ready"]


def _ask(text: str) -> str:
    with cache.no_training():
        try:
            train_bpe(text, "words", 3)
        except cache.NotReady:
            return "not ready"
    return "trained"


def test_a_shipped_file_is_used_and_a_damaged_one_is_rebuilt_with_a_note(fresh):
    text = "abc abd abe " * 30
    key = cache.cache_key("bpe", text, mode="raw", num_merges=5)
    good = train_bpe(text, "raw", 5)
    shipped = cache.shipped_path(key, ".json")
    shipped.parent.mkdir(parents=True)
    shipped.write_bytes(lzma.compress(good.to_json().encode()))
    for p in (fresh / "cache").rglob("*.json"):
        p.unlink()
    cache.MEMORY.clear()
    with cache.no_training():
        assert train_bpe(text, "raw", 5).merges == good.merges  # shipped: no training needed
    shipped.write_bytes(b"\xfd7zXZ garbage")  # damaged
    cache.MEMORY.clear()
    cache.SHIPPED_DAMAGED.clear()
    assert train_bpe(text, "raw", 5).merges == good.merges  # rebuilt, no traceback
    assert key in cache.SHIPPED_DAMAGED
    # A different corpus has another key: the shipped file is simply not asked for.
    with cache.no_training(), pytest.raises(cache.NotReady):
        train_bpe(text + "x", "raw", 5)


def test_other_settings_train_in_a_shared_job_then_come_back_at_once(fresh):
    text = load_shipped("en")[:6000]
    assert ready_toolkit(text, 300) is None
    assert human_toolkit(text).rows() == ["whitespace", "chars", "bytes"]  # MeCab over a new corpus waits for the job
    job = compare_job.toolkit_or_job(text, 300)
    assert isinstance(job, compare_job.ToolkitJob)
    assert compare_job.toolkit_or_job(text, 300) is job  # a second session watches the same run
    assert job.wait(120) and job.status == "finished"
    kit = compare_job.toolkit_or_job(text, 300)
    assert not isinstance(kit, compare_job.ToolkitJob) and set(kit.learned) == set(LEARNED)
    assert kit.rows() == list(ROWS) and human_toolkit(text).mecab is not None
    cache.MEMORY.clear()  # a restart: the disk cache has every tokenizer now
    again = ready_toolkit(text, 300)
    want = fit_toolkit(text, 300)
    for k in LEARNED:
        assert tokenize_row(k, again, SAMPLE).tokens == tokenize_row(k, want, SAMPLE).tokens


def test_a_cancelled_job_keeps_nothing_half_done(fresh):
    text = load_shipped("ja")[:5000]
    job = compare_job.ToolkitJob(text, 700)
    job.stop()  # stopped before the first tokenizer: the gate says no
    assert job.work() == "stopped" and job.result is None
    assert ready_toolkit(text, 700) is None
    job = compare_job.restart(text, 700)
    assert job.wait(120) and job.result is not None


def test_an_empty_text_is_a_bilingual_message():
    from core.errors import UserInputError

    with pytest.raises(UserInputError) as e:
        compare_job.toolkit_or_job("  \n", 1000)
    assert "空" in e.value.ja
    assert os.environ.get("ATLAS_CACHE_DIR")
