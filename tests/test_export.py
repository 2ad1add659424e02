"""Exports: CSV round trips (Japanese, quotes, formulas, BOM), safe file names, and the bertviz view as
one self-contained HTML file in which hostile tokens stay text and no script comes from a server."""
from __future__ import annotations

import csv
import io
import re

import pytest
import torch

from core.errors import UserInputError
from core.export import csv_bytes, html_document, safe_filename
from core.transformer.bertviz_html import build_view
from core.transformer.bertviz_file import standalone_html
from core.transformer.vendor import VENDOR_DIR, missing_files
from tests.test_bertviz_html import HOSTILE, HOSTILE_TOKENS, _Scripts

ROWS = [
    {"token": "吾輩", "log2 p": -3.25, "p": 0.105},
    {"token": 'he said "hi", then left', "log2 p": -0.5, "p": 0.707},
    {"token": "=HYPERLINK(\"http://x.invalid\")", "log2 p": float("-inf"), "p": 0.0},
    {"token": "猫🐈‍⬛\nnew line", "log2 p": -1, "p": 0.5, "extra": "only here"},
    {"token": "-2", "log2 p": -2.0, "p": 0.25},
]


def read_back(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_round_trips_japanese_quotes_and_new_lines():
    data = csv_bytes(ROWS)
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1  # one BOM, at the start
    back = read_back(data)
    assert [r["token"] for r in back[:2]] == ["吾輩", 'he said "hi", then left']
    assert back[3]["token"] == "猫🐈‍⬛\nnew line" and back[3]["extra"] == "only here" and back[0]["extra"] == ""
    assert [float(r["log2 p"]) for r in back] == [-3.25, -0.5, float("-inf"), -1.0, -2.0]
    assert float(back[1]["p"]) == 0.707


def test_csv_cells_that_would_run_as_spreadsheet_formulas_are_text():
    back = read_back(csv_bytes(ROWS))
    assert back[2]["token"] == "'=HYPERLINK(\"http://x.invalid\")"
    assert back[4]["token"] == "-2"  # a negative number typed as a token stays a number


def test_csv_columns_given_and_empty_table():
    assert read_back(csv_bytes(ROWS, columns=["p", "token"]))[0] == {"p": "0.105", "token": "吾輩"}
    assert csv_bytes([], columns=["a", "b"]).decode("utf-8-sig") == "a,b\r\n"


@pytest.mark.parametrize("stem, ext, want", [
    ("ngram_samples", "csv", "atlas-ngram_samples.csv"),
    ("../../etc/passwd", "csv", "atlas-etc-passwd.csv"),
    ("連鎖律", "png", "atlas-export.png"),
    ("a" * 200, "html", "atlas-" + "a" * 60 + ".html"),
    ("x", "p/n g", "atlas-x.png"),
])
def test_safe_filenames(stem, ext, want):
    assert safe_filename(stem, ext) == want


def test_html_document_escapes_its_title():
    doc = html_document("<p>ok</p>", "<script>alert(1)</script>", lang="ja")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in doc and '<html lang="ja">' in doc


# URLs that are text, never fetched: XML namespace names (d3, require.js) and require.js's error-help link.
TEXT_URLS = ("http://www.w3.org/", "https://requirejs.org/docs/errors.html#")


def _urls_outside_comments(html: str) -> list[str]:
    """http(s) URLs in the file, less comments (licences, credits) and TEXT_URLS."""
    text = re.sub(r"/\*[\s\S]*?\*/", "", html)
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    return [u for u in re.findall(r"https?://[^\s\"'<>)]+", text) if not u.startswith(TEXT_URLS)]


needs_vendor = pytest.mark.skipif(bool(missing_files()), reason="static/vendor not set up (make setup)")


@needs_vendor
@pytest.mark.parametrize("view", ["head", "model"])
def test_standalone_bertviz_file_is_self_contained_and_inert(view):
    attn = torch.softmax(torch.randn(2, 3, len(HOSTILE_TOKENS), len(HOSTILE_TOKENS)), dim=-1)
    bv = build_view(attn, HOSTILE_TOKENS, view=view)
    doc = standalone_html(bv.html, "bertviz", lang="ja")
    parser = _Scripts()
    parser.feed(doc)
    # d3, jquery, require.js, the two defines, bertviz's script: nothing else became a script.
    assert len(parser.scripts) == 5, [s["body"][:80] for s in parser.scripts]
    assert all("src" not in s["attrs"] for s in parser.scripts)  # nothing loaded from anywhere
    assert "img" not in parser.tags  # the <img onerror> token is text, not an element
    assert HOSTILE not in doc and "<script>alert" not in doc
    assert "/app/static" not in doc
    assert _urls_outside_comments(doc) == []
    for name in ("d3.min.js", "require.js"):  # the vendored code is there, byte for byte (d3, require have no "</")
        assert (VENDOR_DIR / name).read_text(encoding="utf-8") in doc
    # The tokens, hostile ones included, reach bertviz's parameters as data.
    assert '"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"' in doc


def test_standalone_bertviz_without_vendored_scripts_says_what_to_run(tmp_path):
    with pytest.raises(UserInputError) as e:
        standalone_html("<div></div>", "x", vendor_dir=tmp_path)
    assert "vendor_js.sh" in e.value.message("en") and "vendor_js.sh" in e.value.message("ja")


def test_matrix_rows_round_trip_an_attention_matrix_with_repeated_tokens():
    from core.export import matrix_rows

    w = torch.softmax(torch.randn(3, 3), dim=-1)
    rows, cols = matrix_rows(w, ["the", "cat", "the"], ["the", "cat", "the"], corner="query \\ key")
    back = read_back(csv_bytes(rows, cols))
    assert list(back[0]) == ["query \\ key", "0: the", "1: cat", "2: the"]
    got = torch.tensor([[float(r[c]) for c in cols[1:]] for r in back])
    assert torch.allclose(got, w, atol=1e-7) and torch.allclose(got.sum(-1), torch.ones(3), atol=1e-6)
    with pytest.raises(ValueError, match="one label per row"):
        matrix_rows(w, ["a"], ["a", "b", "c"])
