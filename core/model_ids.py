"""Model ids typed by a user: a Hugging Face style id, or the name of a folder in the models directory.

A text box that accepted any path would tell a visitor which server folders exist ("/root/.ssh: the
folder has no config.json") and let them point the loader anywhere. So the only accepted forms are
`name` or `org/name` in Hugging Face's character set and lengths: `models_dir() / id` is then always
inside the models directory (`$ATLAS_MODELS_DIR`, default `<repo>/models`), and anything else is
looked up in this machine's Hugging Face cache, offline. Messages never show a server path.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from core.errors import UserInputError

# Read by huggingface_hub when it is first imported: no request off the machine, ever.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

MAX_ID_CHARS = 96 + 1 + 96  # Hugging Face: owner and name of at most 96 characters each
# A Hugging Face repo id: [owner/]name, each part letters, digits, '-', '_', '.', not starting or
# ending with '-' or '.', no '--' or '..' (so never '..' or an absolute path).
_ID_PART = r"(?!.*(--|\.\.))[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
HF_ID = re.compile(rf"(?:{_ID_PART}/)?{_ID_PART}")


def models_dir() -> Path:
    """Where local model folders may live (read each time, so tests and deployments can move it)."""
    return Path(os.environ.get("ATLAS_MODELS_DIR", str(Path(__file__).resolve().parents[1] / "models")))


def check_model_id(text: str) -> str:
    """A typed model id, stripped and checked: `org/name` or `name`, Hugging Face's characters only.

    >>> check_model_id("  sentence-transformers/all-MiniLM-L6-v2 ")
    'sentence-transformers/all-MiniLM-L6-v2'
    >>> [bool(HF_ID.fullmatch(s)) for s in ("/root/.ssh", "../x", "a/b/c", "~/m", "a--b", "x" * 97)]
    [False, False, False, False, False, False]
    """
    name = (text or "").strip()
    if not name:
        raise UserInputError("Type a model id (e.g. bert-base-uncased or org/name).",
                             "モデル ID（例：bert-base-uncased や org/name）を入力してください。")
    if len(name) > MAX_ID_CHARS or not HF_ID.fullmatch(name):
        raise UserInputError(
            "This is not a model id: use a Hugging Face id like org/name (letters, digits, - _ . only, at most "
            "96 characters per part) or the name of a folder in the models directory.",
            "モデル ID ではありません。org/name のような Hugging Face の ID（英数字と - _ . のみ、各部分 96 文字まで）"
            "か、models ディレクトリ内のフォルダ名を入力してください。",
        )
    return name


def resolve_model_id(text: str, required_file: str | None = "config.json") -> tuple[str, str]:
    """(what transformers should open, the id to show): a folder under models_dir() or the id itself."""
    name = check_model_id(text)
    folder = models_dir() / name
    if folder.is_dir():  # the id's characters cannot leave models_dir(): no '..', no leading '/'
        if required_file and not (folder / required_file).is_file():
            raise UserInputError(f"Cannot load “{name}”: its folder in the models directory has no {required_file}.",
                                 f"「{name}」を読み込めません：models ディレクトリ内のフォルダに {required_file} "
                                 "がありません。")
        return str(folder), name
    return name, name
