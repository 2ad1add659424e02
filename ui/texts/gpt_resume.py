from core.i18n import Catalog

T = Catalog(
    "gpt_resume",
    {
        "interrupted": (
            "A training from {time}, step {step} of {total}, was interrupted ({label}). Resume it exactly where "
            "it stopped, or discard it.",
            "{time} の学習（{total} ステップ中 {step} ステップ目）が中断されました（{label}）。止まったところから"
            "そのまま再開するか、破棄してください。",
        ),
        "finished": (
            "A training from {time} finished at step {step} ({label}). Open it to look at the model again, or discard it.",
            "{time} の学習は {step} ステップで完了しています（{label}）。開いてモデルをもう一度見るか、破棄してください。",
        ),
        "resume": ("Resume", "再開"),
        "open": ("Open", "開く"),
        "discard": ("Discard", "破棄"),
        "resumed": ("Resumed at step {step}: same schedule, same batches, same optimizer state.",
                    "ステップ {step} から再開しました（同じ学習率の予定・同じバッチ・同じオプティマイザの状態）。"),
        "download_full": ("Download checkpoint (to resume)", "チェックポイントをダウンロード（再開用）"),
        "download_full_help": (
            "Weights, optimizer state, learning-rate schedule position, batch generator and curves: uploading it "
            "here continues the training exactly.",
            "重み・オプティマイザの状態・学習率の予定の位置・バッチの乱数・学習曲線を含みます。ここにアップロードすると"
            "学習をそのまま続けられます。",
        ),
        "download_small": ("Download weights only (smaller)", "重みだけをダウンロード（小さい）"),
        "download_small_help": (
            "The model alone, about a third of the size: enough for the other pages, not to resume exactly.",
            "モデルだけで、大きさは約 3 分の 1 です。他のページで使うには十分ですが、学習をそのまま再開はできません。",
        ),
        "share": ("Share a read-only view", "読み取り専用で共有"),
        "share_help": ("A link that shows this training's progress and loss curves, nothing else: no buttons, no "
                       "samples, no text it learns from. Your own address bar shows nothing to anyone else.",
                       "この学習の進み具合と損失の曲線だけを見せるリンクです。ボタン・サンプル・学習に使うテキストは"
                       "見えません。アドレスバーの URL を渡しても、他の人には何も見えません。"),
        "share_link": ("Read-only link (valid while this training is open here):",
                       "読み取り専用のリンク（この学習をここで開いている間だけ有効）："),
        "watching": ("A training shared with you, read-only: its progress and loss curves as it runs.",
                     "共有された学習（読み取り専用）：実行中の進み具合と損失の曲線です。"),
        "saved": ("Saved on the server at step {step}: a reload or a restart does not lose it.",
                  "ステップ {step} の時点でサーバーに保存済みです。再読み込みや再起動でも失われません。"),
    },
)
