"""Our BPE: exact round trips on any Unicode, replay = encode, incremental = naive, persistence."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import UserInputError
from core.tokenizers import bpe
from core.tokenizers.bpe import MODES, RawBPE, WordBPE, train_bpe
from core.tokenizers.bpe_base import BPETokenizer
from core.tokenizers.bpe_reference import reference_train_merges
from core.tokenizers.bpe_train import Merge, merge_pair, train_merges
from core.tokenizers.bpe_words import split_words

TEXT = (
    "the lowest newer widest lower low low lowest newest\n"
    "a cat sat on the mat; the cat is fat and the mat is flat.\n"
    "今日は雨が上がった。明日は晴れるでしょう。今日は学校に行った。\n"
    "読売巨人軍が勝った。巨人が負けた。米軍の基地がある。\n"
) * 5


@pytest.fixture(scope="module", params=["words", "raw"])
def tok(request):
    return train_bpe(TEXT, request.param, 60)


# Any Unicode but surrogates: emoji, ZWJ sequences, combining marks, controls, other scripts.
_any = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_mixed = st.lists(st.sampled_from(list("low newest cat 今日は雨巨人軍。\n\t\x00\u2581")
                                  + ["👩\u200d👩\u200d👧", "e\u0301"]), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_any, _mixed))
def test_roundtrip_any_unicode(s):
    for mode in MODES:
        t = train_bpe(TEXT, mode, 60)
        assert t.decode(t.encode(s)) == s


@settings(max_examples=80, deadline=None)
@given(st.one_of(_any, _mixed))
def test_replay_ends_at_encoding(s):
    for mode in MODES:
        t = train_bpe(TEXT, mode, 60)
        steps = t.replay(s)
        assert steps[-1].ids == t.encode(s)
        assert steps[0].merge is None
        assert all(a.applied > 0 for a in steps[1:])


@pytest.mark.parametrize("s", ["", " ", "読売巨人軍が勝った", "lowest lowest", "👩‍👩‍👧 e\u0301 \x07", "a" * 10_000,
                               "</script><script>alert(1)</script>", "▁ ▁", "\n\n  \t"])
def test_known_strings(tok, s):
    assert tok.decode(tok.encode(s)) == s
    assert tok.replay(s)[-1].ids == tok.encode(s)
    assert "".join(seg.piece for seg in tok.segments(s) if not seg.fallback) in s or any(
        seg.fallback for seg in tok.segments(s))


def test_replay_steps_follow_merge_order(tok):
    steps = tok.replay("the lowest newest 巨人軍")
    ranks = [tok.ranks[st.merge.pair] for st in steps[1:]]
    assert ranks == sorted(ranks)
    for before, after in zip(steps, steps[1:]):
        assert len(after.ids) == len(before.ids) - after.applied
        assert tok.decode(after.ids) == tok.decode(before.ids)


def test_merge_pair_worked_examples():
    assert merge_pair([1, 2, 3, 1, 2], (1, 2), 4) == [4, 3, 4]
    assert merge_pair([7, 7, 7, 7], (7, 7), 9) == [9, 9]
    assert merge_pair([], (1, 2), 3) == []


@pytest.mark.parametrize("mode", ["words", "raw"])
def test_incremental_equals_naive(mode):
    t = MODES[mode]()
    chars, words = t.training_words(TEXT + "aaaa aaa abab ababab " * 3)
    first = 256 + len(chars)
    fast = train_merges(words, 120, first)
    slow = reference_train_merges(words, 120, first)
    assert fast == slow
    assert len(fast) > 20


REFERENCE_TEXTS = {
    "english": "the lowest newer widest lower low low lowest newest " * 4,
    "japanese": "今日は雨が上がった。明日は晴れるでしょう。今日は学校に行った。\n" * 3,
    "runs": "aaaa aaa aa abab ababab baba " * 3,  # overlapping pairs: (a, a) inside aaaa
    "ties": "ab cd ab cd ef",  # (a, b) and (c, d) tie at 2: the smaller pair wins in both
    "mixed": "BPE は subword を学ぶ 😀 BPE は subword を学ぶ\n" * 2,
}


@pytest.mark.parametrize("mode", ["words", "raw"])
@pytest.mark.parametrize("name", sorted(REFERENCE_TEXTS))
def test_reference_bpe_equals_fast_bpe(mode, name):
    """The readable loop in core.tokenizers.bpe_reference and the incremental trainer learn the same
    merges, in the same order, with the same counts; and the tokenizer built from them is the same."""
    t = MODES[mode]()
    chars, words = t.training_words(REFERENCE_TEXTS[name])
    first = 256 + len(chars)
    slow = reference_train_merges(words, 60, first)
    assert train_merges(words, 60, first) == slow
    assert MODES[mode]().train(REFERENCE_TEXTS[name], 60).merges == slow
    assert slow, "each text has at least one pair occurring twice"


def test_reference_worked_example_and_ties():
    merges = reference_train_merges({(1, 2): 2, (3, 4): 2, (5, 6): 1}, 10, first_id=7)
    assert [(m.pair, m.id, m.count) for m in merges] == [((1, 2), 7, 2), ((3, 4), 8, 2)]
    assert reference_train_merges({(1,): 9}, 10, first_id=2) == []


def test_variant_registry_reads_the_type_from_the_file():
    raw = RawBPE().train("low lower lowest low low", 3)
    assert type(bpe.from_json(raw.to_json())) is RawBPE
    assert RawBPE.from_json(raw.to_json()).merges == raw.merges
    with pytest.raises(ValueError, match="bpe.from_json"):
        WordBPE.from_json(raw.to_json())  # a class reads only its own kind, and says where to go
    with pytest.raises(ValueError):
        bpe.from_json('{"type": "bpe-other", "version": 1, "chars": [], "merges": []}')
    with pytest.raises(ValueError):
        bpe.from_json('{"type": "bpe-raw", "version": 1, "chars": ["ab"], "merges": []}')


def test_merges_keep_their_frequencies():
    # "ab" occurs 3 + 2 = 5 times; then "ab c" 3 times
    merges = train_merges({(1, 2, 3): 3, (1, 2): 2, (4, 5): 1}, 10, first_id=10)
    assert [(m.pair, m.id, m.count) for m in merges] == [((1, 2), 10, 5), ((10, 3), 11, 3)]


def test_known_answer_raw():
    t = RawBPE().train("low lower lowest low low", num_merges=3)
    assert [t.id_to_piece(m.id) for m in t.merges] == ["lo", "low", " low"]
    assert t.pieces("lowest") == ["low", "e", "s", "t"]
    assert t.pieces(" low") == [" low"]


def test_words_mode_never_crosses_morphemes():
    assert split_words("読売巨人軍が勝った") == ["読売", "巨人", "軍", "が", "勝っ", "た"]
    t = WordBPE().train("読売巨人軍が勝った。\n" * 20, num_merges=50)
    assert t.pieces("読売巨人軍") == ["読売", "巨人", "軍"]
    raw = RawBPE().train("読売巨人軍が勝った。\n" * 20, num_merges=50)
    assert raw.pieces("読売巨人軍が勝った。") == ["読売巨人軍が勝った。"]  # raw text: one piece


def test_unseen_characters_fall_back_to_bytes(tok):
    segs = tok.segments("😀")
    assert [s.id for s in segs] == list("😀".encode("utf-8"))
    assert all(s.fallback for s in segs)
    assert tok.decode([10_000_000]) == "\ufffd"


def test_save_load_and_truncate(tok, tmp_path):
    path = tmp_path / "bpe.json"
    tok.save(path)
    again = bpe.load(path)
    assert type(again) is type(tok) and again.merges == tok.merges
    assert again.encode(TEXT[:200]) == tok.encode(TEXT[:200])
    short = tok.truncated(10)
    retrained = type(tok)().train(TEXT, 10)
    assert short.merges == retrained.merges
    with pytest.raises(ValueError):
        BPETokenizer.from_json('{"type": "char"}')


def test_cached_and_stops_when_pairs_run_out():
    a = train_bpe("ab ab ab cd\n", "raw", 500)
    assert train_bpe("ab ab ab cd\n", "raw", 500) is a
    assert len(a.merges) < 500  # no pair occurs twice any more
    with pytest.raises(UserInputError):
        train_bpe("   \n", "words", 10)
    with pytest.raises(UserInputError):
        train_bpe(TEXT, "words", -1)


def test_vocab_size_counts_bytes_chars_and_merges(tok):
    assert tok.vocab_size == 256 + len(tok.chars) + len(tok.merges)
    assert [tok.id_to_piece(i) for i in tok.encode("low")] == tok.pieces("low")


def test_heap_encoder_worked_examples_from_its_docstring():
    """The two examples in BPETokenizer._encode_chunk's docstring, checked against replay."""
    chars = sorted("elorw")  # ids 256.. in code point order: e l o r w
    c = {ch: 256 + i for i, ch in enumerate(chars)}
    lo, low, er = 261, 262, 263
    tok = RawBPE(chars, [Merge((c["l"], c["o"]), lo, 5), Merge((lo, c["w"]), low, 4), Merge((c["e"], c["r"]), er, 3)])
    assert tok.pieces("lower") == ["low", "er"]
    assert tok.replay("lower")[-1].ids == tok.encode("lower") == [low, er]
    aa = RawBPE(["a"], [Merge((256, 256), 257, 3)])
    assert aa.pieces("aaa") == ["aa", "a"] and aa.pieces("aaaa") == ["aa", "aa"]
    assert aa.replay("aaaaa")[-1].ids == aa.encode("aaaaa")


def test_tokenizer_disk_cache_is_the_shared_get_or_build(tmp_path, monkeypatch):
    """Trained BPE lands in <cache root>/tokenizers/ as readable JSON; a damaged file is rebuilt; a
    cache that cannot be written still gives a tokenizer (kept in memory only)."""
    from core.runtime.diskcache import cache_path
    from core.tokenizers import cache

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    cache.MEMORY.clear()
    text = "the lowest newer widest lower\n" * 4
    a = train_bpe(text, "raw", 12)
    key = cache.cache_key("bpe", text, mode="raw", num_merges=12)
    path = cache_path(cache.KIND, key, ".json")
    assert path.is_file() and bpe.from_json(path.read_text(encoding="utf-8")).merges == a.merges
    cache.MEMORY.clear()
    assert train_bpe(text, "raw", 12).merges == a.merges  # read back from disk
    path.write_text('{"type": "bpe-raw", "vers', encoding="utf-8")  # a half-written file
    cache.MEMORY.clear()
    assert train_bpe(text, "raw", 12).merges == a.merges
    assert bpe.from_json(path.read_text(encoding="utf-8")).merges == a.merges  # rebuilt and rewritten
    blocked = tmp_path / "not-a-folder"  # a file where the cache folder should be: nothing can be written
    blocked.write_text("x")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(blocked))
    cache.MEMORY.clear()
    assert train_bpe(text, "raw", 12).merges == a.merges
