"""A bertviz view as ONE self-contained HTML file: opens from a USB stick, offline, with no server.

The view the page shows (core.transformer.bertviz_html) loads require.js with `<script src>` and asks
require.js for d3 and jquery by URL, all from this app's `/app/static/vendor/`. A downloaded file has
no app to ask, so we put the three scripts into the file itself:

    <script> d3 </script>        no `define` yet: d3 sets window.d3
    <script> jquery </script>    likewise window.jQuery
    <script> require.js </script>
    <script> define("d3", ...window.d3) define("jquery", ...window.jQuery) </script>
    bertviz's own script         requirejs(["jquery", "d3"], ...) finds both modules already named,
                                 so the require.config paths are never fetched

Every script body goes through `escape_script_body` (nothing in it can close the `<script>`); the
tokens were already made inert by build_view. jquery 2.1.4 holds two `</` sequences, which become `<\\/`.
"""
from __future__ import annotations

from pathlib import Path

from core.errors import UserInputError
from core.export import html_document
from core.transformer.bertviz_html import escape_script_body
from core.transformer.vendor import FILES, SETUP_HINT, VENDOR_DIR, script_sources

_DEFINES = ('define("d3", [], function () { return window.d3; });\n'
            'define("jquery", [], function () { return window.jQuery; });')


def _script(js: str) -> str:
    return '<script type="text/javascript">\n' + escape_script_body(js) + "\n</script>\n"


def standalone_html(view_html: str, title: str, lang: str = "en", vendor_dir: Path | None = None) -> str:
    """`view_html` (build_view's output, pointing at the app's vendored scripts) as a whole HTML page
    with those scripts inlined. `title` is escaped; raises UserInputError when the scripts are missing."""
    vendor_dir = VENDOR_DIR if vendor_dir is None else vendor_dir
    src = script_sources(vendor_dir)
    if not src.vendored:
        raise UserInputError(
            f"The view's scripts are missing ({', '.join(src.missing)}): run {SETUP_HINT} to download them.",
            f"ビューのスクリプトがありません（{', '.join(src.missing)}）。{SETUP_HINT} を実行してください。")
    tag = f'<script src="{src.require}"></script>'
    if tag not in view_html:
        raise ValueError("not a build_view() page: its require.js <script src> was not found")
    js = {k: (vendor_dir / f).read_text(encoding="utf-8") for k, (f, _) in FILES.items()}
    inlined = _script(js["d3"]) + _script(js["jquery"]) + _script(js["require"]) + _script(_DEFINES)
    body = view_html.replace(tag, inlined, 1)
    # The paths in require.config are no longer needed; a local-file reader must not try them either.
    body = body.replace(f"'{src.d3}'", "'d3'").replace(f"'{src.jquery}'", "'jquery'")
    return html_document(body, title, lang)
