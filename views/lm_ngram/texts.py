from core.i18n import Catalog

T = Catalog(
    "lm_ngram",
    {
        "title": ("n-gram models: the Markov assumption", "n-gram モデル：マルコフ性の仮定"),
        "intro": (
            "The chain rule conditions every token on its whole history. An **n-gram model** keeps only the "
            "last n − 1 tokens (a Markov assumption of order n − 1) and estimates the rest by counting in a corpus. "
            "n = 2 is the bigram model.",
            "連鎖律では各トークンが過去の履歴すべてに条件づけられます。**n-gram モデル**は直前の n − 1 個だけを残し"
            "（n − 1 階のマルコフ性の仮定）、確率をコーパスの数え上げで推定します。n = 2 が bigram モデルです。",
        ),
        "level": ("Unit", "単位"),
        "level_char": ("Characters", "文字"),
        "level_word": ("Words (spaces; Japanese: MeCab)", "単語（空白／日本語は MeCab）"),
        "smoothing": ("Smoothing", "スムージング"),
        "sm_kn": ("Interpolated Kneser–Ney", "補間 Kneser–Ney"),
        "sm_addk": ("Add-k", "Add-k"),
        "k": ("k (pseudo-count added to every count)", "k（すべての回数に足す仮想回数）"),
        "smoothing_help": (
            "Unseen n-grams must not get probability 0 (one zero makes the perplexity infinite). Add-k adds k to "
            "every count; Kneser–Ney subtracts a discount D from seen counts and gives the freed mass to a lower-order "
            "model that counts in how many different contexts a token appears.",
            "未出現の n-gram に確率 0 を与えてはいけません（ひとつでも 0 があるとパープレキシティが無限大）。Add-k は全回数に k を足し、"
            "Kneser–Ney は出現回数から割引 D を引き、その分を「何種類の文脈に現れたか」を数える低次のモデルに回します。",
        ),
        "latex_kn_label": ("Interpolated Kneser–Ney (highest order):", "補間 Kneser–Ney（最高次）："),
        "curve_h": ("Perplexity against n", "n とパープレキシティ"),
        "curve_title": ("Perplexity of the {unit} model against its order n", "{unit}モデルのパープレキシティと次数 n"),
        "curve_x": ("order n (the model sees n − 1 tokens)", "次数 n（直前 n − 1 トークンを見る）"),
        "curve_y": ("perplexity PP = 2^H (log scale)", "パープレキシティ PP = 2^H（対数軸）"),
        "heldout": ("held-out text", "評価用（held-out）テキスト"),
        "train": ("training text", "学習用テキスト"),
        "note_train_falls": (
            "Training perplexity falls at every step as n grows ({a:.1f} → {b:.1f} at n = {n}): longer contexts "
            "memorize the training text.",
            "n を大きくすると、学習テキストのパープレキシティは毎回下がります（{a:.1f} → n = {n} で {b:.1f}）。"
            "長い文脈は学習文を丸暗記するからです。",
        ),
        "note_train_turns": (
            "Training perplexity is lowest at n = {best} ({v:.1f}) and rises after it ({last:.1f} at n = {n}): "
            "add-k gives k to every unseen continuation of a context, and long contexts have few counts, so even "
            "the training text loses probability.",
            "学習テキストのパープレキシティは n = {best}（{v:.1f}）で最小になり、その後は上がります（n = {n} で {last:.1f}）。"
            "add-k は文脈の未出現の続きすべてに k を配るので、回数の少ない長い文脈では学習テキストでさえ確率が減るのです。",
        ),
        "note_held_falls": (
            "Held-out perplexity falls too, but less and less (best at n = {best}: {v:.1f}); the gap between the "
            "two curves widens: the longer history pays less on text the model has not seen.",
            "評価用テキストでも下がりますが、下がり方は小さくなっていきます（最良は n = {best}：{v:.1f}）。"
            "2 本の曲線の差は広がり、未知のテキストでは長い履歴の得が減っていきます。",
        ),
        "note_held_rises": (
            "Held-out perplexity is best at n = {best} ({v:.1f}) and rises after it ({last:.1f} at n = {n}): most "
            "long contexts of new text were never seen in training — the model overfits.",
            "評価用テキストでは n = {best}（{v:.1f}）が最良で、その後は上がります（n = {n} で {last:.1f}）。"
            "新しい文の長い文脈はほとんど学習中に現れなかったので、過学習になるのです。",
        ),
        "note_held_flat": (
            "Held-out perplexity is best at n = {best} ({v:.1f}) and hardly changes after it ({last:.1f} at n = {n}): "
            "most long contexts were never seen, so the longer history stops paying.",
            "評価用テキストでは n = {best}（{v:.1f}）が最良で、その後はほとんど変わりません（n = {n} で {last:.1f}）。"
            "長い文脈はほとんど未出現なので、履歴を伸ばしても得にならないのです。",
        ),
        "note_try_addk": ("Try add-k, which handles unseen contexts badly.", "未出現の文脈に弱い add-k でも試してみましょう。"),
        "note_try_kn": ("Compare with Kneser–Ney, which passes unseen contexts to shorter ones.",
                        "未出現の文脈を短い文脈に回す Kneser–Ney と比べてみましょう。"),
        "unk_note": ("{unk} held-out tokens never occur in training; they are scored as <unk> (never probability 0).",
                     "評価用テキストの {unk} トークンは学習テキストに現れません。<unk> として扱います（確率 0 にはしません）。"),
        "sample_h": ("Text sampled from the model", "モデルから生成した文"),
        "n": ("Order n", "次数 n"),
        "seed": ("Random seed", "乱数シード"),
        "length": ("Tokens to sample", "生成するトークン数"),
        "sample_note": ("Each token is drawn from P(· | last {ctx} tokens); same seed, same text. Kneser–Ney passes "
                        "most of a rarely seen context's mass to shorter contexts; add-k with a small k at n = 5 "
                        "mostly copies the training text.",
                        "各トークンを P(・| 直前 {ctx} トークン) から引きます。同じシードなら同じ文になります。"
                        "Kneser–Ney はまれな文脈の確率の多くを短い文脈に回します。add-k（小さい k）で n = 5 にすると、"
                        "ほぼ学習テキストの丸写しになります。"),
        "heat_h": ("Bigram transitions of the most frequent tokens", "頻出トークンの bigram 遷移"),
        "topk": ("Tokens shown", "表示するトークン数"),
        "heat_title": ("P(next | previous) for the {k} most frequent tokens", "頻出 {k} トークンの P(次 | 前)"),
        "heat_x": ("next token", "次のトークン"),
        "heat_y": ("previous token", "前のトークン"),
        "heat_note": ("Rows are the bigram model's full next-token distributions, cut to these columns "
                      "(so a row sums to at most 1). ␣ is a space, ⏎ a line break.",
                      "各行は bigram モデルの次トークン分布をこの列だけに切り出したものです（行の和は 1 以下）。␣ は空白、⏎ は改行。"),
        "distant_h": ("What a fixed window cannot see", "固定長の窓に見えないもの"),
        "distant_intro": (
            "Real language has dependencies between distant words. In this sentence from the corpus, "
            "“{word}” comes back {gap} words after its first use. A reader expects it; a {n}-gram predicting the "
            "second “{word}” sees only the {ctx} word(s) in the box:",
            "実際の言語には離れた単語どうしの関係があります。コーパスのこの文では「{word}」が最初の出現から "
            "{gap} 語あとに再び現れます。読み手には予想できますが、2 回目の「{word}」を予測する {n}-gram には"
            "枠内の {ctx} 語しか見えません：",
        ),
        "distant_prob": (
            "Word-level {n}-gram: P(“{word}” | {window}) = **{p:.4f}**. Replace the first “{word}” by any other word "
            "and this probability does not change at all: the first occurrence is outside the window.",
            "単語 {n}-gram：P(「{word}」| {window}) = **{p:.4f}**。最初の「{word}」を別の語に置き換えても、"
            "この確率はまったく変わりません。最初の出現は窓の外にあるからです。",
        ),
        "distant_none": ("No sentence with a repeated word far enough apart was found in this corpus.",
                         "このコーパスには、十分離れて同じ語が繰り返される文が見つかりませんでした。"),
        "unit_char": ("character", "文字"),
        "unit_word": ("word", "単語"),
        "mkn_upload": ("The tuned comparison runs on the shipped corpora: choose English or Japanese above to see it.",
                       "調整した比較は同梱のコーパスで計算します。上で英語か日本語を選ぶと表示されます。"),
        "mkn_h": ("Modified Kneser–Ney against interpolated Kneser–Ney", "修正 Kneser–Ney と補間 Kneser–Ney"),
        "mkn_intro": (
            "Interpolated KN subtracts one discount D from every count. **Modified KN** (Chen & Goodman 1998) uses "
            "three per order: D₁ for n-grams seen once, D₂ twice, D₃₊ three times or more, estimated from how many "
            "n-grams were seen exactly 1, 2, 3 and 4 times. Each is tuned on a **dev split** (10 % of the training "
            "paragraphs, left out of the counts): the order n, and D (interpolated) or a factor on D₁, D₂, D₃₊ "
            "(modified). Then both are counted on all the training text and scored once on the held-out text.",
            "補間 KN はすべての回数から同じ割引 D を引きます。**修正 KN**（Chen & Goodman 1998）は次数ごとに 3 つ使います："
            "1 回だけ現れた n-gram には D₁、2 回は D₂、3 回以上は D₃₊。ちょうど 1・2・3・4 回現れた n-gram の数から推定します。"
            "どちらも**開発用データ**（学習用段落の 10 %、集計から除外）で調整します：次数 n と、D（補間）または "
            "D₁, D₂, D₃₊ にかける係数（修正）。その後、学習テキスト全体で数え直し、held-out テキストで一度だけ評価します。",
        ),
        "mkn_col_model": ("Smoothing", "スムージング"),
        "mkn_col_n": ("n (tuned)", "n（調整後）"),
        "mkn_col_setting": ("D or factor (tuned)", "D または係数（調整後）"),
        "mkn_col_d": ("Discounts of order n", "次数 n の割引"),
        "mkn_col_dev": ("Dev perplexity", "開発データの PP"),
        "mkn_col_held": ("Held-out perplexity", "held-out の PP"),
        "mkn_kn": ("Interpolated KN", "補間 KN"),
        "mkn_mkn": ("Modified KN", "修正 KN"),
        "mkn_estimated": ("estimated per order", "次数ごとに推定"),
        "mkn_factor": ("× {v}", "× {v}"),
        "mkn_by_n": ("Held-out perplexity at each n with the estimated discounts (no tuning):",
                     "推定した割引のままの、各 n の held-out パープレキシティ（調整なし）："),
        "mkn_result": (
            "On this corpus ({unit}s), tuned modified KN reaches **{mkn:.2f}** against interpolated KN's **{kn:.2f}** "
            "on {tokens:,} held-out tokens ({dev:,} dev tokens chose the settings).",
            "このコーパス（{unit}単位）では、調整後の修正 KN が **{mkn:.2f}**、補間 KN が **{kn:.2f}** です"
            "（held-out {tokens:,} トークン。設定は開発データ {dev:,} トークンで選びました）。",
        ),
        "job_what": ("Counting n-grams of the uploaded file", "アップロードしたファイルの n-gram を集計"),
        "job_running": ("A large file takes up to a minute: it is counted in the background (switching pages does not "
                        "stop it; other visitors with the same file share the run).",
                        "大きなファイルは最大 1 分ほどかかるため、バックグラウンドで集計します（ページを移っても止まりません。"
                        "同じファイルのほかの利用者も同じ実行を共有します）。"),
    },
)
