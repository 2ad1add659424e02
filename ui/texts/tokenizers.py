"""What the tokenizer rows of two pages share: each tokenizer's name, and the chips' "… and N more". Used by the
Compare page (views/tok_compare/) and the production rows (ui/tok_production.py, on Compare and on BPE step by step)."""
from core.i18n import Catalog

T = Catalog(
    "tokenizers",
    {
        "more": ("… and {n:,} more", "… ほか {n:,} 個"),
        "name_whitespace": ("Whitespace", "空白で区切る"),
        "name_chars": ("Characters", "文字"),
        "name_bytes": ("UTF-8 bytes", "UTF-8 バイト"),
        "name_mecab": ("MeCab morphemes", "MeCab 形態素"),
        "name_sudachi": ("Sudachi morphemes (mode C)", "Sudachi 形態素（C 単位）"),
        "name_bpe_words": ("Our BPE on words", "私たちの BPE（単語・形態素の上で）"),
        "name_bpe_raw": ("Our BPE on raw text", "私たちの BPE（生の文字列で）"),
        "name_spm_bpe": ("SentencePiece BPE", "SentencePiece BPE"),
        "name_spm_unigram": ("SentencePiece unigram", "SentencePiece unigram"),
    },
)
