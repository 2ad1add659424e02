from core.i18n import Catalog

T = Catalog(
    "common",
    {
        "app_title": ("Transformer Atlas", "Transformer Atlas"),
        "language": ("Language", "言語"),
        "device": ("Device", "計算デバイス"),
        "force_cpu": ("Force CPU", "CPU を強制"),
        "force_cpu_help": (
            "Compute on the CPU even when a GPU is present (for comparing speed).",
            "GPU があっても CPU で計算します（速度の比較用）。",
        ),
        "threads": ("{n} CPU threads", "CPU スレッド数 {n}"),
        "sec_start": ("Start", "はじめに"),
        "sec_lm": ("Language models", "言語モデル"),
        "sec_tok": ("Tokenizers", "トークナイザ"),
        "sec_tf": ("Transformer", "Transformer"),
        "sec_gpt": ("GPT-1", "GPT-1"),
        "corpus": ("Corpus", "コーパス"),
        "corpus_en": ("Shipped English corpus", "同梱の英語コーパス"),
        "corpus_ja": ("Shipped Japanese corpus", "同梱の日本語コーパス"),
        "corpus_upload": ("Upload a .txt file", ".txt ファイルをアップロード"),
        "corpus_upload_label": ("UTF-8 text file (≤ 5 MB)", "UTF-8 テキストファイル（5 MB まで）"),
        "corpus_upload_wait": ("Upload a file to use it; the shipped corpus is used until then.",
                               "ファイルをアップロードしてください。それまでは同梱のコーパスを使います。"),
        "corpus_stats": ("{chars:,} characters · {train:,} for training, {held:,} held out",
                         "{chars:,} 文字 · 学習用 {train:,}、評価用（held-out）{held:,}"),
        "text_truncated": ("The text was cut to its first {n:,} characters.",
                           "テキストは先頭の {n:,} 文字に切り詰めました。"),
        "controls_removed": ("{n} control character(s) were removed.", "制御文字を {n} 個取り除きました。"),
        "random_note": ("Untrained model: weights are random.", "未学習モデル：重みはランダムです。"),
    },
)
