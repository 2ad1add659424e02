from core.i18n import Catalog

T = Catalog(
    "tok_bpc",
    {
        "heading": ("Vocabulary size against model quality", "語彙サイズとモデルの質"),
        "intro": (
            "Shorter sequences are not the whole story: every token type is rarer in a larger vocabulary, so a "
            "model trained on the same text learns less about each. Here one model — a Kneser–Ney {n}-gram, the "
            "same for every tokenizer — is trained on the {corpus} corpus's tokens and scored on its held-out "
            "text ({chars:,} characters) in **bits per character**, so all tokenizers share one scale. A held-out "
            "token never seen in training also pays for which unseen id it is. Lower is better.",
            "系列が短くなるだけでは決まりません。語彙が大きいほど各トークンの出現はまれになり、同じテキストで学習した"
            "モデルは 1 つ 1 つについて学ぶことが減ります。ここでは、どのトークナイザにも同じモデル（Kneser–Ney の"
            " {n}-gram）を{corpus}コーパスのトークンで学習し、評価用テキスト（{chars:,} 文字）で **1 文字あたりの"
            "ビット数** を測ります（すべて同じ尺度）。学習で見なかったトークンは、未知のどの ID かの分も払います。"
            "低いほど良い。",
        ),
        "corpus_en": ("English", "英語の"),
        "corpus_ja": ("Japanese", "日本語の"),
        "title": ("Held-out bits per character (KN trigram) by vocabulary size",
                  "評価用テキストの 1 文字あたりビット数（KN 3-gram）と語彙サイズ"),
        "x": ("vocabulary size (log scale)", "語彙サイズ（対数目盛）"),
        "y": ("bits per character", "1 文字あたりのビット数"),
        "read": ("Lowest here: {best} ({b:.3f} bits per character). Our BPE is best at {ov:,} ids ({ob:.3f}) and "
                 "gets worse past it: each further merge makes pieces rarer in this small corpus. The best production "
                 "vocabulary, {prod} with {pv:,} ids, scores {pb:.3f}: its pieces were learned on far more text.",
                 "ここで最も低いのは {best}（1 文字あたり {b:.3f} ビット）。私たちの BPE は ID {ov:,} 個で最良"
                 "（{ob:.3f}）になり、それを超えると悪化します。この小さなコーパスでは、マージを増やすほどピースが"
                 "まれになるからです。最良の実用語彙は {prod}（ID {pv:,} 個）で {pb:.3f}。そのピースははるかに多くの"
                 "テキストで学習されています。"),
        "missing": ("The measurement file assets/measurements/vocab_bpc.json is missing: run "
                    "scripts/measure_bpc.py.",
                    "測定ファイル assets/measurements/vocab_bpc.json がありません。scripts/measure_bpc.py を実行してください。"),
        "k_bytes": ("UTF-8 bytes", "UTF-8 バイト"),
        "k_bpe_raw": ("Our BPE (raw text), 0–4,000 merges", "私たちの BPE（生の文字列）、0〜4,000 マージ"),
        "k_bpe_short": ("our BPE", "私たちの BPE"),
        "col_tok": ("Tokenizer", "トークナイザ"),
        "col_v": ("Vocabulary", "語彙サイズ"),
        "col_bpc": ("Bits / character", "ビット / 文字"),
        "col_tpc": ("Tokens / character", "トークン / 文字"),
        "col_unk": ("Held-out tokens unseen in training", "学習で見なかった評価トークン"),
    },
)
