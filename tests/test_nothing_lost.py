"""Nothing lost without a word (issue 27, part 5b): a page training whose autosave the disk refuses says
so on the page; a model rebuild's child process ends with a server killed outright; `python -m
core.train` on a full disk or a refused `--resume` prints a message, not a traceback."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.gpt import training_job
from core.gpt.training_job import JobSettings, build_job
from core.i18n import LANG_NAMES
from core.runtime.sessions import LEASES, new_token
from tests.apptest import APP, SECRET, errors, in_browser
from tests.conftest import ROOT

TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 60
CLI = ["--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--block-size", "16", "--batch-size", "4",
       "--max-iters", "4", "--eval-interval", "2", "--eval-iters", "1", "--no-progress", "--threads", "1"]


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("lang,words", [("en", ("could not be saved", "disk is full")),
                                        ("ja", ("保存できませんでした", "ディスクがいっぱい"))])
def test_a_page_training_whose_save_fails_says_so(lang, words, monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(training_job, "write_atomic", _full_disk)
    token = new_token(SECRET)
    job = build_job(JobSettings(preset="tiny", max_iters=3, batch_size=4, eval_interval=0, eval_iters=1,
                                sample_interval=0), TEXT[:2000], TEXT[2000:], "cpu", "full disk")
    job.threads = 1
    LEASES.attach(token, "the-tab").replace(job)
    try:
        from ui.train_session import _on_job

        _on_job(token, job)  # as the page does: it autosaves under the token
        job.start()
        assert job.wait(60) and job.status == "finished" and job.saved_step is None
        at = in_browser(AppTest.from_file(APP, default_timeout=90))
        at.query_params["lang"], at.query_params["run"] = LANG_NAMES[lang], token
        at.run()
        at.switch_page("views/gpt_train/page.py").run()
        assert not at.exception, errors(at)
        shown = " ".join(w.value for w in at.warning)
        assert all(w in shown for w in words), shown
    finally:
        LEASES.detach(token, "the-tab")
        LEASES.get(token).replace(None)


def _cli(args: list[str], prelude: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess:
    code = f"{prelude}\nimport runpy\nrunpy.run_module('core.train', run_name='__main__')"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ATLAS_FORCE_CPU": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_cli_on_a_full_disk_prints_a_message_not_a_traceback(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    full = ("import errno, core.runtime.diskcache as d\n"
            "def full(*a, **k): raise OSError(errno.ENOSPC, 'No space left on device')\n"
            "d.write_atomic = full")
    p = _cli(["--text", str(corpus), "--out", str(tmp_path / "run"), *CLI], prelude=full)
    assert p.returncode == 1, p.stderr[-2000:]
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
    assert "error: Could not save the checkpoint: the disk is full" in p.stderr


def test_the_cli_resuming_a_refused_checkpoint_prints_a_message_not_a_traceback(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "ckpt.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{not json")
    p = _cli(["--text", str(corpus), "--out", str(tmp_path / "run"), "--resume", *CLI])
    assert p.returncode == 1, p.stderr[-2000:]
    assert "Traceback" not in p.stderr, p.stderr[-2000:]
    assert p.stderr.strip().startswith("error: ") and len(p.stderr.strip().splitlines()) == 1, p.stderr


SERVER = """
import sys, time
from core.shipped import rebuild
job = rebuild.RebuildJob("gpt", "en")
job.start()
while job._proc is None:
    time.sleep(0.05)
print(job._proc.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int(d.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d.name))
            except (OSError, ValueError, IndexError):
                pass
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal is Linux's")
def test_a_rebuilds_child_ends_with_a_server_killed_outright(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ATLAS_CACHE_DIR": str(tmp_path), "ATLAS_FORCE_CPU": "1"}
    server = subprocess.Popen([sys.executable, "-c", SERVER], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    spawned: list[int] = []
    try:
        child = int(server.stdout.readline())
        spawned.append(child)
        end = time.time() + 180  # wait for the build's own child (the trainer) too, if it comes
        while time.time() < end and _alive(child) and not _children(child):
            time.sleep(0.5)
        spawned += _children(child)
        assert _alive(child), "the build ended by itself before the server was killed"
        server.kill()  # SIGKILL: no handler of the server runs
        server.wait(30)
        end = time.time() + 120
        while time.time() < end and any(_alive(p) for p in spawned):
            time.sleep(0.5)
        assert not [p for p in spawned if _alive(p)], "the rebuild outlived its server"
    finally:
        if server.poll() is None:
            server.kill()
        for pid in spawned:  # what this test started, by id
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
