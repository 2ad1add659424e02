from core.i18n import Catalog

T = Catalog(
    "export",
    {
        "csv": ("Download CSV", "CSV をダウンロード"),
        "csv_help": (
            "This table as a CSV file (UTF-8 with BOM: Excel opens Japanese text correctly).",
            "この表を CSV ファイルで保存します（UTF-8 BOM 付き：Excel でも日本語が正しく開けます）。",
        ),
        "html": ("Download as one HTML file", "HTML ファイル 1 つでダウンロード"),
        "html_help": (
            "This view with its scripts inside: it opens offline in any browser, with no server.",
            "スクリプトを埋め込んだこのビューを保存します。サーバーなしで、オフラインのブラウザでも開けます。",
        ),
        "html_title": ("Transformer Atlas: attention view", "Transformer Atlas：アテンションのビュー"),
        "col_tokenizer": ("tokenizer", "トークナイザ"),
        "col_pos": ("position", "位置"),
        "col_token": ("token", "トークン"),
        "col_id": ("id", "ID"),
        "col_unknown": ("unknown", "未知語"),
        "col_note": ("note", "注記"),
        "corner": ("query \\ key", "クエリ \\ キー"),
        "link_reset": (
            "Some values in this link could not be used here and were reset to their defaults: {items}.",
            "このリンクの値の一部はここでは使えないため、既定値に戻しました：{items}。",
        ),
        "link_ignored": (
            "The server did not read this link at all: at {n:,} characters it is longer than a link may be (524,288 "
            "characters or 1,000 values).",
            "このリンクは {n:,} 文字と長すぎるため（上限は 524,288 文字・値 1,000 個）、サーバーはまったく読み込みませんでした。",
        ),
    },
)
