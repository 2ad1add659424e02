from core.i18n import Catalog

T = Catalog(
    "gpt_inside",
    {
        "title": ("Inside the prediction: next token, layer by layer, head by head",
                  "予測の内側：次のトークン・層ごと・ヘッドごと"),
        "intro": ("Our GPT on your text: the distribution a sampler draws the next token from, what each layer would "
                  "predict if the model stopped there (the logit lens), and what the model loses when attention heads "
                  "are switched off.",
                  "入力した文に対する GPT の内側を見ます。次のトークンを選ぶ分布、各層で止めたら何を予測するか（ロジットレンズ）、"
                  "アテンションヘッドを止めると何を失うか。"),
        "text": ("Your text", "文"),
        "default_text": ("The cat sat on the", "今日は雨が"),
        "view": ("Look at", "見るもの"),
        "view_next": ("Next token", "次のトークン"),
        "view_lens": ("Logit lens", "ロジットレンズ"),
        "view_knockout": ("Knock out heads", "ヘッドを止める"),
        "no_gpt": ("No GPT is available: rebuild the shipped one or train one on “Train GPT-1 live”.",
                   "使える GPT がありません。同梱モデルを作り直すか、「GPT-1 をその場で学習」で学習してください。"),
        "model": ("Model: {label}", "モデル：{label}"),
        # next token
        "temp": ("Temperature (0 = greedy)", "温度（0 = 貪欲法）"),
        "temp_help": ("Logits are divided by it before the softmax. 0 always takes the likeliest token; large "
                      "values flatten the distribution toward uniform.",
                      "softmax の前にロジットをこの値で割ります。0 は常に最も確率の高いトークン、大きいほど一様分布に近づきます。"),
        "topk": ("top-k (0 = off)", "top-k（0 = なし）"),
        "topp": ("top-p (nucleus)", "top-p（nucleus）"),
        "seed": ("Seed", "シード"),
        "shown": ("Tokens drawn", "表示するトークン数"),
        "added": ("Tokens added", "追加したトークン数"),
        "more": ("One more token", "もう 1 トークン"),
        "reset": ("Back to the prompt", "プロンプトに戻す"),
        "greedy": ("Temperature 0 is greedy decoding: all the probability goes to the likeliest token, and every "
                   "press adds that token (the seed changes nothing).",
                   "温度 0 は貪欲法です。確率はすべて最も確率の高いトークンに集まり、毎回そのトークンが追加されます（シードは無関係）。"),
        "kept": ("Kept: {n} of {V} tokens, holding {mass:.1%} of the probability (after temperature); the blue bars "
                 "are that part renormalised to sum to 1: what the next token is drawn from.",
                 "残ったトークン：{V} 個中 {n} 個、確率の {mass:.1%}（温度の後）。青い棒はその部分を合計 1 に正規化し直したもので、"
                 "次のトークンはここから引かれます。"),
        "nt_title": ("Next-token distribution: the {n} likeliest tokens", "次のトークンの分布：確率の高い {n} トークン"),
        "nt_x": ("probability", "確率"),
        "nt_scaled": ("after temperature", "温度の後"),
        "nt_final": ("after top-k / top-p, renormalised", "top-k・top-p の後（再正規化）"),
        "nt_cut": ("cut by top-k / top-p", "top-k・top-p で除外"),
        "so_far": ("Text so far", "ここまでの文"),
        "so_far_added": ("added by sampling", "サンプリングで追加"),
        "cropped": ("The text is longer than the context ({n} tokens): the model reads only the last {n}.",
                    "文が文脈長（{n} トークン）より長いため、モデルは最後の {n} トークンだけを読みます。"),
        "from_start": ("Empty prompt: the model predicts from its start symbol <s> alone.",
                       "プロンプトが空です。モデルは開始記号 <s> だけから予測します。"),
        "unk": ("{n} token(s) of the prompt are <unk>: characters the tokenizer cannot spell.",
                "プロンプトの {n} トークンが <unk> です（トークナイザが表せない文字）。"),
        "max_added": ("At most {n} tokens are added here.", "ここで追加できるのは {n} トークンまでです。"),
        # lens
        "lens_title": ("Logit lens: each layer's guess for the next token (colour: rank of the final guess)",
                       "ロジットレンズ：各層の次トークン予測（色：最終予測の順位）"),
        "lens_x": ("position (the token read there)", "位置（そこで読むトークン）"),
        "lens_y": ("residual stream after", "残差ストリーム（どこの後か）"),
        "lens_embed": ("embeddings", "埋め込み"),
        "lens_layer": ("block {l}", "ブロック {l}"),
        "lens_scale": ("log₁₀ rank", "log₁₀ 順位"),
        "lens_hover": ("after {row}, reading “{tok}”:\nfinal guess “{final}” is rank {rank}",
                       "{row} の後、「{tok}」を読んだ位置：\n最終予測「{final}」は {rank} 位"),
        "lens_post": ("How the lens is read here: our GPT is post-LN (GPT-1): each block ends with LayerNorm, so its "
                      "output is already on the scale the output head reads, and there is no final LayerNorm. The lens "
                      "is the tied head (W_eᵀ) applied to each block's output, exactly what the model does after its "
                      "last block: the bottom row is the model's own prediction. Only the embeddings row has been "
                      "through no LayerNorm.",
                      "ここでのレンズの読み方：この GPT は post-LN（GPT-1 と同じ）です。各ブロックは LayerNorm で終わるので、"
                      "出力はすでに出力層が読むスケールにあり、最後の LayerNorm はありません。レンズは各ブロックの出力に"
                      "共有された出力層（W_eᵀ）をかけたもので、最後のブロックの後にモデル自身がする計算と同じです。"
                      "一番下の行がモデル自身の予測です。埋め込みの行だけは LayerNorm を通っていません。"),
        "lens_pre": ("How the lens is read here: this GPT is pre-LN (GPT-2 style): blocks add to an unnormalised stream "
                     "and a final LayerNorm comes before the head, so the lens applies that final LayerNorm to every "
                     "layer, then the tied head. The bottom row is the model's own prediction.",
                     "ここでのレンズの読み方：この GPT は pre-LN（GPT-2 型）です。ブロックは正規化されていないストリームに足し込み、"
                     "出力層の前に最後の LayerNorm があるので、レンズは各層に最後の LayerNorm と共有出力層をかけます。"
                     "一番下の行がモデル自身の予測です。"),
        "lens_pos": ("Position to list", "一覧にする位置"),
        "lens_col_layer": ("after", "どこの後"),
        "lens_col_rank": ("rank of final guess", "最終予測の順位"),
        "lens_col_top": ("top 5 at this layer", "この層の上位 5"),
        "lens_settle": ("At how many positions each layer already has the final guess on top: {counts}.",
                        "各層で最終予測がすでに 1 位になっている位置の数：{counts}。"),
        # knockout
        "ko_heads": ("Heads to knock out", "止めるヘッド"),
        "ko_all": ("Knock out every head", "すべてのヘッドを止める"),
        "ko_head": ("L{l}H{h}", "L{l}H{h}"),
        "ko_base": ("Held-out loss, every head on", "held-out 損失（全ヘッド）"),
        "ko_off": ("With {n} head(s) off", "{n} 個のヘッドを止めたとき"),
        "ko_sentence": ("Your text: mean surprisal change", "入力文：平均サプライザルの変化"),
        "ko_slice": ("Held-out slice: the first {tokens} tokens of the project corpus's held-out paragraphs "
                     "({corpus}), scored with windows of the model's context; loss in nats per token.",
                     "held-out 区間：プロジェクトのコーパスの held-out 段落（{corpus}）の最初の {tokens} トークン。"
                     "モデルの文脈長の窓で評価し、損失はトークンあたりのナット。"),
        "ko_every": ("Every head is off: no position can look at any other, so each token is predicted from itself "
                     "alone, like a bigram model.",
                     "すべてのヘッドが止まっています。どの位置もほかの位置を見られないので、各トークンは自分自身だけから"
                     "予測されます（バイグラムモデルのように）。"),
        "ko_bits_title": ("Surprisal of each token of your text: every head on, and with the chosen heads off",
                          "入力文の各トークンのサプライザル：全ヘッドと、選んだヘッドを止めたとき"),
        "ko_bits_y": ("−log₂ P (bits)", "−log₂ P（ビット）"),
        "ko_before": ("every head on", "全ヘッド"),
        "ko_after": ("chosen heads off", "選んだヘッドを止めた"),
        "ko_imp_title": ("Importance of each head: held-out loss increase when it alone is off (framed: off now)",
                         "各ヘッドの重要度：そのヘッドだけを止めたときの held-out 損失の増加（枠：いま止めているヘッド）"),
        "ko_layer": ("layer", "層"),
        "ko_headw": ("head", "ヘッド"),
        "ko_imp_scale": ("Δ loss (nats)", "Δ 損失（ナット）"),
        "ko_computing": ("Measuring every head on the held-out slice (once per model; kept on disk afterwards)…",
                         "held-out 区間で全ヘッドを測定しています（モデルごとに 1 回、その後はディスクに保存）…"),
        "ko_what": ("Measuring every head", "全ヘッドの測定"),
        "ko_col_head": ("head", "ヘッド"),
        "ko_col_inc": ("loss increase (nats)", "損失の増加（ナット）"),
        "ko_col_loss": ("loss with it off", "止めたときの損失"),
        "ko_short": ("The text needs at least one token after the first to show per-token surprisal.",
                     "トークンごとのサプライザルを表示するには、最初のトークンの後に 1 トークン以上必要です。"),
    },
)
