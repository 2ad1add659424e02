"""Where trained tokenizers are kept: a small in-memory table and files under the cache folder.

Training is cheap but not free (SentencePiece ~0.05 s, our BPE ~0.5 s on the shipped corpus), and a
page re-renders on every widget change, so each trained tokenizer is kept twice:
- in memory, keyed by (kind, corpus hash, settings), for this process;
- on disk under `$ATLAS_CACHE_DIR/tokenizers/` (default `<repo>/.cache/atlas`), so a restart is instant.

Keys carry the corpus hash, never the text, so a cache file name says what it was trained on.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from core.runtime.diskcache import cache_root, write_atomic

_MAX_IN_MEMORY = 48


def cache_dir() -> Path:
    """The folder for trained tokenizers (created on first use). Read each time: tests change it."""
    return cache_root() / "tokenizers"


def text_hash(text: str) -> str:
    """A stable short hash of a training text (same as core.corpus.corpus_id)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def cache_key(kind: str, text: str, **settings: Any) -> str:
    """'kind-<corpus hash>-<settings hash>': safe as a file name.

    >>> cache_key("spm", "abc", vocab_size=8) == cache_key("spm", "abc", vocab_size=8)
    True
    """
    conf = ",".join(f"{k}={settings[k]!r}" for k in sorted(settings))
    return f"{kind}-{text_hash(text)}-{hashlib.sha1(conf.encode()).hexdigest()[:10]}"


class MemoryCache:
    """A thread-safe LRU table key -> object (pages run in several script threads)."""

    def __init__(self, max_entries: int = _MAX_IN_MEMORY):
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: str) -> Any | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


MEMORY = MemoryCache()


def cached(key: str, suffix: str, build: Callable[[], Any], to_bytes: Callable[[Any], bytes],
           from_bytes: Callable[[bytes], Any]) -> Any:
    """Memory, then disk, then `build()`; whatever is built is stored in both.

    A cache file that cannot be read (truncated, an older format) is rebuilt, never trusted.
    """
    hit = MEMORY.get(key)
    if hit is not None:
        return hit
    path = cache_dir() / f"{key}{suffix}"
    obj = None
    if path.is_file():
        try:
            obj = from_bytes(path.read_bytes())
        except Exception:  # a damaged cache file is not the user's problem: rebuild it
            obj = None
    if obj is None:
        obj = build()
        try:
            write_atomic(path, to_bytes(obj))
        except OSError:  # a read-only disk only costs us the disk cache
            pass
    MEMORY.put(key, obj)
    return obj
