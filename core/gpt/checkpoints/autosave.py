"""Where a page's training keeps itself on disk, and how a restarted server finds it again.

One run (a lease token, core.runtime.sessions) owns two files under the cache folder:

    <cache>/autosave/<token>.safetensors   the resumable checkpoint (core.gpt.checkpoints.resume), rewritten atomically
    <cache>/autosave/<token>.corpus.json   {"name", "train", "heldout"}: the text it trains on, written once

so that after a restart (or after the lease's grace period ran out) the page can say "a training from
<time>, step N, was interrupted" from the checkpoint's header alone (`peek`, no tensor read), and resume
it on the same text. Tokens are checked before they become file names.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserInputError
from core.gpt.checkpoints import header as C
from core.runtime.diskcache import cache_path, write_atomic
from core.runtime.sessions import valid_token

KIND = "autosave"
MAX_CORPUS_JSON_BYTES = 64 * 1024 * 1024  # the corpus upload limit is far below this


@dataclass(frozen=True)
class Saved:
    """What the page shows about an autosaved training, read from its header."""

    step: int
    max_iters: int
    saved_at: float  # seconds since the epoch
    label: str

    @property
    def finished(self) -> bool:
        return self.step >= self.max_iters


def checkpoint_path(token: str) -> Path:
    if not valid_token(token):
        raise ValueError("not a run token")
    return cache_path(KIND, token, ".safetensors")


def corpus_path(token: str) -> Path:
    return checkpoint_path(token).with_suffix(".corpus.json")


def write_corpus(path: Path, name: str, train: str, heldout: str) -> None:
    write_atomic(path, json.dumps({"name": name, "train": train, "heldout": heldout}, ensure_ascii=False).encode(),
                 durable=True)


def read_corpus(token: str) -> tuple[str, str, str]:
    """(name, train, heldout) of the run's text, or a UserInputError when it is missing or damaged."""
    missing = UserInputError("The text this training used is no longer on the server, so it cannot be resumed.",
                             "この学習に使ったテキストがサーバーに残っていないため、再開できません。")
    try:
        path = corpus_path(token)
        if path.stat().st_size > MAX_CORPUS_JSON_BYTES:
            raise missing
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise missing from None
    if not (isinstance(d, dict) and all(isinstance(d.get(k), str) for k in ("name", "train", "heldout"))):
        raise missing
    return d["name"], d["train"], d["heldout"]


def peek(token: str) -> Saved | None:
    """The autosaved training of `token` from its header (no tensor read), or None if none is readable."""
    try:
        path = checkpoint_path(token)
        with open(path, "rb") as f:
            size = path.stat().st_size
            header, _ = C.read_header(f.read(8), size, f.read)
        meta = C.metadata(header)
        step = C.check_step(meta.get("step", "0"))
        train = json.loads(meta["train"])
        extra = json.loads(meta.get("extra", "{}"))
        max_iters, saved_at = train["config"]["max_iters"], train["saved_at"]
        label = extra.get("label") if isinstance(extra, dict) else ""
        if type(max_iters) is not int or type(saved_at) not in (int, float):
            return None
        return Saved(step, max_iters, float(saved_at), label if isinstance(label, str) else "")
    except (OSError, ValueError, KeyError, TypeError, UserInputError):
        return None


def discard(token: str) -> None:
    for p in (checkpoint_path(token), corpus_path(token)):
        p.unlink(missing_ok=True)
