from core.i18n import Catalog

T = Catalog(
    "gpt_tasks",
    {
        "title": ("Task formats & transfer", "タスク形式と転移"),
        "intro": (
            "GPT-1 fine-tunes **one** pre-trained Transformer on very different tasks by changing only the *input*: "
            "each task becomes token rows with three added tokens — **start**, **delimiter**, **extract** — and a "
            "linear layer reads the final state at the extract token (the paper's Figure 1). Here all four formats "
            "are trained for real, in English or Japanese, with $L_3 = L_2 + \\lambda L_1$.",
            "GPT-1 は、**一つの**事前学習済み Transformer を、*入力の形*だけを変えて全く違うタスクにファインチューンします。"
            "各タスクは、**開始**・**区切り**・**抽出**の 3 つの特殊トークンを加えたトークン列になり、抽出トークンの位置の"
            "最終状態を線形層が読みます（論文の図 1）。ここでは 4 つの形式すべてを、英語か日本語で、"
            "$L_3 = L_2 + \\lambda L_1$ で実際に学習します。",
        ),
        "task": ("Task", "タスク"),
        "task_classification": ("Classification (topic)", "分類（話題）"),
        "task_entailment": ("Entailment", "含意関係"),
        "task_similarity": ("Similarity", "類似度"),
        "task_multiple_choice": ("Multiple choice", "多肢選択"),
        "how_classification": ("`[start] text [extract]` → linear layer over the topics.",
                               "`[start] 文 [extract]` → 話題の数だけ出力する線形層。"),
        "how_entailment": ("`[start] premise [delim] hypothesis [extract]` → linear layer (entails / contradicts / neutral).",
                           "`[start] 前提 [delim] 仮説 [extract]` → 線形層（含意・矛盾・中立）。"),
        "how_similarity": (
            "A pair has no order: both `[start] A [delim] B [extract]` and `[start] B [delim] A [extract]` go through "
            "the Transformer, and their final states are **added element-wise** before the linear layer.",
            "文の組に順序はないので、`[start] A [delim] B [extract]` と `[start] B [delim] A [extract]` の両方を "
            "Transformer に通し、最終状態を**要素ごとに足して**から線形層へ。"),
        "how_multiple_choice": (
            "One row `[start] context [delim] answer_k [extract]` per answer; each gives **one score**, and a softmax "
            "over the k scores picks the answer.",
            "選択肢ごとに `[start] 文脈 [delim] 選択肢_k [extract]` の 1 行。各行が**スコアを 1 つ**出し、"
            "k 個のスコアの softmax で答えを選びます。"),
        "data_lang": ("Data language", "データの言語"),
        "lang_en": ("English", "英語"),
        "lang_ja": ("Japanese", "日本語"),
        "example": ("Example to draw", "表示する例"),
        "seq_title": ("What the model reads (tokens of the pre-trained tokenizer)", "モデルが読む列（事前学習のトークナイザによるトークン）"),
        "row": ("row {n}", "行 {n}"),
        "row_ab": ("A then B", "A → B"),
        "row_ba": ("B then A", "B → A"),
        "row_answer": ("answer {n}", "選択肢 {n}"),
        "gold": ("Label of this example: {label}", "この例のラベル：{label}"),
        "settings": ("Experiment", "実験"),
        "lam": ("λ (weight of the auxiliary LM loss)", "λ（補助 LM 損失の重み）"),
        "lam_help": ("L3 = L2 + λ·L1. The paper used 0.5; 0 turns the auxiliary loss off (except for “w/o aux LM”, "
                     "which always uses 0).", "L3 = L2 + λ·L1。論文は 0.5。0 で補助損失なし（「補助 LM なし」は常に 0）。"),
        "seeds": ("Seeds", "シード数"),
        "seeds_help": ("Each variant is fine-tuned once per seed: the spread shows how much of a difference is noise.",
                       "各設定をシードごとに 1 回ずつ学習します。ばらつきを見れば、差のどれだけが雑音かがわかります。"),
        "variants": ("Models (Table 5)", "モデル（表 5）"),
        "v_full": ("Transformer, pre-trained, aux LM", "Transformer・事前学習あり・補助 LM"),
        "v_no_aux": ("w/o aux LM (λ = 0)", "補助 LM なし（λ = 0）"),
        "v_no_pretrain": ("w/o pre-training", "事前学習なし"),
        "v_lstm_aux": ("LSTM, pre-trained, aux LM", "LSTM・事前学習あり・補助 LM"),
        "start": ("Start", "開始"),
        "stop": ("Stop", "停止"),
        "no_job": ("Press **Start**: the experiment fine-tunes the GPT and LSTM shipped with the app (no pre-training "
                   "wait) for each model you chose, then sweeps the layers kept. The zero-shot panel below is "
                   "already drawn from the shipped models' pre-training.",
                   "**開始**を押してください。アプリに同梱の GPT と LSTM を（事前学習を待たずに）選んだモデルごとに"
                   "ファインチューンし、転移する層数を掃引します。下のゼロショットの図は、同梱モデルの事前学習から"
                   "すでに描かれています。"),
        "source_shipped": ("Backbone: the GPT shipped with the app ({steps} pre-training updates); “w/o pre-training” "
                           "is the same network with random weights.",
                           "バックボーン：アプリ同梱の GPT（事前学習 {steps} 回）。「事前学習なし」は同じネットワークを"
                           "ランダムな重みにしたもの。"),
        "source_own": ("Backbone: pre-trained here on the topic corpus ({steps} updates), because the shipped one "
                       "could not be used.", "バックボーン：同梱のものを使えないため、ここで話題コーパスで事前学習"
                       "（{steps} 回）。"),
        "beats": ("Pre-trained and fine-tuned: **{acc:.1f}%**, above the baseline ({base:.1f}%) by more than the noise.",
                  "事前学習＋ファインチューン：**{acc:.1f}%**。ベースライン（{base:.1f}%）を雑音以上に上回りました。"),
        "not_beaten": ("Pre-trained and fine-tuned: **{acc:.1f}%**, not clearly above the baseline ({base:.1f}%): "
                       "at this scale the task is not learnt better than the baseline.",
                       "事前学習＋ファインチューン：**{acc:.1f}%**。ベースライン（{base:.1f}%）をはっきりとは上回りません。"
                       "この規模では、このタスクはベースライン以上には学べていません。"),
        "zs_ours": ("Here, on this task: the Transformer answers {t0:.0f}% right before pre-training and {t1:.0f}% after "
                    "{n} updates (best {tmax:.0f}%); the LSTM {l0:.0f}% → {l1:.0f}% (best {lmax:.0f}%); chance is "
                    "{c:.0f}%, and ±{se:.0f} points is one standard error on {k} examples.",
                    "このタスクでは：Transformer の正解率は事前学習前 {t0:.0f}%、{n} 回の更新後 {t1:.0f}%（最高 {tmax:.0f}%）。"
                    "LSTM は {l0:.0f}% → {l1:.0f}%（最高 {lmax:.0f}%）。当て推量は {c:.0f}%、{k} 例での標準誤差は ±{se:.0f} ポイント。"),
        "layers_after_run": ("The layer curve appears after a run (press Start above).",
                             "層数の曲線は実行後に表示されます（上の「開始」）。"),
        "progress": ("{status} — {phase} {pct:.0f}%", "{status} — {phase} {pct:.0f}%"),
        "phase_": ("", ""),
        "phase_pretrain_transformer": ("pre-training the Transformer LM", "Transformer 言語モデルを事前学習中"),
        "phase_pretrain_lstm": ("pre-training the LSTM LM", "LSTM 言語モデルを事前学習中"),
        "phase_finetune": ("fine-tuning", "ファインチューニング"),
        "phase_layers": ("layers transferred", "転移する層数"),
        "phase_zero_shot": ("zero-shot snapshots", "ゼロショットのスナップショット"),
        "status_ready": ("Ready", "準備完了"),
        "status_running": ("Running", "実行中"),
        "status_paused": ("Paused", "一時停止"),
        "status_stopped": ("Stopped", "停止"),
        "status_finished": ("Finished", "完了"),
        "status_diverged": ("Diverged", "発散"),
        "status_failed": ("Failed", "失敗"),
        "results": ("Held-out accuracy, {task} ({lang_name}): Table 5 with its noise",
                    "評価用データでの正解率・{task}（{lang_name}）：ばらつきつきの表 5"),
        "col_model": ("Model", "モデル"),
        "col_acc": ("Accuracy %", "正解率 %"),
        "col_runs": ("Seeds", "シード"),
        "baseline": ("baseline {acc:.1f}%", "ベースライン {acc:.1f}%"),
        "baseline_caption": (
            "Baseline {acc:.1f}%: always answering the most common training label. {bow}{n} held-out examples.",
            "ベースライン {acc:.1f}%：学習データで最も多いラベルを常に答えた場合。{bow}評価用の例は {n} 件。"),
        "bow_caption": (
            "A harder comparison for a pair task: a bag-of-words classifier, which sees both texts' words but not their "
            "order, scores {acc:.1f}%. ",
            "ペアのタスクでのもっと厳しい比較：両方の文の語は見るが語順は見ない bag-of-words 分類器は {acc:.1f}%。"),
        "mean": ("mean", "平均"),
        "seed": ("one seed", "各シード"),
        "y_acc": ("held-out accuracy (%)", "評価用正解率（%）"),
        "t5_title": ("Each seed (dots) and the mean (bar)", "各シード（点）と平均（棒）"),
        "shipped_title": ("Measured with the app's models: all four formats ({lang_name})",
                          "アプリのモデルで測った結果：4 つの形式すべて（{lang_name}）"),
        "shipped_missing": ("No up-to-date measurement ships for this language (the models or the tasks changed since "
                            "`scripts/build_models.py --only transfer --lang {lang_code}` last ran). Press Start below to "
                            "measure one task here.",
                            "この言語の最新の測定結果は同梱されていません（`scripts/build_models.py --only transfer --lang "
                            "{lang_code}` の実行後にモデルかタスクが変わりました）。下の「開始」で、ここで 1 タスクずつ測れます。"),
        "col_pre": ("pre-trained %", "事前学習あり %"),
        "col_nopre": ("w/o pre-training %", "事前学習なし %"),
        "col_base": ("baseline %", "ベースライン %"),
        "col_n": ("held-out examples", "評価用の件数"),
        "col_bow": ("bag of words %", "bag-of-words %"),
        "ours_measured": (
            "**Here, measured** (`{cmd}`, {seeds} seed(s), {wall:.0f} s with load {load:.1f} on {cpus} CPUs): fine-tuning "
            "the shipped GPT beats the same network without pre-training on {n_np} of {k} tasks and the task's baseline "
            "on {n_b} of {k} (by more than the noise); pre-training adds **{gain:+.1f} points** on average (the paper: +14.8 on its Table 5 "
            "average, with 12 layers and 800M words of pre-training against our 4 layers and ~80,000 characters).",
            "**ここでの測定**（`{cmd}`、シード {seeds} 個、負荷 {load:.1f}・CPU {cpus} 個で {wall:.0f} 秒）：同梱の GPT を"
            "ファインチューンすると、事前学習なしの同じネットワークを {k} タスク中 {n_np} タスクで上回り、ベースラインを"
            " {k} タスク中 {n_b} タスクで雑音を超えて上回りました。事前学習の効果は平均 **{gain:+.1f} ポイント**（論文は表 5 の平均で "
            "+14.8。論文は 12 層・8 億語の事前学習、ここは 4 層・約 8 万字）。"),
        "ours_noisy": ("Within noise (|gap| < 2 SE against no pre-training): {tasks}.",
                       "雑音の範囲内（事前学習なしとの差 < 2 SE）：{tasks}。"),
        "ours_below": ("Not above its baseline by more than the noise: {tasks}.",
                       "ベースラインを雑音を超えて上回らないもの：{tasks}。"),
        "nll_ce": ("Fine-tuning loss of the full model on the held-out set: NLL −mean log softmax = {nll:.6f}, cross "
                   "entropy = {ce:.6f}: the same number, as the section above explains.",
                   "完全モデルの評価用データでの損失：NLL（−平均 log softmax）= {nll:.6f}、交差エントロピー = {ce:.6f}。"
                   "上の節で説明したとおり同じ数です。"),
        "nll_header": ("“NLL” or cross entropy? One number for a softmax head", "「NLL」か交差エントロピーか：softmax の出力なら同じ数"),
        "nll_body": (
            "The notes write the fine-tuning loss as the negative log-likelihood −log P(y | x) and set it beside cross "
            "entropy. For a head that ends in a softmax and a one-hot label they are one formula: H(e_y, p) = "
            "−Σ_c e_y[c] log p_c = −log p_y. Three logits z = ({z}), label y = {y}, p = softmax(z) = ({p}):",
            "ノートではファインチューンの損失を負の対数尤度 −log P(y | x) と書き、交差エントロピーと並べています。"
            "softmax で終わる出力と one-hot のラベルなら同じ式です：H(e_y, p) = −Σ_c e_y[c] log p_c = −log p_y。"
            "ロジット z = ({z})、ラベル y = {y}、p = softmax(z) = ({p}) で計算すると："),
        "nll_col_what": ("computed as", "計算のしかた"),
        "nll_col_value": ("loss (nats)", "損失（nats）"),
        "nll_row_nll": ("−log softmax(z)[y] (the paper's NLL)", "−log softmax(z)[y]（論文の NLL）"),
        "nll_row_ce": ("torch cross_entropy(z, y): one-hot target", "torch の cross_entropy(z, y)：one-hot の目標"),
        "nll_row_smooth": ("cross entropy with label smoothing 0.1: the target is no longer one-hot",
                           "ラベル平滑化 0.1 の交差エントロピー：目標が one-hot でない"),
        "nll_row_raw": ("nll_loss on raw logits (no log-softmax): −z[y], not a likelihood",
                        "log-softmax なしのロジットに nll_loss：−z[y]、尤度ではない"),
        "nll_row_bce": ("a sigmoid per class, summed binary cross entropies: another model",
                        "クラスごとの sigmoid と 2 値交差エントロピーの和：別のモデル"),
        "nll_after": ("The first two rows are equal to the last digit; the other three show where “NLL” and “cross "
                      "entropy” stop being the same number. Computed on this page by core.gpt.finetune.stats.nll_vs_ce.",
                      "最初の 2 行は最後の桁まで一致します。残りの 3 行は「NLL」と「交差エントロピー」が同じ数でなくなる場合です。"
                      "このページで core.gpt.finetune.stats.nll_vs_ce が計算しています。"),
        "fig2": ("Figure 2 at this app's scale", "この規模での図 2"),
        "layers_title": ("Pre-trained blocks kept (the rest re-initialised)", "事前学習済みブロックの数（残りは初期化し直し）"),
        "x_layers": ("blocks transferred", "転移したブロック数"),
        "ours": ("ours", "ここでの結果"),
        "zs_title": ("Zero-shot accuracy over pre-training", "事前学習の進み具合とゼロショット正解率"),
        "x_updates": ("pre-training updates", "事前学習の更新回数"),
        "arch_transformer": ("Transformer", "Transformer"),
        "arch_lstm": ("LSTM", "LSTM"),
        "chance": ("chance", "当て推量"),
        "zs_none": ("Classification has no language-model-only heuristic here: pick another task for the zero-shot panel.",
                    "分類にはここでは言語モデルだけで解く方法がありません。ゼロショットの図は他のタスクで。"),
        "paper": (
            "**The paper** (12 layers, 800M words): every transferred layer helps, up to 9% on MultiNLI with all 12; "
            "zero-shot performance rises steadily with pre-training, and more for the Transformer than for the LSTM. "
            "In Table 5, removing pre-training costs 14.8 points on average; the auxiliary LM loss helps the larger "
            "datasets only; the LSTM is 5.6 points behind.",
            "**論文**（12 層、8 億語）：転移する層を増やすごとに良くなり、MultiNLI では 12 層すべてで最大 9%。"
            "ゼロショット性能は事前学習とともに着実に上がり、LSTM より Transformer の方が大きく伸びます。"
            "表 5 では事前学習なしで平均 14.8 ポイント低下、補助 LM 損失は大きなデータセットでだけ効果があり、LSTM は 5.6 ポイント下。"),
        "ours_note": (
            "**Here** (the GPT shipped with the app: 4 layers × 128 wide, pre-trained on ~80,000 characters; tasks of a "
            "few hundred to ~1,000 examples built by rule; fine-tuning runs 2 epochs for classification, 6 for entailment, 1 for similarity and multiple choice). Entailment and similarity are "
            "built so that *no single sentence* gives the label (a classifier that reads only the hypothesis, or only "
            "one sentence, stays at chance): only comparing the two does. In entailment an entailed and a contradicted "
            "hypothesis hold the same words in another order (“to Osaka, not to Kyoto” / “to Kyoto, not to Osaka”), so "
            "a bag of words can at best spot the neutral ones. In similarity every pair has a twin with the same words "
            "and the two roles exchanged (“from Tokyo to Osaka” / “from Osaka to Tokyo”) and the opposite label, so a bag "
            "of words sits at 50%. No model here learns those twins (about 50% with and without pre-training: the table): "
            "the same fine-tuning tells an identical pair from a sentence about something else well above chance "
            "(`docs/FINDINGS.md` records both measurements), so what a few hundred updates do not teach this 4-layer "
            "network is comparing *who stands where* on the two sides of the delimiter. The numbers in the table above come from one run of "
            "the command it names; read every gap with its standard error.",
            "**ここでは**（アプリ同梱の GPT：4 層 × 幅 128、約 8 万字で事前学習。タスクは規則で作った数百〜約 1,000 例、"
            "ファインチューニングは分類 2 エポック、含意 6、類似度と多肢選択は 1）。含意と類似度は、*どちらか一方の文だけでは*ラベルが決まらないように作って"
            "あり（仮説だけ・片方の文だけを読む分類器は当て推量どまり）、二つを比べて初めて解けます。含意では、含意する仮説と"
            "矛盾する仮説が同じ語を別の順に並べたもの（「大阪で、京都ではなかった」／「京都で、大阪ではなかった」）なので、"
            "bag-of-words に見分けられるのはせいぜい中立だけです。類似度では、どの組にも同じ語で二つの役割を入れ替えた"
            "（「東京から大阪へ行く」／「大阪から東京へ行く」）逆のラベルの双子があるので、bag-of-words は 50% です。"
            "この双子を学べたモデルはここにはありません（事前学習ありでもなしでも約 50%：表のとおり）。同じファインチューニングで、"
            "同一の文の組と別の話題の文の組なら当て推量を大きく超えて見分けられるので（どちらの測定も `docs/FINDINGS.md` にあります）、"
            "4 層のこのネットワークが数百回の更新で身につけられないのは、区切りの両側で「誰がどこにいるか」を比べることです。"
            "上の表の数値は、表に書いたコマンドを 1 回実行して得たものです。"
            "どの差も標準誤差と合わせて読んでください。"),
    },
)


def row_names(task: str, n_rows: int, lang: str) -> list[str]:
    """Names of the rows one example becomes (the y-axis of the sequence figure)."""
    if task == "similarity":
        return [T.t("row_ab", lang), T.t("row_ba", lang)]
    if task == "multiple_choice":
        return [T.t("row_answer", lang, n=k + 1) for k in range(n_rows)]
    return [T.t("row", lang, n=1)]
