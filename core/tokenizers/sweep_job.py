"""The vocabulary sweep without a wait: the default view ships, every other sweep runs in the background.

Training a dozen tokenizers takes 3–12 s on a 2-core CPU, too long for a page's first open. So:

- the default sweep of each shipped corpus (`default_request`) is computed by `make models`
  (`scripts/build_models.py --only sweep`) into `assets/models/sweep/sweep-<lang>.json` with its card
  (command, corpus hash, seconds) and read back in milliseconds (`shipped_result`);
- any other sweep (other sizes or tokenizers, an uploaded corpus) is a `SweepJob`: a BackgroundJob with
  progress, ETA and stop, kept in a process-wide registry keyed by the request (two sessions asking
  for the same sweep watch one run), its result cached on disk through `get_or_build`.

    got = result_or_job(request, train, heldout)   # SweepResult at once, or the SweepJob computing it
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

from core.errors import UserInputError
from core.runtime.diskcache import cache_path, get_or_build
from core.runtime import private
from core.runtime.jobs import BackgroundJob, JobRegistry, Stopped
from core.shipped.paths import MODELS_DIR, rebuilt_dir
from core.tokenizers.sweep import METHODS, SweepPoint, default_sizes, largest_options, run_sweep

FORMAT = "transformer-atlas-sweep/1"
KIND = "tok-sweep"  # disk-cache folder of computed sweeps
DEFAULT_POINTS = 5  # the page's default slider value
SHIPPED_DIR = MODELS_DIR / "sweep"


@dataclass(frozen=True)
class SweepRequest:
    corpus_key: str  # core.corpus.corpus_id of the whole text (train + held-out)
    sizes: tuple[int, ...]
    methods: tuple[str, ...]

    def key(self) -> str:
        blob = json.dumps([FORMAT, self.corpus_key, list(self.sizes), list(self.methods)])
        return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class SweepResult:
    points: list[SweepPoint]
    notes: list[UserInputError]  # sizes left out, one note per tokenizer

    def to_json(self) -> dict:
        return {"points": [asdict(p) for p in self.points], "notes": [[n.en, n.ja] for n in self.notes]}

    @staticmethod
    def from_json(d: dict) -> "SweepResult":
        points = [SweepPoint(str(p["method"]), int(p["vocab_size"]), float(p["tokens_per_char"])) for p in d["points"]]
        if any(p.method not in METHODS for p in points):
            raise ValueError("unknown tokenizer in a stored sweep")
        return SweepResult(points, [UserInputError(str(en), str(ja)) for en, ja in d["notes"]])


def default_request(corpus_key: str, train: str) -> SweepRequest:
    """What the page shows before any widget is touched: 5 sizes up to the third 'largest' option, every tokenizer."""
    largest = largest_options(train)[2]
    return SweepRequest(corpus_key, tuple(default_sizes(train, points=DEFAULT_POINTS, largest=largest)), METHODS)


def compute(request: SweepRequest, train: str, heldout: str, on_progress=None, gate=None) -> SweepResult:
    return SweepResult(*run_sweep(train, heldout, list(request.sizes), list(request.methods), on_progress, gate))


# ---------------------------------------------------------------- shipped default sweeps
def shipped_paths(lang: str) -> list[Path]:
    """Where a shipped sweep may be: assets/models/sweep/, then a rebuild under the cache (assets may be read-only)."""
    name = f"sweep-{lang}.json"
    return [SHIPPED_DIR / name, rebuilt_dir() / "sweep" / name]


def unavailable(lang: str, why_en: str, why_ja: str) -> UserInputError:
    return UserInputError(
        f"The ready-made sweep for the {lang} corpus cannot be used ({why_en}: assets/models/sweep/sweep-{lang}.json). "
        "Rebuild it below, or choose other settings.",
        f"{lang} コーパス用の計算済みスイープを使えません（{why_ja}：assets/models/sweep/sweep-{lang}.json）。"
        "下のボタンで作り直すか、別の設定を選んでください。")


def read_shipped(path: Path, request: SweepRequest) -> SweepResult:
    """A shipped sweep file -> its result, if it was computed for exactly `request` (else ValueError)."""
    d = json.loads(path.read_text(encoding="utf-8"))
    if d.get("format") != FORMAT:
        raise ValueError("not a sweep file")
    if d.get("request") != [request.corpus_key, list(request.sizes), list(request.methods)]:
        raise ValueError("computed for another corpus or other settings")
    return SweepResult.from_json(d["result"])


def shipped_result(lang: str, request: SweepRequest) -> SweepResult:
    """The shipped default sweep for `lang`; UserInputError (missing, damaged, stale) otherwise."""
    why = ("the file is missing", "ファイルがありません")
    for path in shipped_paths(lang):
        if not path.is_file():
            continue
        try:
            return read_shipped(path, request)
        except (OSError, ValueError, KeyError, TypeError):
            why = ("the file is damaged or was computed for another corpus",
                   "ファイルが壊れているか、別のコーパス用です")
    raise unavailable(lang, *why)


def write_shipped(path: Path, request: SweepRequest, result: SweepResult, card: dict) -> None:
    from core.runtime.diskcache import write_atomic

    d = {"format": FORMAT, "request": [request.corpus_key, list(request.sizes), list(request.methods)],
         "result": result.to_json(), "card": card}
    write_atomic(path, (json.dumps(d, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


# ---------------------------------------------------------------- any other sweep: a shared background job
REGISTRY = JobRegistry(scoped=True)  # an upload's sweeps stay in its session (core.runtime.private)
_READY: dict[str, SweepResult] = {}  # finished sweeps by request key (memory, then disk)
KEEP = 16  # finished sweeps kept in memory (keys name uploaded corpora; the disk cache keeps them all)
_READY_LOCK = threading.Lock()


def _dump(r: SweepResult) -> bytes:
    return json.dumps(r.to_json(), ensure_ascii=False).encode("utf-8")


def _load(b: bytes) -> SweepResult:
    return SweepResult.from_json(json.loads(b.decode("utf-8")))


class SweepJob(BackgroundJob):
    """Trains the tokenizers of one request; `result` once finished, `stored` False if the cache refused it."""

    what = ("The vocabulary sweep", "語彙サイズのスイープ")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, request: SweepRequest, train: str, heldout: str, threads: int | None = None):
        super().__init__(threads, label=f"sweep {request.key()}")
        self.request, self._train, self._heldout = request, train, heldout
        self.result: SweepResult | None = None
        self.stored = True

    def work(self) -> str:
        try:
            value, info = get_or_build(KIND, self.request.key(), lambda: compute(
                self.request, self._train, self._heldout, on_progress=self.set_progress, gate=self.gate),
                dump=_dump, load=_load, suffix=".json")
        except Stopped:
            return "stopped"
        if info.stored:  # else the page keeps asking this job, which carries the "not kept" message
            with _READY_LOCK:
                ready = _ready()
                ready[self.request.key()] = value
                while len(ready) > KEEP:  # oldest first out: a dict keeps insertion order
                    ready.pop(next(iter(ready)))
        with self._lock:
            self.result, self.stored, self._done = value, info.stored, self._total
        if not info.stored:
            self.set_message(UserInputError(
                f"The result could not be saved to the cache ({info.error}): it is shown, but will be computed again "
                "after a restart.",
                "結果をキャッシュに保存できませんでした。表示はしますが、再起動後にはもう一度計算します。"))
        return "finished"


def _ready() -> dict[str, SweepResult]:
    """The finished sweeps in effect: the current private scope's (an upload's), else the shared table."""
    return private.table("sweep_job.ready", _READY)


def ready(request: SweepRequest) -> SweepResult | None:
    """The finished sweep of `request` from memory or the disk cache; never computes."""
    key = request.key()
    with _READY_LOCK:
        if key in _ready():
            return _ready()[key]
    if private.current() is not None:  # an upload's sweep is never on disk
        return None
    try:
        value = _load(cache_path(KIND, key, ".json").read_bytes())
    except Exception:  # noqa: BLE001 - missing or unreadable: not ready (a job rebuilds it)
        return None
    with _READY_LOCK:
        kept = _READY.setdefault(key, value)
        while len(_READY) > KEEP:  # oldest first out
            _READY.pop(next(iter(_READY)))
        return kept


def result_or_job(request: SweepRequest, train: str, heldout: str, start: bool = True) -> SweepResult | SweepJob | None:
    """The result at once, or the job computing it (started when none runs and `start`; a stopped or
    failed job is returned as it is, so the page can offer to start again). TooManyTrainings propagates."""
    value = ready(request)
    if value is not None:
        return value
    job = REGISTRY.get(request.key())
    if job is None and start:
        job = REGISTRY.get_or_start(request.key(), lambda: SweepJob(request, train, heldout))
    return job  # type: ignore[return-value]


def restart(request: SweepRequest, train: str, heldout: str) -> SweepJob:
    return REGISTRY.get_or_start(request.key(), lambda: SweepJob(request, train, heldout))
