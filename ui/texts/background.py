from core.i18n import Catalog

T = Catalog(
    "background",
    {
        "progress": ("{what}: {pct:.0f} %", "{what}：{pct:.0f} %"),
        "eta": (" · about {eta} left", " · 残り約 {eta}"),
        "estimated": (" (estimated from the last build's time)", "（前回の所要時間からの見積もり）"),
        "cancel": ("Cancel", "キャンセル"),
        "again": ("Start again", "もう一度開始"),
        "stopped": ("It was cancelled or did not finish; nothing half-done was kept.",
                    "キャンセルされたか、終わりませんでした。途中の結果は残していません。"),
        "rebuild": ("Rebuild this model ({n}, runs in the background)",
                    "このモデルを作り直す（{n}、バックグラウンドで実行）"),
        "rebuild_what": ("Rebuilding {name}", "{name} を作り直しています"),
        "rebuild_help": ("Runs the same build as `make models --only {kind} --lang {code}` on the server and writes to "
                         "its cache folder (assets/ is left untouched). Other visitors see the same run.",
                         "`make models --only {kind} --lang {code}` と同じ作業をサーバーで実行し、キャッシュのフォルダに"
                         "書き込みます（assets/ は変更しません）。ほかの利用者も同じ実行を共有します。"),
        "n_gpt": ("the shipped GPT ({code})", "同梱の GPT（{code}）"),
        "n_lstm": ("the shipped LSTM ({code})", "同梱の LSTM（{code}）"),
        "n_snapshots": ("the GPT snapshots ({code})", "GPT のスナップショット（{code}）"),
        "n_encdec": ("the encoder–decoder ({code})", "エンコーダ・デコーダ（{code}）"),
        "n_sweep": ("the ready-made sweep ({code})", "計算済みのスイープ（{code}）"),
        "minutes": ("about {n} min", "約 {n} 分"),
        "seconds": ("about {n} s", "約 {n} 秒"),
    },
)


def duration(seconds: float, lang: str) -> str:
    """'about 3 min' / '約 3 分' for a time a person waits; seconds under two minutes."""
    if seconds >= 120:
        return T.t("minutes", lang, n=round(seconds / 60))
    return T.t("seconds", lang, n=max(1, round(seconds)))
