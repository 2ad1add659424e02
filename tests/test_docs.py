"""The docs say what the code does: the README's page table lists exactly the registered pages, and no sentence
in the README, the Makefile, the setup scripts, the pages or the lessons says bertviz falls back to a CDN (the
app refuses: core/transformer/vendor.py, tests/test_bertviz_html.py)."""
from __future__ import annotations

import re

from tests.conftest import ROOT
from ui.registry import PAGES

# "fall(s) back to the CDN", "will use the CDN", "will load their scripts from the CDN" (what bertviz itself
# does, loading from cdnjs, may be said: the app replaces those addresses).
CDN_CLAIM = re.compile(r"(fall(s|ing)?\s+back\s+to|will\s+use|will\s+load\s+(their|its)\s+scripts\s+from)"
                       r"\s+(the|a)\s+CDN", re.IGNORECASE)


def readme_pages() -> list[str]:
    """The Page column of the README's table under "## Pages", in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Pages\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|") and not line.startswith("|---")]
    return [re.split(r"(?<!\\)\|", row)[2].strip() for row in rows[1:]]  # rows[0]: the header


def test_the_readme_page_table_lists_every_registered_page_in_order():
    assert readme_pages() == [p.title[0] for p in PAGES]


def test_the_detector_finds_a_cdn_claim():
    assert CDN_CLAIM.search("without npm they fall back to the CDN and the page says so")
    assert CDN_CLAIM.search("the bertviz views will use the CDN")
    assert CDN_CLAIM.search("bertviz views will load their scripts from the CDN (the page says so)")
    assert not CDN_CLAIM.search("it never loads them from a CDN")


def test_no_sentence_says_bertviz_falls_back_to_a_cdn():
    files = [ROOT / "README.md", ROOT / "Makefile", *(ROOT / "scripts").glob("*"), *(ROOT / "views").rglob("*.py"),
             *(ROOT / "ui").rglob("*.py"), *(ROOT / "lessons").rglob("*.toml"), *(ROOT / "docs").glob("*.md")]
    claims = [f"{f.relative_to(ROOT)}: {m.group(0)!r}" for f in files if f.is_file()
              for m in CDN_CLAIM.finditer(f.read_text(encoding="utf-8", errors="replace"))]
    assert claims == []
