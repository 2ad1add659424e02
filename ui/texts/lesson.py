from core.i18n import Catalog

# The lesson panel's GPT-1 diagram (core.charts.gpt_diagram): one label per box, short enough for a
# box a quarter of a projector's width.
T = Catalog(
    "lesson",
    {
        "diagram": ("GPT-1: where we are", "GPT-1：いまここ"),
        "diagram_help": ("The part of GPT-1 this stop explains is outlined in orange.",
                         "このストップで扱う GPT-1 の部分をオレンジの枠で示しています。"),
        "embed": ("Token + position embedding", "トークン埋め込み + 位置埋め込み"),
        "attention": ("Masked multi-head attention", "マスク付きマルチヘッド注意"),
        "norm1": ("Add & LayerNorm", "残差を足して LayerNorm"),
        "ffn": ("Feed-forward (GELU)", "フィードフォワード（GELU）"),
        "norm2": ("Add & LayerNorm", "残差を足して LayerNorm"),
        "lm_head": ("Linear + softmax", "線形 + softmax"),
        "task_head": ("Task heads", "タスク用ヘッド"),
        "layers": ("{n}×", "{n}×"),
        "stop_of": ("{k} / {n}", "{k} / {n}"),
    },
)
