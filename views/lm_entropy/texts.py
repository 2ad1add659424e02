from core.i18n import Catalog

T = Catalog(
    "lm_entropy",
    {
        "title": ("Entropy and perplexity", "エントロピーとパープレキシティ"),
        "intro": (
            "Shape a distribution over a small vocabulary. Its entropy H is the average number of bits needed "
            "to name the next symbol; its perplexity PP = 2^H is the number of equally likely choices the "
            "model is effectively torn between.",
            "小さな語彙の上の分布を自分で作ってみましょう。エントロピー H は次の記号を伝えるのに平均して必要なビット数、"
            "パープレキシティ PP = 2^H は「実質的に何択で迷っているか」を表します。",
        ),
        "size": ("Vocabulary size |V|", "語彙サイズ |V|"),
        "symbols": ("AI,ＡＩ,the,a,cat,dog,sat,ran", "１年生,1年生,は,が,猫,犬,走る,寝る"),
        "presets": ("Presets", "プリセット"),
        "uniform": ("Uniform", "一様分布"),
        "one_hot": ("One-hot", "one-hot"),
        "zipf": ("Zipf (1/rank)", "Zipf（1/順位）"),
        "weights": ("Weights (normalized to probabilities)", "重み（確率に正規化されます）"),
        "temp": ("Temperature T: p^(1/T), renormalized", "温度 T：p^(1/T) を正規化"),
        "temp_help": ("T → 0 puts all mass on the most likely symbol (one-hot); T = 1 keeps your weights; "
                      "large T flattens towards uniform (over the symbols with nonzero weight).",
                      "T → 0 で最も確率の高い記号にすべてが集まり（one-hot）、T = 1 は重みのまま、"
                      "T を大きくすると（重みが 0 でない記号の上の）一様分布に近づきます。"),
        "m_h": ("Entropy H", "エントロピー H"),
        "m_pp": ("Perplexity PP = 2^H", "パープレキシティ PP = 2^H"),
        "m_bounds": ("Bounds", "範囲"),
        "bits": ("{v:.3f} bits", "{v:.3f} ビット"),
        "bounds_val": ("1 ≤ PP ≤ {v}", "1 ≤ PP ≤ {v}"),
        "bar_title": ("The distribution p", "分布 p"),
        "bar_x": ("symbol x", "記号 x"),
        "bar_y": ("probability p(x)", "確率 p(x)"),
        "curve_title": ("PP against the temperature T", "温度 T とパープレキシティ"),
        "curve_x": ("temperature T (log scale)", "温度 T（対数軸）"),
        "curve_y": ("PP = 2^H", "PP = 2^H"),
        "now": ("now", "現在"),
        "low": ("PP = 1: one-hot (a certain answer)", "PP = 1：one-hot（答えが確定）"),
        "high": ("PP = |V| = {v}: uniform", "PP = |V| = {v}：一様分布"),
        "examples_h": ("The notes' two extremes", "ノートの 2 つの極端な例"),
        "ex_random": (
            "**Random typing**: pressing one of 27 keys (26 letters and space) at random is the uniform "
            "distribution: H = log₂ 27 = {h:.2f} bits, PP = {pp:.0f}, the highest possible over 27 symbols.",
            "**でたらめにキーボードを打つ**：27 キー（英字 26 と空白）から無作為に打つのは一様分布です。"
            "H = log₂ 27 = {h:.2f} ビット、PP = {pp:.0f}。27 記号の上で最大のパープレキシティです。",
        ),
        "ex_certain": (
            "**A certain answer**: a one-hot distribution (all probability on one symbol) has H = 0 bits and "
            "PP = 1, the minimum. Training a language model pushes its predictions towards this end.",
            "**答えが確定している**：one-hot 分布（1 つの記号に確率がすべて集中）は H = 0 ビット、PP = 1 で最小です。"
            "言語モデルの学習は予測をこちら側に近づけることを目指します。",
        ),
        "kl_h": ("Cross-entropy and KL divergence against a model", "モデルに対するクロスエントロピーと KL ダイバージェンス"),
        "kl_intro": (
            "A model q predicts the next character; your p above is what really comes next. The **cross-entropy** "
            "H(p, q) is the average number of bits q needs to name p's outcomes, and it is never below H(p): the "
            "excess is the **KL divergence** KL(p ‖ q), zero only when q = p. Here q is a character trigram of the "
            "shipped corpus after your context, on {v} outcomes: its {k} most likely next characters and "
            "“everything else”. Your sliders stand for those outcomes, in that order.",
            "モデル q が次の文字を予測し、上で作った p が実際に来る文字の分布だとします。**クロスエントロピー** H(p, q) は "
            "q を使って p の結果を伝えるのに必要な平均ビット数で、H(p) を下回ることはありません。その差が **KL ダイバージェンス** "
            "KL(p ‖ q) で、q = p のときだけ 0 です。ここでの q は、同梱コーパスで学習した文字トライグラムが文脈の後に予測する分布で、"
            "{v} 通りの結果（最も確率の高い {k} 文字と「その他すべて」）の上にあります。スライダーはこの順にそれらの結果を表します。",
        ),
        "kl_context": ("Context (the model reads its last two characters)", "文脈（モデルは最後の 2 文字を読みます）"),
        "kl_default": ("in th", "雨が降"),
        "kl_model": ("The model q", "モデル q"),
        "kl_model_kn": ("Kneser–Ney trigram (smoothed)", "Kneser–Ney トライグラム（スムージングあり）"),
        "kl_model_mle": ("Raw counts (no smoothing: zeros stay)", "数え上げのまま（スムージングなし：0 が残る）"),
        "kl_set_p": ("Make p the model's q", "p をモデルの q にする"),
        "kl_used": ("The model's context: “{ctx}”.", "モデルが使った文脈：「{ctx}」"),
        "kl_used_none": ("The model's context: none (the start of a text, or nothing it has seen).",
                         "モデルが使った文脈：なし（文の先頭、または学習で見たことのない文脈）。"),
        "kl_other": ("(everything else)", "（その他すべて）"),
        "kl_title": ("Your p against the model's q", "あなたの p とモデルの q"),
        "kl_x": ("next character", "次の文字"),
        "kl_y": ("probability", "確率"),
        "kl_p": ("p (yours)", "p（あなた）"),
        "kl_q": ("q (the model)", "q（モデル）"),
        "kl_inf": ("0 → ∞", "0 → ∞"),
        "m_hpq": ("Cross-entropy H(p, q)", "クロスエントロピー H(p, q)"),
        "m_kl": ("KL(p ‖ q)", "KL(p ‖ q)"),
        "infinite": ("∞", "∞"),
        "kl_check": (
            "Checked on these numbers: H(p) + KL(p ‖ q) = {h:.6f} + {kl:.6f} = **{s:.6f}** bits; H(p, q) computed "
            "directly = **{hpq:.6f}** bits (difference {d:.1e}).",
            "この数値で確かめると：H(p) + KL(p ‖ q) = {h:.6f} + {kl:.6f} = **{s:.6f}** ビット、H(p, q) を直接計算すると "
            "**{hpq:.6f}** ビット（差 {d:.1e}）。",
        ),
        "kl_zero": (
            "**Infinite**: p gives {what} a probability but q gives it exactly 0. A model that calls a real outcome "
            "impossible would need infinitely many bits to code it, so H(p, q) = KL(p ‖ q) = ∞. Smoothing "
            "(Kneser–Ney) keeps every q above 0 for this reason.",
            "**無限大**：p は {what} に確率を与えていますが、q はちょうど 0 です。実際に起こる結果を「ありえない」と言うモデルで"
            "それを伝えるには無限のビットが必要なので、H(p, q) = KL(p ‖ q) = ∞ になります。スムージング（Kneser–Ney）が"
            "すべての q を 0 より大きく保つのはこのためです。",
        ),
        "merge_h": ("Merging two symbols that mean the same", "同じ意味の 2 つの記号をまとめる"),
        "merge": ("Treat “{a}” and “{b}” as one symbol (what NFKC normalization does)", "「{a}」と「{b}」を 1 つの記号として扱う（NFKC 正規化がすること）"),
        "merge_result": (
            "Merged: H = {h:.3f} bits, PP = {pp:.2f} (before: {h0:.3f} bits, PP = {pp0:.2f}). Merging never raises "
            "the entropy: the model no longer has to guess which of two spellings comes.",
            "まとめた後：H = {h:.3f} ビット、PP = {pp:.2f}（前：{h0:.3f} ビット、PP = {pp0:.2f}）。"
            "まとめてもエントロピーは増えません。2 つの表記のどちらが来るかを当てる必要がなくなるからです。",
        ),
    },
)
