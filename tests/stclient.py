"""A browser tab without the browser: Streamlit's own websocket protocol, spoken by a few lines of asyncio.

What a browser does, read from Streamlit's server code (web/server/starlette/starlette_websocket.py,
runtime/app_session.py, runtime/state/session_state.py):
- it opens `ws://HOST/_stcore/stream` with the subprotocol "streamlit" (the XSRF token rides as a second
  subprotocol entry; it matters only for auth cookies, so none is sent here);
- it sends a `BackMsg.rerun_script` (a `ClientState`: the URL's query string, the page's name or script
  hash, the widget states) to run the script; the server answers with ForwardMsgs: `new_session` at the
  start of every full run, `navigation` (st.navigation's pages and the hash of the page shown), `delta`s (each
  element; a widget carries its `id`),
  `page_info_changed` (the query string the script set), `auto_rerun` (a fragment's `run_every`, which
  the browser then requests on a timer) and `script_finished` at the end;
- a widget change is a rerun whose `widget_states` hold the widget's new value. The server keeps every
  widget it was not told about at its last value (SessionState._compact_state), so sending only the
  changed widget is what a browser's full list amounts to. Value fields by element: slider ->
  double_array_value (a select_slider: string_array_value of its option strings), selectbox / radio ->
  string_value (the option's string), checkbox / toggle -> bool_value, text -> string_value,
  number_input -> double_value / int_value, button -> trigger_value.

    async with Tab("http://127.0.0.1:8501") as tab:
        await tab.open("tf_positional")                 # -> seconds to the run's end
        w = tab.widget("pe_k")                          # by the widget's key (the suffix of its id)
        await tab.change(w, some_value(w, rng))     # -> seconds from the change to script_finished

Used by bench/class_load.py (simulated students) and tests/test_class_balancer.py (through `run_in_thread`).
Network: only the URL given (the tests and benches give 127.0.0.1).
"""
from __future__ import annotations

import asyncio
import random
import time
import urllib.parse
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = ForwardMsg.ScriptFinishedStatus
UNEXPECTED = ("Something went wrong on this page", "このページで問題が起きました")
SENTENCES = ["The cat sat on the mat.", "Attention is all you need.", "読売巨人軍が勝った。",
             "言語モデルは次の単語を予測する。", "A small GPT learns to spell.", "Tokens, not words."]


@dataclass
class Widget:
    id: str
    kind: str  # the Element oneof: slider, selectbox, radio, checkbox, text_area, text_input, number_input, button
    proto: object
    disabled: bool

    @property
    def key(self) -> str:
        """The user key (Streamlit's ids end with '-<key>' when a key was given)."""
        return self.id.rsplit("-", 1)[-1] if self.id.startswith("$$ID") else self.id


@dataclass
class Run:
    """What one full run (or fragment run) drew, as far as a test or a bench cares."""

    widgets: dict[str, Widget] = field(default_factory=dict)  # by id
    texts: list[str] = field(default_factory=list)  # markdown, alerts, captions, progress texts
    exceptions: int = 0  # st.exception elements
    unexpected: int = 0  # the app's "something went wrong" box (ui.guard)


class Closed(Exception):
    """The server closed the websocket."""


class Tab:
    """One browser tab: one websocket, one Streamlit session. See the module docstring."""

    def __init__(self, url: str, query: str = "", headers: dict | None = None, timeout_s: float = 90.0,
                 auto_rerun: bool = True, cookies: dict | None = None):
        split = urllib.parse.urlsplit(url)
        scheme = "wss" if split.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{split.netloc}{split.path.rstrip('/')}/_stcore/stream"
        self.query = query
        self.headers = dict(headers or {})
        if cookies:  # the browser's cookies (a balancer's stickiness cookie, Streamlit's XSRF cookie)
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        self.session_id = ""
        # Sec-WebSocket-Protocol: "streamlit", then the XSRF token and the session to resume, as the frontend's
        # reconnect sends them (["streamlit", "<xsrf>", "<session id>"]).
        self.ws_protocols = ["streamlit"]
        self.timeout_s = timeout_s
        self.auto = auto_rerun
        self.page_name = ""
        self.page_hash = ""
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash
        self.run = Run()  # the last full run's elements (fragment runs add to it)
        self.fragment_runs = 0
        self.values: dict[str, object] = {}  # what this tab set, by widget id (a checkbox's proto keeps its default)
        self.ws = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, asyncio.Task] = {}
        self._finished: asyncio.Queue = asyncio.Queue()
        self.closed: str | None = None
        self.response_headers: dict = {}

    # ------------------------------------------------------------------ connection
    async def __aenter__(self) -> "Tab":
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(self.ws_url, subprotocols=self.ws_protocols, additional_headers=self.headers,
                                max_size=None, open_timeout=self.timeout_s)
        self.response_headers = dict(self.ws.response.headers) if self.ws.response else {}
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for t in self._timers.values():
            t.cancel()
        self._timers.clear()
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - closing anyway
                pass

    # ------------------------------------------------------------------ what the server sends
    async def _read(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except Exception as e:  # noqa: BLE001 - a closed connection ends the tab
            self.closed = f"{type(e).__name__}: {e}"
        else:
            self.closed = self.closed or "closed by the server"
        self._finished.put_nowait(None)

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.run = Run()
            self.session_id = msg.new_session.initialize.session_id or self.session_id
        elif kind == "navigation":  # st.navigation: the app's pages and the one this run shows
            nav = msg.navigation
            self.page_hash = nav.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in nav.app_pages}
        elif kind == "delta":
            self._element(msg.delta)
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "auto_rerun" and self.auto:
            fid = msg.auto_rerun.fragment_id
            old = self._timers.pop(fid, None)
            if old:
                old.cancel()
            self._timers[fid] = asyncio.get_running_loop().create_task(self._tick(fid, msg.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                t = self._timers.pop(fid, None)
                if t:
                    t.cancel()
        elif kind == "script_finished":
            self._finished.put_nowait(msg.script_finished)

    def _element(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        el = delta.new_element
        kind = el.WhichOneof("type")
        if kind is None:
            return
        body = getattr(el, kind)
        if kind == "exception":
            self.run.exceptions += 1
        elif kind in ("markdown", "alert", "progress", "text", "heading", "metric", "code"):
            text = getattr(body, "body", "") or getattr(body, "text", "") or getattr(body, "label", "")
            self.run.texts.append(text)
            if kind == "alert" and any(u in text for u in UNEXPECTED):
                self.run.unexpected += 1
        wid = getattr(body, "id", "")
        if wid and kind in ("slider", "selectbox", "radio", "checkbox", "text_area", "text_input", "number_input",
                            "button"):
            self.run.widgets[wid] = Widget(wid, kind, body, bool(getattr(body, "disabled", False)))

    async def _tick(self, fragment_id: str, interval: float) -> None:
        """A fragment's run_every, as the browser's timer does it."""
        try:
            while self.closed is None:
                await asyncio.sleep(interval)
                await self._send(fragment_id=fragment_id, auto=True)
                self.fragment_runs += 1
        except (asyncio.CancelledError, Exception):  # noqa: BLE001 - the timer ends with the tab
            pass

    # ------------------------------------------------------------------ what the tab sends
    async def _send(self, states=(), fragment_id: str = "", auto: bool = False) -> None:
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        cs.page_name = self.page_name
        cs.fragment_id = fragment_id
        cs.is_auto_rerun = auto
        cs.widget_states.widgets.extend(states)
        await self.ws.send(msg.SerializeToString())

    async def finish(self) -> float:
        """Wait for the end of the current full run (fragment runs' ends are skipped); seconds waited.
        Raises Closed or asyncio.TimeoutError."""
        t0 = time.perf_counter()
        end = t0 + self.timeout_s
        while True:
            left = end - time.perf_counter()
            if left <= 0:
                raise asyncio.TimeoutError(f"no script_finished in {self.timeout_s:.0f} s")
            status = await asyncio.wait_for(self._finished.get(), left)
            if status is None:
                raise Closed(self.closed)
            if status == FINISHED.FINISHED_SUCCESSFULLY or status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                return time.perf_counter() - t0

    def _drain(self) -> None:
        while not self._finished.empty():
            if self._finished.get_nowait() is None:
                raise Closed(self.closed)

    async def open(self, page: str = "", query: str | None = None) -> float:
        """Open a page by its URL path ('' is the app's first page), as following a link does; seconds to
        the run's end. Query parameters bound to widgets of the old page are dropped, as a link drops them."""
        self._drain()
        self.page_name = page
        self.page_hash = self.pages.get(page, "") if page else ""
        if query is not None:
            self.query = query
        t0 = time.perf_counter()
        await self._send()
        await self.finish()
        return time.perf_counter() - t0

    async def change(self, w: Widget, value) -> float:
        """Set widget `w` to `value` (a button: any value clicks it); seconds to the rerun's end."""
        self._drain()
        self.values[w.id] = value
        param = getattr(w.proto, "query_param_key", "")
        if param:  # bound to the URL: the browser writes the new value into its address (as the frontend does)
            self._set_param(param, value)
        t0 = time.perf_counter()
        await self._send([state_of(w, value)])
        await self.finish()
        return time.perf_counter() - t0

    def _set_param(self, param: str, value) -> None:
        pairs = [(k, v) for k, v in urllib.parse.parse_qsl(self.query, keep_blank_values=True) if k != param]
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, bool):
                v = str(v).lower()
            else:
                v = str(int(v)) if isinstance(v, float) and v == int(v) else str(v)
            pairs.append((param, v))
        self.query = urllib.parse.urlencode(pairs)

    async def click(self, key: str) -> float:
        return await self.change(self.widget(key), True)

    # ------------------------------------------------------------------ looking at what is drawn
    def widget(self, key: str) -> Widget:
        for w in self.run.widgets.values():
            if w.key == key:
                return w
        raise KeyError(f"no widget with key {key!r} on the page (keys: {sorted(self.keys())})")

    def keys(self) -> list[str]:
        return [w.key for w in self.run.widgets.values()]

    def text(self) -> str:
        return "\n".join(self.run.texts)


def run_in_thread(coro):
    """`asyncio.run(coro)` in a thread of its own, its result returned and its exception raised here. A caller's
    thread may already run an event loop (in the full test suite, Playwright's, left by an e2e test), and
    asyncio.run refuses to start a second loop in one thread."""
    import threading

    out: dict = {}

    def main() -> None:
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread below
            out["error"] = e

    t = threading.Thread(target=main, name="stclient-loop")
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def load_page(url: str, cookies: dict | None = None) -> dict:
    """GET the page, then /_stcore/health, as a browser does before it opens the websocket; returns the
    cookies after them (the given ones updated with every Set-Cookie: a balancer's stickiness cookie on the
    first, Streamlit's `_streamlit_xsrf` on the second)."""
    import http.cookies
    import urllib.request

    jar = dict(cookies or {})
    for path in ("/", "/_stcore/health"):
        req = urllib.request.Request(url.rstrip("/") + path)
        if jar:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
        with urllib.request.urlopen(req, timeout=30) as r:
            for header in r.headers.get_all("Set-Cookie") or []:
                c = http.cookies.SimpleCookie()
                c.load(header)
                jar.update({k: m.value for k, m in c.items()})
    return jar


def upload(url: str, session_id: str, cookies: dict, name: str = "probe.txt", data: bytes = b"hello") -> int:
    """PUT a small file to the session's upload endpoint, as st.file_uploader does; the HTTP status (204: the
    process behind `url` holds the session; 400: it does not)."""
    import urllib.error
    import urllib.request
    import uuid

    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"{url.rstrip('/')}/_stcore/upload_file/{session_id}/{uuid.uuid4().hex}", data=body,
                                 method="PUT", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if cookies:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if "_streamlit_xsrf" in cookies:
            req.add_header("X-Xsrftoken", cookies["_streamlit_xsrf"])
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def state_of(w: Widget, value):
    """The WidgetState proto that tells the server `w` now holds `value`."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    s = WidgetState(id=w.id)
    p = w.proto
    if w.kind == "button":
        s.trigger_value = True
    elif w.kind == "slider":
        if len(p.options):  # a select_slider: option strings
            s.string_array_value.data.extend([str(v) for v in (value if isinstance(value, list) else [value])])
        else:
            s.double_array_value.data.extend([float(v) for v in (value if isinstance(value, list) else [value])])
    elif w.kind == "checkbox":
        s.bool_value = bool(value)
    elif w.kind == "number_input":
        if p.data_type == type(p).INT:
            s.int_value = int(value)
        else:
            s.double_value = float(value)
    else:  # selectbox, radio, text_area, text_input
        s.string_value = str(value)
    return s


def some_value(w: Widget, rng: random.Random, current=None):
    """A value a person might pick for `w` (a checkbox: the opposite of `current`, else of its default)."""
    p = w.proto
    if w.kind == "slider":
        n = max(1, len(p.value) or len(p.default))
        if len(p.options):
            opts = list(p.options)
            return sorted(rng.sample(opts, n), key=opts.index) if n > 1 else [rng.choice(opts)]
        steps = max(1, int(round((p.max - p.min) / (p.step or 1))))
        vals = sorted(p.min + (p.step or 1) * rng.randint(0, steps) for _ in range(n))
        return [int(v) if p.data_type == type(p).INT else v for v in vals]
    if w.kind in ("selectbox", "radio"):
        return rng.choice(list(p.options)) if len(p.options) else ""
    if w.kind == "checkbox":
        return not (p.default if current is None else current)
    if w.kind in ("text_area", "text_input"):
        return rng.choice(SENTENCES)
    if w.kind == "number_input":
        step = p.step or 1  # a few steps from where it was, as a person clicks + or -
        v = (p.default if current is None else current) + step * rng.randint(-3, 3)
        v = min(p.max, v) if p.has_max else v
        v = max(p.min, v) if p.has_min else v
        return int(v) if p.data_type == type(p).INT else v
    return True
