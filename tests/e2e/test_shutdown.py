"""A real server: a reload re-attaches to the running training, and SIGTERM during a training exits
cleanly (code 0) after the training wrote its resumable checkpoint. The exit time is printed, not
asserted (bench/shutdown.py measures it per job kind)."""
from __future__ import annotations

import signal
import time
import urllib.parse

from tests.e2e.conftest import Server, exceptions, new_context, wait_idle


def _start_training(page, url: str) -> None:
    page.goto(url)
    wait_idle(page)
    page.locator(".st-key-gpt_start button").click()
    page.locator(".st-key-gpt_pause button").wait_for(timeout=120_000)  # running


def test_reload_reattaches_and_sigterm_saves_and_exits_cleanly(browser, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # here: the browser fixture skips without it

    srv = Server(tmp_path)
    try:
        ctx = new_context(browser)
        page = ctx.new_page()
        page.goto(srv.url)  # a first session through app.py (a fresh server's first direct link skips it)
        wait_idle(page)
        _start_training(page, f"{srv.url}/gpt_train")
        token = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))["run"]  # made for this browser
        page.wait_for_timeout(3000)
        page.reload()  # F5: a new session, the same ?run= token
        wait_idle(page)
        assert page.locator(".st-key-gpt_pause button").count() == 1, "the reloaded page lost its training"
        assert exceptions(page) == []
        assert f"run={token}" in page.url  # the tab keeps its lease in its address ...
        page.wait_for_function("() => (document.getElementById('atlas-link') || {}).value")
        # ... a shared link does not
        assert "run=" not in page.evaluate("() => document.getElementById('atlas-link').value")
        try:  # some steps done (the first start also builds the n-gram reference lines) ...
            page.wait_for_function(r"""() => /step ([1-9][0-9,]*) \//.test(document.body.innerText)""", timeout=90_000)
        except PlaywrightTimeout:  # ... unless the machine is so busy that the niced training thread starves:
            pass  # the checkpoint must be written at any step, step 0 included
        ctx.close()  # the tab goes away; the job lives on in its grace period

        t0 = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        rc = srv.proc.wait(timeout=30)
        took = time.time() - t0
    finally:
        if srv.proc.poll() is None:
            srv.proc.kill()
        srv.log.close()
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert rc == 0, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
    from core.gpt.checkpoints.files import load_checkpoint

    ck = load_checkpoint(tmp_path / "autosave" / f"{token}.safetensors")
    assert ck.resume is not None and ck.resume.steps == list(range(1, ck.step + 1))
    assert (tmp_path / "autosave" / f"{token}.corpus.json").is_file()
    print(f"SIGTERM -> exit 0 in {took:.1f} s; checkpoint at step {ck.step}")
