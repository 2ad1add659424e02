from core.i18n import Catalog

T = Catalog(
    "gpt_residual",
    {
        "title": ("The residual stream", "残差ストリーム"),
        "intro": (
            "Each sub-layer of a block (masked attention, then the feed-forward MLP) does not replace its input: a "
            "**skip connection** adds its output to it, as in ResNet. So every block only *edits* a stream that "
            "flows through the whole model. Here: how large the stream is against what each sub-layer adds, and "
            "what happens to the held-out loss when one skip connection is removed.",
            "ブロックの各サブレイヤー（マスク付き注意、次に全結合 MLP）は入力を置き換えません。**スキップ接続**が出力を入力に"
            "足します（ResNet と同じ）。つまり各ブロックは、モデル全体を流れるストリームを「編集」するだけです。ここでは、"
            "ストリームの大きさと各サブレイヤーが足す量を比べ、スキップ接続を 1 本外すと held-out 損失がどうなるかを見ます。",
        ),
        "postln": (
            "GPT-1 is **post-LN**: LayerNorm comes after the addition, x ← LN(x + f(x)). Removing the skip here means "
            "x ← LN(f(x)): the LayerNorm stays, only the “x +” goes, so the sub-layer's output replaces the stream. "
            "Nothing is retrained.",
            "GPT-1 は **post-LN** です。LayerNorm は足し算の後：x ← LN(x + f(x))。ここでスキップを外すとは "
            "x ← LN(f(x)) のこと：LayerNorm は残り、「x +」だけがなくなるので、サブレイヤーの出力がストリームを置き換えます。"
            "再学習はしません。",
        ),
        "preln": (
            "This model is **pre-LN** (GPT-2's arrangement): x ← x + f(LN(x)). Removing the skip means x ← f(LN(x)). "
            "Nothing is retrained.",
            "このモデルは **pre-LN**（GPT-2 の配置）です：x ← x + f(LN(x))。スキップを外すとは x ← f(LN(x)) のこと。"
            "再学習はしません。",
        ),
        "no_model": ("There is no GPT to measure (see the message above).", "測定する GPT がありません（上のメッセージを参照）。"),
        "job_what": ("Measuring the residual stream of this model", "このモデルの残差ストリームを測定"),
        "norms_title": ("What passes through against what each sub-layer adds", "流れるものと、各サブレイヤーが足すもの"),
        "norms_x": ("layer", "レイヤー"),
        "norms_y": ("mean L2 norm per token", "トークンあたりの平均 L2 ノルム"),
        "attn_in": ("stream entering attention ‖x‖", "注意に入るストリーム ‖x‖"),
        "attn_out": ("attention adds ‖attn(x)‖", "注意が足す量 ‖attn(x)‖"),
        "mlp_in": ("stream entering the MLP ‖x‖", "MLP に入るストリーム ‖x‖"),
        "mlp_out": ("MLP adds ‖mlp(x)‖", "MLP が足す量 ‖mlp(x)‖"),
        "norms_note": (
            "Under post-LN the stream leaves every LayerNorm with norm about √d = {root:.1f} (d = {d}); in the last layer "
            "attention adds {ratio:.0%} of the stream's norm on average: each sub-layer makes a small edit.",
            "post-LN では、ストリームは LayerNorm を出るたびにノルム約 √d = {root:.1f}（d = {d}）になります。最終層では注意が"
            "ストリームのノルムの平均 {ratio:.0%} を足しています。各サブレイヤーは小さな編集をしているのです。",
        ),
        "with_skip": ("with skip", "スキップあり"),
        "skip_removed": ("removed", "スキップを外す"),
        "layer": ("Layer", "レイヤー"),
        "part": ("Remove the skip connection of", "スキップ接続を外す対象"),
        "part_attn": ("attention", "注意"),
        "part_mlp": ("the MLP", "MLP"),
        "cut_title": ("Held-out loss with one skip connection removed", "スキップ接続を 1 本外したときの held-out 損失"),
        "cut_x": ("layer whose skip is removed", "スキップを外したレイヤー"),
        "cut_y": ("held-out loss (nats per token)", "held-out 損失（トークンあたり nat）"),
        "cut_attn": ("attention's skip removed", "注意のスキップを外す"),
        "cut_mlp": ("the MLP's skip removed", "MLP のスキップを外す"),
        "cut_base": ("intact model", "元のモデル"),
        "m_base": ("Held-out loss, intact", "held-out 損失（元のまま）"),
        "m_cut": ("Skip removed: layer {layer}, {part}", "スキップを外す：レイヤー {layer}・{part}"),
        "nats": ("{v:.3f} nats (PP {pp:,.0f})", "{v:.3f} nat（PP {pp:,.0f}）"),
        "cut_note": (
            "On the same {tokens:,} held-out tokens of the project corpus, every removed skip raises the loss, by "
            "{lo:.2f} to {hi:.2f} nats (a uniform guess over the vocabulary would be {uni:.2f}). The model learned to "
            "edit a stream, not to rebuild it: without the “x +” a layer throws away what came before it.",
            "プロジェクトコーパスの同じ held-out {tokens:,} トークンで、どのスキップを外しても損失は {lo:.2f}〜{hi:.2f} nat "
            "上がります（語彙全体で一様に当てずっぽうなら {uni:.2f}）。モデルはストリームを作り直すのではなく編集するように"
            "学習したので、「x +」がなくなると、そのレイヤーはそれまでの情報を捨ててしまいます。",
        ),
        "cut_note_mixed": (
            "On the same {tokens:,} held-out tokens of the project corpus, removing a skip changes the loss by {lo:+.2f} "
            "to {hi:+.2f} nats (a uniform guess over the vocabulary would be {uni:.2f}).",
            "プロジェクトコーパスの同じ held-out {tokens:,} トークンで、スキップを外すと損失は {lo:+.2f}〜{hi:+.2f} nat "
            "変わります（語彙全体で一様に当てずっぽうなら {uni:.2f}）。",
        ),
    },
)
