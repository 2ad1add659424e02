from core.i18n import Catalog

T = Catalog(
    "gpt_train",
    {
        "title": ("Train GPT-1 live", "GPT-1 をその場で学習"),
        "intro": (
            "GPT-1 is a stack of Transformer decoder blocks trained to predict the next token: "
            "$h_0 = U W_e + W_p$, $h_l = \\mathrm{block}(h_{l-1})$, $P(u) = \\mathrm{softmax}(h_n W_e^\\top)$. Here a small one learns from the "
            "corpus below while you watch. Its loss is the cross-entropy of the next token in nats; it has learned "
            "something real once it drops under the **bigram** line (a model that only knows which character "
            "follows which).",
            "GPT-1 は、次のトークンを予測するように学習した Transformer デコーダブロックの積み重ねです："
            "$h_0 = U W_e + W_p$、$h_l = \\mathrm{block}(h_{l-1})$、$P(u) = \\mathrm{softmax}(h_n W_e^\\top)$。ここでは小さな GPT-1 が下のコーパスから"
            "学ぶ様子をその場で見られます。損失は次のトークンの交差エントロピー（nats）です。**bigram** の線"
            "（直前の 1 文字だけから次を当てるモデル）を下回れば、それ以上のことを学んだ証拠です。",
        ),
        "intro_short": ("Loss = cross-entropy of the next token (nats). Dashed lines: n-gram models on the same "
                        "tokens, to get under.",
                        "損失 = 次のトークンの交差エントロピー（nats）。破線：同じトークン列での n-gram モデル（これを下回るのが目標）。"),
        "settings": ("Settings", "設定"),
        "settings_locked": ("Settings are locked while a training exists: press Reset to change them.",
                            "学習中・学習済みのモデルがある間は設定を変えられません。変えるには「リセット」を押してください。"),
        "tokenizer": ("Tokenizer", "トークナイザ"),
        "tok_char": ("Characters", "文字"),
        "tok_bpe": ("SentencePiece BPE", "SentencePiece BPE"),
        "tok_unigram": ("SentencePiece unigram", "SentencePiece unigram"),
        "vocab_size": ("Vocabulary size (SentencePiece)", "語彙サイズ（SentencePiece）"),
        "vocab_help": ("Shrinks automatically if the corpus supports fewer pieces.",
                       "コーパスがそれより少ない語彙しか作れない場合は自動で小さくなります。"),
        "preset": ("Model size", "モデルの大きさ"),
        "preset_fmt": ("{name}: {n_layer} layers × {n_embd} wide, {n_head} heads, context {block_size}",
                       "{name}：{n_layer} 層 × 幅 {n_embd}・{n_head} ヘッド・文脈長 {block_size}"),
        "custom": ("custom", "カスタム"),
        "n_layer": ("Layers", "層の数"),
        "n_head": ("Heads", "ヘッド数"),
        "n_embd": ("Width d_model", "幅 d_model"),
        "block_size": ("Context (tokens)", "文脈長（トークン）"),
        "ln": ("LayerNorm placement", "LayerNorm の位置"),
        "post_ln": ("post-LN (GPT-1)", "post-LN（GPT-1）"),
        "pre_ln": ("pre-LN (GPT-2)", "pre-LN（GPT-2）"),
        "ln_help": ("GPT-1 normalizes after each residual addition; GPT-2 moved LayerNorm before each sub-layer, "
                    "which trains more easily in deep models.",
                    "GPT-1 は残差の足し算の後で正規化します。GPT-2 は各サブレイヤーの前に移し、深いモデルでも学習しやすくしました。"),
        "lr": ("Learning rate", "学習率"),
        "lr_help": ("Peak rate: linear warm-up, then cosine decay (GPT-1's schedule). Too high and the loss "
                    "becomes NaN: the training stops and says so.",
                    "最大値です。線形ウォームアップの後コサインで減衰します（GPT-1 と同じ）。高すぎると損失が NaN になり、"
                    "学習は止まって理由を表示します。"),
        "batch": ("Batch (sequences per step)", "バッチ（1 ステップの系列数）"),
        "steps": ("Steps", "ステップ数"),
        "sample_every": ("Sample every N steps (0 = never)", "N ステップごとにサンプル生成（0 = しない）"),
        "bad_heads": ("The width ({n_embd}) must be divisible by the number of heads ({n_head}).",
                      "幅（{n_embd}）はヘッド数（{n_head}）で割り切れる必要があります。"),
        "memory": ("Memory: about {need} MB of the {budget} MB one training may use on this server.",
                   "メモリ：このサーバーで 1 つの学習が使える {budget} MB のうち約 {need} MB。"),
        "big_model": ("This size has {params} parameters: on this {device} a step may take seconds.",
                      "このサイズはパラメータ {params} 個です。この {device} では 1 ステップに数秒かかるかもしれません。"),
        "start": ("Start", "開始"),
        "continue": ("Continue", "続ける"),
        "pause": ("Pause", "一時停止"),
        "resume": ("Resume", "再開"),
        "stop": ("Stop", "停止"),
        "reset": ("Reset", "リセット"),
        "preparing": ("Preparing the tokenizer and data…", "トークナイザとデータを準備中…"),
        "device_line": ("Training on **{device}** · {threads} threads · {params} parameters · {label}",
                        "学習デバイス **{device}** · {threads} スレッド · パラメータ {params} 個 · {label}"),
        "no_job": ("Choose settings and press **Start**. A training keeps running when you visit other pages; "
                   "it stops when you close this browser tab.",
                   "設定を選んで **開始** を押してください。他のページを見ている間も学習は続き、"
                   "このタブを閉じると止まります。"),
        "status_ready": ("Ready", "準備完了"),
        "status_running": ("Training", "学習中"),
        "status_queued": ("Waiting for a turn", "順番待ち"),
        "queued": ("The server runs {limit} trainings at once and they are all busy. Your training is number "
                   "**{pos}** in the queue{wait}; it starts by itself when its turn comes. Cancel to leave the queue.",
                   "このサーバーが同時に動かす学習は {limit} 件までで、いまは空きがありません。あなたの学習は"
                   "待ち行列の **{pos}** 番目です{wait}。順番が来ると自動で始まります。やめるときは「取り消し」を押してください。"),
        "queued_wait": (" (about {wait} to wait)", "（待ち時間の目安：約 {wait}）"),
        "queued_wait_unknown": (" (the wait is estimated once the running trainings have taken a few steps)",
                                "（待ち時間は、動いている学習が数ステップ進むと見積もられます）"),
        "cancel_queue": ("Cancel", "取り消し"),
        "status_paused": ("Paused", "一時停止中"),
        "status_stopped": ("Stopped (the model is kept)", "停止（モデルは保持されています）"),
        "status_finished": ("Finished", "完了"),
        "status_diverged": ("Stopped: the loss diverged", "停止：損失が発散しました"),
        "status_failed": ("Failed", "失敗"),
        "progress": ("{status} · step {step:,} / {total:,}", "{status} · ステップ {step:,} / {total:,}"),
        "eta": (" · about {eta} left", " · 残り約 {eta}"),
        "m_step": ("Step", "ステップ"),
        "m_loss": ("Train loss (smoothed)", "学習損失（平滑化）"),
        "m_val": ("Held-out loss", "held-out 損失"),
        "m_bigram": ("Bigram line", "bigram の線"),
        "m_tps": ("Tokens / s", "トークン/秒"),
        "m_val0": ("Held-out loss at step 0 (untrained)", "ステップ 0（未学習）の held-out 損失"),
        "m_kn": ("Best n-gram line (KN {n}-gram)", "最良の n-gram の線（KN {n}-gram）"),
        "kn_pending": ("computing…", "計算中…"),
        "beat_unigram": ("At step {step} the model beat the unigram line: it knows more than token frequencies.",
                         "ステップ {step} で unigram の線を下回りました：トークンの頻度以上のことを知っています。"),
        "beat_bigram": ("At step {step} the model beat the bigram line: it uses more than the previous token.",
                        "ステップ {step} で bigram の線を下回りました：直前の 1 トークンより多くの文脈を使っています。"),
        "beat_kn": ("At step {step} the model beat the {n}-gram Kneser–Ney line, the best n-gram model (n = 1…5) "
                    "on these same tokens.",
                    "ステップ {step} で {n}-gram Kneser–Ney の線を下回りました。同じトークン列での最良の n-gram "
                    "モデル（n = 1…5）です。"),
        "beat_shipped": ("At step {step} the model beat the shipped model's held-out loss (same corpus and tokenizer).",
                         "ステップ {step} で同梱モデルの held-out 損失を下回りました（同じコーパスとトークナイザ）。"),
        "not_yet": ("Held-out loss {val:.3f} at step {step}; next line to beat: {name} at {ref:.3f}.",
                    "ステップ {step} の held-out 損失 {val:.3f}。次に下回る線：{name}（{ref:.3f}）。"),
        "show_ppl": ("Show perplexity instead of loss", "損失の代わりにパープレキシティを表示"),
        "loss_title": ("Cross-entropy (nats per token)", "交差エントロピー（nats / トークン）"),
        "ppl_title": ("Perplexity = e^loss", "パープレキシティ = e^損失"),
        "x_step": ("step", "ステップ"),
        "y_loss": ("loss (nats)", "損失（nats）"),
        "y_ppl": ("perplexity", "パープレキシティ"),
        "n_batch": ("batch loss", "バッチの損失"),
        "n_smoothed": ("train (smoothed)", "学習（平滑化）"),
        "n_train": ("train (evaluated)", "学習（評価）"),
        "n_val": ("held-out", "held-out"),
        "n_unigram": ("unigram (held-out)", "unigram（held-out）"),
        "n_bigram": ("bigram (held-out)", "bigram（held-out）"),
        "n_kn": ("Kneser–Ney {n}-gram (held-out)", "Kneser–Ney {n}-gram（held-out）"),
        "n_shipped": ("shipped model (held-out)", "同梱モデル（held-out）"),
        "lr_title": ("Learning rate: warm-up, then cosine", "学習率：ウォームアップ後にコサイン減衰"),
        "tps_title": ("Throughput (tokens / s)", "スループット（トークン/秒）"),
        "y_lr": ("learning rate", "学習率"),
        "y_tps": ("tokens / s", "トークン/秒"),
        "samples": ("Samples", "生成サンプル"),
        "refresh": ("Show the model as it is now (step {step} below)", "いまのモデルで表示し直す（下はステップ {step}）"),
        "samples_auto": ("Generated during training (temperature 0.8, top-k 40):",
                         "学習中に生成（temperature 0.8、top-k 40）："),
        "sample_at": ("step {step}", "ステップ {step}"),
        "no_samples": ("No samples yet.", "まだサンプルはありません。"),
        "prompt": ("Prompt", "プロンプト"),
        "prompt_default": ("The ", "今日は"),
        "temperature": ("Temperature", "温度（temperature）"),
        "temperature_help": ("Low = safe and repetitive, high = adventurous; 0 = always the most likely token.",
                             "低いと無難で繰り返しがち、高いと冒険的。0 は常に最も確率の高いトークン。"),
        "top_k": ("Top-k (0 = all tokens)", "Top-k（0 = 全トークン）"),
        "length": ("Tokens to generate", "生成するトークン数"),
        "generate": ("Generate", "生成"),
        "truncated": ("The prompt was cut to {n} characters.", "プロンプトを {n} 文字に切り詰めました。"),
        "need_model": ("Start a training first: these views use the current model.",
                       "まず学習を開始してください。ここでは現在のモデルを使います。"),
        "attention": ("Attention of the current model", "現在のモデルの注意（attention）"),
        "attention_help": ("Each row is a query token, each column a key: how much the row token looks at earlier "
                           "tokens (the causal mask keeps the upper triangle at 0).",
                           "行がクエリ、列がキーのトークンです。各トークンが前のトークンをどれだけ見ているか"
                           "（因果マスクにより右上の三角は 0）。"),
        "attn_prompt_default": ("The cat sat on the mat.", "猫がマットの上に座った。"),
        "layer": ("Layer", "レイヤー"),
        "attn_title": ("Layer {layer}, step {step}", "レイヤー {layer}・ステップ {step}"),
        "head": ("head {h}", "ヘッド {h}"),
        "keys": ("key (attended to)", "キー（見られる側）"),
        "queries": ("query", "クエリ"),
        "cut_prompt": ("Only the first {n} tokens (the context) are used.", "最初の {n} トークン（文脈長）だけを使います。"),
        "positional": ("Learned position embeddings W_p", "学習された位置埋め込み W_p"),
        "positional_help": (
            "GPT-1 learns W_p instead of using the fixed sinusoids of the original Transformer. Left: similarity "
            "W_p W_pᵀ of every pair of positions in the current model (random at first); right: the same for the "
            "sinusoidal encoding of the same size. Nearby positions become similar as training goes on.",
            "GPT-1 は元の Transformer の固定の正弦波ではなく W_p を学習します。左：現在のモデルの W_p W_pᵀ"
            "（全位置の組の類似度。最初はランダム）。右：同じ大きさの正弦波エンコーディング。"
            "学習が進むと近い位置どうしが似てきます。",
        ),
        "wp_title": ("Learned W_p W_pᵀ (cosine), step {step}", "学習された W_p W_pᵀ（コサイン）・ステップ {step}"),
        "sin_title": ("Sinusoidal PE PEᵀ (cosine)", "正弦波 PE PEᵀ（コサイン）"),
        "position": ("position", "位置"),
        "checkpoint": ("Checkpoint", "チェックポイント"),
        "download": ("Download checkpoint (.safetensors)", "チェックポイントをダウンロード（.safetensors）"),
        "upload": ("Load a checkpoint (.safetensors)", "チェックポイントを読み込む（.safetensors）"),
        "upload_help": ("A checkpoint downloaded here (weights, settings, tokenizer); Continue then trains it further "
                        "on the chosen corpus.",
                        "ここでダウンロードしたチェックポイント（重み・設定・トークナイザ）。読み込んだ後「続ける」で、"
                        "選んだコーパスでさらに学習できます。"),
        "download_help": ("The weights, settings and tokenizer (not the optimizer state, to keep the file small).",
                          "重み・設定・トークナイザ（ファイルを小さくするためオプティマイザの状態は含みません）。"),
        "loaded": ("Loaded a checkpoint at step {step}: {label}", "ステップ {step} のチェックポイントを読み込みました：{label}"),
        "published": ("The other pages (attention, positional encoding) now use this model: {label}.",
                      "他のページ（注意・位置エンコーディング）はこのモデルを使います：{label}。"),
        "sample_error": ("Could not generate: {err}", "生成できませんでした：{err}"),
    },
)


def duration(seconds: float, lang: str) -> str:
    """12 s / 3 min 5 s, in the UI language."""
    s = int(round(seconds))
    if lang == "ja":
        return f"{s} 秒" if s < 60 else f"{s // 60} 分 {s % 60} 秒"
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s"
