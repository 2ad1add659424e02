"""HTML of a book -> paragraphs of prose, for pre-training.

What is kept: the text of each paragraph element — `<p>`, and DocBook's `<div class="para">` — with inline
markup (`<code>`, `<a>`, `<em>`) reduced to its text. What is dropped: code blocks and screens (`<pre>`),
tables, scripts, styles, navigation; paragraphs too short or not mostly letters (a lone command, a list of
file names); paragraphs in the other language (an untranslated page of a translation); exact repeats.

>>> html = '<p>Run <code>ls</code> to list\\n files, as here.</p><pre>$ ls -l</pre><table><tr><td>x</td></tr></table>'
>>> paragraphs(html, "en", min_chars=10)
['Run ls to list files, as here.']
>>> paragraphs('<div class="para">日本語の\\n文です。ここに十分な長さがあります。</div>', "ja", min_chars=10)
['日本語の文です。ここに十分な長さがあります。']
"""
from __future__ import annotations

import hashlib
import html.parser
import re
import unicodedata

SKIP = frozenset({"pre", "table", "script", "style", "head", "nav", "svg", "math"})
MIN_CHARS = 40  # shorter paragraphs are mostly titles, captions and bare commands
MIN_LETTER_SHARE = 0.6  # below this a "paragraph" is a path, a command line or a list of options
_SPACES = re.compile(r"\s+")
# A space between two non-ASCII characters is a line break inside a Japanese sentence, not a word gap.
_JA_JOIN = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def _is_para(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    return tag == "p" or (tag == "div" and "para" in (dict(attrs).get("class") or "").split())


class _Paragraphs(html.parser.HTMLParser):
    """Collects the text inside paragraph elements, outside skipped ones. A paragraph nested in a paragraph
    (DocBook wraps lists in `para`) ends the outer one's text there, so nothing is counted twice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0  # depth inside SKIP elements
        self.stack: list[bool] = []  # for each open p/div: is it a paragraph?
        self.buf: list[str] = []
        self.out: list[str] = []

    def _flush(self) -> None:
        if self.buf:
            self.out.append("".join(self.buf))
            self.buf = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIP:
            self.skip += 1
        elif tag in ("p", "div"):
            para = _is_para(tag, attrs)
            if para:
                self._flush()
            self.stack.append(para)

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("p", "div") and self.stack:
            if self.stack.pop():
                self._flush()

    def handle_data(self, data):
        if not self.skip and any(self.stack):
            self.buf.append(data)


def normalise(text: str, lang: str) -> str:
    """NFC, whitespace folded to single spaces; in Japanese, line breaks inside a sentence removed.

    >>> normalise("日本の\\n  言葉 and  more", "ja")
    '日本の言葉 and more'
    """
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return _JA_JOIN.sub("", text) if lang == "ja" else text


def _japanese_share(text: str) -> float:
    ja = sum(1 for ch in text if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
    return ja / max(1, sum(ch.isalpha() for ch in text))


def is_prose(text: str, lang: str, min_chars: int = MIN_CHARS) -> bool:
    """Long enough, mostly letters, and in `lang` (Japanese: at least 30 % of its letters kana or kanji;
    English: at most 5 %)."""
    if len(text) < min_chars or sum(ch.isalpha() for ch in text) < MIN_LETTER_SHARE * len(text):
        return False
    share = _japanese_share(text)
    return share >= 0.3 if lang == "ja" else share <= 0.05


def paragraphs(html_text: str, lang: str, min_chars: int = MIN_CHARS) -> list[str]:
    """The prose paragraphs of one HTML page, in page order, normalised (repeats kept: see dedupe)."""
    p = _Paragraphs()
    p.feed(html_text)
    p.close()
    p._flush()
    out = (normalise(t, lang) for t in p.out)
    return [t for t in out if is_prose(t, lang, min_chars)]


def dedupe(paras: list[str]) -> list[str]:
    """First occurrence of each paragraph, in order (books repeat notes and boilerplate across chapters).

    >>> dedupe(["a", "b", "a"])
    ['a', 'b']
    """
    seen: set[bytes] = set()
    out = []
    for t in paras:
        h = hashlib.sha1(t.encode("utf-8")).digest()
        if h not in seen:
            seen.add(h)
            out.append(t)
    return out


# --- Manual pages (roff) ---------------------------------------------------------------------------------------
_BREAKS = frozenset({"PP", "LP", "P", "SH", "SS", "TP", "IP", "HP", "sp", "TH", "RS", "RE", "TQ", "SY", "YS"})
_VERBATIM = {"nf": "fi", "EX": "EE", "TS": "TE", "EQ": "EN"}  # code, tables, equations: dropped
_FONTS = frozenset({"B", "I", "R", "SM", "SB", "BR", "BI", "IB", "IR", "RB", "RI"})
_ESCAPES = [(re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""), (re.compile(r"\\[,/&:%]"), ""),
            (re.compile(r"\\\((em|en)"), "—"), (re.compile(r"\\\((aq|cq|oq)"), "'"),
            (re.compile(r"\\\((lq|rq|dq)"), '"'), (re.compile(r"\\\(..|\\\[[^\]]*\]|\\\*(\(..|\[[^\]]*\]|.)"), ""),
            (re.compile(r"\\-"), "-"), (re.compile(r"\\e"), "\\\\"), (re.compile(r"\\ "), " "),
            (re.compile(r"\\[a-zA-Z]"), "")]


def _unescape(line: str) -> str:
    """roff's inline escapes out of one line: fonts dropped, dashes and quotes as characters.

    >>> _unescape(r"\\fB\\-\\-sort\\fR も指定されていない")
    '--sort も指定されていない'
    """
    for pattern, repl in _ESCAPES:
        line = pattern.sub(repl, line)
    return line


def roff_paragraphs(source: str, lang: str, min_chars: int = MIN_CHARS) -> list[str]:
    """The prose paragraphs of one manual page: text lines between paragraph macros; font macros keep
    their words; verbatim blocks (code, tables), comments and other requests dropped.

    >>> page = ('.SH 説明\\n.PP\\nファイルに関する情報を\\n一覧表示します。これは十分な長さの説明の段落です。'
    ...         '\\n.nf\\n$ ls -l\\n.fi\\n')
    >>> roff_paragraphs(page, "ja", min_chars=10)
    ['ファイルに関する情報を一覧表示します。これは十分な長さの説明の段落です。']
    """
    out, buf, end_verbatim = [], [], None
    for line in source.splitlines():
        if end_verbatim is not None:
            if line.startswith(("." + end_verbatim, "'" + end_verbatim)):
                end_verbatim = None
            continue
        if line.startswith((".", "'")):
            name, _, args = line[1:].strip().partition(" ")
            if name in _VERBATIM:
                end_verbatim = _VERBATIM[name]
            if name in _BREAKS or name in _VERBATIM:
                out.append(" ".join(buf))
                buf = []
            elif name in _FONTS and args:
                buf.append(_unescape(args.replace('"', "")))
            continue
        buf.append(_unescape(line))
    out.append(" ".join(buf))
    paras = (normalise(t, lang) for t in out)
    return [t for t in paras if is_prose(t, lang, min_chars)]
