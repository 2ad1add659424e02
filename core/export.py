"""What a class takes home from a page: tables as CSV, views as one HTML file, and safe file names.

Pure functions (no Streamlit): ui/export.py puts their bytes behind download buttons.

CSV is UTF-8 *with* a byte-order mark: Excel (the spreadsheet most schools have) reads a CSV without
one in the system code page, so 確率 arrives as mojibake; with the BOM it opens as typed, and Python's
`csv` module reads it back with encoding="utf-8-sig".

>>> data = csv_bytes([{"token": "猫", "p": 0.5}, {"token": 'say "hi", ok', "p": 0.25}])
>>> data[:3] == "\\ufeff".encode("utf-8"), data.decode("utf-8-sig").splitlines()
(True, ['token,p', '猫,0.5', '"say ""hi"", ok",0.25'])
>>> safe_filename("chain rule: ../../etc/passwd", "csv"), safe_filename("<script>", "png")
('atlas-chain-rule-etc-passwd.csv', 'atlas-script.png')
"""
from __future__ import annotations

import csv
import io
import math
import re
from typing import Iterable, Mapping, Sequence

BOM = "\ufeff"
MAX_STEM = 60  # a file name a person can read in a download bar; longer stems are cut
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection): a token typed as
# "=HYPERLINK(...)" must arrive as text. A leading apostrophe is the convention Excel and LibreOffice show as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """One CSV cell: numbers as they are (NaN/inf as text), text that could start a formula made inert."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else str(value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_bytes(rows: Iterable[Mapping[str, object]], columns: Sequence[str] | None = None) -> bytes:
    """`rows` (dicts) as CSV bytes: UTF-8 with BOM, a header row, "\\r\\n" line ends (RFC 4180).

    Columns are `columns`, else every key in order of first appearance; a missing key is an empty cell.
    """
    rows = list(rows)
    if columns is None:
        seen: dict[str, None] = {}
        for r in rows:
            seen.update(dict.fromkeys(r))
        columns = list(seen)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([str(c) for c in columns])
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return (BOM + buf.getvalue()).encode("utf-8")


def safe_filename(stem: str, ext: str) -> str:
    """`atlas-<stem>.<ext>` with only ASCII letters, digits, '-' and '_' in the stem (never a path,
    never markup); anything else becomes '-'. Meant for our own names (page, chart key), not typed text."""
    clean = re.sub(r"[^A-Za-z0-9_]+", "-", stem).strip("-_").lower()[:MAX_STEM].strip("-_") or "export"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower()) or "bin"
    return f"atlas-{clean}.{ext}"


def html_document(body: str, title: str, lang: str = "en") -> str:
    """A whole HTML page around `body` (markup we built), UTF-8, with an escaped `title`."""
    import html

    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang, quote=True)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def matrix_rows(matrix, row_labels: Sequence[str], col_labels: Sequence[str],
                corner: str = "") -> tuple[list[dict[str, object]], list[str]]:
    """A (rows, cols) matrix (attention weights: query × key) as CSV rows and their columns.

    Columns are numbered ("0: The", "1: cat") because tokens repeat and a header must not.

    >>> rows, cols = matrix_rows([[1.0, 0.0], [0.25, 0.75]], ["a", "a"], ["a", "a"], corner="query")
    >>> cols, rows[1]
    (['query', '0: a', '1: a'], {'query': '1: a', '0: a': 0.25, '1: a': 0.75})
    """
    values = matrix.tolist() if hasattr(matrix, "tolist") else [list(r) for r in matrix]
    if len(values) != len(row_labels) or any(len(r) != len(col_labels) for r in values):
        raise ValueError(f"matrix is {len(values)}×{len(values[0]) if values else 0}, labels "
                         f"{len(row_labels)}×{len(col_labels)}: one label per row and per column")
    cols = [corner] + [f"{j}: {c}" for j, c in enumerate(col_labels)]
    rows = [{corner: f"{i}: {r}", **{cols[j + 1]: float(v) for j, v in enumerate(vals)}}
            for i, (r, vals) in enumerate(zip(row_labels, values))]
    return rows, cols
