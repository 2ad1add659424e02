"""A real server (scripts/serve.py) with small limits, against hostile clients (tests/stclient.py): a flooding tab
is slowed then cut while another tab's reruns answer and see nothing of it; malformed frames end their connection
with a log line and no traceback; sessions beyond ATLAS_MAX_SESSIONS are refused; a tab at a person's pace is
never slowed. Behaviour only: nothing here asserts a duration."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from bench.soak import free_port
from tests.conftest import ROOT
from tests.stclient import Tab, run_in_thread, state_of

LIMITS = {"ATLAS_WS_RATE": "5", "ATLAS_WS_BURST": "20", "ATLAS_WS_CUT_AFTER_S": "2", "ATLAS_MAX_SESSIONS": "6"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(url, log path) of a server with LIMITS."""
    tmp = tmp_path_factory.mktemp("limits")
    port = free_port()
    log = open(tmp / "server.log", "wb")
    env = {**os.environ, **LIMITS, "ATLAS_CACHE_DIR": str(tmp / "cache"), "ATLAS_FORCE_CPU": "1"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "serve.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_health(url, proc)
        yield url, tmp / "server.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_health(url: str, proc: subprocess.Popen) -> None:
    import time
    import urllib.request

    end = time.time() + 180
    while time.time() < end:
        assert proc.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("no health answer")


def peer(tab: Tab) -> str:
    host, port = tab.ws.local_address[:2]
    return f"{host}:{port}"


def test_a_flood_is_cut_while_another_tab_answers_and_sees_nothing_of_it(served):
    url, log = served

    async def run():
        async with Tab(url, auto_rerun=False) as other, Tab(url, auto_rerun=False) as flood:
            await other.open("lm_entropy")
            before = list(other.run.texts)
            await flood.open("lm_entropy")
            w = flood.widget("ent_size")
            for i in range(400):  # back to back, far over 5 a second
                await flood._send([state_of(w, [w.proto.min + (i % 2) * (w.proto.step or 1)])])
            answered = [await other.open("lm_entropy") for _ in range(3)]  # meanwhile, the other tab's reruns
            after = list(other.run.texts)
            for _ in range(600):  # the server reads the flood slowly; once it has been slowed for 2 s, it cuts
                if flood.closed:
                    break
                await asyncio.sleep(0.1)
            return flood.closed, peer(flood), answered, before, after, other.closed

    closed, flood_peer, answered, before, after, other_closed = run_in_thread(run())
    assert closed, "the flooding tab was not cut"
    assert len(answered) == 3 and other_closed is None
    assert before == after  # the other tab's page shows its own slider, not the flood's values
    text = log.read_text(errors="replace")
    assert f"websocket from {flood_peer} slowed" in text and f"websocket from {flood_peer} cut" in text


def test_a_tab_at_a_persons_pace_is_never_slowed(served):
    url, log = served

    async def run():
        async with Tab(url, auto_rerun=False) as tab:
            await tab.open("lm_entropy")
            w = tab.widget("ent_size")
            for i in range(30):  # more than the burst (20), each change after the last one's rerun and 0.25 s:
                await tab.change(w, [w.proto.min + (i % 2) * (w.proto.step or 1)])  # at most 4 a second: under 5
                await asyncio.sleep(0.25)
            return peer(tab), tab.closed

    who, closed = run_in_thread(run())
    assert closed is None and f"websocket from {who}" not in log.read_text(errors="replace")


def test_malformed_frames_close_their_connection_with_a_log_line_and_no_traceback(served):
    from websockets.asyncio.client import connect

    url, log = served
    ws_url = Tab(url).ws_url

    async def run():
        codes = []
        for frame in (b"\xff\x00garbage", "a text frame"):
            async with connect(ws_url, subprotocols=["streamlit"]) as ws:
                await ws.send(frame)
                try:
                    await asyncio.wait_for(ws.recv(), 30)
                    await asyncio.wait_for(ws.recv(), 30)
                except Exception:  # noqa: BLE001 - the close we expect
                    pass
                codes.append(ws.close_code)
        return codes

    assert run_in_thread(run()) == [1002, 1003]
    text = log.read_text(errors="replace")
    assert "is not a BackMsg" in text and "a text frame" in text
    assert "Traceback" not in text


def test_sessions_beyond_the_cap_are_refused_until_one_leaves(served):
    from websockets.exceptions import InvalidStatus

    url, log = served

    async def run():
        tabs, refused = [], False
        for _ in range(7):  # 6 at most (a tab of an earlier test may not be let go yet)
            t = Tab(url, auto_rerun=False)
            try:
                await t.connect()
            except InvalidStatus:
                refused = True
                break
            tabs.append(t)
        assert refused and tabs
        await tabs.pop().close()
        for _ in range(50):  # the server lets the closed one go once its endpoint returns
            try:
                t = Tab(url, auto_rerun=False)
                await t.connect()
                tabs.append(t)
                break
            except InvalidStatus:
                await asyncio.sleep(0.1)
        await tabs[-1].open("")
        ok = not tabs[-1].run.exceptions
        for t in tabs:
            await t.close()
        return len(tabs), ok

    n, ok = run_in_thread(run())
    assert n <= 6 and ok
    assert "sessions open (ATLAS_MAX_SESSIONS)" in log.read_text(errors="replace")
