from core.i18n import Catalog

T = Catalog(
    "lm_chain_rule",
    {
        "title": ("The chain rule: a sentence's probability, token by token", "連鎖律：文の確率を 1 トークンずつ"),
        "intro": (
            "A language model gives a sequence a joint probability. By the chain rule it is the product of each "
            "token's probability given everything before it. Type a sentence and see every factor.",
            "言語モデルは系列に同時確率を与えます。連鎖律により、それは各トークンの「それまでのすべてを条件とした確率」の積です。"
            "文を入力して、ひとつひとつの因子を見てみましょう。",
        ),
        "sentence": ("Your sentence", "文"),
        "default_sentence": ("The cat sat on the mat.", "今日は雨が降っている。"),
        "level": ("Unit", "単位"),
        "level_char": ("Characters", "文字"),
        "level_word": ("Words (spaces; Japanese: MeCab)", "単語（空白／日本語は MeCab）"),
        "model": ("Model", "モデル"),
        "model_ngram": ("n-gram trained on the corpus below", "下のコーパスで学習した n-gram"),
        "model_gpt": ("Trained GPT: {label}", "学習済み GPT：{label}"),
        "no_gpt": ("Train a GPT on the “Train GPT-1 live” page and it appears here as a model choice.",
                   "「GPT-1 をその場で学習」ページで GPT を学習すると、ここでモデルとして選べるようになります。"),
        "n": ("Order n (the model sees n − 1 tokens)", "次数 n（直前 n − 1 トークンを見る）"),
        "smoothing": ("Smoothing", "スムージング"),
        "sm_kn": ("Interpolated Kneser–Ney", "補間 Kneser–Ney"),
        "sm_addk": ("Add-k (k = 0.1)", "Add-k（k = 0.1）"),
        "m_tokens": ("Tokens N", "トークン数 N"),
        "m_prob": ("P(sentence)", "P(文)"),
        "m_log": ("Σ log₂ P", "Σ log₂ P"),
        "m_h": ("H (bits/token)", "H（ビット/トークン）"),
        "m_pp": ("Perplexity 2^H", "パープレキシティ 2^H"),
        "check": (
            "Check: the product of the {n} probabilities is {prod:.6g}; exp(Σ ln P) = {exp:.6g}. They agree "
            "(the product underflows to 0 for long texts, the sum of logs never does).",
            "確認：{n} 個の確率の積は {prod:.6g}、exp(Σ ln P) = {exp:.6g}。一致します"
            "（長い文では積は 0 にアンダーフローしますが、対数の和はしません）。",
        ),
        "chart_title": ("Surprisal of each token and the running log-probability", "各トークンの驚き（サプライザル）と累積対数確率"),
        "chart_x": ("token (position)", "トークン（位置）"),
        "chart_bar": ("−log₂ P(wᵢ | context) (bits)", "−log₂ P(wᵢ | 文脈)（ビット）"),
        "chart_line": ("log₂ P(w₁ … wᵢ)", "log₂ P(w₁ … wᵢ)"),
        "col_token": ("token", "トークン"),
        "col_context": ("context the model sees", "モデルが見る文脈"),
        "col_p": ("P(wᵢ | context)", "P(wᵢ | 文脈)"),
        "col_bits": ("−log₂ P", "−log₂ P"),
        "col_running": ("log₂ P(w₁…wᵢ)", "log₂ P(w₁…wᵢ)"),
        "col_seen": ("longest context seen in training", "学習で見た最長の文脈"),
        "unk": ("{n} token(s) never occur in the training corpus: they count as <unk>, with a small but nonzero probability.",
                "{n} 個のトークンは学習コーパスに現れません。<unk> として小さいが 0 ではない確率を与えます。"),
        "gpt_first": ("The GPT has no start symbol, so the first token is given and the others are scored.",
                      "GPT には開始記号がないため、最初のトークンは与えられたものとし、2 番目以降を評価します。"),
        "table_note": ("“<s>” pads the history before the first token.", "「<s>」は最初のトークンより前の履歴を埋める開始記号です。"),
    },
)
