from core.i18n import Catalog

T = Catalog(
    "tf_multihead",
    {
        "title": ("Multi-head attention", "マルチヘッド注意"),
        "intro": (
            "A Transformer runs several attention heads side by side, each on its own d_model / h dimensions, "
            "so each head can learn a different relation (the previous word, the subject of a verb, the sentence "
            "boundary…), many of which no person would have named. Their outputs are concatenated and mixed by W_O.",
            "Transformer は複数の注意ヘッドを並列に動かします。各ヘッドは d_model / h 次元で計算するので、"
            "ヘッドごとに別の関係（直前の単語、動詞の主語、文の区切り…、人が名前をつけない関係も）を学べます。"
            "出力は連結（concat）され、W_O で統合されます。",
        ),
        "formula": (r"\mathrm{MultiHead}(X) = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h)\,W_O,\quad "
                    r"\mathrm{head}_i = \mathrm{Attention}(XW_Q^i, XW_K^i, XW_V^i)",
                    r"\mathrm{MultiHead}(X) = \mathrm{Concat}(\mathrm{head}_1, \dots, \mathrm{head}_h)\,W_O,\quad "
                    r"\mathrm{head}_i = \mathrm{Attention}(XW_Q^i, XW_K^i, XW_V^i)"),
        "model": ("Model", "モデル"),
        "model_gpt": ("Our small GPT", "小さな GPT（自作）"),
        "model_minilm": ("all-MiniLM-L6-v2 (pretrained)", "all-MiniLM-L6-v2（事前学習済み）"),
        "model_custom": ("Another Hugging Face model", "他の Hugging Face モデル"),
        "custom_id": ("Model id or local folder", "モデル ID またはローカルフォルダ"),
        "custom_help": (
            "Loaded offline (local_files_only): a model already in this machine's Hugging Face cache, or a folder "
            "with config.json. At most {cap}M parameters.",
            "オフラインで読み込みます（local_files_only）。このマシンの Hugging Face キャッシュにあるモデルか、"
            "config.json を含むフォルダ。パラメータは {cap}M まで。",
        ),
        "custom_wait": ("Type a model id or a folder path to load it.", "モデル ID かフォルダのパスを入力してください。"),
        "sentence": ("Sentence", "文"),
        "default_text": ("The cat sat on the mat because it was warm.", "猫はマットの上に座った。暖かかったからだ。"),
        "loading": ("Loading the model…", "モデルを読み込み中…"),
        "gpt_label": ("Our GPT: {label}", "私たちの GPT：{label}"),
        "trained_label": ("Our GPT, trained on the GPT-1 page: {label}", "GPT-1 ページで学習した GPT：{label}"),
        "untrained_label": (
            "Our GPT — untrained (random weights): 4 layers × 4 heads, width 128, a character tokenizer over "
            "this sentence. Train one on the GPT-1 page to see learned heads.",
            "自作 GPT — 未学習（ランダムな重み）：4 層 × 4 ヘッド、幅 128、この文の文字によるトークナイザ。"
            "学習したヘッドを見るには GPT-1 ページで学習してください。",
        ),
        "hf_label": ("{label}: {layers} layers × {heads} heads, {params} parameters, bidirectional (no causal mask).",
                     "{label}：{layers} 層 × {heads} ヘッド、パラメータ {params}、双方向（因果マスクなし）。"),
        "minilm_ja_note": (
            "MiniLM's vocabulary is English WordPiece (uncased): Japanese text falls apart into single characters "
            "or [UNK].",
            "MiniLM の語彙は英語の WordPiece（小文字化）です。日本語は 1 文字ずつや [UNK] に分かれてしまいます。",
        ),
        "tokens_cut": ("The text has {total} tokens; the first {n} are analysed (this model/page's maximum).",
                       "テキストは {total} トークンあります。先頭の {n} トークンを解析します（このモデル／ページの上限）。"),
        "tokens_info": ("{n} tokens.", "{n} トークン。"),
        "grid_header": ("Every head of every layer", "全レイヤー・全ヘッド"),
        "grid_note": ("Rows: layers (input at the top). Columns: heads. In each small map, row = query token, "
                      "column = key token; bright = strong attention. The red frame is the head shown large beside it.",
                      "行がレイヤー（上が入力側）、列がヘッドです。小さな各マップの行はクエリ、列はキーのトークン、"
                      "明るいほど強い注意です。赤枠のヘッドを左に大きく表示します。"),
        "layer": ("Layer", "層"),
        "head": ("Head", "ヘッド"),
        "big_title": ("Layer {layer}, head {head} — kind: {kind}", "層 {layer}・ヘッド {head} — 種類：{kind}"),
        "query_axis": ("query", "クエリ"),
        "key_axis": ("key", "キー"),
        "stats_header": ("What kind of head is it?", "どんな種類のヘッドか"),
        "stats_note": (
            "For each head: its average entropy (low = focused, high = spread), and the share of weight on the "
            "previous token, the first token, the token itself and the last token. A head that puts more than half "
            "its weight in one place is named after it.",
            "各ヘッドについて、平均エントロピー（低い＝集中、高い＝分散）と、直前のトークン・先頭のトークン・自分自身・"
            "末尾のトークンへの重みの割合を測ります。重みの半分以上を 1 か所に置くヘッドはその名で呼びます。",
        ),
        "kinds_title": ("Head kinds", "ヘッドの種類"),
        "kind_previous": ("previous", "直前"),
        "kind_first": ("first", "先頭"),
        "kind_self": ("self", "自分"),
        "kind_last": ("last", "末尾"),
        "kind_broad": ("broad", "広く"),
        "kind_mixed": ("mixed", "混合"),
        "col_layer": ("layer", "層"),
        "col_head": ("head", "ヘッド"),
        "col_kind": ("kind", "種類"),
        "col_entropy": ("entropy (bits)", "エントロピー（ビット）"),
        "col_entropy_norm": ("entropy / max", "エントロピー / 最大"),
        "col_prev": ("→ previous", "→ 直前"),
        "col_first": ("→ first", "→ 先頭"),
        "col_self": ("→ itself", "→ 自分"),
        "col_last": ("→ last", "→ 末尾"),
        "concat_header": ("Concat, then W_O", "連結（concat）して W_O"),
        "concat_note": (
            "A small multi-head attention (d_model = {d}, h = {h}, so d_k = {dk}) on this sentence's first {n} "
            "tokens, random weights (seed 0): each head returns a T × {dk} matrix; side by side they make one "
            "T × {d} matrix (Concat); W_O ({d} × {d}) mixes the heads into the output.",
            "この文の先頭 {n} トークンに小さなマルチヘッド注意（d_model = {d}、h = {h}、d_k = {dk}、ランダムな重み・シード 0）を"
            "かけます。各ヘッドは T × {dk} の行列を返し、横に並べると T × {d} の 1 つの行列（Concat）になり、"
            "W_O（{d} × {d}）がヘッドを混ぜて出力を作ります。",
        ),
        "concat_head": ("head {i}", "ヘッド {i}"),
        "concat_wo": ("W_O", "W_O"),
        "concat_out": ("Concat · W_O", "Concat · W_O"),
        "nv_header": ("Neuron view: inside one head's scores", "ニューロンビュー：1 つのヘッドのスコアの中身"),
        "nv_intro": (
            "What bertviz's neuron view shows, for our GPT and the layer and head chosen above: the **query** vector q "
            "of one token, the **key** vector k of each token it may look at, their elementwise products q ∘ k (their "
            "sum is the dot product q · k), the **scores** q · k / √d_k and the **softmax** that turns them into "
            "attention weights. Red and blue are positive and negative coordinates: where q and k agree in sign the "
            "product is positive and pulls the score up.",
            "bertviz のニューロンビューと同じものを、上で選んだレイヤーとヘッドについて私たちの GPT で表示します。1 つのトークンの"
            "**クエリ**ベクトル q、参照できる各トークンの**キー**ベクトル k、その要素ごとの積 q ∘ k（和が内積 q · k）、"
            "**スコア** q · k / √d_k、そしてそれを注意の重みに変える **softmax**。赤と青は正と負の成分で、q と k の符号が"
            "そろう次元では積が正になり、スコアを押し上げます。",
        ),
        "nv_bertviz": (
            "bertviz 1.4.1's own neuron view cannot take this model: it reads query and key vectors that only its "
            "patched copies of BERT, GPT-2, RoBERTa and XLNet return (and it loads its scripts from a CDN), so it is "
            "drawn here with plotly from the same numbers.",
            "bertviz 1.4.1 のニューロンビューはこのモデルを扱えません（クエリとキーを返すのは bertviz 独自に改変した BERT・GPT-2・"
            "RoBERTa・XLNet だけで、スクリプトも CDN から読み込みます）。そこで同じ数値を plotly で描いています。",
        ),
        "nv_query": ("Query token (position)", "クエリのトークン（位置）"),
        "nv_only_gpt": ("The neuron view is drawn for our GPT: choose “Our small GPT” above.",
                        "ニューロンビューは私たちの GPT について表示します。上で「小さな GPT（自作）」を選んでください。"),
        "nv_title": ("Layer {layer}, head {head}: token {i} “{tok}” looks at tokens 0…{i}",
                     "レイヤー {layer}・ヘッド {head}：トークン {i}「{tok}」がトークン 0…{i} を見る"),
        "nv_x": ("dimension of the head (d_k = {dk})", "ヘッドの次元（d_k = {dk}）"),
        "nv_vectors": ("q (top row) and k", "q（最上段）と k"),
        "nv_products": ("q ∘ k", "q ∘ k"),
        "nv_scores": ("q·k / √d_k", "q·k / √d_k"),
        "nv_weights": ("softmax", "softmax"),
        "nv_query_row": ("query", "クエリ"),
        "nv_check": (
            "Check: the softmax of these scores is the head's attention row drawn above (largest difference {d:.1e}); "
            "the strongest weight, {w:.2f}, goes to token {j} “{tok}”.",
            "確認：このスコアの softmax は、上に描いたヘッドの注意の行と一致します（最大の差 {d:.1e}）。最も大きい重み {w:.2f} は"
            "トークン {j}「{tok}」に向かいます。",
        ),
        "bertviz_header": ("bertviz", "bertviz"),
        "bertviz_view": ("View", "表示"),
        "bertviz_head": ("Head view", "ヘッドビュー"),
        "bertviz_model": ("Model view", "モデルビュー"),
        "bertviz_help": (
            "Head view: pick a layer, hover a token to see where it looks; click a head's colour to toggle it. "
            "Model view: every layer × head at once; click a cell to enlarge.",
            "ヘッドビュー：層を選び、トークンにマウスを置くと注意先が見えます。色をクリックするとヘッドを切り替えます。"
            "モデルビュー：全レイヤー × 全ヘッドを一度に。セルをクリックすると拡大します。",
        ),
        "bertviz_note": ("Weights rounded to {dec} decimals; {n} tokens shown; {kb:,} KB of HTML. bertviz's own menu "
                         "counts layers from 0: its layer 0 is layer 1 on this page.",
                         "重みは小数 {dec} 桁に丸め、{n} トークンを表示、HTML は {kb:,} KB。bertviz のメニューはレイヤーを "
                         "0 から数えます（bertviz のレイヤー 0 がこのページのレイヤー 1）。"),
        "bertviz_cut": ("bertviz shows the first {n} of {total} tokens (more would be unreadable and heavy).",
                        "bertviz は {total} トークンのうち先頭の {n} トークンを表示します（それ以上は読めず、重くなります）。"),
        "bertviz_vendored": ("Scripts served by this app (works offline).", "スクリプトはこのアプリから配信（オフラインで動作）。"),
        "bertviz_cdn": (
            "The bertviz scripts (require.js, d3, jquery) are not installed in static/vendor/ ({missing}), and "
            "this app never loads them from the internet, so the bertviz view is not shown. Run `make setup` "
            "(scripts/vendor_js.sh) to serve them from the app.",
            "bertviz のスクリプト（require.js・d3・jquery）が static/vendor/ にありません（{missing}）。"
            "このアプリはインターネットから読み込まないため、bertviz の表示は省略します。"
            "`make setup`（scripts/vendor_js.sh）を実行するとアプリから配信します。",
        ),
    },
)
