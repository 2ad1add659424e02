"""Where trained tokenizers are kept: a small in-memory table in front of the one disk cache.

Training is cheap but not free (SentencePiece ~0.05 s, our BPE ~0.5 s on the shipped corpus), and a
page re-renders on every widget change, so each trained tokenizer is kept twice:
- in memory, keyed by (kind, corpus hash, settings), for this process: a dict lookup, no file read;
- on disk through `core.runtime.diskcache.get_or_build` (kind "tokenizers", so files live under
  `$ATLAS_CACHE_DIR/tokenizers/`), so a restart is instant. Its rules hold here too: atomic writes,
  one build per key when two sessions ask at once, unreadable files rebuilt, a read-only disk costs
  only the disk copy.

Keys carry the corpus hash, never the text, so a cache file name says what it was trained on. The
files stay inspectable: our BPE as JSON, SentencePiece as its own `.model` protobuf.

In front of the disk cache sits a read-only first layer: `assets/models/tokenizers/<key><suffix>.xz`,
the tokenizers the pages train at their default settings, built by
`scripts/build_models.py --only tokenizers` (so a first visitor waits for nothing). A shipped file is
used exactly when its key matches, i.e. same corpus hash and settings; a stale one is simply never
asked for. A damaged one is skipped (its key lands in `SHIPPED_DAMAGED` with the reason, and is logged)
and the tokenizer is built and cached as if nothing shipped.

Inside a `core.runtime.private` scope (an uploaded text) `memory()` is the scope and nothing is read from
or written to disk or the shipped folder: an upload's tokenizers, whose vocabularies reproduce its text,
stay with its session.
"""
from __future__ import annotations

import hashlib
import logging
import lzma
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable

from core.runtime import private
from core.runtime.diskcache import cache_path, get_or_build
from core.shipped.paths import MODELS_DIR

KIND = "tokenizers"  # the disk cache's folder for every trained tokenizer
SHIPPED_DIR = MODELS_DIR / "tokenizers"
SHIPPED_DAMAGED: dict[str, str] = {}  # key -> why its shipped file was not used (for a page or a test to say)
log = logging.getLogger(__name__)
_MAX_IN_MEMORY = 48  # a few corpora × the settings a class tries; each is ≤ a few MB


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


def memory() -> MemoryCache | private.Scope:
    """The table in effect: the current private scope's (an upload's work), else the process-wide MEMORY."""
    scope = private.current()
    return MEMORY if scope is None else scope


def shipped_path(key: str, suffix: str) -> Path:
    """The shipped copy of the cache file `<key><suffix>`, xz-compressed: SentencePiece models carry a
    ~240 KB normalization table that compresses 3x (`xz -dc` shows the original file)."""
    return SHIPPED_DIR / f"{key}{suffix}.xz"


def _shipped(key: str, suffix: str, from_bytes: Callable[[bytes], Any]) -> Any | None:
    """The shipped tokenizer of `key`, or None (not shipped, or damaged: noted, then built as usual)."""
    path = shipped_path(key, suffix)
    if not path.is_file():
        return None
    try:
        return from_bytes(lzma.decompress(path.read_bytes()))
    except Exception as e:  # noqa: BLE001 - a damaged shipped file costs a rebuild, never a traceback
        SHIPPED_DAMAGED[key] = f"{type(e).__name__}: {e}"[:200]
        log.warning("shipped tokenizer %s is damaged (%s): building it instead", path.name, SHIPPED_DAMAGED[key])
        return None


class NotReady(Exception):
    """Raised by `cached` inside `no_training()` when the tokenizer `key` would have to be trained."""


_LOCAL = threading.local()  # per thread: a page thread may refuse training while a job thread trains


@contextmanager
def no_training():
    """Within this block (in this thread), `cached` returns what is in memory, shipped or on disk, and raises
    `NotReady` instead of training: a page asks first, and hands the training to a background job."""
    before = getattr(_LOCAL, "refuse", False)
    _LOCAL.refuse = True
    try:
        yield
    finally:
        _LOCAL.refuse = before


def cached(key: str, suffix: str, build: Callable[[], Any], to_bytes: Callable[[Any], bytes],
           from_bytes: Callable[[bytes], Any]) -> Any:
    """Memory, then the shipped file, then disk, then `build()`; whatever is built is stored in memory and disk.

    The disk side is `get_or_build`: a damaged file is rebuilt, never trusted, and a disk that cannot
    be written still returns the tokenizer (it is then kept in memory only).
    """
    scope = private.current()
    if scope is not None:  # an upload's tokenizer: its session's table only, never shipped nor on disk
        hit = scope.get(key)
        if hit is None:
            if getattr(_LOCAL, "refuse", False):
                raise NotReady(key)
            hit = build()
            scope.put(key, hit)
        return hit
    hit = MEMORY.get(key)
    if hit is not None:
        return hit
    obj = _shipped(key, suffix, from_bytes)
    if obj is None and getattr(_LOCAL, "refuse", False):
        # Read the disk file directly, not through get_or_build: that would wait on the key's lock while a
        # job trains it. Files are written atomically, so a reader never sees half of one.
        try:
            obj = from_bytes(cache_path(KIND, key, suffix).read_bytes())
        except Exception:  # noqa: BLE001 - missing or damaged: the job (re)builds it
            raise NotReady(key) from None
    if obj is None:
        obj, _info = get_or_build(KIND, key, build, dump=to_bytes, load=from_bytes, suffix=suffix)
    MEMORY.put(key, obj)
    return obj

