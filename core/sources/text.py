"""The pre-training text of one language: the paragraphs of every book in core.sources.catalog, then the
shipped corpus's paragraphs (the pages' default text stays in the mix), each tagged with where it came from.

    t = source_text("en")       # fetches and cleans on first use (build time only), then reads the cache
    t.paragraphs[0]             # ("debian-reference", "I think learning a computer system is like ...")
    t.card()                    # per package: version, licence, paragraphs, characters, text hash

The unpacked packages live under `$ATLAS_SOURCES_DIR` (default `<repo>/.cache/sources`, git-ignored): the
model build reads them; the app never does.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from core.sources.catalog import Source, sources_for
from core.sources.clean import dedupe, paragraphs, roff_paragraphs
from core.sources.debian import unpack, version_of

_REPO = Path(__file__).resolve().parents[2]
PROJECT = "atlas-corpus"  # the source name of the shipped corpus's paragraphs


def sources_root() -> Path:
    return Path(os.environ.get("ATLAS_SOURCES_DIR", str(_REPO / ".cache" / "sources")))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class SourceText:
    lang: str
    paragraphs: list[tuple[str, str]]  # (source name, paragraph), book order, each paragraph once
    sources: list[dict] = field(default_factory=list)  # what the card records about each package

    def card(self) -> list[dict]:
        return self.sources


def _book_paragraphs(src: Source, root: Path) -> tuple[list[str], dict]:
    folder = unpack(src.package, root)
    files = sorted(p for pattern in src.files for p in folder.glob(pattern))
    if not files:
        from core.sources.debian import SourceError

        raise SourceError(f"the Debian package {src.package!r} has no files matching {src.files}: "
                          "its layout changed; update core/sources/catalog.py")
    def read(f: Path) -> list[str]:
        if src.format == "roff.gz":
            return roff_paragraphs(gzip.decompress(f.read_bytes()).decode("utf-8", errors="replace"), src.lang)
        return paragraphs(f.read_text(encoding="utf-8", errors="replace"), src.lang)

    paras = dedupe([t for f in files for t in read(f)])
    joined = "\n\n".join(paras)
    return paras, {"package": src.package, "version": version_of(folder), "license": src.license,
                   "book": src.book, "files": len(files), "paragraphs": len(paras), "chars": len(joined),
                   "text_sha256": text_hash(joined)}


@functools.lru_cache(maxsize=2)
def source_text(lang: str) -> SourceText:
    """Every book of `lang` (fetched when missing), then the shipped corpus; a paragraph seen in an earlier
    book is not repeated (the Developer's Reference quotes the Reference, for one)."""
    from core.corpus import load_shipped

    root = sources_root()
    seen: set[str] = set()
    out = SourceText(lang, [])
    for src in sources_for(lang):
        paras, info = _book_paragraphs(src, root)
        kept = [p for p in paras if p not in seen]
        seen.update(kept)
        out.paragraphs += [(src.book, p) for p in kept]
        out.sources.append(info)
    own = [b.strip() for b in load_shipped(lang).split("\n\n") if b.strip()]
    out.paragraphs += [(PROJECT, p) for p in own]
    out.sources.append({"package": "(this repository) assets/corpus/" + lang, "license": "the project's own text",
                        "paragraphs": len(own), "chars": sum(map(len, own)),
                        "text_sha256": text_hash("\n\n".join(own))})
    return out
