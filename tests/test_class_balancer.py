"""scripts/classroom.py with K = 2 behind HAProxy on 127.0.0.1: stickiness per browser (the balancer's cookie, not
the address: every client here is 127.0.0.1), the websocket and HTTP uploads reaching the same process across many
interactions and reloads, and a stopped process's students sent to the other.

Which process holds a session is asked of each process directly, not of the balancer: an upload PUT to
`/_stcore/upload_file/<session>/…` answers 204 only from the process that holds the session (400 elsewhere).
Needs Debian's haproxy (`make test` installs it with apt, like chromium); skipped without it locally, failed in CI.
"""
from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import shutil
import signal
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.stclient import Tab, load_page, run_in_thread, some_value, upload

_spec = importlib.util.spec_from_file_location("classroom", ROOT / "scripts" / "classroom.py")
classroom = importlib.util.module_from_spec(_spec)  # by path: scripts/ stays off sys.path for the other tests
sys.modules["classroom"] = classroom
_spec.loader.exec_module(classroom)
Classroom = classroom.Classroom

pytestmark = pytest.mark.balancer
PAGES = ["tf_positional", "lm_entropy", "lm_chain_rule", ""]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    if not (shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")):
        why = "haproxy is missing (apt-get install -y haproxy; `make test` installs it)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    r = Classroom(2, cache=tmp_path_factory.mktemp("class"), env={"ATLAS_FORCE_CPU": "1"}).start()
    yield r
    r.stop()


def holder(room: Classroom, session_id: str) -> int:
    """The index of the one process that holds `session_id` (asked of each process directly)."""
    found = [i for i in range(room.k) if room.servers[i].poll() is None
             and upload(room.backend_url(i), session_id, load_page(room.backend_url(i))) == 204]
    assert len(found) == 1, f"session {session_id} held by processes {found}"
    return found[0]


async def browse(room: Classroom, seed: int, interactions: int = 12, reload_every: int = 4) -> tuple[int, dict]:
    """One browser: its first page load, then `interactions` page opens and widget changes with a reload every
    `reload_every`; every session and every upload checked to be on the browser's first process."""
    rng = random.Random(seed)
    jar = load_page(room.url)
    tab = Tab(room.url, cookies=jar)
    await tab.connect()
    try:
        await tab.open("")
        home = holder(room, tab.session_id)
        for n in range(1, interactions + 1):
            if n % reload_every == 0:  # a reload: a new websocket and a new session, the same browser
                await tab.close()
                jar = load_page(room.url, jar)
                tab = Tab(room.url, cookies=jar)
                await tab.connect()
                await tab.open(rng.choice(PAGES))
                assert holder(room, tab.session_id) == home
            else:
                ws = [w for w in tab.run.widgets.values() if w.kind != "button" and not w.disabled
                      and w.key not in ("present", "force_cpu")]
                if n % 2 and ws:
                    w = rng.choice(ws)
                    await tab.change(w, some_value(w, rng, tab.values.get(w.id)))
                else:
                    await tab.open(rng.choice(PAGES[:-1]))
            assert not tab.run.exceptions and not tab.run.unexpected, tab.text()
            assert upload(room.url, tab.session_id, jar) == 204  # HTTP beside the websocket: the same process
        return home, jar
    finally:
        await tab.close()


def test_each_browser_stays_on_its_process_and_browsers_spread(room):
    async def run():
        tabs = []  # four browsers arrive; their first tabs stay open, so leastconn spreads the next
        for i in range(4):
            jar = load_page(room.url)
            t = Tab(room.url, cookies=jar)
            await t.connect()
            await t.open("")
            tabs.append((t, jar))
        first = [holder(room, t.session_id) for t, _ in tabs]
        assert [jar["ATLAS_SERVER"] for _, jar in tabs] == [f"app{i + 1}" for i in first]
        for t, _ in tabs:
            await t.close()
        homes = await asyncio.gather(*(browse(room, seed) for seed in range(2)))
        return first, homes

    first, homes = run_in_thread(run())
    assert set(first) == {0, 1}, first  # all from 127.0.0.1, yet both processes get students


def test_stopping_a_process_sends_its_students_and_new_ones_to_the_other(room):
    async def run():
        home, jar = await browse(room, seed=7, interactions=2)
        gone = home
        room.stop_server(gone)
        time.sleep(3)  # the health check (every second, down after two) marks it down
        # The stopped process's browser reconnects (its cookie names the dead process): redispatched, and on it goes.
        jar = load_page(room.url, jar)
        async with Tab(room.url, cookies=jar) as tab:
            await tab.open("tf_positional")
            assert holder(room, tab.session_id) == 1 - gone and not tab.run.exceptions
        # New browsers all go to the process that is left.
        homes = [(await browse(room, seed, interactions=3, reload_every=2))[0] for seed in (11, 12, 13)]
        return gone, homes

    gone, homes = run_in_thread(run())
    assert homes == [1 - gone] * 3


def both_up(room: Classroom) -> None:
    """Every process answering again (an earlier test may have stopped one): what the watch loop of
    scripts/classroom.py does every second."""
    room.restart_dead()
    for i in range(room.k):
        classroom.wait_health(room.backend_url(i), room.servers[i])
    time.sleep(2)  # the balancer's health check (every second, up after one) takes it back


async def on_each_process(room: Classroom) -> list[tuple[Tab, dict]]:
    """One browser on each process: browsers arrive until both processes hold one (their tabs stay open)."""
    tabs, by_home = [], {}
    for _ in range(6):
        jar = load_page(room.url)
        t = Tab(room.url, cookies=jar)
        await t.connect()
        await t.open("lm_entropy")
        tabs.append(t)
        by_home.setdefault(holder(room, t.session_id), (t, jar))
        if len(by_home) == room.k:
            break
    for t in tabs:
        if all(t is not kept for kept, _ in by_home.values()):
            await t.close()
    assert len(by_home) == room.k, "the balancer kept every browser on one process"
    return [by_home[i] for i in range(room.k)]


def test_a_killed_process_goes_unnoticed_by_the_other_and_its_students_go_on(room):
    """kill -9 of one process mid-class: the other process's student keeps rerunning; the dead one's student
    reconnects through the balancer (its cookie names the dead process: redispatched) and goes on in a new
    session; the process started again (restart_dead) takes new students."""
    both_up(room)

    async def run():
        (a, a_jar), (b, _) = await on_each_process(room)
        victim = 0
        os.kill(room.servers[victim].pid, signal.SIGKILL)
        room.servers[victim].wait()
        w, rng = b.widget("ent_size"), random.Random(3)
        answered = [await b.change(w, some_value(w, rng, b.values.get(w.id))) for _ in range(4)]
        for _ in range(100):  # the dead process's socket is gone: the tab sees its connection close
            if a.closed:
                break
            await asyncio.sleep(0.1)
        a_closed = a.closed
        await a.close()
        # Streamlit's reconnect: the page's HTTP first (the browser retries /_stcore/health), then a websocket.
        for _ in range(20):
            try:
                a_jar = load_page(room.url, a_jar)
                break
            except OSError:
                await asyncio.sleep(0.5)
        async with Tab(room.url, cookies=a_jar) as again:
            await again.open("lm_entropy")
            wa = again.widget("ent_size")
            await again.change(wa, some_value(wa, rng))
            a_again = (holder(room, again.session_id), not again.run.exceptions)
        b_state = (b.closed, holder(room, b.session_id))
        await b.close()
        return answered, a_closed, a_again, b_state

    answered, a_closed, a_again, b_state = run_in_thread(run())
    assert len(answered) == 4 and b_state == (None, 1)  # the other process's student noticed nothing
    assert a_closed and a_again == (1, True)  # the dead one's student reconnected to the other, and goes on
    assert room.restart_dead() == ["app1"]
    both_up(room)

    async def newcomers():
        return [holder(room, t.session_id) for t, _ in await on_each_process(room)]

    assert run_in_thread(newcomers()) == [0, 1]  # the restarted process takes students again


def test_a_killed_balancer_is_started_again_and_the_students_reconnect_to_their_session(room):
    """kill -9 of HAProxy: every websocket through it drops (the browsers show their reconnect); restart_dead
    starts it again with the same configuration, and a browser reconnecting with its cookie and its session id
    (what Streamlit's frontend sends) finds its process and its session."""
    both_up(room)

    async def run():
        jar = load_page(room.url)
        tab = Tab(room.url, cookies=jar)
        await tab.connect()
        await tab.open("lm_entropy")
        sid, home = tab.session_id, holder(room, tab.session_id)
        os.kill(room.balancer.pid, signal.SIGKILL)
        room.balancer.wait()
        for _ in range(100):
            if tab.closed:
                break
            await asyncio.sleep(0.1)
        closed = tab.closed
        await tab.close()
        restarted = room.restart_dead()
        classroom.wait_health(room.url, room.balancer, timeout_s=30)
        back = Tab(room.url, cookies=load_page(room.url, jar))
        back.ws_protocols = ["streamlit", "xsrf", sid]  # Sec-WebSocket-Protocol: streamlit, <xsrf>, <session id>
        await back.connect()
        await back.open("lm_entropy")
        got = (back.session_id, holder(room, back.session_id), not back.run.exceptions)
        await back.close()
        return closed, restarted, sid, home, got

    closed, restarted, sid, home, got = run_in_thread(run())
    assert closed and restarted == ["haproxy"]
    assert got == (sid, home, True)


def test_the_client_runs_beside_a_loop_already_running_in_this_thread():
    """In the full suite an e2e test leaves Playwright's event loop running in the main thread, where a bare
    asyncio.run fails ("cannot be called from a running event loop"): the client runs in a thread of its own."""
    async def answer():
        await asyncio.sleep(0)
        return 42

    async def caller():  # a running loop in this thread, as Playwright's
        bare = answer()
        with pytest.raises(RuntimeError, match="running event loop"):
            asyncio.run(bare)  # what the tests did before
        bare.close()
        return run_in_thread(answer())

    assert run_in_thread(caller()) == 42  # (the suite's own loop may run in this thread already)


def test_a_child_that_keeps_dying_is_left_down(tmp_path):
    """restart_dead starts a dead child again, but not a fourth time within a minute: one that dies at once each
    time is broken (its log says why), and restarting it forever would only hide that."""
    class Dead:
        def poll(self):
            return 1

    room = Classroom(2, cache=tmp_path, env={})
    room.servers, room.balancer = [Dead(), Dead()], None
    spawned = []
    room._spawn_server = lambda i: spawned.append(i) or Dead()
    assert [room.restart_dead(now=t) for t in (0.0, 1.0, 2.0)] == [["app1", "app2"]] * 3
    assert room.restart_dead(now=3.0) == [] and room.given_up == {"app1", "app2"}
    assert spawned == [0, 1] * 3
    assert room.env["ATLAS_MAX_TRAININGS"] == os.environ.get("ATLAS_MAX_TRAININGS", "1")  # 2 // K unless set
