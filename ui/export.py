"""Downloads shared by every page: charts as PNG, tables as CSV, bertviz views as one HTML file.

Charts: the camera in plotly's modebar renders the PNG in the browser with the plotly.js Streamlit
bundles, so it works offline. Plotly's default is "newplot.png" at screen size; `install()` (called
once by ui.shell) makes every `plotly_chart` call, in pages and ui modules alike, pass a config with a
file name from the chart's key and a scale of 2 (a 640-px chart saves 1280 px wide: sharp on a slide
or a projector). Wrapping the one public method keeps ~50 call sites unchanged; a caller's own
`config` wins, key by key. CSV and HTML bytes come from core.export (pure, tested there).
"""
from __future__ import annotations

import functools
from typing import Callable, Iterable, Mapping, Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.export import csv_bytes, safe_filename
from ui.texts.export import T

PNG_SCALE = 2  # a 640-px chart becomes 1280 px: the projector's width, and sharp on a printed handout


def png_config(name: str) -> dict:
    """The plotly config for a chart whose PNG is saved as atlas-<name>.png."""
    return {"toImageButtonOptions": {"format": "png", "filename": safe_filename(name, "png")[:-4],
                                     "scale": PNG_SCALE},
            "displaylogo": False}


def _chart_name(figure: object, key: object) -> str:
    """The chart's key (page-prefixed, ours), else its title when that is ASCII, else "chart"."""
    if isinstance(key, str) and key:
        return key
    try:
        title = figure.layout.title.text or ""  # type: ignore[union-attr]
    except AttributeError:
        title = ""
    stem = safe_filename(title, "png")[len("atlas-"):-4]
    return stem if stem != "export" else "chart"


def _merged(default: dict, given: Mapping | None) -> dict:
    out = {**default, **(given or {})}
    if given and isinstance(given.get("toImageButtonOptions"), Mapping):
        out["toImageButtonOptions"] = {**default["toImageButtonOptions"], **given["toImageButtonOptions"]}
    return out


def _with_png_config(fn: Callable) -> Callable:
    if getattr(fn, "_atlas_png", False):
        return fn

    @functools.wraps(fn)
    def plotly_chart(*args, **kwargs):
        figure = args[1] if len(args) > 1 and isinstance(args[0], DeltaGenerator) else (args[0] if args else None)
        figure = kwargs.get("figure_or_data", figure)
        kwargs["config"] = _merged(png_config(_chart_name(figure, kwargs.get("key"))), kwargs.get("config"))
        return fn(*args, **kwargs)

    plotly_chart._atlas_png = True  # type: ignore[attr-defined]
    return plotly_chart


def install() -> None:
    """Give every plotly_chart (st.*, columns, tabs, containers) the PNG config. Idempotent."""
    DeltaGenerator.plotly_chart = _with_png_config(DeltaGenerator.plotly_chart)
    st.plotly_chart = _with_png_config(st.plotly_chart)  # bound to the main container at import


def csv_button(rows: Iterable[Mapping[str, object]], name: str, lang: str, key: str,
               columns: Sequence[str] | None = None, where=st) -> None:
    """A "Download CSV" button for `rows`; `name` (ours: page and table) makes the file name."""
    where.download_button(T.t("csv", lang), data=csv_bytes(rows, columns), file_name=safe_filename(name, "csv"),
                          mime="text/csv", key=key, help=T.t("csv_help", lang), on_click="ignore",
                          icon=":material/download:")


def html_button(build: Callable[[], str], name: str, lang: str, key: str, where=st) -> None:
    """A download button for a whole HTML page, built only when clicked (`build` returns the page)."""
    where.download_button(T.t("html", lang), data=lambda: build().encode("utf-8"),
                          file_name=safe_filename(name, "html"), mime="text/html", key=key,
                          help=T.t("html_help", lang), on_click="ignore", icon=":material/download:")


def token_rows(rows: Mapping[str, object], names: Mapping[str, str], lang: str) -> list[dict[str, object]]:
    """One CSV row per token per tokenizer (tokenizer comparison): name, position, text, id, unknown, note."""
    c = {k: T.t(f"col_{k}", lang) for k in ("tokenizer", "pos", "token", "id", "unknown", "note")}
    return [{c["tokenizer"]: names[key], c["pos"]: i, c["token"]: tok.text, c["id"]: tok.id,
             c["unknown"]: tok.unknown, c["note"]: tok.note}
            for key, row in rows.items() for i, tok in enumerate(row.tokens)]


def unit_rows(units: Sequence[str], lang: str) -> list[dict[str, object]]:
    """A generated sample, one row per unit (character or word)."""
    return [{T.t("col_pos", lang): i, T.t("col_token", lang): u} for i, u in enumerate(units)]


def matrix_button(matrix, row_labels: Sequence[str], col_labels: Sequence[str], name: str, lang: str, key: str,
                  where=st) -> None:
    """CSV of an attention matrix (rows: queries, columns: keys), one row per query token."""
    from core.export import matrix_rows

    rows, cols = matrix_rows(matrix, list(row_labels), list(col_labels), corner=T.t("corner", lang))
    csv_button(rows, name, lang, key, columns=cols, where=where)


def bertviz_button(view_html: str, view: str, lang: str, key: str, where=st) -> None:
    """The bertviz view on the page as one self-contained HTML file (scripts inlined, tokens inert)."""
    from core.transformer.bertviz_file import standalone_html

    html_button(lambda: standalone_html(view_html, T.t("html_title", lang), lang), f"bertviz_{view}", lang, key,
                where=where)
