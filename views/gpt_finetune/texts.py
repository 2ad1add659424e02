from core.i18n import Catalog

T = Catalog(
    "gpt_finetune",
    {
        "title": ("Fine-tuning & the paper's ablations", "ファインチューニングと論文の比較実験（Ablation）"),
        "intro": (
            "GPT-1 is first **pre-trained** as a language model on plain text, then **fine-tuned** on a labelled task: "
            "the input goes through the same Transformer with an **extract token** appended, and one new linear layer "
            "$W_y$ reads the final hidden state at that token. The fine-tuning loss is the classification NLL, and the "
            "paper adds the language-model loss on the same input as an **auxiliary loss**, weighted by λ:",
            "GPT-1 はまずプレーンテキストで言語モデルとして**事前学習**し、次にラベル付きのタスクで**ファインチューン**します。"
            "入力の末尾に**抽出トークン**（extract）を足して同じ Transformer に通し、新しく加えた線形層 $W_y$ が"
            "そのトークン位置の最終隠れ状態を読みます。ファインチューンの損失は分類の NLL（負の対数尤度）で、"
            "論文では同じ入力に対する言語モデルの損失を **auxiliary loss（補助損失）** として λ 倍して足します：",
        ),
        "formats": (
            "Task formats in the paper (one pre-trained model, a different input layout per task): "
            "**classification** `[start] text [extract]` → Linear; **entailment** `[start] premise [delim] hypothesis [extract]`; "
            "**similarity** both orders, added; **multiple choice** one sequence per answer, softmax over them. "
            "Here: classification — which of the corpus's 8 topics does a passage come from?",
            "論文のタスク形式（事前学習モデルは 1 つ、入力の並べ方がタスクごとに違う）："
            "**分類** `[start] 文 [extract]` → 線形層、**含意** `[start] 前提 [delim] 仮説 [extract]`、"
            "**類似度** 2 つの順序の両方を足す、**多肢選択** 選択肢ごとに 1 系列・その上で softmax。"
            "ここでは分類：文章の一節がコーパスの 8 つの話題のどれから来たかを当てます。",
        ),
        "task": ("The task", "タスク"),
        "task_caption": (
            "{n_train} training passages and {n_held} held-out passages (≤ {chars} characters each) from the shipped "
            "{corpus} corpus; the topic is the file it comes from. Each paragraph is in one split only (chosen by "
            "its hash). Always guessing the most common training topic scores **{majority:.1f}%** on the held-out "
            "passages: that is the line to beat. Pre-training reads only the training paragraphs.",
            "同梱の{corpus}コーパスから、学習用 {n_train} 件・評価用（held-out）{n_held} 件の一節（各 {chars} 文字以内）。"
            "ラベルは出典のファイル（話題）です。段落はハッシュで振り分け、どちらか一方の分割にだけ入ります。"
            "学習データで最も多い話題を常に答えると評価用で **{majority:.1f}%**：これが超えるべき線です。"
            "事前学習も学習用の段落しか読みません。",
        ),
        "balance_title": ("Passages per topic", "話題ごとの件数"),
        "n_train": ("training", "学習用"),
        "n_heldout": ("held-out", "評価用"),
        "y_count": ("passages", "件数"),
        "settings": ("Settings", "設定"),
        "corpus": ("Corpus", "コーパス"),
        "corpus_en": ("English", "英語"),
        "corpus_ja": ("Japanese", "日本語"),
        "budget": ("Budget", "計算量"),
        "budget_quick": ("quick ({steps} LM steps, {epochs} epochs)", "quick（LM {steps} ステップ・{epochs} エポック）"),
        "budget_standard": ("standard ({steps} LM steps, {epochs} epochs)", "standard（LM {steps} ステップ・{epochs} エポック）"),
        "budget_help": (
            "The same for every model: SentencePiece BPE tokens, pre-training steps (transformer and LSTM alike), "
            "fine-tuning epochs (quick: 3 epochs of batch {batch} as in the paper, over far fewer examples), "
            "learning rate, seeds.",
            "どのモデルにも同じ：SentencePiece BPE のトークン、事前学習ステップ数（Transformer も LSTM も）、"
            "ファインチューンのエポック数（quick は論文どおりバッチ {batch} で 3 エポック。ただしデータはずっと少ない）、学習率、シード。",
        ),
        "lam": ("λ (weight of the auxiliary LM loss)", "λ（補助 LM 損失の重み）"),
        "lam_help": ("The paper uses 0.5. The “w/o aux LM” model always uses 0.",
                     "論文は 0.5。「aux LM なし」のモデルは常に 0 です。"),
        "variants": ("Models to compare", "比較するモデル"),
        "seeds": ("Seeds (error bars)", "シード数（誤差棒）"),
        "seeds_help": ("Fine-tune each model this many times with different seeds (pre-training is shared); "
                       "the table shows mean ± standard deviation.",
                       "シードを変えて各モデルを何回ファインチューンするか（事前学習は共通）。表には平均 ± 標準偏差を示します。"),
        "use_live": ("Use my model from “Train GPT-1 live” as the pre-trained transformer",
                     "「GPT-1 をその場で学習」で学習したモデルを事前学習済み Transformer として使う"),
        "use_live_help": ("{label}. Its tokenizer must know this corpus's characters. The LSTM is still pre-trained "
                          "here with the budget above, so the two are not on an equal budget.",
                          "{label}。そのトークナイザがこのコーパスの文字を知っている必要があります。LSTM はここで上の計算量で"
                          "事前学習するので、両者の計算量は揃いません。"),
        "v_full": ("Transformer w/ aux LM (full)", "Transformer・aux LM あり（full）"),
        "v_no_pretrain": ("Transformer w/o pre-training", "Transformer・事前学習なし"),
        "v_no_aux": ("Transformer w/o aux LM", "Transformer・aux LM なし"),
        "v_lstm_aux": ("LSTM w/ aux LM", "LSTM・aux LM あり"),
        "vs_full": ("full", "full"),
        "vs_no_pretrain": ("w/o pre-training", "事前学習なし"),
        "vs_no_aux": ("w/o aux LM", "aux LM なし"),
        "vs_lstm_aux": ("LSTM", "LSTM"),
        "run": ("Run", "実行"),
        "stop": ("Stop", "停止"),
        "reset": ("Clear", "クリア"),
        "cached_all": ("All chosen models are in the cache for these settings: results shown at once.",
                       "この設定の結果はすべてキャッシュにあります：すぐに表示します。"),
        "no_job": ("Choose settings and press **Run**. The quick budget starts from the shipped pre-trained models and "
                   "only fine-tunes: about a minute on a 2-core CPU, longer when it is busy "
                   "(results are cached: a second visit is instant).",
                   "設定を選んで**実行**を押してください。quick は同梱の事前学習済みモデルから始めてファインチューンだけを行います："
                   "2 コアの CPU で 1 分ほど（混んでいるともっとかかります）です"
                   "（結果はキャッシュされるので、2 回目はすぐ表示されます）。"),
        "status_ready": ("Ready", "準備完了"),
        "status_running": ("Running", "実行中"),
        "status_stopped": ("Stopped", "停止"),
        "status_finished": ("Finished", "完了"),
        "status_failed": ("Failed", "失敗"),
        "phase_pretrain_transformer": ("pre-training the transformer LM", "Transformer 言語モデルを事前学習中"),
        "phase_pretrain_lstm": ("pre-training the LSTM LM", "LSTM 言語モデルを事前学習中"),
        "phase_finetune": ("fine-tuning “{variant}” (seed {seed})", "「{variant}」をファインチューン中（シード {seed}）"),
        "progress": ("{status}: {phase} — {pct:.0f}%", "{status}：{phase} — {pct:.0f}%"),
        "progress_done": ("{status} (this run: {time})", "{status}（今回の実行：{time}）"),
        "progress_cached": ("{status} (results from the cache)", "{status}（キャッシュの結果）"),
        "eta": (" · about {eta} left", " · 残り約 {eta}"),
        "pretrain_line": ("Pre-training: {parts}.", "事前学習：{parts}。"),
        "pretrain_part": ("{arch} {seconds:.0f} s, held-out LM loss {loss:.2f}", "{arch} {seconds:.0f} 秒・評価用 LM 損失 {loss:.2f}"),
        "pretrain_cached": ("{arch} from the cache", "{arch} はキャッシュから"),
        "pretrain_shipped": ("{arch} = the shipped model, pre-trained for {steps} steps (held-out perplexity {ppl:.0f})",
                             "{arch} = 同梱モデル（{steps} ステップ事前学習済み・評価用パープレキシティ {ppl:.0f}）"),
        "budget_shipped": ("{name} (the shipped pre-trained models, {epochs} epochs)",
                           "{name}（同梱の事前学習済みモデル・{epochs} エポック）"),
        "shipped_clean": (
            "The pre-trained models are the ones shipped with the app (assets/models), pre-trained on the corpus "
            "without this task's held-out paragraphs: {seen:.0f}% of the held-out passages were in their pre-training "
            "text (measured now), so held-out accuracy is on text the backbone never read, as in the paper. "
            "“w/o pre-training” uses the same tokenizer with random weights. "
            "Unknown pieces in the task's text: {unk:.2f}%.",
            "事前学習済みモデルはアプリ同梱のもの（assets/models）で、この課題の評価用段落を除いたコーパスで事前学習して"
            "います。評価用の文章のうち事前学習テキストに含まれていたのは {seen:.0f}%（いま測定）なので、評価用の正解率は"
            "論文と同じくバックボーンが読んだことのない文章で測っています。"
            "「事前学習なし」は同じトークナイザでランダムな重みから始めます。課題の文章の未知ピース：{unk:.2f}%。"),
        "shipped_honest": (
            "The pre-trained models are the ones shipped with the app (assets/models): {seen:.0f}% of the held-out "
            "passages were in their unlabelled pre-training text (measured now), so the pre-trained rows have read "
            "those test passages before (never their topics). “w/o pre-training” uses the same tokenizer with "
            "random weights. Unknown pieces in the task's text: {unk:.2f}%.",
            "事前学習済みモデルはアプリ同梱のもの（assets/models）です。評価用の文章の {seen:.0f}% はその（ラベルなしの）"
            "事前学習テキストに含まれていた（いま測定）ので、事前学習ありの行はそれらの評価用の文章を（トピックは知らずに）"
            "読んだことがあります。「事前学習なし」は同じトークナイザでランダムな重みから始めます。"
            "課題の文章の未知ピース：{unk:.2f}%。"),
        "backbone_fallback": ("The shipped models cannot be used, so both are pre-trained here (a few minutes):",
                              "同梱モデルが使えないため、ここで両方を事前学習します（数分かかります）："),
        "pretrain_live": ("transformer = your model ({label})", "Transformer = あなたのモデル（{label}）"),
        "arch_transformer": ("transformer", "Transformer"),
        "arch_lstm": ("LSTM", "LSTM"),
        "loss_title": ("Classification loss L2 while fine-tuning (smoothed)", "ファインチューン中の分類損失 L2（平滑化）"),
        "acc_title": ("Held-out accuracy while fine-tuning", "ファインチューン中の評価用正解率"),
        "x_step": ("fine-tuning step", "ファインチューンのステップ"),
        "y_loss": ("NLL (nats)", "NLL（nats）"),
        "y_acc": ("accuracy (%)", "正解率（%）"),
        "majority": ("majority class", "多数派クラス"),
        "results": ("Results next to the paper's Table 5", "論文の表 5 と並べた結果"),
        "col_model": ("Model", "モデル"),
        "col_ours": ("Our accuracy (%)", "ここでの正解率（%）"),
        "col_paper": ("Paper, avg. score", "論文・平均スコア"),
        "col_pre": ("Pre-trained", "事前学習"),
        "col_aux": ("Aux LM", "aux LM"),
        "col_arch": ("Architecture", "構造"),
        "yes": ("yes", "あり"),
        "no": ("no", "なし"),
        "results_title": ("Held-out accuracy vs. the paper", "評価用正解率と論文の比較"),
        "ours": ("ours (one small task)", "ここ（小さなタスク 1 つ）"),
        "paper": ("paper (avg. of 12 tasks)", "論文（12 タスクの平均）"),
        "pre_shipped": ("pre-trained by `make models` for {steps:,} steps on about 4 million characters of text (the shipped GPT)",
                        "`make models` で約 400 万文字のテキストを {steps:,} ステップ事前学習したもの（同梱の GPT）"),
        "pre_own": ("pre-trained here for minutes on ~{kb} KB of text", "ここで数分間、約 {kb} KB のテキストで事前学習したもの"),
        "honest": (
            "**What reproduces at this scale, and what does not.** The paper's numbers average 12 large benchmarks "
            "with a 117M-parameter model pre-trained for a month on 7,000 books; ours is one small task "
            "(~{n_train} labelled passages) with a ~0.9M-parameter model {pre}. "
            "Compare the **order** of the bars, not their height. The paper's clearest finding — **pre-training "
            "matters most** (−14.8 points without it) — is the one to look for here. The auxiliary LM made little "
            "difference in the paper on average (75.0 without vs 74.7 with): it helped the larger datasets (NLI, QQP) "
            "and not the smaller ones, so on a dataset this small expect it to help little or not at all. "
            "The LSTM row checks the architecture at the same budget; a difference of a few points is within "
            "the noise of {n_held} held-out passages (one passage = {step:.1f} points) — use several seeds before reading it.",
            "**この規模で再現できること・できないこと。** 論文の数値は 12 の大きなベンチマークの平均で、モデルは"
            "1 億 1,700 万パラメータ、7,000 冊の本で 1 か月事前学習したものです。ここは小さなタスク 1 つ"
            "（ラベル付き約 {n_train} 件）で、約 90 万パラメータのモデルは{pre}です。"
            "棒の高さではなく**順序**を比べてください。論文のいちばんはっきりした結論——**事前学習がいちばん効く**"
            "（なしだと −14.8 ポイント）——がここで確かめるべき点です。補助 LM 損失は論文でも平均ではほとんど差がなく"
            "（なし 75.0・あり 74.7）、大きなデータセット（NLI・QQP）では効き、小さなものでは効きませんでした。"
            "このくらい小さなデータでは、ほとんど効かないか逆効果になると考えてください。LSTM の行は同じ計算量での"
            "構造の比較です。評価用は {n_held} 件なので（1 件 = {step:.1f} ポイント）、数ポイントの差は誤差の範囲です。"
            "読む前にシード数を増やしてください。",
        ),
        "best": ("Best model here: **{name}** ({acc:.1f}%).", "ここでの最良モデル：**{name}**（{acc:.1f}%）。"),
        "confusion_title": ("Confusion matrix of {name} (held-out)", "{name} の混同行列（評価用）"),
        "true": ("true topic", "正解の話題"),
        "pred": ("predicted topic", "予測した話題"),
        "try": ("Try a sentence", "文を入れて試す"),
        "try_help": ("The best model reads it (up to {n} tokens) and gives a probability to every topic.",
                     "最良モデルが読み（最大 {n} トークン）、話題ごとの確率を出します。"),
        "sentence": ("Sentence", "文"),
        "sentence_default_en": ("The pitcher threw a fast ball and the crowd rose to its feet.",
                                "The pitcher threw a fast ball and the crowd rose to its feet."),
        "sentence_default_ja": ("９回裏、巨人の４番打者が逆転のホームランを打ち、チームは試合に勝った。",
                                "９回裏、巨人の４番打者が逆転のホームランを打ち、チームは試合に勝った。"),
        "classify": ("Classify", "分類する"),
        "probs_title": ("P(topic | sentence) — {name}", "P(話題 | 文) — {name}"),
        "x_prob": ("probability (%)", "確率（%）"),
        "cut": ("Only the first {n} tokens were read.", "最初の {n} トークンだけを読みました。"),
        "other_lang": ("This model was trained on the {corpus} corpus: text in another script gives unknown characters.",
                       "このモデルは{corpus}コーパスで学習しています。別の文字体系の文は未知の文字になります。"),
        "unknown_chars": ("{n} tokens were unknown to the model's tokenizer.",
                          "{n} トークンはモデルのトークナイザにとって未知でした。"),
    },
)


def duration(seconds: float, lang: str) -> str:
    """12 s / 3 min 5 s, in the UI language."""
    s = int(round(seconds))
    if lang == "ja":
        return f"{s} 秒" if s < 60 else f"{s // 60} 分 {s % 60} 秒"
    return f"{s} s" if s < 60 else f"{s // 60} min {s % 60} s"
