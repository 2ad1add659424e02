"""Tokenizers: human-defined splits (whitespace, characters, bytes, MeCab) and learned ones (BPE,
SentencePiece). All share the small interface of `base.Tokenizer`."""
