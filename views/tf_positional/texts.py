from core.i18n import Catalog

T = Catalog(
    "tf_positional",
    {
        "title": ("Positional encoding", "位置エンコーディング"),
        "intro": (
            "Attention by itself does not know the order of the tokens. The Transformer adds to each token "
            "embedding a vector that depends only on its position: sines and cosines of geometrically spaced "
            "frequencies, from one turn every 2π positions down to one every 10000·2π.",
            "注意機構だけではトークンの順番がわかりません。Transformer は各トークンの埋め込みに、位置だけで決まる"
            "ベクトルを足します。周波数を等比的に変えた sin と cos で、2π 位置で 1 周するものから 10000·2π 位置で"
            "1 周するものまであります。",
        ),
        "d_model": ("d_model (even)", "d_model（偶数）"),
        "length": ("Length (positions)", "長さ（位置の数）"),
        "limits": ("d_model ≤ {d}, length ≤ {n}.", "d_model ≤ {d}、長さ ≤ {n}。"),
        "cosine": ("Cosine similarity", "コサイン類似度"),
        "cosine_help": ("Scale every row to length 1 before the dot product.",
                        "内積の前に各行の長さを 1 にそろえます。"),
        "enc_header": ("The encoding", "エンコーディング"),
        "fig_heat": ("PE: position × dimension", "PE：位置 × 次元"),
        "ax_dim": ("dimension", "次元"),
        "ax_pos": ("position", "位置"),
        "dims": ("Dimensions to plot", "描く次元"),
        "dims_dropped": ("Not in this d_model, skipped: {dims}", "この d_model にない次元は省略：{dims}"),
        "fig_curves": ("Chosen dimensions against position", "選んだ次元と位置"),
        "curve_name": ("dim {dim} ({fn}, i = {i})", "次元 {dim}（{fn}、i = {i}）"),
        "ax_value": ("PE value", "PE の値"),
        "curves_caption": (
            "Low dimensions oscillate fast, high ones slowly: together they give every position a distinct code.",
            "低い次元は速く、高い次元はゆっくり振動します。組み合わせると位置ごとに異なる符号になります。",
        ),
        "sim_header": ("Similarity between positions", "位置どうしの類似度"),
        "fig_sim": ("PE(p) · PE(q)", "PE(p) · PE(q)"),
        "fig_sim_cos": ("cos(PE(p), PE(q))", "cos(PE(p), PE(q))"),
        "fig_dist": ("Similarity against distance Δ = |p − q|", "距離 Δ = |p − q| と類似度"),
        "ax_dist": ("distance Δ", "距離 Δ"),
        "ax_sim": ("similarity", "類似度"),
        "mean": ("mean over pairs", "全ペアの平均"),
        "band": ("min–max over pairs", "全ペアの最小〜最大"),
        "sim_caption": (
            "PE(p)·PE(p+Δ) = Σᵢ cos(Δωᵢ): it depends on the distance only. Spread over all pairs at the same "
            "distance: {spread:.1e}. Nearby positions are the most similar.",
            "PE(p)·PE(p+Δ) = Σᵢ cos(Δωᵢ) なので、距離だけで決まります。同じ距離のペア間のばらつき：{spread:.1e}。"
            "近い位置ほど似ています。",
        ),
        "rot_header": ("Shift by k = rotate by M_k", "k だけずらす = M_k で回転する"),
        "rot_intro": (
            "The paper chose sinusoids because for every offset k there is one matrix M_k — the same for every "
            "position — that maps PE(pos) to PE(pos + k). It is block-diagonal: each (sin, cos) pair of "
            "frequency ωᵢ is rotated by the angle k·ωᵢ.",
            "論文が正弦波を選んだ理由は、どのオフセット k にも、位置によらない 1 つの行列 M_k があって PE(pos) を "
            "PE(pos + k) に写すからです。M_k はブロック対角で、周波数 ωᵢ の (sin, cos) の組をそれぞれ角度 k·ωᵢ "
            "だけ回転します。",
        ),
        "k": ("Offset k", "オフセット k"),
        "fig_m": ("M_k for k = {k} (d_model × d_model)", "M_k（k = {k}、d_model × d_model）"),
        "ax_col": ("column", "列"),
        "ax_row": ("row", "行"),
        "blocks": ("A few 2×2 blocks of M_k (block i acts on dimensions 2i and 2i+1)",
                   "M_k の 2×2 ブロック（一部。ブロック i は次元 2i と 2i+1 に作用）"),
        "fig_res": ("max |PE(pos+k) − M_k·PE(pos)| per position", "位置ごとの max |PE(pos+k) − M_k·PE(pos)|"),
        "ax_res": ("max absolute residual", "最大絶対残差"),
        "metric_res": ("Largest residual, {dtype}", "最大残差（{dtype}）"),
        "metric_pos": ("Positions checked", "検証した位置の数"),
        "res_caption": (
            "Checked at every position 0 … {last}. In float64 the residual is rounding only; in float32 it grows "
            "with the position, because the angle pos·ω itself is rounded to float32.",
            "位置 0 … {last} のすべてで検証。float64 の残差は丸め誤差だけです。float32 では位置とともに増えます。"
            "角度 pos·ω そのものが float32 に丸められるからです。",
        ),
        "notes_header": ("What the notes get wrong", "講義ノートの誤り"),
        "notes": (
            "The notes write this property as **PE(pos, i+k) = a·PE(pos, i) + b**: a relation between dimensions "
            "i and i+k, with scalars a and b. That does not hold — different dimensions have unrelated frequencies. "
            "The correct statement is a **linear map in position**: the offset k moves along the position axis, "
            "M_k has no constant term b, and it mixes only the sin and cos of the **same** frequency:",
            "講義ノートはこの性質を **PE(pos, i+k) = a·PE(pos, i) + b** と書いています。これは次元 i と i+k の間の"
            "スカラー a, b による関係ですが、成り立ちません。次元が違えば周波数も無関係だからです。"
            "正しくは **位置についての線形写像** です。オフセット k は位置の軸に沿って動き、M_k には定数項 b がなく、"
            "**同じ** 周波数の sin と cos だけを混ぜます：",
        ),
        "learned_header": ("Learned position embeddings (GPT-1's W_p)", "学習された位置埋め込み（GPT-1 の W_p）"),
        "learned_intro": (
            "GPT-1 does not use sinusoids: it learns a matrix W_p with one row per position. After training, does "
            "its similarity look like the sinusoidal one?",
            "GPT-1 は正弦波を使わず、位置ごとに 1 行をもつ行列 W_p を学習します。学習後、その類似度は正弦波のものに"
            "似ているでしょうか。",
        ),
        "no_model": (
            "No trained GPT yet. Train one on the “Train GPT-1 live” page, then come back to compare its W_p here.",
            "まだ学習済みの GPT がありません。「GPT-1 をその場で学習」ページで学習させてから、ここで W_p を比べてください。",
        ),
        "go_train": ("Open “Train GPT-1 live”", "「GPT-1 をその場で学習」を開く"),
        "fig_learned": ("Learned W_p · W_pᵀ ({label})", "学習した W_p · W_pᵀ（{label}）"),
        "fig_learned_cos": ("Learned cos(W_p rows) ({label})", "学習した W_p の行のコサイン類似度（{label}）"),
        "fig_sin_same": ("Sinusoidal, T = {t}, d = {d}", "正弦波、T = {t}、d = {d}"),
        "learned_tip": (
            "Raw dot products of learned rows mostly reflect each row's length: turn on “Cosine similarity” above "
            "to compare directions only.",
            "学習した行どうしの内積は主に各行の長さを反映します。向きだけを比べるには、上の「コサイン類似度」を"
            "オンにしてください。",
        ),
        "learned_cut": ("Showing the first {n} of {t} positions.", "{t} 位置のうち最初の {n} 位置を表示しています。"),
    },
)
