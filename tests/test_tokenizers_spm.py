"""SentencePiece wrapper: round trips up to NFKC, persistence, caching, and impossible vocab sizes."""
from __future__ import annotations

import pickle
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import UserInputError
from core.runtime.diskcache import cache_root
from core.tokenizers import cache
from core.tokenizers.spm import SPACE, SentencePieceTokenizer, VocabSizeError, train_sentencepiece

EN = "\n".join([
    "the quick brown fox jumps over the lazy dog.", "a cat sat on the mat and looked at the dog.",
    "students read books in the library every morning.", "the teacher writes a long sentence on the board.",
    "rain fell on the quiet town through the night.", "we walked to the station and took the early train.",
    "my brother cooks rice and fish for dinner.", "the market opens at seven and closes at noon.",
]) * 6 + "\n"
JA = "\n".join([
    "今日は雨が上がった。", "読売巨人軍が勝った。", "明日は晴れるでしょう。", "学生は図書館で本を読みます。",
    "先生は黒板に長い文を書いた。", "駅まで歩いて電車に乗った。", "兄は夕食にご飯と魚を作る。",
]) * 6 + "\n"


@pytest.fixture(scope="module")
def bpe():
    return train_sentencepiece(EN + JA, "bpe", vocab_size=120)


@pytest.fixture(scope="module")
def uni():
    return train_sentencepiece(EN + JA, "unigram", vocab_size=110)


# Characters the tokenizers saw (so no <unk>), with single spaces and no leading/trailing space:
# NFKC is then the whole normalization and decode(encode(s)) == NFKC(s) exactly.
_SEEN = sorted(set((EN + JA).replace("\n", "").replace(" ", "")))
_words = st.text(alphabet=st.sampled_from(_SEEN + ["Ａ", "ｂ", "１"]), min_size=1, max_size=8)
_sentences = st.lists(_words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(_sentences)
def test_roundtrip_is_nfkc(s):
    for tok in (train_sentencepiece(EN + JA, "bpe", vocab_size=120),
                train_sentencepiece(EN + JA, "unigram", vocab_size=110)):
        expected = unicodedata.normalize("NFKC", s)
        if all(ch in _SEEN or ch == " " for ch in expected):
            assert tok.decode(tok.encode(s)) == expected


def test_space_is_a_symbol_and_nfkc_applies(bpe):
    assert bpe.pieces("the cat")[0].startswith(SPACE)
    assert bpe.normalize("ｔｈｅ  cat") == f"{SPACE}the{SPACE}cat"
    assert bpe.decode(bpe.encode("ｔｈｅ cat")) == "the cat"
    seg = bpe.segments("ｔｈｅ")
    assert "".join(s.surface for s in seg) == "ｔｈｅ"


def test_unknown_characters_are_reported(bpe):
    segs = bpe.segments("the 😀")
    assert any(s.unknown and s.surface == "😀" for s in segs)
    assert bpe.decode([bpe.vocab_size + 5]) == bpe.decode([bpe.unk_id])  # never raises


def test_interface(bpe, uni, tmp_path):
    assert bpe.model_type == "bpe" and uni.model_type == "unigram"
    assert bpe.vocab_size == 120 and uni.vocab_size == 110
    ids = bpe.encode("読売巨人軍が勝った")
    assert [bpe.id_to_piece(i) for i in ids] == bpe.pieces("読売巨人軍が勝った")
    path = tmp_path / "x.model"
    bpe.save(path)
    again = SentencePieceTokenizer.load(path)
    assert again.encode("today the fox") == bpe.encode("today the fox")
    assert pickle.loads(pickle.dumps(bpe)).encode("mat") == bpe.encode("mat")
    assert SentencePieceTokenizer(bpe.model_proto).vocab_size == 120


def test_cached_in_memory_and_on_disk(bpe):
    assert train_sentencepiece(EN + JA, "bpe", vocab_size=120) is bpe
    files = list((cache_root() / cache.KIND).glob("spm-*.model"))
    assert files
    cache.MEMORY.clear()
    again = train_sentencepiece(EN + JA, "bpe", vocab_size=120)  # from disk
    assert again is not bpe and again.encode("the cat") == bpe.encode("the cat")


def test_vocab_too_large_is_a_user_error():
    with pytest.raises(VocabSizeError) as info:
        train_sentencepiece(EN, "bpe", vocab_size=50_000)
    assert info.value.too_large and 0 < info.value.limit < 50_000
    assert str(info.value.limit) in info.value.ja.replace(",", "")
    # the limit it names works
    assert train_sentencepiece(EN, "bpe", vocab_size=info.value.limit).vocab_size == info.value.limit


def test_vocab_too_small_and_bad_input():
    with pytest.raises(VocabSizeError) as info:
        train_sentencepiece(JA, "unigram", vocab_size=10)
    assert not info.value.too_large
    with pytest.raises(UserInputError):
        train_sentencepiece(" \n\n", "bpe", vocab_size=50)
    with pytest.raises(UserInputError):
        train_sentencepiece(EN, "bpe", vocab_size=0)


def test_training_log_is_silent(capfd):
    train_sentencepiece(EN + "silent\n", "unigram", vocab_size=60)
    out, err = capfd.readouterr()
    assert "trainer_interface" not in out + err


def test_known_impossible_sizes_fail_without_retraining(monkeypatch):
    import core.tokenizers.spm as spm_mod

    with pytest.raises(VocabSizeError) as first:
        train_sentencepiece(EN + "bounds\n", "bpe", vocab_size=40_000)

    def no_training(*a, **k):
        raise AssertionError("trained again")

    monkeypatch.setattr(spm_mod, "_train", no_training)
    with pytest.raises(VocabSizeError) as again:
        train_sentencepiece(EN + "bounds\n", "bpe", vocab_size=45_000)
    assert again.value.limit == first.value.limit and "45,000" in again.value.en
