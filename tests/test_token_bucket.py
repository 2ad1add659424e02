"""The per-connection message limit (core/runtime/token_bucket.py) and its glue to Streamlit's websocket
(ui/websocket_limits.py), without a server: a student's pace is never slowed, a flood is slowed then cut, a bad
frame ends the connection with a close code and one log line."""
from __future__ import annotations

import logging

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from core.runtime.token_bucket import CUT, LimitConfig, TokenBucket
from tests.stclient import run_in_thread
from ui import websocket_limits


def replay(times: list[float], config: LimitConfig = LimitConfig(), costs_s: tuple = (0.0,)) -> list[float]:
    """What `take` answers for messages arriving at `times`, each read after the previous one's wait and the
    server's time for it (`costs_s`, in turn)."""
    b, clock, out = TokenBucket(config, now=0.0), 0.0, []
    for i, t in enumerate(times):
        cost_s = costs_s[i % len(costs_s)]
        clock = max(clock, t)
        d = b.take(clock)
        out.append(d)
        if d == CUT:
            break
        clock += d + cost_s
    return out


def test_a_busy_student_is_never_slowed_by_the_defaults():
    """Ten minutes of two fragment timers (0.5 s and 2 s), a widget change every second, and every 30 s a held
    arrow key on a slider (2 s of 30 key repeats a second, one rerun each): nothing waits."""
    times = [i * 0.5 for i in range(1200)] + [i * 2.0 for i in range(300)] + [float(i) for i in range(600)]
    times += [k * 30 + j / 30 for k in range(20) for j in range(60)]
    assert set(replay(sorted(times))) == {0.0}


def test_a_flood_is_slowed_then_cut():
    out = replay([i / 20 for i in range(2000)])  # 20 a second, four times the default rate
    first = next(i for i, d in enumerate(out) if d > 0)
    assert first >= 100  # the burst, and what the refill adds meanwhile, pass at once
    assert out[-1] == CUT and all(d > 0 for d in out[first:-1])  # then slowed on every message, then cut
    assert len(out) < 2000


def test_a_flood_is_cut_on_a_server_that_reads_it_unevenly():
    """A busy server reads a backlog unevenly (here one message in ten takes it 0.4 s, the others 0.01 s): the
    bucket then finds a token or two after each slow read, but never refills a second's worth."""
    out = replay([i / 20 for i in range(2000)], costs_s=(0.01,) * 9 + (0.4,))
    assert out[-1] == CUT and len(out) < 400


def test_a_pause_ends_the_slowing():
    c = LimitConfig(rate=10, burst=10, cut_after_s=60)
    times = [i / 50 for i in range(100)] + [30 + i / 50 for i in range(100)]  # two 2-second floods, 28 s apart
    out = replay(times, c)
    assert CUT not in out and out[99] > 0 and out[100] == 0.0  # the second flood starts with a full bucket


def test_settings_from_the_environment_and_the_switch_off():
    c = LimitConfig.from_env({"ATLAS_WS_RATE": "3", "ATLAS_WS_BURST": "7", "ATLAS_WS_CUT_AFTER_S": "4",
                              "ATLAS_MAX_SESSIONS": "9"})
    assert (c.rate, c.burst, c.cut_after_s, c.max_sessions) == (3, 7, 4, 9)
    assert LimitConfig.from_env({}) == LimitConfig()
    assert set(replay([0.0] * 5000, LimitConfig(rate=0))) == {0.0}  # ATLAS_WS_RATE=0: no limit


class FakeSocket:
    """The part of Starlette's WebSocket the endpoint uses, fed with ASGI messages."""

    def __init__(self, messages: list[dict]):
        self.messages, self.closed = list(messages), []
        self.client = None

    async def receive(self) -> dict:
        return self.messages.pop(0) if self.messages else {"type": "websocket.disconnect", "code": 1000}

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed.append(code)


def rerun() -> bytes:
    m = BackMsg()
    m.rerun_script.page_name = "lm_entropy"
    return m.SerializeToString()


def run_endpoint(messages: list[dict], config: LimitConfig = LimitConfig()) -> tuple[list, FakeSocket]:
    """Streamlit's endpoint reduced to its read loop, wrapped as install() wraps it: what it read, and the socket."""
    from starlette.websockets import WebSocketDisconnect

    read: list[bytes] = []

    def make_handler(runtime):
        async def endpoint(ws):
            while True:
                try:
                    read.append(await ws.receive_bytes())
                except WebSocketDisconnect:
                    break
        return endpoint

    ws = FakeSocket(messages)
    handler = websocket_limits.wrap(make_handler, config, websocket_limits.Sessions())(runtime=None)
    run_in_thread(handler(ws))  # not asyncio.run: in the full suite an e2e test's Playwright loop runs in this thread
    return read, ws


@pytest.mark.parametrize("frame, code", [({"type": "websocket.receive", "text": "a text frame"}, 1003),
                                         ({"type": "websocket.receive", "bytes": b"\xff\x00garbage"}, 1002)])
def test_a_bad_frame_is_closed_with_one_log_line(frame, code, caplog):
    with caplog.at_level(logging.INFO, logger="atlas.websocket"):
        read, ws = run_endpoint([{"type": "websocket.receive", "bytes": rerun()}, frame])
    assert len(read) == 1 and ws.closed == [code]
    lines = [r for r in caplog.records if r.name == "atlas.websocket"]
    assert len(lines) == 1 and lines[0].exc_info is None and "closed" in lines[0].getMessage()


def test_the_endpoint_cuts_a_flood_and_passes_a_normal_tab():
    flood = [{"type": "websocket.receive", "bytes": rerun()}] * 50
    read, ws = run_endpoint(flood, LimitConfig(rate=100, burst=5, cut_after_s=0.05))
    assert ws.closed == [1008] and 5 < len(read) < 50
    read, ws = run_endpoint(flood[:5], LimitConfig(rate=100, burst=5, cut_after_s=0.05))
    assert ws.closed == [] and len(read) == 5  # within the burst: all read, nothing closed


def test_install_falls_back_to_no_limit_on_an_unknown_endpoint(monkeypatch, caplog):
    from streamlit.web.server.starlette import starlette_websocket as sw

    def other_version(runtime):  # an endpoint that reads frames some other way
        return None

    monkeypatch.setattr(sw, "create_websocket_handler", other_version)
    with caplog.at_level(logging.WARNING, logger="atlas.websocket"):
        assert websocket_limits.install() is False
    assert sw.create_websocket_handler is other_version and "not installed" in caplog.text


def test_install_wraps_streamlits_endpoint_once(monkeypatch):
    from streamlit.web.server.starlette import starlette_websocket as sw

    monkeypatch.setattr(sw, "create_websocket_handler", sw.create_websocket_handler)
    original = sw.create_websocket_handler
    assert websocket_limits.install() and websocket_limits.install()
    assert sw.create_websocket_handler.__wrapped__ is original  # a second install wraps the original, not the wrapper
