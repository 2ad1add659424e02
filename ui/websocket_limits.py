"""Streamlit's websocket with the class's limits: a message rate per connection, sessions per process, and a
client's malformed frame closed with a one-line log instead of a traceback.

What Streamlit 1.67 does on its own (web/server/starlette/starlette_websocket.py): it reads every frame a tab
sends and hands each BackMsg to the runtime at once, however many come; a frame that is not a BackMsg is
logged with its traceback, and a text frame raises out of the endpoint ("Exception in ASGI application" and a
40-line traceback in the server's log). Here its endpoint gets a wrapped websocket whose `receive_bytes`:
- returns a well-formed binary frame, after the connection's token bucket allows it (core.runtime.token_bucket:
  over the rate the read waits, so a flooding tab is slowed; over it for long, the connection is cut: closed
  with 1008 and a log line);
- ends the connection on a text frame (1003) or a frame that is not a BackMsg (1002), with one log line.
Ending is a WebSocketDisconnect, which the endpoint treats as the tab leaving (the session is disconnected and
its sender stopped); the close frame goes out after that, so nothing is sent on a closed socket. A process
already holding `max_sessions` websockets refuses the next one before accepting it (HTTP 403; the browser
shows its reconnect and tries again).

`install()` (scripts/serve.py, before the server builds its routes) swaps the module's handler factory for a
wrapper of it. Another Streamlit version whose endpoint no longer reads through `receive_bytes` gets no limits
and one warning in the log, never a broken server.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import time

from core.runtime.token_bucket import CUT, LimitConfig, TokenBucket

log = logging.getLogger("atlas.websocket")
PROTOCOL_ERROR, UNSUPPORTED_DATA, POLICY_VIOLATION = 1002, 1003, 1008  # RFC 6455 close codes


class Ended(Exception):
    """Internal: why this side ends the connection (close code, reason)."""


class LimitedSocket:
    """A Starlette WebSocket whose `receive_bytes` applies the bucket and checks the frame; the rest passes through."""

    def __init__(self, websocket, bucket: TokenBucket, peer: str):
        self._ws, self.bucket, self.peer = websocket, bucket, peer
        self.messages = 0
        self.close_code: int | None = None
        self.close_reason = ""

    def __getattr__(self, name):  # accept, send_bytes, headers, cookies, client, close…: the real socket's
        return getattr(self._ws, name)

    def _end(self, code: int, reason: str, line: str, *args):
        from starlette.websockets import WebSocketDisconnect

        self.close_code, self.close_reason = code, reason
        log.warning("websocket from %s " + line, self.peer, *args)
        return WebSocketDisconnect(code, reason)

    async def receive_bytes(self) -> bytes:
        from google.protobuf.message import DecodeError
        from starlette.websockets import WebSocketDisconnect
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = await self._ws.receive()
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
        data = message.get("bytes")
        if data is None:
            raise self._end(UNSUPPORTED_DATA, "binary frames only", "closed: a text frame (Streamlit speaks protobuf)")
        try:
            BackMsg().ParseFromString(data)  # what Streamlit does next, and logs with a traceback when it fails
        except DecodeError as e:
            raise self._end(PROTOCOL_ERROR, "not a BackMsg", "closed: a frame of %d bytes is not a BackMsg (%s)",
                            len(data), e) from None
        self.messages += 1
        wait = self.bucket.take(time.monotonic())
        if wait == CUT:
            c = self.bucket.config
            raise self._end(POLICY_VIOLATION, "too many messages",
                            "cut: %d messages, %d delayed, over %g a second for %.0f s in a row "
                            "(ATLAS_WS_RATE, ATLAS_WS_CUT_AFTER_S)", self.messages, self.bucket.delayed, c.rate,
                            c.cut_after_s)
        if wait > 0:
            if self.bucket.delayed == 1:
                log.info("websocket from %s slowed: over %g messages a second after a burst of %g (ATLAS_WS_RATE, "
                         "ATLAS_WS_BURST)", self.peer, self.bucket.config.rate, self.bucket.config.burst)
            await asyncio.sleep(wait)
        return data


class Sessions:
    """The websockets this process holds, against `max_sessions`."""

    def __init__(self) -> None:
        self.open = 0
        self.refused = 0


def wrap(make_handler, config: LimitConfig, sessions: Sessions):
    """A handler factory like Streamlit's `create_websocket_handler`, whose endpoints apply `config`."""

    def create_websocket_handler(runtime):
        inner = make_handler(runtime)

        async def endpoint(websocket) -> None:
            client = getattr(websocket, "client", None)
            peer = f"{client.host}:{client.port}" if client else "?"
            if sessions.open >= config.max_sessions:
                sessions.refused += 1
                if sessions.refused == 1 or sessions.refused % 100 == 0:
                    log.warning("websocket from %s refused: %d sessions open (ATLAS_MAX_SESSIONS); %d refused so far",
                                peer, sessions.open, sessions.refused)
                await websocket.close(code=POLICY_VIOLATION)  # before accept: an HTTP 403
                return
            sessions.open += 1
            sock = LimitedSocket(websocket, TokenBucket(config, time.monotonic()), peer)
            try:
                await inner(sock)
            finally:
                sessions.open -= 1
                if sock.bucket.delayed and sock.close_code is None:
                    log.info("websocket from %s closed: %d messages, %d delayed", peer, sock.messages,
                             sock.bucket.delayed)
            if sock.close_code is not None:  # the endpoint has let the session go and stopped its sender
                try:
                    await websocket.close(code=sock.close_code, reason=sock.close_reason)
                except Exception:  # noqa: BLE001 - the client left first: nothing to close
                    pass

        return endpoint

    return create_websocket_handler


def install(config: LimitConfig | None = None) -> bool:
    """Put the limits into Streamlit's websocket endpoint (before the server starts); False, with a warning in the
    log, where this Streamlit version's endpoint is not the one read here."""
    config = config or LimitConfig.from_env()
    try:
        from streamlit.web.server.starlette import starlette_websocket as sw

        original = getattr(sw.create_websocket_handler, "__wrapped__", sw.create_websocket_handler)
        if "receive_bytes()" not in inspect.getsource(original) or not hasattr(sw, "create_websocket_routes"):
            raise LookupError("its endpoint does not read frames with receive_bytes()")
    except Exception as e:  # noqa: BLE001 - another Streamlit version: serve without limits rather than fail
        log.warning("websocket limits not installed (%s): no message rate or session limit in this process", e)
        return False
    patched = wrap(original, config, Sessions())
    patched.__wrapped__ = original
    sw.create_websocket_handler = patched  # create_websocket_routes looks it up here when the server starts
    log.info("websocket limits: %g messages a second per connection (burst %g, cut after %g s over), "
             "%d sessions per process", config.rate, config.burst, config.cut_after_s, config.max_sessions)
    return True
