"""Device selection, text checks, the corpus loader and its one split."""
from __future__ import annotations

import pytest
import torch

from core import corpus
from core.runtime.device import device_info, pick_device
from core.errors import UserInputError
from core.textcheck import check_text


def test_pick_device_forced_cpu_and_info():
    assert pick_device(force_cpu=True).type == "cpu"
    info = device_info(torch.device("cpu"))
    assert info.kind == "cpu" and info.threads == torch.get_num_threads()
    assert "CPU" in info.label()


def test_pick_device_order(monkeypatch):
    monkeypatch.delenv("ATLAS_FORCE_CPU", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert pick_device().type == "cuda"
    assert pick_device(force_cpu=True).type == "cpu"
    monkeypatch.setenv("ATLAS_FORCE_CPU", "1")
    assert pick_device().type == "cpu"


@pytest.mark.parametrize("bad", ["", "   \n\t", "\x00\x01\x1b"])
def test_check_text_refuses_empty(bad):
    with pytest.raises(UserInputError) as e:
        check_text(bad)
    assert "empty" in e.value.message("en") and "空" in e.value.message("ja")


def test_check_text_keeps_unicode_and_strips_controls():
    family = "👨\u200d👩\u200d👧"  # ZWJ sequence: the joiners must survive
    c = check_text(f"a\x07b {family} e\u0301 <script>")
    assert c.text == f"ab {family} e\u0301 <script>"
    assert c.removed_controls == 1 and not c.truncated


def test_check_text_truncates_long_text():
    c = check_text("あ" * 10_000, max_chars=2000)
    assert len(c.text) == 2000 and c.truncated and c.original_chars == 10_000


@pytest.mark.parametrize("lang", corpus.CORPUS_LANGS)
def test_shipped_corpus_is_large_and_varied(lang):
    text = corpus.load_shipped(lang)
    assert len(text) >= 60_000
    if lang == "ja":
        for a, b in [("１年生", "1年生"), ("りんご", "リンゴ"), ("ＡＩ", "AI")]:
            assert a in text and b in text, (a, b)


def test_split_is_deterministic_and_covers_text():
    text = corpus.load_shipped("en")
    train, held = corpus.split_train_heldout(text)
    assert train + held == text
    assert 0.05 < len(held) / len(text) < 0.2
    assert corpus.split_train_heldout(text) == (train, held)


@pytest.mark.parametrize(
    "data,name,needle",
    [
        (b"hello", "notes.pdf", ".txt"),
        (b"\x00\x01\x02binary", "x.txt", "binary"),
        ("日本語".encode("shift_jis"), "sjis.txt", "UTF-8"),
        (b"   \n", "empty.txt", "empty"),
        (b"x" * 100, "big.txt", "too large"),
    ],
)
def test_decode_upload_rejects_bad_files(data, name, needle):
    with pytest.raises(UserInputError) as e:
        corpus.decode_upload(data, name, max_bytes=50)
    assert needle in e.value.message("en")
    assert e.value.message("ja") != e.value.message("en")


def test_decode_upload_accepts_utf8_with_bom_and_crlf():
    assert corpus.decode_upload("\ufeffりんご\r\nリンゴ".encode("utf-8"), "a.TXT") == "りんご\nリンゴ"
