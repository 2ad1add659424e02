from core.i18n import Catalog

T = Catalog(
    "tf_attention",
    {
        "title": ("Scaled dot-product attention", "Scaled Dot-Product Attention"),
        "intro": (
            "Each token asks a question (its **query** q), every token offers a label (its **key** k) and a "
            "content (its **value** v). The dot product q·k measures how close a key is to the query; softmax "
            "turns closeness into a distribution of \"how strongly to read\"; that distribution reads a weighted "
            "mix of the values.",
            "各トークンは問い（**クエリ** q）を出し、すべてのトークンはラベル（**キー** k）と中身（**バリュー** v）を差し出します。"
            "内積 q·k でクエリとキーの「近さ」を測り、softmax でそれを「どれだけ強く読むか」の確率分布に変え、"
            "その分布で V の中身を重み付きで読み出します。",
        ),
        "formula": (r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}} + M\right) V",
                    r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}} + M\right) V"),
        "sentence": ("Sentence", "文"),
        "default_text": ("The animal did not cross the street because it was too tired",
                         "今日は雨が上がりそうなので公園に行く"),
        "split": ("Tokens", "トークン分割"),
        "split_auto": ("Auto (words / MeCab)", "自動（単語 / MeCab）"),
        "split_whitespace": ("Words (spaces)", "単語（空白）"),
        "split_mecab": ("MeCab morphemes", "MeCab 形態素"),
        "split_chars": ("Characters", "文字"),
        "embed": ("Embeddings", "埋め込み"),
        "embed_random": ("Random (seeded) + sinusoidal positions", "ランダム（シード固定）＋正弦波の位置"),
        "embed_gpt": ("Our trained GPT's token + position embeddings", "学習済み GPT のトークン＋位置埋め込み"),
        "embed_gpt_note": (
            "Embeddings of our GPT ({label}), normalized (LayerNorm); its own tokenizer splits the sentence. "
            "W_Q, W_K, W_V are still random projections here.",
            "私たちの GPT（{label}）の埋め込みを正規化（LayerNorm）したものです。文はそのトークナイザで分割します。"
            "W_Q・W_K・W_V はここでもランダムな射影です。",
        ),
        "embed_random_note": (
            "Each token string gets a random vector (the same word always the same vector), plus the sinusoidal "
            "position of its place, normalized (LayerNorm), d_model = {d}. W_Q, W_K, W_V are random (seed {seed}): this shows the "
            "mechanics, not what a trained model has learned.",
            "各トークン文字列にランダムなベクトル（同じ単語は常に同じベクトル）と、その位置の正弦波位置エンコーディングを"
            "足して正規化（LayerNorm）します（d_model = {d}）。W_Q・W_K・W_V もランダム（シード {seed}）です。学習済みモデルが学んだことではなく、"
            "計算の仕組みを見せています。",
        ),
        "dk": ("d_k (width of q and k)", "d_k（q と k の次元）"),
        "dk_help": ("Dimensions of each query and key vector.", "クエリとキーのベクトルの次元数。"),
        "scale": ("Divide by √d_k", "√d_k で割る"),
        "causal": ("Causal mask", "因果マスク"),
        "causal_help": ("Token i may look only at tokens 0…i, as in GPT (no peeking ahead).",
                        "トークン i はトークン 0…i だけを見ます（GPT と同じ。先を見ない）。"),
        "seed": ("Seed", "シード"),
        "tokens_info": ("{n} tokens.", "{n} トークン。"),
        "tokens_cut": ("The sentence has {total} tokens; the first {n} are shown.",
                       "文は {total} トークンあります。先頭の {n} トークンを表示します。"),
        "no_tokens": ("No tokens: type a sentence with some words.", "トークンがありません。単語を含む文を入力してください。"),
        "steps": ("Step by step", "一歩ずつ"),
        "tab_x": ("⓪ X", "⓪ X"),
        "tab_qkv": ("① Q, K, V", "① Q・K・V"),
        "tab_scores": ("② QKᵀ", "② QKᵀ"),
        "tab_scaled": ("③ ÷√d_k", "③ ÷√d_k"),
        "tab_mask": ("④ mask", "④ マスク"),
        "tab_softmax": ("⑤ softmax", "⑤ softmax"),
        "tab_out": ("⑥ × V", "⑥ × V"),
        "x_title": ("X: token embedding + position (T × d_model)", "X：トークン埋め込み＋位置（T × d_model）"),
        "x_note": ("One row per token. Everything below is computed from these rows.",
                   "1 行が 1 トークン。以下はすべてこの行から計算します。"),
        "q_title": ("Q = X W_Q", "Q = X W_Q"),
        "k_title": ("K = X W_K", "K = X W_K"),
        "v_title": ("V = X W_V", "V = X W_V"),
        "qkv_note": ("Three linear maps of the same rows: what each token asks (Q), offers as a label (K), "
                     "and carries as content (V).",
                     "同じ行に 3 つの線形写像をかけます。各トークンが問うもの（Q）、ラベルとして差し出すもの（K）、"
                     "中身として運ぶもの（V）。"),
        "scores_title": ("Q Kᵀ: every query against every key", "Q Kᵀ：すべてのクエリ × すべてのキー"),
        "scores_note": ("Row i, column j = q_i · k_j. Variance of these numbers: {var:.2f} (about d_k = {dk}).",
                        "i 行 j 列 = q_i · k_j。この数値の分散：{var:.2f}（およそ d_k = {dk}）。"),
        "scaled_title": ("Q Kᵀ / √d_k", "Q Kᵀ / √d_k"),
        "scaled_note": ("Divided by √{dk} = {sq:.2f}: variance {var:.2f}, back to about 1.",
                        "√{dk} = {sq:.2f} で割ると分散は {var:.2f}、およそ 1 に戻ります。"),
        "unscaled_note": ("Scaling is off: the logits keep variance {var:.2f}. Watch the softmax saturate.",
                          "スケーリングはオフです。ロジットの分散は {var:.2f} のまま。softmax の飽和に注目してください。"),
        "mask_title": ("Masked: −∞ above the diagonal", "マスク後：対角より上は −∞"),
        "mask_note": ("Blank cells are −∞: token i may not look at tokens after it (how GPT reads).",
                      "空白のセルは −∞：トークン i はそれより後ろのトークンを見られません（GPT の読み方）。"),
        "mask_off": ("The causal mask is off: every token sees every token (how BERT reads).",
                     "因果マスクはオフです。すべてのトークンがすべてのトークンを見ます（BERT の読み方）。"),
        "softmax_title": ("softmax: attention weights (rows sum to 1)", "softmax：注意の重み（各行の和は 1）"),
        "softmax_note": ("Row i is a probability distribution over the keys token i reads. Largest weight on average: "
                         "{mx:.2f}.", "i 行は、トークン i が読むキー上の確率分布です。最大の重みの平均：{mx:.2f}。"),
        "out_title": ("Output = weights × V (T × d_k)", "出力 = 重み × V（T × d_k）"),
        "out_note": ("Each output row is a weighted average of the rows of V.", "出力の各行は V の行の重み付き平均です。"),
        "dims": ("dimension", "次元"),
        "query_axis": ("query (token i)", "クエリ（トークン i）"),
        "key_axis": ("key (token j)", "キー（トークン j）"),
        "token_axis": ("token", "トークン"),
        "dict_header": ("A soft dictionary lookup", "ソフトな辞書引き"),
        "dict_intro": (
            "A Python dict returns the value of the one key equal to the query: `d[q]`. Attention compares the "
            "query with *every* key and returns a blend of all values, weighted by how well each key matches — "
            "a differentiable lookup. Pick a query token and read its keys, ranked:",
            "Python の dict はクエリに一致する 1 つのキーの値を返します：`d[q]`。注意はクエリを*すべての*キーと比べ、"
            "よく一致するキーほど重く、すべての値を混ぜて返します。微分できる辞書引きです。"
            "クエリのトークンを選び、キーを重みの順に見てみましょう：",
        ),
        "dict_query": ("Query token", "クエリのトークン"),
        "dict_key": ("key (position + token)", "キー（位置＋トークン）"),
        "dict_rank": ("rank", "順位"),
        "dict_score": ("q·k (scaled)", "q·k（スケール後）"),
        "dict_weight": ("weight", "重み"),
        "dict_pos": ("position {i} + {tok}", "{i} 番目＋{tok}"),
        "dict_masked": ("masked", "マスク"),
        "dict_summary": ("A hard dict would return only “{top}”; attention gives it {w:.0%} of the read and "
                         "spreads the rest over {n} other keys.",
                         "普通の dict なら「{top}」だけを返します。注意はその値に {w:.0%} を割り当て、残りを他の {n} 個のキーに配ります。"),
        "why_header": ("Why divide by √d_k? Measured", "なぜ √d_k で割るのか：測ってみる"),
        "why_intro": (
            "q·k is a sum of d_k products, so with unit-variance entries its variance is d_k. Unscaled, large "
            "logits make softmax nearly one-hot: it *saturates*, its Jacobian diag(p) − ppᵀ goes to zero, and the "
            "gradient that trains Q and K vanishes. Dividing by √d_k keeps the variance at 1 for every d_k. "
            "Below: one query against {n} random keys, {s} draws per d_k (seed {seed}); shipped with the app for the "
            "default seed (`make models`), computed when you choose another.",
            "q·k は d_k 個の積の和なので、各成分の分散が 1 なら分散は d_k になります。スケールしないと大きなロジットで "
            "softmax がほぼ one-hot に*飽和*し、ヤコビアン diag(p) − ppᵀ が 0 に近づき、Q と K を学習させる勾配が消えます。"
            "√d_k で割ればどの d_k でも分散は 1 のままです。下のグラフ：ランダムな {n} 個のキーに対する 1 つのクエリを、"
            "d_k ごとに {s} 回（シード {seed}）。既定のシードの結果はアプリに同梱（`make models`）、別のシードを選ぶとその場で計算します。",
        ),
        "why_entropy": ("softmax entropy (bits)", "softmax のエントロピー（ビット）"),
        "why_max": ("largest weight", "最大の重み"),
        "why_grad": ("gradient norm through softmax", "softmax を通る勾配のノルム"),
        "why_x": ("d_k", "d_k"),
        "why_scaled": ("scaled (÷√d_k)", "スケールあり（÷√d_k）"),
        "why_unscaled": ("unscaled", "スケールなし"),
        "why_at": ("At d_k = {dk}: unscaled, the largest weight is {mu:.2f} and the gradient {gu:.3f}; scaled, "
                   "{ms:.2f} and {gs:.3f}.",
                   "d_k = {dk} のとき：スケールなしでは最大の重み {mu:.2f}・勾配 {gu:.3f}、スケールありでは {ms:.2f}・{gs:.3f}。"),
        "source": (
            "As the notes put it: we divide before the softmax so that the computed gradient does not become too small.",
            "ノートより：「softmax を取る前に割り算 (Scaled) しているのは、数値計算した勾配が小さくなりすぎることを防ぐため」。",
        ),
    },
)
