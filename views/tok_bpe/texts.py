from core.i18n import Catalog

T = Catalog(
    "tok_bpe",
    {
        "title": ("BPE step by step", "BPE を一歩ずつ"),
        "intro": (
            "Byte-pair encoding starts from characters and repeats one rule: find the most frequent adjacent "
            "pair of symbols in the corpus and merge it into a new symbol. The list of merges, in order, *is* "
            "the tokenizer. Frequent strings (巨人, 軍, *the*) become single pieces; rare words stay split into "
            "frequent pieces. Topics that matter to people do not matter to this count, only frequency does.",
            "バイト対符号化（BPE）は文字から始めて、同じ規則を繰り返します：コーパスで最も頻度の高い隣り合う記号の組を"
            "探し、新しい 1 つの記号にまとめる（マージ）。順番つきのマージの表がそのままトークナイザです。頻出の文字列"
            "（巨人、軍、*the*）は 1 つのピースになり、レアな単語は頻出のピースに分かれたままです。人間にとって重要な"
            "トピックかどうかは関係なく、頻度だけで決まります。",
        ),
        "mode": ("Learn on", "学習の単位"),
        "mode_words": ("words (spaces; MeCab morphemes for Japanese)", "単語（空白・日本語は MeCab の形態素）"),
        "mode_raw": ("raw text (space as a symbol ▁, like SentencePiece)", "生の文字列（空白も記号 ▁、SentencePiece 流）"),
        "merges": ("Number of merges", "マージ回数"),
        "merges_help": ("Each merge adds one symbol to the vocabulary.", "マージ 1 回ごとに語彙が 1 つ増えます。"),
        "training": ("Learning merges…", "マージを学習しています…"),
        "training_job": ("This corpus has no trained BPE yet: its merges are being learned in the background (shared "
                         "with anyone else who asks for the same corpus). Its characters are shown meanwhile.",
                         "このコーパスの BPE はまだ学習されていません。バックグラウンドでマージを学習中です（同じコーパスを"
                         "使う他の人とも共有されます）。その間は文字だけを表示します。"),
        "learned": (
            "Learned **{m:,}** merges from {c:,} distinct characters: vocabulary {v:,} "
            "(+256 byte ids used only for characters the corpus never showed).",
            "{c:,} 種類の文字から **{m:,}** 回のマージを学習しました。語彙は {v:,}"
            "（＋コーパスにない文字のための 256 個のバイト ID）。",
        ),
        "ran_out": (
            "You asked for {asked:,} merges, but after {m:,} no pair of symbols occurs twice in this corpus.",
            "{asked:,} 回のマージを指定しましたが、{m:,} 回で 2 回以上現れる記号の組がなくなりました。",
        ),
        "replay_h": ("Watch the merges on your sentence", "文の上でマージを再生する"),
        "text": ("Sentence", "文"),
        "text_help": ("Up to 300 characters are replayed.", "先頭 300 文字までを再生します。"),
        "step": ("Merge step", "マージのステップ"),
        "step_help": (
            "Step 0 is characters. Each step applies the next learned merge that occurs in the sentence.",
            "ステップ 0 は文字だけ。各ステップで、この文に現れる次のマージを 1 つ適用します。",
        ),
        "prev": ("◀ Back", "◀ 戻る"),
        "next": ("Next merge ▶", "次のマージ ▶"),
        "step0": ("Step 0: characters only — {n} tokens.", "ステップ 0：文字だけ — {n} トークン。"),
        "step_k": (
            "Step {k} of {total}: merge #{rank} **{a}** + **{b}** → **{ab}** (seen {count:,} times in the "
            "corpus when it was learned), applied {applied}× here — {n} tokens.",
            "ステップ {k} / {total}：マージ #{rank} **{a}** + **{b}** → **{ab}**（学習時にコーパスで {count:,} 回出現）、"
            "この文で {applied} か所に適用 — {n} トークン。",
        ),
        "no_merges": ("No learned merge occurs in this sentence: it stays as characters.",
                      "この文には学習したマージが 1 つも現れません。文字のままです。"),
        "table_h": ("The merge table", "マージの表"),
        "table_intro": (
            "In the order learned; the frequency is how often the pair occurred when it was chosen. "
            "The first {n:,} of {m:,} merges are listed.",
            "学習した順です。頻度は、その組が選ばれたときにコーパスで現れた回数です。{m:,} 個のうち先頭 {n:,} 個を表示。",
        ),
        "col_rank": ("#", "#"),
        "col_left": ("Left", "左"),
        "col_right": ("Right", "右"),
        "col_merged": ("Merged", "結合後"),
        "col_count": ("Frequency", "頻度"),
        "freq_title": ("Pair frequency at each merge", "各マージでの組の頻度"),
        "freq_x": ("Merge number", "マージの番号"),
        "freq_y": ("Frequency (log scale)", "頻度（対数目盛）"),
        "more": ("… and {n:,} more", "… ほか {n:,} 個"),
    },
)
