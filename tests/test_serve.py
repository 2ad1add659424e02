"""`make run`'s launcher: heavy imports before the server listens, then a working server."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from ui.preload import HEAVY, preload

ROOT = Path(__file__).resolve().parent.parent


def test_preload_imports_each_heavy_module_and_skips_a_missing_one():
    took = preload(HEAVY + ("no_such_module_atlas",), warmups=())
    assert set(took) == set(HEAVY)  # the missing one is skipped, not raised
    assert all(name in sys.modules for name in HEAVY)
    before = set(sys.modules)
    assert set(preload(("torch",), warmups=())) == {"torch"}
    assert set(sys.modules) == before  # already imported: a second call imports nothing


def test_preload_sets_offline_before_transformers():
    """huggingface_hub reads HF_HUB_OFFLINE once, at import: the module that sets it must come first."""
    from ui.preload import HF

    assert HEAVY.index("core.model_ids") < min(HEAVY.index(m) for m in HF if m.startswith("transformers"))
    preload(HF)
    import huggingface_hub.constants as hub

    assert hub.HF_HUB_OFFLINE


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_preloads_then_answers_health(tmp_path):
    port = _free_port()
    env = dict(os.environ, ATLAS_CACHE_DIR=str(tmp_path))
    env.pop("PYTHONMALLOC", None), env.pop("ATLAS_PYMALLOC", None)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body, deadline = "", time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert body == "ok", proc.poll()
        # the launcher re-executed itself (same process id) with glibc's malloc for Python's objects
        assert b"PYTHONMALLOC=malloc" in Path(f"/proc/{proc.pid}/environ").read_bytes().split(b"\0")
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "preloaded torch" in err  # the imports ran before Streamlit started listening


def test_exec_with_malloc_leaves_a_set_allocator_or_an_opt_out_alone(monkeypatch):
    """No re-exec (which would replace the test process) when PYTHONMALLOC is set or ATLAS_PYMALLOC=1."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import serve
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    calls = []
    monkeypatch.setattr(serve.os, "execve", lambda *a: calls.append(a))
    serve.exec_with_malloc({"PYTHONMALLOC": "pymalloc"})
    serve.exec_with_malloc({"ATLAS_PYMALLOC": "1"})
    assert calls == []
    serve.exec_with_malloc({"PATH": "/bin"})
    assert len(calls) == 1 and calls[0][0] == sys.executable and calls[0][2]["PYTHONMALLOC"] == "malloc"
