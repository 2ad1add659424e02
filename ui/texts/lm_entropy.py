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
