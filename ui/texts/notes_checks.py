"""Strings of the sections that check the notes' claims and add the ideas no page covered (ui/notes_*.py)."""
from core.i18n import Catalog

T = Catalog(
    "notes_checks",
    {
        # --- Sudachi split modes (tokenizer comparison page) ---
        "sudachi_h": ("A second analyzer: Sudachi's three split modes", "もう 1 つの形態素解析器：Sudachi の 3 つの分割モード"),
        "sudachi_intro": (
            "What counts as a word is a decision people make. Sudachi gives three answers from one dictionary: "
            "**A** the shortest units (close to MeCab/UniDic), **B** middle units, **C** named entities and "
            "compounds kept whole. The notes also name Juman: Juman++ is a C++ program that needs a system "
            "install (no Python wheel), so Sudachi (SudachiPy + sudachidict_core from PyPI, dictionary inside the "
            "wheel, nothing downloaded at run time) stands in for it here.",
            "何を 1 語とみなすかは人が決めることです。Sudachi は 1 つの辞書から 3 通りの答えを出します："
            "**A** 最短の単位（MeCab/UniDic に近い）、**B** 中くらいの単位、**C** 固有表現や複合語をひとまとまりに。"
            "ノートには Juman も挙がっていますが、Juman++ は C++ のプログラムでシステムへのインストールが必要です"
            "（Python の wheel がありません）。そこでここでは Sudachi（PyPI の SudachiPy + sudachidict_core。辞書は wheel の中にあり、"
            "実行時に何もダウンロードしません）で代わりに示します。",
        ),
        "sudachi_typed": ("Your text, three ways (and MeCab)", "入力したテキストを 3 通りで（と MeCab）"),
        "sudachi_mode_A": ("Sudachi A (short)", "Sudachi A（短単位）"),
        "sudachi_mode_B": ("Sudachi B (middle)", "Sudachi B（中単位）"),
        "sudachi_mode_C": ("Sudachi C (long)", "Sudachi C（長単位）"),
        "sudachi_mecab": ("MeCab (unidic-lite)", "MeCab（unidic-lite）"),
        "sudachi_count": ("**{name}** — {n} tokens", "**{name}** — {n} トークン"),
        "sudachi_examples": ("The classic examples", "定番の例"),
        "sudachi_col_text": ("text", "テキスト"),
        "sudachi_summary": (
            "On the shipped Japanese corpus ({chars:,} characters): A {a:,} tokens / {va:,} distinct, "
            "B {b:,} / {vb:,}, C {c:,} / {vc:,}; MeCab {m:,} / {vm:,}. Longer units mean fewer tokens and a larger "
            "vocabulary — the trade-off BPE later makes by counting.",
            "同梱の日本語コーパス（{chars:,} 文字）では：A {a:,} トークン／異なり {va:,}、B {b:,}／{vb:,}、"
            "C {c:,}／{vc:,}、MeCab {m:,}／{vm:,}。単位が長いほどトークンは減り、語彙は増えます。"
            "BPE は後でこの兼ね合いを数えることで決めます。",
        ),
        "sudachi_carrot": (
            "The dictionary matters as much as the program: MeCab with unidic-lite reads 外国人参政権 as "
            "外国 | 人参 (carrot) | 政権, while Sudachi's dictionary keeps 外国人 | 参政権.",
            "プログラムと同じくらい辞書が効きます：unidic-lite の MeCab は 外国人参政権 を 外国 | 人参 | 政権 と読み、"
            "Sudachi の辞書は 外国人 | 参政権 と分けます。",
        ),
        "sudachi_missing": ("Sudachi is not installed on this server, so this section is skipped.",
                            "このサーバーには Sudachi がインストールされていないため、この節は省略します。"),
    },
)
