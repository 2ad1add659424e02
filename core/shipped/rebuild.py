"""Rebuilding a shipped artifact from a page: the same build as `make models --only <kind>`, in the background.

A shipped file (assets/models/) can be missing or fail its check (a partial checkout, a damaged copy).
The page then offers a button that runs `scripts/build_models.py --only <kind> --lang <lang>` as a
`RebuildJob`: a BackgroundJob (counted in the process-wide limit, stoppable) that runs the build in a
child process writing to `<cache>/models/` (assets/ may be read-only); the loaders (core.shipped.models,
core.tokenizers.sweep_job) look there after assets/. One job per artifact is shared by every session.

Progress is an estimate: the build prints nothing until it ends, so the job extrapolates from how long
the last build took (the shipped card's `wall_s`, else `TYPICAL_S`) and never claims more than 95 %
before the child exits.

    job = start("lstm", "en"); job.wait(); job.status == "finished"
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.errors import UserInputError
from core.shipped.models import MODELS_DIR, rebuilt_dir
from core.runtime import shutdown
from core.runtime.childproc import child_env
from core.runtime.jobs import BackgroundJob, JobRegistry

REPO = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO / "scripts" / "build_models.py"
KINDS = ("gpt", "lstm", "snapshots", "encdec", "sweep")  # build_models.py --only choices
# Seconds a build took on the 2-core CPU when nothing else ran (used when no card says better).
TYPICAL_S = {"gpt": 1300.0, "lstm": 450.0, "snapshots": 90.0, "encdec": 290.0, "sweep": 20.0}
POLL_S = 0.5


def expected_seconds(kind: str, lang: str) -> float:
    """How long the build should take: the shipped card's recorded wall time when there is one."""
    cards = {"gpt": MODELS_DIR / f"gpt-{lang}.json", "lstm": MODELS_DIR / f"lstm-{lang}.json",
             "encdec": MODELS_DIR / "encdec" / f"encdec-{lang}.json"}
    try:
        wall = float(json.loads(cards[kind].read_text(encoding="utf-8"))["wall_s"])
        if wall > 0:
            return wall
    except (KeyError, OSError, ValueError, TypeError):
        pass
    return TYPICAL_S[kind]


class RebuildJob(BackgroundJob):
    """Runs one `build_models.py --only kind --lang lang --out <cache>/models` child process."""

    what = ("Rebuilding the model", "モデルの作り直し")

    def __init__(self, kind: str, lang: str, extra_args: tuple[str, ...] = (), threads: int | None = None):
        if kind not in KINDS or lang not in ("en", "ja"):
            raise ValueError(f"unknown artifact {kind}-{lang}")
        super().__init__(threads, label=f"rebuild {kind}-{lang}")
        self.kind, self.lang, self.extra_args = kind, lang, tuple(extra_args)
        self.expected_s = expected_seconds(kind, lang)
        self._proc: subprocess.Popen | None = None
        self.log_tail = ""

    def command(self, out: Path) -> list[str]:
        return [sys.executable, str(BUILD_SCRIPT), "--only", self.kind, "--lang", self.lang, "--out", str(out),
                *self.extra_args]

    def stop(self) -> None:
        super().stop()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()  # a server stop must not leave an orphan build behind

    close = stop

    def work(self) -> str:
        out = rebuilt_dir()
        try:
            out.mkdir(parents=True, exist_ok=True)
            tempfile.TemporaryFile(dir=out).close()  # can we write there at all?
        except OSError as e:
            self.set_message(UserInputError(
                f"The cache folder cannot be written ({type(e).__name__}), so the model cannot be rebuilt here. "
                "Run `make models` on the server instead.",
                "キャッシュのフォルダに書き込めないため、ここではモデルを作り直せません。"
                "サーバーで `make models` を実行してください。"))
            return "failed"
        unregister = shutdown.register(self.stop)
        t0 = time.perf_counter()
        with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
            env = {**child_env(), "PYTHONUNBUFFERED": "1"}  # the child ends with the server, even a killed one
            self._proc = subprocess.Popen(self.command(out), cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
            try:
                while self._proc.poll() is None:
                    if not self.gate():
                        self._proc.terminate()
                        self._proc.wait(30)
                        return "stopped"
                    self.set_progress(min(0.95, (time.perf_counter() - t0) / self.expected_s), 1.0)
                    time.sleep(POLL_S)
            finally:
                unregister()
            log.seek(0)
            self.log_tail = log.read()[-3000:]
        rc = self._proc.returncode
        if rc != 0 and self._stop.is_set():  # stop() ended the child itself
            return "stopped"
        if rc != 0:
            print(f"[rebuild {self.kind}-{self.lang}] exit {rc}:\n{self.log_tail}", file=sys.stderr, flush=True)
            self.set_message(UserInputError(
                f"The rebuild failed (exit code {rc}); the server log has the details.",
                f"作り直しに失敗しました（終了コード {rc}）。詳細はサーバーのログにあります。"))
            return "failed"
        from core.shipped import models as shipped

        shipped.clear_cache()  # the next load_gpt sees the rebuilt file
        self.set_progress(1.0, 1.0)
        return "finished"


REGISTRY = JobRegistry()
_round: dict[str, int] = {}  # a finished rebuild stays in the registry; asking again starts the next round


def job_key(kind: str, lang: str) -> str:
    return f"{kind}-{lang}#{_round.get(f'{kind}-{lang}', 0)}"


def current(kind: str, lang: str) -> RebuildJob | None:
    return REGISTRY.get(job_key(kind, lang))  # type: ignore[return-value]


def start(kind: str, lang: str, extra_args: tuple[str, ...] = ()) -> RebuildJob:
    """The running rebuild of kind-lang, or a new one (also after a finished one: the file may have been
    damaged again); every session asking meanwhile gets the same job. TooManyTrainings propagates."""
    old = current(kind, lang)
    if old is not None and old.status == "finished":
        _round[f"{kind}-{lang}"] = _round.get(f"{kind}-{lang}", 0) + 1
    return REGISTRY.get_or_start(job_key(kind, lang), lambda: RebuildJob(kind, lang, extra_args))
