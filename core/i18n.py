"""Bilingual UI strings (English / 日本語).

Each page keeps one `Catalog` of its strings in `views/<page>/texts.py` (strings several pages share:
`ui/texts/`), English and Japanese side by side so that a missing translation is visible in review and
caught by tests (every catalog created is registered in `CATALOGS`).

>>> cat = Catalog("demo", {"hello": ("Hello, {name}", "こんにちは、{name}")})
>>> cat.t("hello", "ja", name="Atlas")
'こんにちは、Atlas'
"""
from __future__ import annotations

LANGS: tuple[str, ...] = ("en", "ja")
LANG_NAMES: dict[str, str] = {"en": "English", "ja": "日本語"}
DEFAULT_LANG = "en"

CATALOGS: dict[str, "Catalog"] = {}


def normalize_lang(lang: object) -> str:
    """Any value (e.g. from a URL) -> a supported language code, defaulting to English."""
    return lang if isinstance(lang, str) and lang in LANGS else DEFAULT_LANG


class Catalog:
    """A named table key -> (English, Japanese)."""

    def __init__(self, name: str, entries: dict[str, tuple[str, str]]):
        for key, pair in entries.items():
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValueError(f"catalog {name!r}: entry {key!r} must be a pair (English, Japanese)")
        self.name = name
        self.entries = entries
        CATALOGS[name] = self

    def t(self, key: str, lang: str, **fmt: object) -> str:
        """The text for `key` in `lang`, formatted with `fmt` (str.format)."""
        en, ja = self.entries[key]
        text = ja if normalize_lang(lang) == "ja" else en
        return text.format(**fmt) if fmt else text

    def __contains__(self, key: str) -> bool:
        return key in self.entries
