"""Strings of the sections that check the notes' claims and add the ideas no page covered (ui/notes_*.py)."""
from core.i18n import Catalog

T = Catalog(
    "notes_checks",
    {
        # --- Sudachi split modes (tokenizer comparison page) ---
        "sudachi_h": ("A second analyzer: Sudachi's three split modes", "もう 1 つの形態素解析器：Sudachi の 3 つの分割モード"),
        "sudachi_intro": (
            "What counts as a word is a decision people make. Sudachi gives three answers from one dictionary: "
            "**A** the shortest units (close to MeCab/UniDic), **B** middle units, **C** named entities and "
            "compounds kept whole. The notes also name Juman: Juman++ is a C++ program that needs a system "
            "install (no Python wheel), so Sudachi (SudachiPy + sudachidict_core from PyPI, dictionary inside the "
            "wheel, nothing downloaded at run time) stands in for it here.",
            "何を 1 語とみなすかは人が決めることです。Sudachi は 1 つの辞書から 3 通りの答えを出します："
            "**A** 最短の単位（MeCab/UniDic に近い）、**B** 中くらいの単位、**C** 固有表現や複合語をひとまとまりに。"
            "ノートには Juman も挙がっていますが、Juman++ は C++ のプログラムでシステムへのインストールが必要です"
            "（Python の wheel がありません）。そこでここでは Sudachi（PyPI の SudachiPy + sudachidict_core。辞書は wheel の中にあり、"
            "実行時に何もダウンロードしません）で代わりに示します。",
        ),
        "sudachi_typed": ("Your text, three ways (and MeCab)", "入力したテキストを 3 通りで（と MeCab）"),
        "sudachi_mode_A": ("Sudachi A (short)", "Sudachi A（短単位）"),
        "sudachi_mode_B": ("Sudachi B (middle)", "Sudachi B（中単位）"),
        "sudachi_mode_C": ("Sudachi C (long)", "Sudachi C（長単位）"),
        "sudachi_mecab": ("MeCab (unidic-lite)", "MeCab（unidic-lite）"),
        "sudachi_count": ("**{name}** — {n} tokens", "**{name}** — {n} トークン"),
        "sudachi_examples": ("The classic examples", "定番の例"),
        "sudachi_col_text": ("text", "テキスト"),
        "sudachi_summary": (
            "On the shipped Japanese corpus ({chars:,} characters): A {a:,} tokens / {va:,} distinct, "
            "B {b:,} / {vb:,}, C {c:,} / {vc:,}; MeCab {m:,} / {vm:,}. Longer units mean fewer tokens and a larger "
            "vocabulary — the trade-off BPE later makes by counting.",
            "同梱の日本語コーパス（{chars:,} 文字）では：A {a:,} トークン／異なり {va:,}、B {b:,}／{vb:,}、"
            "C {c:,}／{vc:,}、MeCab {m:,}／{vm:,}。単位が長いほどトークンは減り、語彙は増えます。"
            "BPE は後でこの兼ね合いを数えることで決めます。",
        ),
        "sudachi_carrot": (
            "The dictionary matters as much as the program: MeCab with unidic-lite reads 外国人参政権 as "
            "外国 | 人参 (carrot) | 政権, while Sudachi's dictionary keeps 外国人 | 参政権.",
            "プログラムと同じくらい辞書が効きます：unidic-lite の MeCab は 外国人参政権 を 外国 | 人参 | 政権 と読み、"
            "Sudachi の辞書は 外国人 | 参政権 と分けます。",
        ),
        # --- normalization page ---
        "norm_verdict_h": ("**Measured, in bits per original character (lower is better):**",
                           "**測定値（元の 1 文字あたりのビット数、低いほど良い）：**"),
        "norm_step_helps": ("{step}: {a:.3f} → {b:.3f} bits/char ({d:+.1f}%) — this merge helps.",
                            "{step}：{a:.3f} → {b:.3f} ビット/文字（{d:+.1f}%）— このまとめ方は効きます。"),
        "norm_step_flat": ("{step}: {a:.3f} → {b:.3f} bits/char ({d:+.1f}%) — too small a change to call: on this text "
                           "the merge neither helps nor hurts measurably.",
                           "{step}：{a:.3f} → {b:.3f} ビット/文字（{d:+.1f}%）— 差が小さすぎて、このテキストでは効くとも"
                           "効かないとも言えません。"),
        "norm_step_hurts": ("{step}: {a:.3f} → {b:.3f} bits/char ({d:+.1f}%) — this merge does not help here: it raises the cost.",
                            "{step}：{a:.3f} → {b:.3f} ビット/文字（{d:+.1f}%）— ここでは効きません。コストが上がります。"),
        "norm_kana_why": (
            "Why folding katakana can hurt: katakana is not a free variant of hiragana — it marks loanwords and names, "
            "so merging it throws information away, and the folded text splits into more tokens ({ta:,} → {tb:,} held-out). "
            "Per-token perplexity ({pa:.2f} → {pb:.2f}) hides this; bits per character show it. The notes' りんご / リンゴ "
            "argument holds only for spellings used the same way.",
            "カタカナを畳むと悪くなる理由：カタカナはひらがなの単なる表記ゆれではなく、外来語や名前の目印です。"
            "まとめると情報が失われ、畳んだテキストはより多くのトークンに分かれます（評価 {ta:,} → {tb:,}）。"
            "トークンあたりのパープレキシティ（{pa:.2f} → {pb:.2f}）ではこれが隠れ、文字あたりのビット数で見えます。"
            "ノートの りんご / リンゴ の議論は、同じように使われる表記どうしにだけ当てはまります。",
        ),
        "col_chars": ("distinct characters", "文字の種類"),
        # --- attention page: the notes' other two dicts ---
        "nd_h": ("Two more dicts from the notes, on a trained GPT", "ノートにあるもう 2 つの辞書（学習済み GPT で計算）"),
        "nd_no_gpt": ("No trained GPT is available, so these dicts cannot be computed.",
                      "学習済みの GPT がないため、これらの辞書は計算できません。"),
        "nd_head": ("Head of the GPT", "GPT のヘッド"),
        "nd_model": ("{label} — its own W_Q and W_K, head {head}; score = q·k/√d_k, weight = softmax over the dict's keys.",
                     "{label} — そのモデル自身の W_Q と W_K、ヘッド {head}。スコア = q·k/√d_k、重み = 辞書のキー全体での softmax。"),
        "nd_query_word": ("rain", "リンゴ"),
        "nd_query_text": ("Today the rain in Tokyo was", "今日は雨が東京で"),
        "nd_prefix_0": ("Today the rain in Tokyo", "今日は雨が東京"),
        "nd_prefix_1": ("Today the snow in Hong Kong", "今日は雪が香港"),
        "nd_prefix_2": ("Today the rain fell hard", "今日は雨が強く"),
        "nd_prefix_3": ("Today the rain stopped", "今日は雨が上がり"),
        "nd_prefix_4": ("Today the snow piled up", "今日は雪が積り"),
        "nd_many": ("**Keys from many texts.** Query: position 14 + “{word}” (layer 1, which reads token + position "
                    "embeddings). Keys: every position + token of 40 held-out lines.",
                    "**多くの文章から集めたキー。** クエリ：14 番目 +「{word}」（トークン + 位置の埋め込みを読む層 1）。"
                    "キー：評価用 40 行のすべての「位置 + トークン」。"),
        "nd_many_note": ("{n} distinct keys. The strongest gets {top:.4f} of the weight, {ratio:.1f}× the uniform share "
                         "1/{n} = {uniform:.4f}: over so many keys one head's dict is nearly flat.",
                         "異なるキーは {n} 個。最も強いキーの重みは {top:.4f} で、一様な場合（1/{n} = {uniform:.4f}）の {ratio:.1f} 倍。"
                         "これほどキーが多いと、1 つのヘッドの辞書はほぼ平らです。"),
        "nd_prefix": ("**Keys that are sentence prefixes.** Query: the last position of “{q}”, in the last layer. Each key "
                      "is a prefix, summarised at its last position by the layers below.",
                      "**文の途中までをキーにする。** クエリ：「{q}」の最後の位置（最後の層）。各キーは文の途中までで、"
                      "下の層がその最後の位置にまとめたベクトルです。"),
        "nd_col_key": ("key", "キー"),
        "nd_col_score": ("score q·k/√d_k", "スコア q·k/√d_k"),
        "nd_col_weight": ("weight", "重み"),
        "nd_prefix_note": ("This head puts the most weight ({w:.0%}) on “{top}”.",
                           "このヘッドは「{top}」に最も重み（{w:.0%}）を置きます。"),
        # --- attention page: absolute vs relative position counts ---
        "pp_h": ("Why not just count “X at position I with Y at position J”?", "「位置 I の X と位置 J の Y」を数えるだけではだめなのか？"),
        "pp_intro": (
            "The notes' first idea: estimate how often symbol X at absolute position I occurs with Y at position J. "
            "Counted on the corpus (words; positions from the start of each line; Y up to {k} words after X), "
            "that table is almost all empty or single cells. Counting by relative offset (Y comes J − I words after X) "
            "pools the same pair across positions. Attention goes further still: it scores learned vectors of "
            "token + position, so a pair never seen at these exact positions still gets a score.",
            "ノートの最初の発想：絶対位置 I の記号 X と位置 J の記号 Y が一緒に現れる頻度を推定する。"
            "コーパスで数えると（単語単位、各行の先頭からの位置、Y は X の {k} 語後まで）、その表はほとんどが空か 1 回だけのセルです。"
            "相対的なずれ（Y が X の J − I 語後）で数えれば、同じ組を位置をまたいで集められます。"
            "アテンションはさらに進んで、トークン + 位置の学習済みベクトルを比べるので、まさにその位置で見たことのない組にもスコアが付きます。",
        ),
        "pp_abs": ("absolute (X, I, Y, J)", "絶対位置 (X, I, Y, J)"),
        "pp_rel": ("relative (X, Y, J − I)", "相対位置 (X, Y, J − I)"),
        "pp_col_way": ("counted by", "数え方"),
        "pp_col_keys": ("distinct cells", "異なるセル数"),
        "pp_col_mean": ("occurrences per cell", "セルあたりの出現回数"),
        "pp_col_once": ("cells seen once", "1 回だけのセル"),
        "pp_fig_title": ("Counted over {n:,} word pairs of the corpus.", "コーパス中の単語の組 {n:,} 個で数えました。"),
        "pp_example": ("The most frequent word pair, “{x}” then “{y}” {k} word(s) later, occurs {n} times: one relative "
                       "cell, but {cells} different absolute (I, J) cells.",
                       "最も多い単語の組「{x}」の {k} 語後に「{y}」は {n} 回現れます。相対位置なら 1 つのセルですが、"
                       "絶対位置では {cells} 個の異なる (I, J) セルに散らばります。"),
        # --- multi-head page ---
        "comp_h": ("Two kinds of composition: across heads and through layers", "2 種類の合成：ヘッドをまたぐ合成と層を重ねる合成"),
        "comp_intro": (
            "The notes: multi-head attention learns several relations *at once* — “a composition of a different kind "
            "from the one that comes from the number of layers”. Both are measured here on the model and sentence above. "
            "**Across heads**: in one layer, do the heads pick different keys for the same query? **Through layers**: "
            "a later layer reads positions that already mixed earlier ones in; the *attention rollout* (heads averaged, "
            "plus ½ for the residual path, multiplied layer by layer) follows that chain.",
            "ノート：マルチヘッドアテンションは複数の関係を *同時に* 学習する —「レイヤー数による合成とは別種の合成」。"
            "上のモデルと文で両方を測ります。**ヘッドをまたぐ合成**：同じ層で、同じクエリに対してヘッドは違うキーを選ぶか？"
            "**層を重ねる合成**：後の層は、すでに前の位置を混ぜ込んだ位置を読みます。*アテンション・ロールアウト*"
            "（ヘッド平均に残差の分 ½ を足し、層ごとに掛け合わせる）でその連鎖をたどります。",
        ),
        "comp_numbers": (
            "**Across heads:** in layer 1 the {h} heads do not all pick the same strongest key for {d1:.0%} of the queries "
            "({t1:.2f} different keys per query on average); in layer {L}, for {dl:.0%}. **Through layers:** composed over "
            "layers 1…{L}, a position draws on tokens {rl:.1f} positions away on average (layer 1 alone in the rollout: "
            "{r1:.1f}; the widest single layer: {smax:.1f}).",
            "**ヘッドをまたぐ合成：** 層 1 では {h} 個のヘッドの最も強いキーが一致しないクエリが {d1:.0%}"
            "（1 クエリあたり平均 {t1:.2f} 種類のキー）、層 {L} では {dl:.0%}。**層を重ねる合成：** 層 1…{L} を合成すると、"
            "各位置は平均 {rl:.1f} 位置離れたトークンまで取り込みます（ロールアウトで層 1 だけなら {r1:.1f}、単独の層で最も広いもので {smax:.1f}）。",
        ),
        "comp_single": ("one layer alone (heads averaged)", "その層だけ（ヘッド平均）"),
        "comp_rollout": ("rollout of layers 1…l", "層 1…l のロールアウト"),
        "comp_fig_title": ("How far back a position reads", "各位置がどこまで遠くを読むか"),
        "comp_fig_x": ("layer l", "層 l"),
        "comp_fig_y": ("mean distance |i − j| (tokens)", "平均距離 |i − j|（トークン）"),
        "comp_note": ("Width gives several relations at the same step; depth chains them (a token that read its "
                      "neighbour is read in turn), so reach keeps growing with layers.",
                      "幅（ヘッド）は同じ段で複数の関係を与え、深さ（層）はそれをつなぎます（隣を読んだトークンがまた読まれる）。"
                      "そのため到達距離は層とともに伸びていきます。"),
        "mini_h": ("**MiniLM on Japanese, measured.** Its vocabulary is English WordPiece, *uncased*: besides lower-casing, "
                   "it strips accents (Unicode NFD, then combining marks dropped), and the dakuten ゛ and handakuten ゜ are "
                   "such marks.",
                   "**MiniLM と日本語（実測）。** 語彙は英語の WordPiece で *uncased*（小文字化）です。小文字化のほかにアクセントも"
                   "取り除き（Unicode NFD のあと結合文字を削除）、濁点 ゛ と半濁点 ゜ もその結合文字です。"),
        "mini_col_text": ("text", "テキスト"),
        "mini_col_pieces": ("MiniLM's tokens", "MiniLM のトークン"),
        "mini_col_reads": ("what the model reads", "モデルが読む文字列"),
        "mini_col_changed": ("changed characters", "変わった文字"),
        "mini_col_unk": ("[UNK]", "[UNK]"),
        "mini_note": ("“{text}” (a glass cup) reaches the model as “{reads}”: ガラス (glass) has become カラス (crow). "
                      "Japanese attention maps of this model describe text it never saw as typed.",
                      "「{text}」（ガラスのコップ）はモデルに「{reads}」として届きます。ガラスがカラスになっています。"
                      "このモデルの日本語のアテンション図は、入力どおりではない文字列についてのものです。"),
        # --- fine-tuning page: GPT-1's background ---
        "bg_h": ("Background: what came before GPT-1, and why not an LSTM?", "背景：GPT-1 以前のモデルと、なぜ LSTM ではないのか"),
        "bg_text": (
            "In 2018 several transferable pre-trained models existed, each good on some tasks and poor on others:\n"
            "- **ELMo**: a language model built on bidirectional LSTMs (BiLSTM); its layers' states are added to a task "
            "model as features. Like GPT-1 (and later BERT) it puts task layers on top of a pre-trained LM, and BERT's "
            "paper compares against its architecture.\n"
            "- **Representations from machine translation** (e.g. CoVe): an LSTM encoder trained to translate, hoping its "
            "vectors are universal — not tied to one syntax or grammar.\n"
            "- **Discourse coherence**: encoders (GRU-based) pre-trained to judge the order of two sentences.\n\n"
            "GPT-1 instead pre-trains a plain autoregressive language model — the text is its own teacher — with a "
            "Transformer decoder only, then fine-tunes it. One reason: recurrent models are slow to train on GPUs. An LSTM "
            "computes hₜ from hₜ₋₁, so the positions of a sequence are a chain of small dependent steps; a Transformer "
            "block computes every position at once in a few large matrix products. In GPT-1's Table 5 the LSTM with the "
            "auxiliary LM scores 69.1 on average against the Transformer's 74.7. The app trains the same comparison: the "
            "LSTM baseline on this page. Measured by `scripts/build_models.py --only step_times` (when, and at what machine load: below), "
            "one training step, the two models at about the same size:",
            "2018 年当時、転移できる事前学習モデルはいくつもありましたが、あるタスクでは他より良く、別のタスクではだめ、という一長一短でした：\n"
            "- **ELMo**：双方向 LSTM（BiLSTM）による言語モデル。各層の状態をタスクのモデルに特徴として加えます。"
            "事前学習した言語モデルの上にタスク用の層を載せる点で GPT-1（や後の BERT）に近く、BERT の論文でも構造が比較対象です。\n"
            "- **機械翻訳から得る表現**（CoVe など）：翻訳を学習した LSTM エンコーダ。特定の構文や文法に依存しない"
            "普遍的なベクトルになることを期待したものです。\n"
            "- **談話の一貫性（discourse coherence）**：2 つの文の順序などを判定するよう事前学習した（GRU ベースの）エンコーダ。\n\n"
            "GPT-1 は代わりに、テキスト自身を教師とする素直な自己回帰言語モデルを Transformer のデコーダだけで事前学習し、"
            "それをファインチューニングします。理由の 1 つは、再帰型モデルが GPU で学習しにくいことです。LSTM は hₜ₋₁ から hₜ を計算するので、"
            "系列の各位置は小さな計算が順につながった鎖になります。Transformer のブロックはすべての位置を少数の大きな行列積で一度に計算します。"
            "GPT-1 の表 5 では、補助 LM 付きの LSTM の平均は 69.1、Transformer は 74.7 です。アプリはこのページの LSTM ベースラインで"
            "同じ比較を学習します。`scripts/build_models.py --only step_times` で（測った日時とマシンの負荷は下に）、ほぼ同じ大きさの 2 つのモデルの学習 1 ステップを測りました：",
        ),
        "bg_col_model": ("model", "モデル"),
        "bg_col_params": ("parameters", "パラメータ数"),
        "bg_col_chain": ("dependent steps per sequence", "系列あたりの依存ステップ数"),
        "bg_col_ms": ("ms per token (forward + backward)", "トークンあたり ms（順伝播 + 逆伝播）"),
        "bg_gpt": ("our GPT (class-demo: 4 layers × 128)", "自作 GPT（class-demo：4 層 × 128）"),
        "bg_lstm": ("our LSTM baseline (2 layers × 256)", "自作 LSTM ベースライン（2 層 × 256）"),
        "bg_measured": (
            "Per token the LSTM takes **{ratio:.2f}×** the GPT's time here (batch {batch} × {T} tokens): on a CPU with two "
            "busy cores the two are of the same order, because there is little parallel hardware for the Transformer to "
            "fill. The difference that matters on a GPU is structural: along one sequence the LSTM has {lc} updates that "
            "must wait for each other ({T} positions × 2 layers), the GPT {gc} (its layers). A GPU's thousands of cores are "
            "kept busy only by large independent products, which is what the Transformer offers.",
            "ここではトークンあたり LSTM は GPT の **{ratio:.2f} 倍** の時間です（バッチ {batch} × {T} トークン）。"
            "混み合った 2 コアの CPU では両者は同じ程度です。Transformer が埋められる並列なハードウェアがほとんどないからです。"
            "GPU で効く差は構造にあります：1 つの系列に沿って、LSTM には互いを待たねばならない更新が {lc} 回"
            "（{T} 位置 × 2 層）、GPT には {gc} 回（層の数）しかありません。数千のコアを持つ GPU を埋められるのは"
            "大きな独立した行列積だけで、それを与えるのが Transformer です。",
        ),
        "bg_where": ("Measured with python scripts/build_models.py --only step_times on {device}, {threads} threads, torch {torch}, "
                     "load average {load} (other processes share these cores), {when}.",
                     "python scripts/build_models.py --only step_times で測定：{device}、{threads} スレッド、torch {torch}、"
                     "ロードアベレージ {load}（他のプロセスもこのコアを使っています）、{when}。"),
        "bg_missing": ("The measurement file is missing: run python scripts/build_models.py --only step_times.",
                       "測定ファイルがありません。python scripts/build_models.py --only step_times を実行してください。"),
        # --- encoder–decoder page ---
        "align_claim": (
            "**Measured:** over {numbers:,} held-out numbers ({digits:,} digits said by a word; {zeros:,} zeros said by "
            "none are left out), a digit's strongest cross-attention (mean of the heads) falls on the word that says "
            "it **{rate:.0%}** of the time in layer {layer}, and {first:.0%} in layer 1. The most faithful head is "
            "layer {bl}, head {bh} ({best:.0%}). {so}",
            "**測定値：** 評価用の {numbers:,} 個の数（語で表される数字 {digits:,} 個。どの語も表さない 0 の {zeros:,} 個は除外）で、"
            "各数字のクロスアテンション（ヘッド平均）の最大の重みが、その数字を表す語に落ちる割合は、層 {layer} で **{rate:.0%}**、"
            "層 1 では {first:.0%} です。最も忠実なヘッドは層 {bl}・ヘッド {bh}（{best:.0%}）。{so}",
        ),
        "align_so_last": ("So in the last layer a digit usually reads its word; the first layer mostly does something else.",
                          "つまり、最後の層では数字はたいてい自分の語を読み、最初の層は主に別のことをしています。"),
        "align_so_most": ("So a digit usually reads its word in every layer.", "つまり、どの層でも数字はたいてい自分の語を読みます。"),
        "align_so_not": ("So “a digit usually reads the word that says it” does not hold for this model's last layer.",
                         "つまり、このモデルの最後の層では「数字はふつう自分を表す語を読む」とは言えません。"),
        "align_table": ("Rate per layer and head", "層・ヘッドごとの割合"),
        "align_col_layer": ("layer", "層"),
        "align_col_head": ("head {h}", "ヘッド {h}"),
        "align_col_mean": ("mean of heads", "ヘッド平均"),
        "align_def": (
            "The word that says a digit: three → 3, twenty → 2, a teen (nineteen) → both digits of 19; in Japanese 三 → 3, "
            "and 千/百/十 alone → an unspoken 1. The decoder is fed the true digits (teacher forcing), as in training.",
            "数字を表す語：three → 3、twenty → 2、十代の語（nineteen）は 19 の両方の数字。日本語では 三 → 3、"
            "単独の 千・百・十 は省略された 1。デコーダには正解の数字を入力します（学習時と同じ教師強制）。",
        ),
        "blocks_h": ("Encoder and decoder differ by more than the mask", "エンコーダとデコーダの違いはマスクだけではない"),
        "blocks_intro": (
            "The notes say the two differ only by the mask. The decoder's self-attention is masked, yes, but each "
            "decoder layer also has a **cross-attention** sub-layer (queries from the digits, keys and values from "
            "the encoder's output) that no encoder layer has. The shipped model's blocks, read from its modules:",
            "ノートでは両者の違いはマスクの有無だけとしています。デコーダの自己注意は確かにマスク付きですが、"
            "デコーダの各層にはエンコーダにない **クロスアテンション**（クエリは数字側、キーと値はエンコーダの出力）"
            "もあります。同梱モデルのブロックを、モジュールから読み出して並べます：",
        ),
        "blocks_col_side": ("side", "側"),
        "blocks_col_layer": ("layer", "層"),
        "blocks_col_name": ("sub-layer", "サブレイヤー"),
        "blocks_col_mask": ("mask", "マスク"),
        "blocks_col_params": ("parameters", "パラメータ数"),
        "side_encoder": ("encoder", "エンコーダ"),
        "side_decoder": ("decoder", "デコーダ"),
        "sub_self_attn": ("self-attention", "自己注意"),
        "sub_cross_attn": ("cross-attention → encoder output", "クロスアテンション → エンコーダ出力"),
        "sub_ff": ("feed-forward (FFN)", "フィードフォワード（FFN）"),
        "mask_padding": ("padding only", "パディングのみ"),
        "mask_causal": ("causal (no peeking ahead) + padding", "因果マスク（先を見ない）+ パディング"),
        "mask_none": ("—", "—"),
        "uses_h": ("What encoder–decoders are used for", "エンコーダ・デコーダの使いみち"),
        "uses_col_task": ("task", "タスク"),
        "uses_col_src": ("source (encoder reads)", "ソース（エンコーダが読む）"),
        "uses_col_tgt": ("target (decoder writes)", "ターゲット（デコーダが書く）"),
        "use_mt": ("translation", "翻訳"),
        "use_mt_src": ("今日は雨が降っている。", "今日は雨が降っている。"),
        "use_mt_tgt": ("It is raining today.", "It is raining today."),
        "use_chat": ("chatbot", "チャットボット"),
        "use_chat_src": ("user: Will it rain in Tokyo?", "ユーザー：東京は雨が降りますか？"),
        "use_chat_tgt": ("system: Yes, from the afternoon.", "システム：はい、午後から降ります。"),
        "use_sum": ("summarization", "要約"),
        "use_sum_src": ("a news article (hundreds of words)", "ニュース記事（数百語）"),
        "use_sum_tgt": ("its summary (one sentence)", "その要約（1 文）"),
        "use_num": ("this page", "このページ"),
        "use_num_src": ("three hundred twenty one", "三百二十一"),
        "use_num_tgt": ("3 2 1", "3 2 1"),
        "uses_note": (
            "The same two halves in every row: only the pairs of texts change. A chatbot can swap the roles "
            "(system utterance as source, user utterance as target) to model the user instead.",
            "どの行も同じ 2 つの部品で、変わるのはテキストの組だけです。チャットボットでは役割を入れ替え"
            "（システム発話をソース、ユーザー発話をターゲット）、ユーザー側をモデル化することもできます。",
        ),
        "sudachi_missing": ("Sudachi is not installed on this server, so this section is skipped.",
                            "このサーバーには Sudachi がインストールされていないため、この節は省略します。"),
        "note_computing": (
            "These numbers are being computed in the background (the copy shipped with the app was made from "
            "other inputs: run `make models` or `python scripts/build_models.py --only notes`). The rest of the "
            "page is ready; this section fills in when the work ends.",
            "この節の数値はバックグラウンドで計算中です（アプリに同梱の値は別の入力から作られたものです。"
            "`make models` または `python scripts/build_models.py --only notes` で作り直せます）。"
            "ページの他の部分はもう使えます。計算が終わるとこの節が表示されます。"),
        "note_computing_unshipped": (
            "These numbers are being computed in the background, once per server: this server has no shipped copy "
            "of them (some sections never ship one; the others come with `make models` or "
            "`python scripts/build_models.py --only notes`). The rest of the page is ready; this section fills in "
            "when the work ends.",
            "この節の数値はバックグラウンドで計算中です（サーバーごとに 1 回）。このサーバーには同梱の値がありません"
            "（同梱しない節もあります。それ以外は `make models` または `python scripts/build_models.py --only notes` "
            "で作れます）。ページの他の部分はもう使えます。計算が終わるとこの節が表示されます。"),
        "note_what": ("Computing", "計算"),
    },
)
