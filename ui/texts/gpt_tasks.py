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
        "phase_pretrain": ("pre-training (or loading) the language models", "言語モデルの事前学習（または読み込み）"),
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
            "Baseline {acc:.1f}%: the better of always answering the most common training label ({maj:.1f}%) and, for "
            "pair tasks, a bag-of-words classifier that cannot see word order. {n} held-out examples.",
            "ベースライン {acc:.1f}%：学習データで最も多いラベルを常に答える（{maj:.1f}%）と、ペアのタスクでは語順を"
            "見ない bag-of-words 分類器の、良い方。評価用の例は {n} 件。"),
        "mean": ("mean", "平均"),
        "seed": ("one seed", "各シード"),
        "y_acc": ("held-out accuracy (%)", "評価用正解率（%）"),
        "t5_title": ("Each seed (dots) and the mean (bar)", "各シード（点）と平均（棒）"),
        "gap": ("{a} − {b}: **{diff:+.1f}** points, standard error {se:.1f} ({how}) → {verdict}",
                "{a} − {b}：**{diff:+.1f}** ポイント、標準誤差 {se:.1f}（{how}）→ {verdict}"),
        "gap_none": ("{a} − {b}: {diff:+.1f} points (one seed each: no error bar)",
                     "{a} − {b}：{diff:+.1f} ポイント（シード 1 つずつ：誤差は出せません）"),
        "how_seeds": ("from the seeds", "シード間のばらつきから"),
        "how_binomial": ("from the held-out size", "評価用データの件数から"),
        "noise": ("within noise (|gap| < 2 SE)", "雑音の範囲内（|差| < 2 SE）"),
        "real": ("larger than the noise", "雑音より大きい"),
        "nll_ce": ("Fine-tuning loss of the full model on the held-out set: NLL −mean log softmax = {nll:.6f}, cross "
                   "entropy = {ce:.6f}. They are the same formula (the notes say they differ; they don't).",
                   "完全モデルの評価用データでの損失：NLL（−平均 log softmax）= {nll:.6f}、交差エントロピー = {ce:.6f}。"
                   "同じ式です（ノートでは別物とされていますが、一致します）。"),
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
            "**Here** (the GPT shipped with the app: 4 layers × 128 wide, 800 (English) / 1,000 (Japanese) updates on "
            "~80,000 characters; tasks of a few hundred to ~1,000 template-built examples, a few fine-tuning epochs). "
            "Pre-training lifts the tasks where one text carries the label: topic classification and multiple choice. "
            "Entailment and similarity were built so that *no single sentence* gives the label (a classifier that reads "
            "only the hypothesis, or only one sentence, stays at chance): only comparing the two does. That also "
            "removes every easy first step for gradient descent: the entailment loss sits near ln 3 ≈ 1.10 for many steps. "
            "The pipeline itself is sound: the shipped GPT memorises 32 training examples of either task (100%). "
            "On held-out items, measured with the new tokens started at the mean word vector and W_y at 10× the "
            "learning rate (English, one seed, 5 epochs), similarity reached 61.2% against the bag-of-words 58.5%, "
            "while entailment stayed at chance (32.1% against 43.8%): at this scale entailment is not learned. "
            "The zero-shot sentence above is computed from the curves drawn; read every gap with its standard error.",
            "**ここでは**（アプリ同梱の GPT：4 層 × 幅 128、約 8 万字で英語 800 回・日本語 1,000 回更新。タスクはテンプレートから"
            "作った数百〜約 1,000 例、ファインチューニングは数エポック）。事前学習は、一つの文にラベルの手がかりがあるタスク"
            "（話題分類・多肢選択）を押し上げます。含意と類似度は、*どちらか一方の文だけでは*ラベルが決まらないように作って"
            "あり（仮説だけ・片方の文だけを読む分類器は当て推量どまり）、二つを比べて初めて解けます。そのため勾配降下の"
            "「最初の手がかり」もなく、含意の損失は長く ln 3 ≈ 1.10 付近に留まります。仕組み自体は正常で、同梱の GPT は"
            "どちらのタスクでも学習例 32 個を 100% 覚えられます。新しいトークンを単語ベクトルの平均から始め、W_y の学習率を"
            " 10 倍にした測定（英語、シード 1 つ、5 エポック）では、未見の例で類似度が 61.2%（bag-of-words は 58.5%）、"
            "含意は当て推量のまま（32.1%、bag-of-words は 43.8%）：この規模では含意は学習できていません。上のゼロショットの文は、描いた曲線の数値から計算しています。どの差も標準誤差と合わせて読んでください。"),
    },
)


def row_names(task: str, n_rows: int, lang: str) -> list[str]:
    """Names of the rows one example becomes (the y-axis of the sequence figure)."""
    if task == "similarity":
        return [T.t("row_ab", lang), T.t("row_ba", lang)]
    if task == "multiple_choice":
        return [T.t("row_answer", lang, n=k + 1) for k in range(n_rows)]
    return [T.t("row", lang, n=1)]


def gap_line(a: str, b: str, g, lang: str) -> str:
    """One sentence for a core.gpt.transfer.stats.Gap between variants named a and b."""
    if g.se is None:
        return T.t("gap_none", lang, a=a, b=b, diff=100 * g.diff)
    return T.t("gap", lang, a=a, b=b, diff=100 * g.diff, se=100 * g.se, how=T.t(f"how_{g.method}", lang),
               verdict=T.t("noise" if g.within_noise else "real", lang))
