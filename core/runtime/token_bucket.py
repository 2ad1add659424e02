"""How fast one browser connection may send messages to the server: a token bucket, and when to cut it off.

A class shares one server process, so one tab that floods reruns (a script, a stuck key, a hostile client) must
not take the CPU from the others. Each websocket gets a bucket of `burst` tokens, refilled at `rate` a second;
every message it sends takes one. A message that finds the bucket empty waits for its token (the connection is
*slowed*: the server reads its next message only then, so a flood backs up on the client's side); a connection
that found the bucket empty and has not refilled a second's worth since (`rate` tokens: it never paused) for
`cut_after_s` seconds is *cut* (closed). Why the second's worth: a server busy with other work reads a backlog
of messages more slowly than `rate` at times, so "empty on every message" would miss a flood on a loaded server
(bench/class_load.py at load 7: 400 of a 20/s flood's reruns read in 35 s before the cut, against ~200 expected).

    rate 8/s, burst 100, cut after 5 s:
    a student dragging a slider sends one rerun per release, a fragment's timer one every 0.5-2 s -> never waits
    a held arrow key on a slider (~30 reruns/s) -> 4.5 s from the burst, then slowed to 8/s; released, it refills
    a client flooding 20 reruns/s -> its burst lasts 100 / (20 - 8) = 8 s, then slowed, cut 5 s later

Why slowing alone is not enough: Streamlit stops a running script when the next rerun arrives and starts again,
so a tab sending reruns faster than its page runs keeps one script thread busy at 8 a second as at 20; what
bounds its cost is the cut. A cut tab's browser reconnects (a new session, a new bucket): ATLAS_MAX_SESSIONS
bounds how many a client holds.

Pure (no clock of its own, no Streamlit): the caller passes `now`; ui/websocket_limits.py applies it to
Streamlit's websocket. Settings (read once, at import of the glue): ATLAS_WS_RATE, ATLAS_WS_BURST,
ATLAS_WS_CUT_AFTER_S, ATLAS_MAX_SESSIONS; a rate of 0 turns the per-connection limit off.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

CUT = -1.0  # what `take` returns for a connection to close


@dataclass(frozen=True)
class LimitConfig:
    # Streamlit's frontend sends a rerun per committed change (a slider on release, a text on Enter or blur, a
    # click) and one per fragment timer tick (this app's fastest is 0.5 s; a training page runs three fragments,
    # 0.5 + 2 + 2 s: 3 a second): a busy student sends 3-4 a second, and far fewer on average; 8 leaves room for
    # a held arrow key on a slider every half minute on top (tests/test_token_bucket.py replays such a student).
    rate: float = 8.0
    # A burst of 100 covers a held arrow key on a slider (one rerun per key repeat, ~30/s) for ~4.5 s, or a student
    # clicking through every page and widget as fast as they can, before anything is slowed.
    burst: float = 100.0
    # Slowed on every message for this long in a row (over 8 a second for 17 s and more, the burst included): no
    # person does that; a flood of 20 a second gets here ~13 s in, having had ~200 of its reruns read.
    cut_after_s: float = 5.0
    # Sessions (websockets) one server process holds at once: a class of 30-60 with a few tabs each fits, one
    # client opening 1,000 does not (each session keeps its widgets and page state in memory).
    max_sessions: int = 150

    @classmethod
    def from_env(cls, environ=os.environ) -> "LimitConfig":
        """The defaults, with ATLAS_WS_RATE, ATLAS_WS_BURST, ATLAS_WS_CUT_AFTER_S, ATLAS_MAX_SESSIONS where set."""
        d = cls()
        return cls(rate=max(0.0, float(environ.get("ATLAS_WS_RATE", d.rate))),
                   burst=max(1.0, float(environ.get("ATLAS_WS_BURST", d.burst))),
                   cut_after_s=max(0.0, float(environ.get("ATLAS_WS_CUT_AFTER_S", d.cut_after_s))),
                   max_sessions=max(1, int(environ.get("ATLAS_MAX_SESSIONS", d.max_sessions))))


class TokenBucket:
    """One connection's bucket. `take(now)` for each message: 0.0 (go on), a delay in seconds (wait, then go on),
    or CUT (close the connection).

    >>> b = TokenBucket(LimitConfig(rate=2, burst=2, cut_after_s=1.0), now=0.0)
    >>> [b.take(0.0), b.take(0.0)]      # the burst
    [0.0, 0.0]
    >>> b.take(0.0)                     # empty: wait for the next token, 1 / rate
    0.5
    >>> b.take(0.5)                     # still over the rate (it waited, and sends again at once)
    0.5
    >>> b.take(1.0)                     # slowed on every message since t = 0: cut
    -1.0
    >>> b = TokenBucket(LimitConfig(rate=2, burst=2, cut_after_s=1.0), now=0.0)
    >>> [b.take(0.0), b.take(0.0), b.take(0.0), b.take(2.0)]   # a pause refills it: no longer slowed
    [0.0, 0.0, 0.5, 0.0]
    """

    def __init__(self, config: LimitConfig, now: float):
        self.config = config
        self.tokens = config.burst
        self.stamp = now  # when `tokens` was last brought up to date
        self.slowed_since: float | None = None  # the first of the messages in a row that each had to wait
        self.delayed = 0  # messages that waited, for the log line and the bench

    def take(self, now: float) -> float:
        c = self.config
        if c.rate <= 0:  # the limit is off
            return 0.0
        self.tokens = min(c.burst, self.tokens + (now - self.stamp) * c.rate)
        self.stamp = now
        if self.slowed_since is not None and self.tokens >= min(c.burst, c.rate):
            self.slowed_since = None  # a second's worth back: it paused, it is no longer over the rate
        wait = 0.0
        if self.tokens < 1.0:
            wait = (1.0 - self.tokens) / c.rate  # until one whole token is back; it is spent now, so the debt is paid
            self.delayed += 1
            if self.slowed_since is None:
                self.slowed_since = now
        self.tokens -= 1.0
        if self.slowed_since is not None and now - self.slowed_since >= c.cut_after_s:
            return CUT
        return wait
