from core.i18n import Catalog

T = Catalog(
    "gpt_gelu",
    {
        "title": ("GELU — the activation inside GPT-1", "GELU — GPT-1 の中の活性化関数"),
        "intro": (
            "Every feed-forward layer of GPT-1 applies GELU instead of ReLU. Exact GELU needs the normal "
            "CDF Φ, so two cheaper formulas are common. How close are they, and what does each cost?",
            "GPT-1 の各フィードフォワード層は ReLU ではなく GELU を使います。正確な GELU には正規分布の累積分布関数 Φ "
            "が必要なので、より安い 2 つの近似式がよく使われます。どれくらい近く、計算コストはどれくらいでしょうか。",
        ),
        "forms": ("The three forms", "3 つの形"),
        "name_exact": ("GELU exact  xΦ(x)", "GELU 厳密  xΦ(x)"),
        "name_tanh": ("tanh approximation", "tanh 近似"),
        "name_sigmoid": ("sigmoid form  xσ(1.702x)", "sigmoid 形  xσ(1.702x)"),
        "name_relu": ("ReLU (reference)", "ReLU（参考）"),
        "maxerr_header": ("Largest error on [−10, 10]", "[−10, 10] での最大誤差"),
        "maxerr_caption": (
            "Measured now in float64: a 200,001-point grid on [−10, 10], refined around the peak. "
            "The error is symmetric, so the peak appears at ±x.",
            "いま float64 で測定：[−10, 10] を 200,001 点で調べ、最大値の周りをさらに細かく調べます。"
            "誤差は左右対称なので、最大値は ±x の 2 か所に現れます。",
        ),
        "metric_err": ("{name} form: max |error|", "{name} 形：最大 |誤差|"),
        "metric_at": ("{name} form: where, |x|", "{name} 形：その位置 |x|"),
        "controls": ("Plot range", "描画範囲"),
        "range": ("x range", "x の範囲"),
        "custom": ("Type exact bounds", "範囲を数値で入力"),
        "xmin": ("x min", "x の最小値"),
        "xmax": ("x max", "x の最大値"),
        "points": ("Points (resolution)", "点の数（解像度）"),
        "points_help": ("At most {n:,} points are drawn.", "描画する点は最大 {n:,} 点です。"),
        "capped": ("{asked:,} points asked; drawing {n:,} (the most this page draws).",
                   "{asked:,} 点が指定されました。描画は上限の {n:,} 点にしています。"),
        "tab_f": ("Functions", "関数"),
        "tab_err": ("Absolute error", "絶対誤差"),
        "tab_d": ("Derivatives", "導関数"),
        "fig_f": ("GELU, its approximations and ReLU", "GELU・近似式・ReLU"),
        "fig_err": ("|approximation − exact GELU| (log scale)", "|近似 − 厳密な GELU|（対数目盛）"),
        "fig_d": ("Derivatives d/dx (autograd)", "導関数 d/dx（自動微分）"),
        "ax_x": ("x (input)", "x（入力）"),
        "ax_f": ("f(x) (output)", "f(x)（出力）"),
        "ax_err": ("absolute error", "絶対誤差"),
        "ax_d": ("f′(x)", "f′(x)"),
        "peak": ("{name}: peak {value:.3g} at x = {x:.2f}", "{name}：最大 {value:.3g}（x = {x:.2f}）"),
        "err_caption": (
            "Diamonds mark the peaks measured on [−10, 10]. Within this view: tanh ≤ {t:.2e}, sigmoid ≤ {s:.2e}.",
            "◆ は [−10, 10] で測った最大誤差の位置です。この範囲では tanh ≤ {t:.2e}、sigmoid ≤ {s:.2e}。",
        ),
        "d_caption": (
            "GELU's slope is smooth: it dips below 0 for x < 0 (min {dmin:.3f}) and overshoots 1 (max {dmax:.3f}); "
            "ReLU's slope jumps from 0 to 1 at x = 0.",
            "GELU の傾きはなめらかで、x < 0 で 0 を下回り（最小 {dmin:.3f}）、1 を超えます（最大 {dmax:.3f}）。"
            "ReLU の傾きは x = 0 で 0 から 1 へ飛びます。",
        ),
        "why_header": ("Why GPT-1 uses GELU", "GPT-1 が GELU を使う理由"),
        "why": (
            "- **Smooth.** GELU has a derivative everywhere; ReLU has a kink at 0 and a zero gradient for all "
            "x < 0.\n"
            "- **Non-monotonic near 0.** For negative x it dips to about −0.17 (at x ≈ −0.75) and comes back to "
            "0, so small negative inputs still pass a little signal and gradient.\n"
            "- **A stochastic-regularizer view.** Multiply x by a mask m that is 1 with probability Φ(x), the "
            "probability that a standard normal Z is below x. The expected output is exactly GELU:",
            "- **なめらか。** GELU はどこでも微分できます。ReLU は 0 で折れ曲がり、x < 0 では勾配がすべて 0 です。\n"
            "- **0 付近で単調でない。** 負の x では約 −0.17 まで下がり（x ≈ −0.75）0 に戻るので、"
            "小さな負の入力にも少し信号と勾配が流れます。\n"
            "- **確率的な正則化としての見方。** x に、確率 Φ(x)（標準正規分布 Z が x 以下になる確率）で 1 になる"
            "マスク m を掛けます。その期待値がちょうど GELU です：",
        ),
        "why_after": (
            "Large inputs are almost always kept, very negative ones almost always dropped — like dropout, "
            "but the keep-probability depends on the input itself.",
            "大きな入力はほぼ必ず残り、大きく負の入力はほぼ必ず落とされます。dropout に似ていますが、"
            "残る確率が入力そのものに依存します。",
        ),
        "cost_header": ("What each costs on this device", "このデバイスでの計算コスト"),
        "cost_n": ("Elements timed", "計測する要素数"),
        "cost_fig": ("Forward time per element ({device})", "1 要素あたりの順伝播時間（{device}）"),
        "cost_ax": ("nanoseconds per element (lower is faster)", "1 要素あたりのナノ秒（短いほど速い）"),
        "cost_ratio": ("{ratio:.1f}× ReLU", "ReLU の {ratio:.1f} 倍"),
        "cost_relu": ("ReLU  torch.relu", "ReLU  torch.relu"),
        "cost_gelu_builtin": ("GELU  F.gelu (built-in)", "GELU  F.gelu（組み込み）"),
        "cost_gelu_tanh_builtin": ("tanh  F.gelu(approximate='tanh')", "tanh  F.gelu(approximate='tanh')"),
        "cost_exact_written": ("GELU exact, written out", "GELU 厳密（式をそのまま）"),
        "cost_tanh_written": ("tanh form, written out", "tanh 形（式をそのまま）"),
        "cost_sigmoid_written": ("sigmoid form, written out", "sigmoid 形（式をそのまま）"),
        "cost_timing": ("Timing the six kernels on {n:,} elements (a second or so)…",
                        "6 つのカーネルを {n:,} 要素で計測しています（1 秒ほど）…"),
        "cost_timing_prev": ("The chart below still shows the {prev:,}-element measurement until the new one is done.",
                             "新しい計測が終わるまで、下のグラフは {prev:,} 要素での計測のままです。"),
        "cost_what": ("Timing GELU", "GELU の計測"),
        "cost_caption": (
            "float32, {n:,} random elements, fastest of up to 5 samples, measured once per device and size (cached). "
            "Blue: one built-in kernel. Orange: the formula written as separate tensor ops, as a from-scratch model "
            "would run it — each op reads and writes the whole tensor again. Timings on a shared machine are noisy; "
            "compare the ratios.",
            "float32・ランダムな {n:,} 要素・最大 5 回のうち最速、デバイスと要素数ごとに 1 回だけ計測（キャッシュ）。"
            "青：組み込みの 1 カーネル。オレンジ：式をテンソル演算の組み合わせで書いたもの（自作モデルと同じ）で、"
            "演算ごとにテンソル全体を読み書きし直します。共有マシンでは時間がぶれるので、比率で比べてください。",
        ),
    },
)
