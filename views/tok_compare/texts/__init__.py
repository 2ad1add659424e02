from core.i18n import Catalog

T = Catalog(
    "tok_compare",
    {
        "settings": ("Corpus, vocabulary size, a Hugging Face tokenizer", "コーパス・語彙サイズ・Hugging Face トークナイザ"),
        "title": ("Compare tokenizers", "トークナイザを比較する"),
        "intro": (
            "A tokenizer turns a string into a list of pieces (tokens), and every pre-trained model depends "
            "on its tokenizer's vocabulary. Some splits are **defined by people** — at spaces (English), or "
            "by morphological analysis with MeCab for languages without spaces (Japanese). Others are "
            "**learned from a corpus**: BPE splits rare words into frequent pieces (for Japanese, on MeCab's "
            "morphemes); SentencePiece works on the raw text and treats the space as a symbol, ▁.",
            "トークナイザは文字列を部分文字列（トークン）のリストに変える関数で、事前学習モデルの動作はその語彙に"
            "依存します。**人間が決めた分割**：スペースで区切るだけ（英語など）、スペースのない言語（日本語など）は"
            "MeCab などの形態素解析で。**アルゴリズムが学ぶ分割**：BPE はコーパスでレアな単語を頻出の部分文字列に"
            "分けます（日本語では形態素を単語として扱う）。SentencePiece は空白も文字 ▁ とみなし、生の文字列を"
            "形態素解析なしで直接分割します。",
        ),
        "preset": ("Example sentence", "例文"),
        "preset_custom": ("(your own text)", "（自分の文）"),
        "p_giants": ("読売巨人軍が勝った。", "読売巨人軍が勝った。"),
        "p_rain": ("今日は雨が上がった。", "今日は雨が上がった。"),
        "p_en": ("The unbelievable tokenizers were lowering the newest costs.",
                 "The unbelievable tokenizers were lowering the newest costs."),
        "p_mixed": ("GPTは2018年にOpenAIが発表したTransformerのモデルです。",
                    "GPTは2018年にOpenAIが発表したTransformerのモデルです。"),
        "p_emoji": ("Family 👩‍👩‍👧‍👦 in 🇯🇵: café, ｈｅｌｌｏ ① ＡＩ",
                    "家族 👩‍👩‍👧‍👦 と 🇯🇵：café、ｈｅｌｌｏ ① ＡＩ"),
        "text": ("Sentence to tokenize", "分割する文"),
        "text_help": ("Japanese, English, mixed, emoji: anything. Up to 2,000 characters are analysed.",
                      "日本語・英語・混在・絵文字など何でも。先頭 2,000 文字までを分析します。"),
        "vocab": ("Vocabulary size (learned tokenizers)", "語彙サイズ（学習するトークナイザ）"),
        "vocab_help": (
            "The same size for our BPE and SentencePiece. Japanese needs a larger vocabulary: every distinct "
            "character needs an id first.",
            "私たちの BPE と SentencePiece で同じサイズを使います。日本語は文字の種類が多いので、"
            "大きな語彙が必要です（まず文字ごとに ID が要ります）。",
        ),
        "show_ids": ("Show token ids", "トークン ID を表示"),
        "hf_on": ("Add a Hugging Face tokenizer (local files only)", "Hugging Face のトークナイザを追加（ローカルのみ）"),
        "hf_name": ("Tokenizer name or local folder", "トークナイザ名またはローカルフォルダ"),
        "hf_help": (
            "Never downloads. all-MiniLM-L6-v2 (English WordPiece) is installed with the app.",
            "ダウンロードはしません。all-MiniLM-L6-v2（英語の WordPiece）はアプリと一緒にインストール済みです。",
        ),
        "training": ("Training the tokenizers on the corpus…", "コーパスでトークナイザを学習しています…"),
        "size_note": ("{name}: {msg}", "{name}：{msg}"),
        "summary": ("Summary", "まとめ"),
        "col_tok": ("Tokenizer", "トークナイザ"),
        "col_kind": ("Split", "分割の種類"),
        "kind_human": ("defined by people", "人間が決める"),
        "kind_learned": ("learned", "学習する"),
        "col_n": ("Tokens", "トークン数"),
        "col_cpt": ("Characters / token", "文字数 / トークン"),
        "col_unk": ("Unknown", "未知"),
        "col_vocab": ("Vocabulary", "語彙サイズ"),
        "stats": ("{n} tokens · {cpt:.2f} characters per token · {unk} unknown",
                  "{n} トークン · 1 トークンあたり {cpt:.2f} 文字 · 未知 {unk}"),
        "legend": (
            "Each chip is one token; the small number is its id. ▁ marks a space, ↵ a line break. "
            "A red dashed chip is unknown to the vocabulary (<unk>, or bytes standing in for a character "
            "the corpus never showed). Hover a chip for details (part of speech, original text).",
            "チップ 1 つが 1 トークン、下の小さな数字が ID です。▁ は空白、↵ は改行。赤い破線のチップは語彙にない"
            "未知トークンです（<unk>、またはコーパスにない文字の代わりのバイト）。チップにマウスを重ねると詳細"
            "（品詞・元の文字）が出ます。",
        ),
        "normalized": ("What SentencePiece sees after NFKC normalization, spaces as ▁:",
                       "SentencePiece が実際に見る文字列（NFKC 正規化後、空白は ▁）："),
        "hf_row": ("Hugging Face: {name}", "Hugging Face：{name}"),
        "hf_desc": ("A pre-trained model's own tokenizer, loaded from local files.",
                    "事前学習済みモデルのトークナイザ（ローカルのファイルから読み込み）。"),
        "hf_loading": ("Loading the tokenizer…", "トークナイザを読み込んでいます…"),
        "desc_whitespace": (
            "Split at spaces: fine for English, useless for Japanese (a whole sentence is one 'word'). "
            "Ids come from the corpus's words; a word it never saw is unknown.",
            "スペースで区切るだけ。英語なら使えますが、日本語では文全体が 1 つの「単語」になります。"
            "ID はコーパスの単語から。コーパスにない単語は未知です。",
        ),
        "desc_chars": ("One token per character: a tiny vocabulary, long sequences.",
                       "1 文字 1 トークン：語彙は小さく、系列は長くなります。"),
        "desc_bytes": ("UTF-8 bytes: nothing is ever unknown, but a kanji costs three tokens.",
                       "UTF-8 のバイト：未知は決して出ませんが、漢字 1 文字が 3 トークンになります。"),
        "desc_mecab": (
            "MeCab (fugashi + unidic-lite) cuts Japanese into morphemes; hover a chip for its part of speech.",
            "MeCab（fugashi + unidic-lite）による形態素解析。チップにマウスを重ねると品詞が出ます。",
        ),
        "desc_sudachi": (
            "Sudachi (SudachiPy + sudachidict_core), a second analyzer with its own dictionary, in its longest "
            "split (C): 読売巨人軍 stays one word. The three split modes are compared below.",
            "もう 1 つの形態素解析器 Sudachi（SudachiPy + sudachidict_core）の最長単位（C）。"
            "読売巨人軍 は 1 語のままです。3 つの分割モードの比較は下にあります。",
        ),
        "desc_bpe_words": (
            "BPE learned on the corpus's words (MeCab morphemes for Japanese): merges never cross a "
            "word, so 読売巨人軍 stays [読売, 巨人, 軍] at best. Unseen characters fall back to bytes.",
            "コーパスの単語（日本語は MeCab の形態素）の上で学んだ BPE。マージは単語をまたがないので、"
            "読売巨人軍 はせいぜい [読売, 巨人, 軍] です。未知の文字はバイトで表します。",
        ),
        "desc_bpe_raw": (
            "BPE learned on raw text, like SentencePiece: the space is a symbol (▁) that sticks to the next "
            "word, and Japanese is learned straight from the characters, without MeCab.",
            "SentencePiece のように生の文字列で学んだ BPE。空白は次の単語につく記号 ▁ で、日本語は MeCab を"
            "通さず文字から直接学びます。",
        ),
        "desc_spm_bpe": (
            "The sentencepiece library, BPE model: NFKC normalization first (ｈｅｌｌｏ → hello, ① → 1), "
            "then merges on raw text with ▁ for spaces.",
            "sentencepiece ライブラリの BPE。まず NFKC 正規化（ｈｅｌｌｏ → hello、① → 1）し、"
            "空白を ▁ にした生の文字列でマージを学びます。",
        ),
        "desc_spm_unigram": (
            "The sentencepiece library, unigram model: starts from many candidate pieces and keeps those "
            "that best explain the corpus (a unigram language model over pieces).",
            "sentencepiece ライブラリの unigram モデル。多数の候補から始め、コーパスを最もよく説明する部分文字列を"
            "残します（部分文字列の unigram 言語モデル）。",
        ),
    },
)
