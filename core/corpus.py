"""The shipped bilingual corpus, user uploads, and the one train / held-out split used everywhere.

The corpus is original prose written for this project (assets/corpus/<lang>/*.txt, read in name
order). Variant spellings (１年生 / 1年生, りんご / リンゴ, ＡＩ / AI) occur in it on purpose so the
language-model pages can measure what normalization does.
"""
from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from core.errors import UserInputError
from core.textcheck import strip_controls

ASSETS = Path(__file__).resolve().parent.parent / "assets"
CORPUS_DIR = ASSETS / "corpus"
CORPUS_LANGS = ("en", "ja")

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # 5 MB: plenty for n-grams and a small GPT, bounded work
HELDOUT_FRACTION = 0.1
MAX_NAME_CHARS = 80  # a file name quoted back in a message is cut to this
MAX_CONTROL_FRACTION = 0.01  # more invisible control characters than this: not prose, refuse it


@functools.lru_cache(maxsize=4)
def load_shipped(lang: str) -> str:
    """The shipped corpus for `lang` ("en" or "ja"), all its files joined by blank lines."""
    if lang not in CORPUS_LANGS:
        raise ValueError(f"no shipped corpus for {lang!r}; choose one of {CORPUS_LANGS}")
    files = sorted((CORPUS_DIR / lang).glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no corpus files under {CORPUS_DIR / lang}")
    parts = [f.read_text(encoding="utf-8").strip() for f in files]
    return "\n\n".join(p for p in parts if p) + "\n"


def decode_upload(data: bytes, name: str = "upload.txt", max_bytes: int = MAX_UPLOAD_BYTES) -> str:
    """Bytes of an uploaded file -> its text, or a UserInputError that says what is wrong.

    The size is checked before anything is decoded; the whole file (not just its start) is checked for
    NUL bytes; control characters other than newline and tab are removed, or the file is refused when
    they are more than 1% of it. Quoted file names are cut and stripped of control characters (pages
    still show messages through an escaping renderer).
    """
    if not name.lower().endswith(".txt"):
        shown = strip_controls(name)[0][:MAX_NAME_CHARS]
        raise UserInputError(
            f"“{shown}” is not a .txt file: upload plain UTF-8 text.",
            f"「{shown}」は .txt ファイルではありません。UTF-8 のプレーンテキストをアップロードしてください。",
        )
    if len(data) > max_bytes:
        mb = max_bytes / 1024 / 1024
        raise UserInputError(
            f"The file is too large ({len(data) / 1024 / 1024:.1f} MB); the limit is {mb:.0f} MB.",
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f} MB）。上限は {mb:.0f} MB です。",
        )
    if b"\x00" in data:  # anywhere: a text file with a binary tail is not text either
        raise UserInputError(
            "The file looks binary (it contains NUL bytes), not text.",
            "このファイルはテキストではなくバイナリのようです（NUL バイトを含みます）。",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UserInputError(
            f"The file is not UTF-8 (byte {e.start}); save it as UTF-8 and upload again.",
            f"ファイルが UTF-8 ではありません（{e.start} バイト目）。UTF-8 で保存し直してください。",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = strip_controls(text)
    if removed > MAX_CONTROL_FRACTION * len(text) + 16:  # a few stray escapes in prose are fine
        raise UserInputError(
            f"The file has {removed:,} control characters: it looks binary, not like text.",
            f"制御文字が {removed:,} 個含まれています。テキストではなくバイナリのようです。",
        )
    if not text.strip():
        raise UserInputError("The file is empty.", "ファイルが空です。")
    return text


def split_train_heldout(text: str, heldout_fraction: float = HELDOUT_FRACTION) -> tuple[str, str]:
    """The last ~10% of the text (cut at a line break when there is one) is held out.

    A contiguous tail rather than random lines: held-out text is then text the model never saw,
    not lines interleaved with training lines from the same paragraph.
    >>> split_train_heldout("a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\ni\\nj\\n")
    ('a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\ni\\n', 'j\\n')
    """
    if not 0.0 < heldout_fraction < 1.0:
        raise ValueError("heldout_fraction must be in (0, 1)")
    cut = int(len(text) * (1.0 - heldout_fraction))
    newline = text.rfind("\n", 0, cut)
    # Use the line break only if it leaves a reasonable split (not everything held out).
    if newline > len(text) * 0.5:
        cut = newline + 1
    return text[:cut], text[cut:]


def corpus_id(text: str) -> str:
    """A short stable key for caching things trained on `text`."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
