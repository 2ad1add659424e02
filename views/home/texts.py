from core.i18n import Catalog

T = Catalog(
    "home",
    {
        "title": ("Transformer Atlas", "Transformer Atlas"),
        "intro": (
            "How do language models and Transformers work? Type your own sentences, look inside, and train "
            "a small GPT-1. What you type is computed live; the trained models and a few long measurements ship "
            "with the app (built by `make models`), and each page says which of its figures are shipped.",
            "言語モデルと Transformer はどう動くのか。自分の文を入力し、中をのぞき、小さな GPT-1 を学習させましょう。"
            "入力したものはその場で計算します。学習済みモデルと時間のかかる測定の一部はアプリに同梱され（`make models` で作成）、"
            "どの数値が同梱のものかは各ページに書いてあります。",
        ),
        "how": (
            "Follow the sections in order, as a course, or open any page from the sidebar. The language "
            "switch is kept in the link, so a shared link opens in the same language.",
            "上から順に講義のように進むことも、サイドバーから好きなページを開くこともできます。"
            "言語の切り替えはリンクに保存されるので、共有したリンクは同じ言語で開きます。",
        ),
        "sec_lm_story": (
            "A language model assigns a probability to a sentence, one token at a time (the chain rule). "
            "n-gram models cut the history short; perplexity PP = 2^H measures how surprised a model is.",
            "言語モデルは文に確率を与えます（連鎖律で 1 トークンずつ）。n-gram は履歴を短く切り、"
            "パープレキシティ PP = 2^H がモデルの「迷い」を測ります。",
        ),
        "sec_tok_story": (
            "Before any model, text is cut into tokens: by spaces, by MeCab's morphology, or by pieces learned "
            "from a corpus (BPE, SentencePiece).",
            "モデルの前に、テキストはトークンに分割されます：空白で、MeCab の形態素で、"
            "あるいはコーパスから学んだ部分文字列（BPE・SentencePiece）で。",
        ),
        "sec_tf_story": (
            "The Transformer reads tokens with their positions and lets each token look up the others by "
            "scaled dot-product attention, in several heads at once.",
            "Transformer は位置情報つきのトークンを読み、Scaled Dot-Product Attention で"
            "各トークンが他のトークンを「引く」ことを、複数のヘッドで同時に行います。",
        ),
        "sec_gpt_story": (
            "GPT-1 stacks masked Transformer blocks with GELU and learned positions, and is trained to predict "
            "the next token. Train one here.",
            "GPT-1 は GELU と学習された位置埋め込みを持つマスク付き Transformer ブロックを積み、"
            "次のトークンを予測するように学習します。ここで実際に学習できます。",
        ),
        "coming": ("(coming soon)", "（準備中）"),
        "lesson_h": ("Teaching with the Atlas", "授業で使う"),
        "lesson_intro": (
            "The lesson walks the whole course on the live pages, {n} stops: each opens a page already set up, "
            "with the point to make and a question for the class. Every stop has its own link "
            "(?lesson=1&stop=7) to put on a slide; the presenter view (sidebar) enlarges everything for a projector.",
            "レッスンはこのアプリのページを使ってコース全体を {n} ストップで案内します。各ストップは準備された状態でページを開き、"
            "説明のポイントとクラスへの問いを示します。ストップごとのリンク（?lesson=1&stop=7）はスライドに貼れます。"
            "サイドバーのプレゼンター表示でプロジェクター向けに大きく表示できます。",
        ),
        "lesson_start": ("Start the lesson", "レッスンを始める"),
        "lesson_start_present": ("Start in presenter view", "プレゼンター表示で始める"),
    },
)
