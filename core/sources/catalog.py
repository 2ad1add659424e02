"""The books the pre-training text is made of: Debian packages with the same books in English and Japanese.

Each entry names the package, the HTML files inside it that hold the book (glob patterns relative to the
unpacked package root) and the licence from the package's copyright file, recorded on every model card.
One book in both languages where Debian has it, so the two models read the same content.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    package: str  # Debian package name, fetched with `apt-get download <package>`
    lang: str  # "en" | "ja"
    book: str  # the same book in both languages has the same name here
    files: tuple[str, ...]  # glob patterns of the HTML files, relative to the unpacked package
    license: str  # from the package's /usr/share/doc/<package>/copyright
    format: str = "html"  # "html" | "roff.gz" (manual pages): which cleaner of core.sources.clean reads it


# The licences as the copyright files state them (checked 2026-12 on Debian 12's packages).
_REF = "GPL-2+ (Debian Reference, Osamu Aoki; translations under the same terms)"
_HANDBOOK = "GPL-2.0+ or CC-BY-SA-3.0 (The Debian Administrator's Handbook, R. Hertzog and R. Mas)"
_DEVREF = "GPL-2 (Debian Developer's Reference, C. Schwarz, A. Di Carlo, R. Hertzog, A. Barth and others)"
_LIBO = "MPL-2.0 (LibreOffice help, The Document Foundation and its contributors)"
_MANJA = ("the licences of the original manual pages, all DFSG-free (JM Project's Japanese translations, "
          "no added restrictions; each page names its authors)")
_MAINT = "GPL-2.0+ (Debian New Maintainers' Guide, Josip Rodin, Osamu Aoki and others)"

SOURCES: tuple[Source, ...] = (
    Source("debian-reference-en", "en", "debian-reference", ("usr/share/debian-reference/ch*.en.html",), _REF),
    Source("debian-reference-ja", "ja", "debian-reference", ("usr/share/debian-reference/ch*.ja.html",), _REF),
    Source("debian-handbook", "en", "debian-handbook", ("usr/share/doc/debian-handbook/html/en-US/*.html",), _HANDBOOK),
    Source("debian-handbook", "ja", "debian-handbook", ("usr/share/doc/debian-handbook/html/ja-JP/*.html",), _HANDBOOK),
    Source("developers-reference", "en", "developers-reference",
           ("usr/share/developers-reference/developers-reference.html",), _DEVREF),
    Source("developers-reference-ja", "ja", "developers-reference",
           ("usr/share/developers-reference/ja/developers-reference.html",), _DEVREF),
    Source("maint-guide", "en", "maint-guide", ("usr/share/doc/maint-guide/html/*.en.html",), _MAINT),
    Source("maint-guide-ja", "ja", "maint-guide", ("usr/share/doc/maint-guide-ja/html/*.ja.html",), _MAINT),
    # The largest: LibreOffice's help, one text in both languages (the Japanese lacks some untranslated
    # pages, which core.sources.clean drops as English). 2.6 M characters of prose in English, 0.46 M in Japanese.
    Source("libreoffice-help-en-us", "en", "libreoffice-help", ("usr/share/libreoffice/help/en-US/text/**/*.html",),
           _LIBO),
    Source("libreoffice-help-ja", "ja", "libreoffice-help", ("usr/share/libreoffice/help/ja/text/**/*.html",), _LIBO),
    # Japanese has fewer translated books, so its manual pages make up the rest: 2.8 M characters of prose.
    Source("manpages-ja", "ja", "manpages-ja", ("usr/share/man/ja/**/*.gz",), _MANJA, "roff.gz"),
)


def sources_for(lang: str) -> tuple[Source, ...]:
    return tuple(s for s in SOURCES if s.lang == lang)
