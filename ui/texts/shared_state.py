"""Labels for the GPT that pages share (ui.shared_state.get_gpt): shipped with the app, or trained live."""
from core.i18n import Catalog

T = Catalog(
    "shared_state",
    {
        "shipped_label": (
            "shipped GPT ({code}) · trained for {steps} steps, held-out PP {ppl:.0f}",
            "同梱の GPT（{code}）· {steps} ステップ学習済み、held-out PP {ppl:.0f}",
        ),
        "live_label": ("your GPT trained live · {label}", "その場で学習した GPT · {label}"),
    },
)
