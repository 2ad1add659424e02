"""One way to show text we did not write (file names, model ids, checkpoint labels, typed text, tokens).

Streamlit renders Markdown (and a little HTML) in st.markdown, st.caption, st.info/warning/error/success,
titles, widget labels, `help=` and radio/select options. A file named `![b](http://host.invalid/b.png).txt`
shown there makes the reader's browser fetch that URL. `plain(text)` makes any text inert in those
places: the Markdown characters that can start markup get a backslash, `<` `>` `&` become HTML
entities (shown as the characters), control and invisible format characters go, newlines become
spaces, and length is capped.

>>> plain("![b](http://x.invalid/b.png).txt")
'\\\\!\\\\[b\\\\](http://x.invalid/b.png).txt'
>>> plain("<img src=x onerror=alert(1)>"), plain("class-demo · en · step 12")
('&lt;img src=x onerror=alert(1)&gt;', 'class-demo · en · step 12')
"""
from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 200  # a name, an id or a label; longer is cut with an ellipsis
# What can turn text into markup mid-line: images and links need [ ], emphasis * _ ~, code `,
# math $, tables |, headings #, and \ itself. '<' '>' '&' become entities. Ordinary '-', '.', ':'
# and '(' stay as typed, so "class-demo · step 1200" reads (and tests) the same.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]!$~|#])")


def plain(text: object, max_chars: int = MAX_CHARS) -> str:
    """`text` made safe to drop into any Markdown-rendering Streamlit call: it shows as typed, never as markup."""
    s = "".join(ch for ch in str(text) if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
                or ch == "\u200d")  # ZWJ kept: emoji sequences need it
    s = " ".join(s.split("\n"))  # one line: no headings, lists or block quotes can start
    if len(s) > max_chars:
        s = s[: max_chars - 1] + "…"
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", s)


_INERT = re.compile(r"([\\\[\]!$])")


def inert(message: str) -> str:
    """A message we wrote, which may quote user values (a file name, an id), made safe as Markdown.

    Keeps our own `code` and **bold**, but no image, link, raw HTML or LaTeX can form: `[ ] ! $ \\`
    get a backslash and `< > &` become entities.

    >>> inert("“![b](http://x.invalid/b.png).txt” is not a .txt file: run `make setup`.")
    '“\\\\!\\\\[b\\\\](http\\\\://x.invalid/b.png).txt” is not a .txt file: run `make setup`.'
    >>> inert("see www.x.invalid or a@x.invalid, **bold** and *it*")
    'see www\\\\.x.invalid or a\\\\@x.invalid, **bold** and *it*'
    """
    s = "".join(ch for ch in str(message) if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _INERT.sub(r"\\\1", s)
    return _AUTOLINK.sub(lambda m: "www\\." if m.group(0).lower() == "www." else "\\" + m.group(0), s)


# What GitHub-flavoured Markdown turns into a link by itself: a scheme's "://" or "www." (the escape goes
# before the ":" or "." so no autolink can start; the reader sees the address as typed).
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])://|\bwww\.|@(?=[a-z0-9-]+\.[a-z])")
