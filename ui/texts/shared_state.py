"""Labels for the GPT that pages share (ui.shared_state.get_gpt): shipped with the app, or trained live."""
from core.i18n import Catalog

T = Catalog(
    "shared_state",
    {
        "shipped_label": (
            "shipped GPT ({code}) · {steps} steps on {mb:.1f} M characters of text · held-out PP {ppl:.0f}, "
            "the best Kneser–Ney n-gram {ngram_ppl:.0f} on the same tokens ({verdict})",
            "同梱の GPT（{code}）· {mb:.1f} M 文字のテキストで {steps} ステップ · 評価 PP {ppl:.0f}、"
            "同じトークンでの最良の Kneser–Ney n-gram は {ngram_ppl:.0f}（{verdict}）",
        ),
        "verdict_beats": ("ahead by {m:.2f} ± {se:.2f} nats/token", "{m:.2f} ± {se:.2f} nats/トークン 上回る"),
        "verdict_noise": ("within noise of it: {m:+.2f} ± {se:.2f} nats/token", "差は誤差の範囲：{m:+.2f} ± {se:.2f} nats/トークン"),
        "verdict_behind": ("behind it by {m:.2f} ± {se:.2f} nats/token", "{m:.2f} ± {se:.2f} nats/トークン 下回る"),
        "shipped_label_old": (
            "shipped GPT ({code}) · trained for {steps} steps, held-out PP {ppl:.0f}",
            "同梱の GPT（{code}）· {steps} ステップ学習済み、評価 PP {ppl:.0f}",
        ),
        "live_label": ("your GPT trained live · {label}", "その場で学習した GPT · {label}"),
    },
)
