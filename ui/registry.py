"""Every page of the app: its section, file, title (both languages) and icon.

A page is a folder, `views/<name>/page.py`, and `<name>` is its URL too (`/lm_chain_rule?...`): Streamlit would
name every `page.py` "page", so app.py, the lesson and the presenter pass `url_path=url_path(path)` to `st.Page`.
app.py builds the navigation from this list; the home page links each entry; tests walk it.
Every entry's file must exist (tests/test_app_shell.py): a page deleted or moved without its entry fails there,
instead of vanishing from the app and from every test that walks the list.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageEntry:
    section: str  # key in ui.texts.common: sec_*
    path: str  # relative to the repository root
    title: tuple[str, str]  # (English, 日本語)
    icon: str
    blurb: tuple[str, str]  # one line for the home page map
    warm: str = ""  # "module:function" a server runs before its first visitor (ui.preload), filling the page's caches

    def exists(self) -> bool:
        return (ROOT / self.path).is_file()

    @property
    def name(self) -> str:
        """The page's one name: its folder, its URL path, its text catalog's."""
        return url_path(self.path)


def url_path(path: str) -> str:
    """'views/lm_chain_rule/page.py' -> 'lm_chain_rule', the page's URL path (the old file stem, so links last)."""
    parts = Path(path).parts
    if len(parts) != 3 or parts[0] != "views" or parts[2] != "page.py":
        raise ValueError(f"a page is views/<name>/page.py, not {path!r}")
    return parts[1]


PAGES: list[PageEntry] = [
    PageEntry("sec_start", "views/home/page.py", ("Home", "ホーム"), ":material/map:",
              ("The journey from language models to GPT-1.", "言語モデルから GPT-1 までの道のり。")),
    PageEntry("sec_lm", "views/lm_chain_rule/page.py", ("Chain rule", "連鎖律"), ":material/link:",
              ("P(w) = Π P(wᵢ | w<ᵢ) on your own sentence.", "自分の文で P(w) = Π P(wᵢ | w<ᵢ) を計算。")),
    PageEntry("sec_lm", "views/lm_ngram/page.py", ("n-gram models", "n-gram モデル"), ":material/grid_on:",
              ("Markov assumption, smoothing, held-out perplexity, sampling.",
               "マルコフ性の仮定・スムージング・held-out パープレキシティ・文の生成。")),
    PageEntry("sec_lm", "views/lm_entropy/page.py", ("Entropy & perplexity", "エントロピーとパープレキシティ"),
              ":material/casino:",
              ("Shape a distribution; watch H and PP = 2^H.", "分布を動かして H と PP = 2^H を見る。")),
    PageEntry("sec_lm", "views/lm_normalization/page.py", ("Normalization", "正規化"), ":material/join:",
              ("１年生 / 1年生: merging variants lowers perplexity.",
               "１年生 / 1年生：表記ゆれをまとめるとパープレキシティが下がる。")),
    PageEntry("sec_tok", "views/tok_compare/page.py", ("Compare tokenizers", "トークナイザ比較"),
              ":material/splitscreen:",
              ("Whitespace, characters, bytes, MeCab, BPE, SentencePiece side by side.",
               "空白・文字・バイト・MeCab・BPE・SentencePiece を並べて比較。")),
    PageEntry("sec_tok", "views/tok_bpe/page.py", ("BPE step by step", "BPE を一歩ずつ"), ":material/merge:",
              ("Watch BPE learn its merges, and replay them on a sentence.", "BPE がマージを学ぶ様子と、その再生。")),
    PageEntry("sec_tok", "views/tok_sweep/page.py", ("Vocabulary size", "語彙サイズ"), ":material/tune:",
              ("Tokens per character against vocabulary size.", "語彙サイズと 1 文字あたりのトークン数。")),
    PageEntry("sec_tf", "views/tf_positional/page.py", ("Positional encoding", "位置エンコーディング"),
              ":material/waves:",
              ("Sinusoids, similarity by distance, and the rotation M_k.", "正弦波・距離と類似度・回転行列 M_k。")),
    PageEntry("sec_tf", "views/tf_attention/page.py",
              ("Scaled dot-product attention", "Scaled Dot-Product Attention"),
              ":material/center_focus_strong:",
              ("Q, K, V, softmax and ÷√d_k, step by step.", "Q・K・V・softmax・÷√d_k を一歩ずつ。")),
    PageEntry("sec_tf", "views/tf_multihead/page.py", ("Multi-head attention", "マルチヘッド注意"),
              ":material/view_module:",
              ("Every head of every layer, on your sentence; bertviz views.",
               "全レイヤー・全ヘッドの注意と bertviz。")),
    PageEntry("sec_tf", "views/tf_encoder_decoder/page.py", ("Encoder–decoder", "エンコーダ・デコーダ"),
              ":material/translate:", ("A real encoder–decoder translates words to digits: cross-attention.",
                                       "本物のエンコーダ・デコーダが数詞を数字に翻訳：クロスアテンション。")),
    PageEntry("sec_gpt", "views/gpt_gelu/page.py", ("GELU", "GELU"), ":material/show_chart:",
              ("GELU, its tanh and sigmoid approximations, and their errors.",
               "GELU と tanh・sigmoid 近似、その誤差。")),
    PageEntry("sec_gpt", "views/gpt_residual/page.py", ("Residual stream", "残差ストリーム"), ":material/alt_route:",
              ("What each block adds to the stream; the loss without a skip connection.",
               "各ブロックがストリームに足すもの、スキップ接続を外したときの損失。")),
    PageEntry("sec_gpt", "views/gpt_train/page.py", ("Train GPT-1 live", "GPT-1 をその場で学習"),
              ":material/model_training:",
              ("A small GPT-1 trained in your browser session.", "小さな GPT-1 をブラウザから学習。")),
    PageEntry("sec_gpt", "views/gpt_inside/page.py", ("Inside the prediction", "予測の内側"), ":material/insights:",
              ("Next-token sampling, the logit lens, knocking out heads.",
               "次トークンのサンプリング・ロジットレンズ・ヘッドの停止。")),
    PageEntry("sec_gpt", "views/gpt_finetune/page.py", ("Fine-tuning & ablations", "ファインチューニングと比較実験"),
              ":material/science:", ("Fine-tune with an auxiliary LM loss; the paper's ablations, reproduced.",
                                     "補助 LM 損失つきファインチューニングと論文の比較実験の再現。")),
    PageEntry("sec_gpt", "views/gpt_tasks/page.py", ("Task formats & transfer", "タスク形式と転移"),
              ":material/account_tree:",
              ("One pre-trained model, four input formats (entailment, similarity, choice); Figure 2.",
               "一つの事前学習モデルと四つの入力形式（含意・類似度・多肢選択）、図 2。"),
              warm="views.gpt_tasks.shipped:warm"),
]

SECTIONS = ["sec_start", "sec_lm", "sec_tok", "sec_tf", "sec_gpt"]

