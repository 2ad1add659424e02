"""The one disk cache: get-or-build an artifact by key, with atomic writes, shared by everything.

Things worth building once per machine (tokenizers, the encoder-decoder, fine-tuning runs,
checkpoints) live under `$ATLAS_CACHE_DIR` (default `<repo>/.cache/atlas`, git-ignored; tests point it
at a temp folder), one folder per kind: `<root>/<kind>/<key><suffix>`. Formats stay inspectable
(JSON, safetensors, SentencePiece models): the caller says how to turn its object into bytes and back.

    value, info = get_or_build("tokenizers", key, build, dump=..., load=..., suffix=".json")

- A file that cannot be read back (truncated, an older format) is rebuilt, never trusted.
- Two threads asking for the same key build it once: the second waits for the first and reads its
  result (one lock per key; different keys build in parallel). A key's lock exists only while someone
  holds or waits for it, so the table stays as small as the builds in flight (a server that saw
  thousands of keys keeps no lock for any of them).
- A cache that cannot be written (read-only folder, full disk) costs only the cache: the value is
  still returned, with `info.stored = False` and `info.error` saying why, so a page can say the result
  will not be kept.
- A process killed mid-write leaves a `.tmp-*` file; `clean_stale_tmp()` removes old ones at start.
- Bounded: a kind that `get_or_build` stores into keeps at most `max_kind_bytes()` (512 MiB, or
  `$ATLAS_CACHE_MAX_MB`); past that its least recently used files go (`trim`). A read marks a file used,
  so what a class keeps opening stays; a file used in the last `TRIM_SPARE_S` seconds is never removed,
  so a reader that just found it is not left without it. Typed sentences, uploaded corpora and settings
  make keys without end on a shared server: unbounded, a term of classes would only ever add files.
- Private: while a `core.runtime.private` scope is current (work on an uploaded text), nothing is read
  from or written to disk: the value is kept in the scope (`info.stored` True, `info.path` never written),
  so what an upload builds goes with its session.
"""
from __future__ import annotations

import os
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from core.runtime import private

_REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")
# per kind: every shipped-size artifact (a 17 MB zero-shot table, 14 MB of tokenizers) fits many times
DEFAULT_MAX_MB = 512
TRIM_SPARE_S = 300.0  # files used this recently are kept even over the budget (a reader may be about to open them)


def max_kind_bytes() -> int:
    """The budget of one kind's folder, in bytes: `$ATLAS_CACHE_MAX_MB` MiB (read each time, for tests)."""
    try:
        mb = float(os.environ.get("ATLAS_CACHE_MAX_MB", DEFAULT_MAX_MB))
    except ValueError:
        mb = DEFAULT_MAX_MB
    return max(0, int(mb * 2**20))


def cache_root() -> Path:
    """The cache folder; read from the environment each time, so tests can move it."""
    return Path(os.environ.get("ATLAS_CACHE_DIR", str(_REPO / ".cache" / "atlas")))


def write_atomic(path: Path, data: bytes, durable: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder, so a reader never sees half a
    file; `durable` also fsyncs before the rename (for checkpoints that must survive a crash)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes the file private; these are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class CacheInfo:
    """Where an artifact came from: `hit` (read from disk), `stored` (now on disk), `error` (why not)."""

    path: Path
    hit: bool
    stored: bool
    error: str | None = None


_LOCKS: dict[tuple[str, str], list] = {}  # (kind, key) -> [its lock, threads holding or waiting for it]
_LOCKS_GUARD = threading.Lock()


@contextmanager
def _lock_for(kind: str, key: str) -> Iterator[None]:
    """Hold the one lock of (kind, key); its entry goes when the last holder or waiter leaves."""
    with _LOCKS_GUARD:
        entry = _LOCKS.setdefault((kind, key), [threading.Lock(), 0])
        entry[1] += 1
    try:
        with entry[0]:
            yield
    finally:
        with _LOCKS_GUARD:
            entry[1] -= 1
            if entry[1] == 0:
                del _LOCKS[(kind, key)]


def locks_held() -> int:
    """Keys with a lock right now (held or waited for): the table's whole size."""
    with _LOCKS_GUARD:
        return len(_LOCKS)


def cache_path(kind: str, key: str, suffix: str = "") -> Path:
    """`<root>/<kind>/<key><suffix>`; `kind` and `key` must be plain file names (no separators)."""
    for part in (kind, key):
        if not part or "/" in part or "\\" in part or part in (".", "..") or part.startswith(".tmp-"):
            raise ValueError(f"cache kind/key must be a plain file name, got {part!r}")
    return cache_root() / kind / f"{key}{suffix}"


def get_or_build(kind: str, key: str, build: Callable[[], T], dump: Callable[[T], bytes],
                 load: Callable[[bytes], T], suffix: str = "", durable: bool = False
                 ) -> tuple[T, CacheInfo]:
    """The artifact `kind`/`key`: read from disk if there and readable, else `build()` and store it.

    `load` raising any exception means "not usable": the artifact is rebuilt and overwritten.
    """
    path = cache_path(kind, key, suffix)
    scope = private.current()
    if scope is not None:  # an upload's work: its session's table, never the disk
        hit = scope.get(("disk", kind, key, suffix))
        if hit is not None:
            return hit, CacheInfo(path, hit=True, stored=True)
        value = build()
        scope.put(("disk", kind, key, suffix), value)
        return value, CacheInfo(path, hit=False, stored=True)
    with _lock_for(kind, key):
        if path.is_file():
            try:
                value = load(path.read_bytes())
            except Exception:  # noqa: BLE001 - a damaged cache file is not the user's problem: rebuild
                pass
            else:
                _mark_used(path)
                return value, CacheInfo(path, hit=True, stored=True)
        value = build()
        try:
            write_atomic(path, dump(value), durable=durable)
        except OSError as e:  # read-only or full disk: keep the value, say it was not kept
            return value, CacheInfo(path, hit=False, stored=False, error=f"{type(e).__name__}: {e.strerror or e}")
    trim(kind)  # outside the key's lock: other keys' readers are protected by TRIM_SPARE_S, not by it
    return value, CacheInfo(path, hit=False, stored=True)


def _mark_used(path: Path) -> None:
    """A read counts as a use for `trim` (mtime, since atime is often not kept: noatime/relatime mounts)."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache: nothing is trimmed there either


def trim(kind: str, max_bytes: int | None = None, spare_s: float = TRIM_SPARE_S) -> int:
    """Remove the least recently used files of `kind` (by mtime: written or read) until its folder holds at
    most `max_bytes` (default `max_kind_bytes()`); files used in the last `spare_s` seconds stay whatever the
    size. Only plain files at the top of the folder count (not `.tmp-*` writes in flight). Returns the count."""
    budget = max_kind_bytes() if max_bytes is None else max_bytes
    folder = cache_root() / kind
    files = []
    try:
        with os.scandir(folder) as it:
            for e in it:
                if e.name.startswith(".tmp-") or not e.is_file(follow_symlinks=False):
                    continue
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                files.append((st.st_mtime, st.st_size, e.path))
    except OSError:
        return 0
    total = sum(size for _, size, _ in files)
    if total <= budget:
        return 0
    now, removed = time.time(), 0
    for mtime, size, p in sorted(files):  # oldest use first
        if total <= budget or now - mtime < spare_s:
            break
        try:
            os.unlink(p)
        except OSError:
            continue
        total -= size
        removed += 1
    return removed


def clean_stale_tmp(max_age_s: float = 3600.0, root: Path | None = None) -> int:
    """Remove `.tmp-*` files older than `max_age_s` under the cache root (left by a killed writer).

    Young ones may belong to a writer that is still running, so they are left alone. Returns the count.
    """
    base = root or cache_root()
    if not base.is_dir():
        return 0
    now, removed = time.time(), 0
    for p in base.rglob(".tmp-*"):
        try:
            if p.is_file() and now - p.stat().st_mtime > max_age_s:
                p.unlink()
                removed += 1
        except OSError:
            pass
    return removed
