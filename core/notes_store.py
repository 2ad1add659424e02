"""The notes sections' numbers, shipped precomputed: read when their inputs still match, else computed
in a background job (never in the page thread).

A note is a value derived from shipped things only (the corpus, a shipped model, fixed settings): the
Sudachi counts of the Japanese corpus, the "X at I with Y at J" pair counts, the dict-lookup analogies on
the shipped GPT, the encoder–decoder's alignment rates, the √d_k study. Computing one costs 0.3–3 s on
a busy 2-core CPU, too much for a first open, so `scripts/build_models.py --only notes` writes each one
to `assets/models/notes/<name>.json`:

    {"name": ..., "inputs": {...}, "inputs_hash": "…", "value": ..., "wall_s": ..., "command": ...}

`inputs` spells out everything the value depends on (corpus hash, model weights' digest, library
versions, the settings); a page builds today's `Note` and `note_or_job(note)` gives:
- the shipped value when `inputs_hash` matches today's (a dict lookup after the first read);
- else the value from memory or the disk cache (`$ATLAS_CACHE_DIR/notes/<name>-<hash>.json`);
- else a `NoteJob` computing it, shared by every session asking for the same inputs (`JobRegistry`),
  counted in the process-wide limit, with a Cancel; its value lands in the disk cache.

    note = Note("pairs-en", {"corpus": "3d65…"}, lambda: {"n": 3})
    got = note_or_job(note)        # the value, or the NoteJob computing it
"""
from __future__ import annotations

import functools
import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from core.errors import UserInputError
from core.runtime.diskcache import cache_path, get_or_build
from core.runtime.jobs import BackgroundJob, JobRegistry
from core.shipped.paths import MODELS_DIR

NOTES_VERSION = 1  # bump when the file format (not a note's inputs) changes: every shipped note goes stale
NOTES_DIR = MODELS_DIR / "notes"
KIND = "notes"  # the disk cache's folder for notes computed on this machine
REGISTRY = JobRegistry()
_MEMORY: dict[str, Any] = {}  # key -> value, for this process (a note is a few KB; a few dozen keys at most)
_MEMORY_LOCK = threading.Lock()


@dataclass(frozen=True)
class Note:
    """One note: its file name, what its value depends on (JSON-able), and how to compute it (-> JSON-able)."""

    name: str
    inputs: dict
    compute: Callable[[], Any]

    @property
    def inputs_hash(self) -> str:
        return inputs_hash(self.inputs)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.inputs_hash}"


def inputs_hash(inputs: dict) -> str:
    """A short stable hash of a note's inputs (and of NOTES_VERSION).

    >>> inputs_hash({"a": 1, "b": [2]}) == inputs_hash({"b": [2], "a": 1})
    True
    """
    blob = json.dumps([NOTES_VERSION, inputs], sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def model_digest(model) -> str:
    """A hash of a model's weights and buffers (name order), so a note knows which weights it was computed on."""
    h = hashlib.sha1()
    for name, t in sorted(model.state_dict().items()):
        h.update(name.encode())
        h.update(t.detach().cpu().float().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


def note_path(name: str, folder: Path | None = None) -> Path:
    return (folder or NOTES_DIR) / f"{name}.json"


@functools.lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> dict | None:
    """A shipped note file, parsed once per (path, mtime, size); None when unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "value" in data else None


def shipped_record(name: str, folder: Path | None = None) -> dict | None:
    """The shipped file of note `name` as written by `record` (None if missing or unreadable)."""
    path = note_path(name, folder)
    try:
        st = path.stat()
    except OSError:
        return None
    return _read(str(path), st.st_mtime_ns, st.st_size)


def shipped(note: Note, folder: Path | None = None) -> Any | None:
    """The shipped value of `note` when it was computed from today's inputs, else None."""
    data = shipped_record(note.name, folder)
    if data is None or data.get("inputs_hash") != note.inputs_hash:
        return None
    return data["value"]


def record(note: Note, value: Any, wall_s: float, command: str) -> dict:
    """What build_models writes for a note (the value must survive a JSON round trip unchanged)."""
    return {"name": note.name, "inputs": note.inputs, "inputs_hash": note.inputs_hash, "notes_version": NOTES_VERSION,
            "value": value, "wall_s": round(wall_s, 3), "command": command}


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _remember(key: str, value: Any) -> Any:
    with _MEMORY_LOCK:
        _MEMORY[key] = value
    return value


def ready(note: Note) -> Any | None:
    """The value without computing anything: shipped, in memory, or in the disk cache; else None."""
    value = shipped(note)
    if value is not None:
        return value
    with _MEMORY_LOCK:
        if note.key in _MEMORY:
            return _MEMORY[note.key]
    path = cache_path(KIND, note.key, ".json")
    try:
        return _remember(note.key, json.loads(path.read_bytes()))
    except (OSError, ValueError):
        return None


class NoteJob(BackgroundJob):
    """Computes one note off the page thread and keeps it in the disk cache; `result` once finished."""

    what = ("Computing the numbers of this section", "この節の数値の計算")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, note: Note, threads: int | None = None):
        super().__init__(threads, label=f"note {note.key}")
        self.note = note
        self.result: Any | None = None

    def work(self) -> str:
        self.set_progress(0.0, 1.0)
        value, info = get_or_build(KIND, self.note.key, self.note.compute, dump=_dump, load=json.loads, suffix=".json")
        if not info.stored:
            self.set_message(UserInputError(
                f"The result could not be kept on disk ({info.error}); it is shown, and computed again after a "
                "restart.", "結果をディスクに保存できませんでした。表示はしますが、再起動後はもう一度計算します。"))
        with self._lock:
            self.result = _remember(self.note.key, value)
        self.set_progress(1.0)
        return "finished"


def note_or_job(note: Note, start: bool = True) -> Any | NoteJob | None:
    """The value at once if shipped or computed before, else the job computing it (started when none
    runs and `start`; a stopped or failed job is returned as it is). TooManyTrainings propagates."""
    value = ready(note)
    if value is not None:
        return value
    job = REGISTRY.get(note.key)
    if job is not None and job.result is not None:
        return job.result
    if job is None and start:
        job = REGISTRY.get_or_start(note.key, lambda: NoteJob(note))
    return job


def restart(note: Note) -> NoteJob:
    return REGISTRY.get_or_start(note.key, lambda: NoteJob(note))
