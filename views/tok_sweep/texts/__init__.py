from core.i18n import Catalog

T = Catalog(
    "tok_sweep",
    {
        "title": ("Vocabulary size and sequence length", "語彙サイズと系列の長さ"),
        "intro": (
            "A larger vocabulary means longer pieces, so fewer tokens per character: shorter sequences for "
            "the model (attention costs grow with the square of the length). The price: a bigger embedding "
            "table and rarer pieces, each seen less often in training. Here each learned tokenizer is trained "
            "on the corpus at several sizes and measured on the held-out text it never saw.",
            "語彙が大きいほどピースは長くなり、1 文字あたりのトークン数は減ります。モデルへの系列は短くなります"
            "（注意の計算量は長さの 2 乗で増える）。代わりに埋め込み表は大きくなり、各ピースは学習で見る回数が"
            "減ります。ここでは学習するトークナイザをいくつかの語彙サイズでコーパスから学習し、学習に使っていない"
            "評価用（held-out）テキストで測ります。",
        ),
        "methods": ("Tokenizers", "トークナイザ"),
        "m_bpe_words": ("Our BPE (words / MeCab)", "私たちの BPE（単語・MeCab）"),
        "m_bpe_raw": ("Our BPE (raw text)", "私たちの BPE（生の文字列）"),
        "m_spm_bpe": ("SentencePiece BPE", "SentencePiece BPE"),
        "m_spm_unigram": ("SentencePiece unigram", "SentencePiece unigram"),
        "largest": ("Largest vocabulary", "最大の語彙サイズ"),
        "points": ("Number of sizes", "サイズの数"),
        "no_methods": ("Choose at least one tokenizer.", "トークナイザを 1 つ以上選んでください。"),
        "running": ("Training {n} tokenizers in the background (kept afterwards; other visitors asking for the same "
                    "sweep share this run). The chart appears when it is done.",
                    "{n} 個のトークナイザをバックグラウンドで学習しています（結果は保存され、同じスイープを求めるほかの"
                    "利用者もこの実行を共有します）。終わるとグラフを表示します。"),
        "what": ("Vocabulary sweep", "語彙サイズのスイープ"),
        "sizes": ("Vocabulary sizes: {sizes}", "語彙サイズ：{sizes}"),
        "chart_title": ("Held-out tokens per character", "評価用テキストの 1 文字あたりトークン数"),
        "x": ("Vocabulary size (log scale)", "語彙サイズ（対数目盛）"),
        "y": ("Tokens per character", "1 文字あたりのトークン数"),
        "read": (
            "Lower is shorter. At {v:,} pieces, {best} needs {b:.3f} tokens per character and {worst} "
            "{w:.3f}. Our BPE's vocabulary counts characters + merges; its 256 byte-fallback ids are not counted.",
            "低いほど系列が短くなります。語彙 {v:,} で、{best} は 1 文字あたり {b:.3f} トークン、{worst} は {w:.3f}。"
            "私たちの BPE の語彙は文字＋マージの数で、256 個のバイト ID は数えていません。",
        ),
        "col_method": ("Tokenizer", "トークナイザ"),
        "col_vocab": ("Vocabulary", "語彙サイズ"),
        "col_tpc": ("Tokens / character", "トークン / 文字"),
        "col_len": ("Held-out length (tokens)", "評価用テキストの長さ（トークン）"),
        "nothing": ("No size could be trained with these settings.", "この設定では学習できるサイズがありませんでした。"),
    },
)
