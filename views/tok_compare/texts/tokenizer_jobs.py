from core.i18n import Catalog

T = Catalog(
    "tokenizer_jobs",
    {
        "what": ("Training the learned tokenizers", "学習型トークナイザーの学習"),
        "running": ("The learned tokenizers (our BPE on words and on raw text, SentencePiece BPE and unigram) are "
                    "training on this corpus at vocabulary size {v:,} in the background (after MeCab's analysis "
                    "of a new corpus); the rows that need no training are shown meanwhile, and the rest appear "
                    "when it finishes. Other visitors asking for the same corpus and size see the same run.",
                    "このコーパスと語彙サイズ {v:,} で、学習型のトークナイザー（単語・生テキストの BPE、SentencePiece の "
                    "BPE と unigram）をバックグラウンドで学習しています（新しいコーパスでは先に MeCab で解析します）。"
                    "学習の要らない行を先に表示し、残りは終わり次第表示します。同じコーパスとサイズを選んだほかの利用者も、"
                    "この実行を共有します。"),
        "damaged": ("{n} shipped tokenizer file(s) in assets/models/tokenizers/ could not be read and were trained "
                    "again instead (kept in the cache). To repair: python scripts/build_models.py --only tokenizers",
                    "assets/models/tokenizers/ の同梱トークナイザーのうち {n} 個を読めなかったため、代わりに学習し直しました"
                    "（キャッシュに保存済み）。修復するには python scripts/build_models.py --only tokenizers を実行してください。"),
    },
)
