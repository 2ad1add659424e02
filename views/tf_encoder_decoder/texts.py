from core.i18n import Catalog

T = Catalog(
    "tf_encoder_decoder",
    {
        "title": ("Encoder–decoder and cross-attention", "エンコーダ・デコーダとクロスアテンション"),
        "intro": (
            "The original Transformer translates: an **encoder** reads the whole source, a **decoder** writes the "
            "target one token at a time. The decoder's masked self-attention sees only the tokens it has already "
            "written; its **cross-attention** reads the encoder's output. Here a small encoder–decoder is really "
            "trained (on this machine, in seconds) to translate a number written in words into digits, so you can "
            "see which source words each digit reads.",
            "元の Transformer は翻訳モデルです。**エンコーダ**が入力文全体を読み、**デコーダ**が出力を 1 トークンずつ"
            "書きます。デコーダのマスク付き自己注意はすでに書いたトークンだけを見て、**クロスアテンション**で"
            "エンコーダの出力を読みます。ここでは小さなエンコーダ・デコーダを（このマシンで数秒で）実際に学習させ、"
            "数詞を数字に翻訳させます。各数字がどの語を読んでいるかが見えます。",
        ),
        "source_lang": ("Source language", "入力の言語"),
        "src_en": ("English number words", "英語の数詞"),
        "src_ja": ("Japanese kanji numerals", "漢数字"),
        "input": ("A number in words (0–9999)", "数詞（0〜9999）"),
        "preset": ("Examples", "例"),
        "preparing": ("A model is being prepared: the encoder–decoder trains in the background (once on this "
                      "server; then it is cached on disk). You can leave this page and come back.",
                      "モデルを準備中です。エンコーダ・デコーダを裏で学習しています（このサーバーで初回のみ。以後は"
                      "ディスクにキャッシュ）。このページを離れて戻ってきても続きます。"),
        "progress": ("Training: step {step:,} of {total:,}", "学習中：{total:,} ステップ中 {step:,}"),
        "progress_loss": (" · loss {loss:.3f}", "・損失 {loss:.3f}"),
        "eta": (" · about {secs:.0f} s left", "・残り約 {secs:.0f} 秒"),
        "cancel": ("Cancel training", "学習を中止"),
        "cancelled": ("Training was cancelled. Nothing is shown until a model is trained.",
                      "学習を中止しました。モデルを学習するまで何も表示されません。"),
        "train_again": ("Train the model", "モデルを学習する"),
        "trained": ("Trained for {steps:,} steps in {secs:.1f} s", "{steps:,} ステップ学習（{secs:.1f} 秒）"),
        "accuracy": ("Held-out exact match", "未学習データでの完全一致率"),
        "accuracy_help": ("Share of {n:,} numbers translated exactly. They were set aside before any training pair "
                          "was drawn, so the model never saw them.",
                          "{n:,} 個の数のうち、正しく翻訳できた割合。学習用の組を引く前に取り分けた数なので、"
                          "モデルは一度も見ていません。"),
        "final_loss": ("Final training loss", "最終の学習損失"),
        "output": ("Model output", "モデルの出力"),
        "truth": ("Correct answer", "正解"),
        "right": ("correct", "正解"),
        "wrong": ("wrong", "不正解"),
        "not_number": ("(these words are not a well-formed number)", "（これらの語は正しい数の表記ではありません）"),
        "layer": ("Layer", "レイヤー"),
        "head": ("Head", "ヘッド"),
        "mean_heads": ("mean of heads", "全ヘッドの平均"),
        "cross_title": ("Cross-attention: digits (queries) read source words (keys)",
                        "クロスアテンション：数字（クエリ）が入力語（キー）を読む"),
        "cross_x": ("source word (encoder output)", "入力語（エンコーダ出力）"),
        "cross_y": ("decoder position → the token it predicts", "デコーダの位置 → 予測するトークン"),
        "cross_note": (
            "Each row is one decoder step and sums to 1. Does a digit read the word that says it (2 ← twenty)? "
            "Counted below over the held-out numbers, per layer; a 0 has no word of its own and reads its neighbours.",
            "各行はデコーダの 1 ステップで、合計は 1 です。数字は自分を表す語（2 ← 二）を読むのでしょうか？"
            "評価用の数で層ごとに数えた結果が下にあります。0 には対応する語がないので、周りの語を読みます。",
        ),
        "enc_title": ("Encoder self-attention (no mask: every word sees every word)",
                      "エンコーダの自己注意（マスクなし：全語が全語を見る）"),
        "dec_title": ("Decoder masked self-attention (a position sees only earlier ones)",
                      "デコーダのマスク付き自己注意（前の位置だけを見る）"),
        "key": ("key", "キー"),
        "query": ("query", "クエリ"),
        "steps_title": ("Decoding, left to right", "左から右へのデコード"),
        "steps_note": (
            "The notes' “masked target”: at step t the decoder sees <bos> and the digits written so far; the rest is "
            "masked. It appends its most likely token until it writes <eos>.",
            "ノートの「マスクされたターゲット」：ステップ t でデコーダが見るのは <bos> とそれまでに書いた数字だけで、"
            "残りはマスクされています。<eos> を書くまで最も確率の高いトークンを追加します。",
        ),
        "col_step": ("step", "ステップ"),
        "col_input": ("decoder input (visible)", "デコーダ入力（見える部分）"),
        "col_next": ("next token", "次のトークン"),
        "col_p": ("probability", "確率"),
        "loss_title": ("Training loss (cross-entropy per digit)", "学習損失（数字あたりの交差エントロピー）"),
        "loss_x": ("step", "ステップ"),
        "loss_y": ("loss (nats)", "損失（nats）"),
    },
)
