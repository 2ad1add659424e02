"""Nothing a user supplies reaches native code (MeCab, Sudachi, SentencePiece, HF tokenizers) unchecked.

MeCab (fugashi) segfaults on one long line: ~190 KB of one Latin letter, ~2.4 MB of Japanese prose. A
segfault is not an exception: it ends the server and every session on it. So each crash case runs in a
child process here, and the test asserts the child exits normally (on the unguarded code it exits -11).
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import unicodedata

import pytest

from core.errors import UserInputError
from core.textcheck import NATIVE_MAX_LINE_BYTES, native_chunks, native_text
from tests.conftest import ROOT

ISSUE_LINE = "'今日は雨が降っている読売巨人軍が勝った' * 50000"  # 2.85 MB, one line: the issue's crash
LATIN_LINE = "'a' * 300_000"  # 300 KB of one letter: MeCab's smallest crash measured (~190 KB)
MIXED_LINE = "'あ' + 'a' * 300_000"  # Japanese in it, no space: BPE-on-words hands it to MeCab whole


def _child(code: str, tmp_path, timeout: int = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ATLAS_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _assert_survives(code: str, tmp_path) -> str:
    r = _child(code, tmp_path)
    assert r.returncode == 0, f"child ended with {r.returncode} (-11 is SIGSEGV): {r.stderr[-2000:]}"
    return r.stdout


# --- one test per path that reached MeCab with a line it cannot take ------------------------------

@pytest.mark.parametrize("call", [
    f"from core.tokenizers import mecab; print(len(mecab.split({ISSUE_LINE})))",  # the issue's command
    f"from core.tokenizers import mecab; print(len(mecab.split({LATIN_LINE})))",
    # Compare tokenizers: the MeCab row's chips, and its vocabulary of the corpus
    f"from core.tokenizers import mecab; print(len(mecab.morphemes({LATIN_LINE})))",
    f"from core.tokenizers.simple import MecabTokenizer; print(MecabTokenizer.train({LATIN_LINE}).vocab_size)",
    # the n-gram page: Japanese words of an uploaded corpus (core/lm/units.py, on disk for long texts)
    f"from core.lm.units import split_units; print(len(split_units({MIXED_LINE}, 'word', 'ja')))",
    # BPE and Vocabulary size: BPE on words cuts Japanese words with MeCab
    f"from core.tokenizers.bpe_words import split_words; print(len(split_words({MIXED_LINE})))",
    # Sudachi's page compares with MeCab on the same text
    f"from core.tokenizers.sudachi import split_counts; print(split_counts({LATIN_LINE})['mecab'])",
], ids=["mecab-split-issue-line", "mecab-split-latin", "compare-morphemes", "compare-vocabulary",
        "ngram-words", "bpe-words", "sudachi-counts"])
def test_a_line_that_crashed_mecab_is_split_without_killing_the_process(call, tmp_path):
    out = _assert_survives(call, tmp_path)
    assert out.strip()


def test_mecab_offsets_stay_right_across_the_pieces_of_a_cut_line():
    from core.tokenizers import mecab

    text = "読売巨人軍が勝った。" * 5000 + "\n" + "x" * 70_000  # 150 KB and 70 KB lines: both are cut
    ms = mecab.morphemes(text)
    assert all(text[m.start:m.end] == m.surface for m in ms)
    assert "".join(mecab.split(text)) == text.replace("\n", "")


def test_sudachi_offsets_stay_right_and_a_long_line_is_cut_where_sentences_end():
    from core.tokenizers import sudachi

    text = "外国人参政権と外国人。" * 6000  # 198 KB, one line: Sudachi alone refuses over 49,149 bytes
    ms = sudachi.morphemes(text, "C")
    assert all(text[m.start:m.end] == m.surface for m in ms)
    assert sudachi.split(text[:11], "C") == [m.surface for m in ms[:4]]  # no word cut at a piece's end


def test_sentencepiece_trains_on_a_long_single_line_instead_of_skipping_it():
    """Its trainer silently skipped any line over 64 KB: a one-line upload trained on nothing."""
    from core.tokenizers.spm import SentencePieceTokenizer

    tok = SentencePieceTokenizer.train("the cat sat on the mat. " * 4000, vocab_size=30)  # 96 KB, one line
    assert tok.pieces("the cat") == ["▁the", "▁cat"]


@pytest.mark.parametrize("bad", ["a\ud800b", "\udfff", "a\x00b今日"])
def test_lone_surrogates_and_nul_reach_no_tokenizer(bad):
    """fugashi and Sudachi raised UnicodeEncodeError, SentencePiece a RuntimeError, MeCab stopped at a NUL."""
    from core.tokenizers import mecab, sudachi
    from core.tokenizers.spm import SentencePieceTokenizer

    assert "".join(mecab.split(bad)) == native_text(bad)
    assert [m.surface for m in sudachi.morphemes(bad, "A")]
    tok = SentencePieceTokenizer.train("今日は雨。the cat sat\n" * 30, vocab_size=30)
    assert isinstance(tok.encode(bad), list) and isinstance(tok.segments(bad), list)


# --- the guard itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "a" * 100_000, "あ" * 40_000 + "😀" * 20_000, "e\u0301" * 40_000, "👨\u200d👩\u200d👧" * 9000,
    "x. " * 30_000, "今日は雨。" * 10_000, "مرحبا بالعالم " * 5000,
])
def test_native_chunks_join_back_and_stay_under_the_bound(line):
    pieces = native_chunks(line)
    assert "".join(pieces) == line
    assert all(0 < len(p.encode("utf-8")) <= NATIVE_MAX_LINE_BYTES for p in pieces)
    assert not any(unicodedata.combining(p[0]) or p[0] == "\u200d" for p in pieces[1:])


def test_native_text_refuses_what_is_not_text():
    with pytest.raises(UserInputError):
        native_text(b"bytes")  # type: ignore[arg-type]


# --- fuzz: the calling process stays alive, and each call gives a result or a UserInputError ---------

FUZZ = """
import random, sys
from core.errors import UserInputError
from core import corpus
from core.textcheck import check_text
from core.tokenizers import mecab, sudachi
from core.tokenizers.bpe_words import split_words
from core.tokenizers.spm import SentencePieceTokenizer
from core.lm.units import split_units

rng = random.Random(27)
spm = SentencePieceTokenizer.train("今日は雨が降っている。the cat sat on the mat\\n" * 50, vocab_size=60)
odd = ["👨\\u200d👩\\u200d👧", "e\\u0301\\u0301\\u0301", "\\u202eevil\\u202c", "مرحبا", "\\ud800", "\\udfff", "\\x00",
       "\\x1b[31m", "\\ufeff", "\\U000e0041", "\\u3000", "ｈｅｌｌｏ", "①", "\\r\\n", "\\t", "<script>", "\\u0000"]
cases = [rng.randbytes(rng.randint(0, 4000)).decode("utf-8", "surrogateescape") for _ in range(20)]
cases += ["".join(rng.choice(odd) for _ in range(rng.randint(1, 3000))) for _ in range(20)]
cases += ["a" * 70_000, "x. " * 25_000, "今日は雨" * 6_000, "😀" * 10_000,  # long lines
          "".join(chr(rng.randint(1, 0x10FFFF)) for _ in range(10_000)), "", "\\n" * 10_000,
          "読売巨人軍が勝った。\\n" * 10_000]  # a huge text (300 KB) in ordinary lines
calls = [mecab.split, mecab.morphemes, lambda t: sudachi.morphemes(t, "C"), split_words, spm.encode,
         spm.segments, spm.normalize, lambda t: split_units(t, "word", "ja"), check_text]
hf = None
try:
    from core.tokenizers.hf import load_hf
    hf = load_hf("minilm")
except UserInputError:
    pass
if hf is not None:
    calls.append(hf.encode)
bad = []
for text in cases:
    try:
        corpus.decode_upload(text.encode("utf-8", "surrogatepass"), "fuzz.txt")
    except UserInputError:
        pass
    for call in calls:
        try:
            call(text)
        except UserInputError:
            pass
        except Exception as e:
            bad.append(f"{getattr(call, '__name__', call)} on {text[:20]!r}...: {type(e).__name__}: {e}"[:300])
print("\\n".join(bad[:20]))
print("alive", len(cases), len(calls))
"""


def test_fuzz_every_tokenizing_entry_point_in_a_child_that_must_survive(tmp_path):
    out = _assert_survives(FUZZ, tmp_path)
    lines = out.strip().splitlines()
    assert lines[-1].startswith("alive"), out[-2000:]
    assert lines[:-1] == [], "\n".join(lines[:-1])
