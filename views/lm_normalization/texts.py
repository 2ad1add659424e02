from core.i18n import Catalog

T = Catalog(
    "lm_normalization",
    {
        "title": ("Normalization: which merges lower the cost of the text?", "正規化：どのまとめ方がテキストのコストを下げるか"),
        "intro": (
            "If x₀ = “１年生” (full-width) and x₁ = “1年生” (half-width) mean the same and are used the same way, "
            "a model still has to split its probability between them, so even a perfect model cannot reach the "
            "minimum perplexity. Mapping both to one symbol removes that guess. Unicode **NFKC** folds full-width "
            "letters and digits (ＡＩ → AI, １ → 1), half-width katakana and ligatures (ﬁ → fi); folding katakana to "
            "hiragana also merges りんご / リンゴ — if they really are used the same way. Below, the same n-gram model is "
            "trained on the corpus three ways, and the measured bits per character say which merges help.",
            "x₀ =「１年生」（全角）と x₁ =「1年生」（半角）が同じ意味・同じ使われ方なら、モデルは確率を 2 つに分けざるを得ず、"
            "理想のモデルでも最小のパープレキシティには届きません。両方を 1 つの記号にすればその迷いが消えます。"
            "Unicode の **NFKC** は全角英数字（ＡＩ → AI、１ → 1）、半角カナ、合字（ﬁ → fi）などをまとめ、"
            "カタカナ→ひらがなの変換を加えると りんご / リンゴ もまとまります（本当に同じ使われ方なら）。以下では同じ n-gram モデルを "
            "3 通りのテキストで学習し、測った文字あたりのビット数でどのまとめ方が効くかを確かめます。",
        ),
        "level": ("Unit", "単位"),
        "level_char": ("Characters", "文字"),
        "level_word": ("Words (spaces; Japanese: MeCab)", "単語（空白／日本語は MeCab）"),
        "n": ("Order n of the model", "モデルの次数 n"),
        "fold": ("Also fold katakana to hiragana", "カタカナをひらがなにも変換する"),
        "form_raw": ("raw", "そのまま"),
        "form_nfkc": ("NFKC", "NFKC"),
        "form_nfkc_kana": ("NFKC + katakana→hiragana", "NFKC + カタカナ→ひらがな"),
        "col_form": ("text", "テキスト"),
        "col_vocab": ("vocabulary |V|", "語彙数 |V|"),
        "col_train": ("training tokens", "学習トークン数"),
        "col_held": ("held-out tokens", "評価トークン数"),
        "col_unk": ("unseen held-out", "未知の評価トークン"),
        "col_ppl": ("held-out PP", "評価 PP"),
        "col_bpc": ("bits / raw char", "ビット / 元の文字"),
        "chart_title": ("Held-out perplexity of the same {n}-gram model (Kneser–Ney)", "同じ {n}-gram モデル（Kneser–Ney）の評価パープレキシティ"),
        "chart_y": ("perplexity PP = 2^H", "パープレキシティ PP = 2^H"),
        "summary": (
            "NFKC changes the vocabulary from {v0:,} to {v1:,} {unit}s and the held-out perplexity from "
            "{p0:.2f} to {p1:.2f} ({d:+.1f}%).",
            "NFKC で語彙は {v0:,} から {v1:,} {unit}に、評価パープレキシティは {p0:.2f} から {p1:.2f}（{d:+.1f}%）に変わります。",
        ),
        "bpc_note": (
            "Normalization can change the number of tokens, so per-token perplexities are not exactly comparable; "
            "bits per original character (total held-out bits ÷ characters of the raw held-out text) are.",
            "正規化でトークン数が変わることがあるため、トークンあたりのパープレキシティは厳密には比較できません。"
            "元の 1 文字あたりのビット数（評価テキスト全体のビット数 ÷ 正規化前の文字数）なら比較できます。",
        ),
        "variants_h": ("Variant groups found in this corpus", "このコーパスで見つかった表記ゆれ"),
        "variants_intro": (
            "Found, not listed by hand: every distinct {unit} of the corpus is normalized, and those that land on "
            "the same form are grouped. Sorted by the count of the rarer spelling.",
            "手で列挙したものではありません。コーパスの異なる{unit}をすべて正規化し、同じ形になったものをまとめました。"
            "少ない方の表記の出現回数の順です。",
        ),
        "col_normal": ("merged form", "まとめた形"),
        "col_variants": ("spellings in the corpus (count)", "コーパス中の表記（回数）"),
        "col_example": ("example in context", "文脈の例"),
        "no_variants": ("No variants: every {unit} of this corpus is already in normalized form.",
                        "表記ゆれはありません。このコーパスの{unit}はすべて正規化済みの形です。"),
        "unit_char": ("character", "文字"),
        "unit_word": ("word", "単語"),
    },
)
