"""K app servers behind one address: HAProxy in front, sticky per browser, for a class larger than one process holds.

    .venv/bin/python scripts/classroom.py --servers 2 --port 8501        # `make class`; Ctrl-C stops everything
    .venv/bin/python scripts/classroom.py --servers 3 --port 8080 --address 0.0.0.0   # the class's network

What it starts (and stops, on Ctrl-C or SIGTERM, servers after the balancer):
- K processes of the app, each `scripts/serve.py` (as `make run`) on 127.0.0.1 at its own port, each with its
  own cache folder (`ATLAS_CACHE_DIR=<cache>/app<i>`: the disk cache and autosaved trainings are per process)
  and, unless ATLAS_MAX_TRAININGS is set, 2 // K trainings at once (at least 1): the machine's cores are shared;
  the shipped assets (assets/, static/, vendor/) are the one working tree, which every process only reads;
- HAProxy (Debian's `haproxy`; `make class` installs it with apt like the browser tests' chromium) on
  `--address:--port`, `mode http`, with:
  * stickiness by a cookie the balancer sets (`ATLAS_SERVER`, `cookie ... insert indirect nocache`) on the
    browser's first request (the page itself): every later request of that browser, the websocket (upgraded
    and then tunnelled), uploads (`/_stcore/upload_file`), media and reconnects, goes to the same process.
    Not by client address: a school's network shows one address for the whole class;
  * `balance leastconn`: a new browser goes to the process with the fewest open connections (websockets are
    long-lived, so that is the fewest students);
  * health checks (`GET /_stcore/health` every second) and `option redispatch`: a process that stopped gets no
    new students, and a browser whose cookie names it is sent to another (Streamlit's reconnect there opens a
    new session: what was in the old process's memory is gone, trainings autosaved in its cache folder stay).

A child that dies is started again (`restart_dead`, every second): a server on its port with its cache folder
(its students' browsers have already reconnected to the others; the health check sends new ones back once it
answers), the balancer with the same configuration (the students' browsers reconnect through it, by their cookie,
to the process that still holds their session). One that dies 3 times within a minute is left down, with a line
saying so; without a balancer, the script stops everything.

Several machines: the same haproxy configuration (`--print-config`) with the `server` lines pointing at the
other hosts' addresses (each host running `make run` with `--server.address` on its network address).
Network: everything listens on 127.0.0.1 unless --address says otherwise.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "ATLAS_SERVER"
MACHINE_TRAININGS = 2  # trainings at once on this machine, split over the processes (at least one each)
RESTARTS, RESTART_WINDOW_S = 3, 60.0  # a process that dies 3 times in a minute is broken, not unlucky: left down

CONFIG = """\
global
    maxconn 4096
defaults
    mode http
    option http-server-close
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-request 30s
    option redispatch
    retries 2
frontend atlas
    bind {address}:{port}
    default_backend apps
backend apps
    balance leastconn
    cookie {cookie} insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
{servers}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def haproxy_config(port: int, backends: list[tuple[str, int]], address: str = "127.0.0.1") -> str:
    """The balancer's configuration: `backends` are (host, port) of the app processes, named app1..appK."""
    lines = [f"    server app{i} {host}:{p} cookie app{i} check inter 1s fall 2 rise 1"
             for i, (host, p) in enumerate(backends, 1)]
    return CONFIG.format(address=address, port=port, cookie=COOKIE, servers="\n".join(lines))


def wait_health(url: str, proc: subprocess.Popen | None = None, timeout_s: float = 180.0) -> None:
    end = time.time() + timeout_s
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer /_stcore/health in {timeout_s:.0f} s")


class Classroom:
    """K app processes and one HAProxy in front; `start()`, `url`, `stop_server(i)`, `stop()`."""

    def __init__(self, servers: int = 2, port: int = 0, address: str = "127.0.0.1", cache: Path | None = None,
                 env: dict | None = None, haproxy: str | None = None):
        self.k, self.address = servers, address
        self.port = port or free_port()
        self.cache = Path(cache) if cache else Path(tempfile.mkdtemp(prefix="atlas-class-"))
        self.env = {**os.environ, **(env or {})}
        # One server's default (2 trainings) shared by the K processes of this machine, unless the teacher set it:
        # each training wants every core, and K processes at 2 each ran 2K at once on the same cores.
        self.env.setdefault("ATLAS_MAX_TRAININGS", str(max(1, MACHINE_TRAININGS // servers)))
        self.haproxy = haproxy or shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.ports: list[int] = []
        self.servers: list[subprocess.Popen] = []
        self.balancer: subprocess.Popen | None = None
        self.logs: list = []
        self.restarts: dict[str, list[float]] = {}  # name -> when restart_dead started it again
        self.given_up: set[str] = set()

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    def backend_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def _log(self, name: str):
        f = open(self.cache / f"{name}.log", "ab")  # a restarted process appends to its log
        self.logs.append(f)
        return f

    def start(self) -> "Classroom":
        if not Path(self.haproxy).exists():
            raise FileNotFoundError("haproxy is missing: apt-get install -y haproxy (or `make class`, which does)")
        self.cache.mkdir(parents=True, exist_ok=True)
        try:
            for i in range(self.k):
                self.ports.append(free_port())
                self.servers.append(self._spawn_server(i))
            for i, proc in enumerate(self.servers):  # they start in parallel; wait for each
                wait_health(self.backend_url(i), proc)
            cfg = self.cache / "haproxy.cfg"
            cfg.write_text(haproxy_config(self.port, [("127.0.0.1", p) for p in self.ports], self.address))
            subprocess.run([self.haproxy, "-c", "-q", "-f", str(cfg)], check=True)
            self.balancer = self._spawn_balancer()
            wait_health(self.url, self.balancer, timeout_s=30)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn_server(self, i: int) -> subprocess.Popen:
        """App process i (0-based) on its port, with its cache folder; its log appended to app<i+1>.log."""
        env = {**self.env, "ATLAS_CACHE_DIR": str(self.cache / f"app{i + 1}")}
        return subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "serve.py"), "--server.port", str(self.ports[i]),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
            stdout=self._log(f"app{i + 1}"), stderr=subprocess.STDOUT)

    def _spawn_balancer(self) -> subprocess.Popen:
        return subprocess.Popen([self.haproxy, "-db", "-f", str(self.cache / "haproxy.cfg")],
                                stdout=self._log("haproxy"), stderr=subprocess.STDOUT)

    def restart_dead(self, now: float | None = None) -> list[str]:
        """Start again every app process and the balancer that exited (same port, same cache folder), without
        waiting for them: the balancer's health check sends students to a restarted process once it answers,
        and a restarted balancer reads the same configuration. Returns what it restarted ("app2", "haproxy").
        One that exited RESTARTS times within RESTART_WINDOW_S is left down (it would only fail again)."""
        now = time.time() if now is None else now
        done = []
        for name, proc, spawn in [(f"app{i + 1}", p, lambda i=i: self._spawn_server(i))
                                  for i, p in enumerate(self.servers)] + [("haproxy", self.balancer,
                                                                          self._spawn_balancer)]:
            if proc is None or proc.poll() is None or name in self.given_up:
                continue
            recent = [t for t in self.restarts.get(name, []) if now - t < RESTART_WINDOW_S]
            if len(recent) >= RESTARTS:
                self.given_up.add(name)
                continue
            self.restarts[name] = [*recent, now]
            new = spawn()
            if name == "haproxy":
                self.balancer = new
            else:
                self.servers[int(name[3:]) - 1] = new
            done.append(name)
        return done

    def stop_server(self, i: int) -> None:
        """Stop app process i (0-based), as a crash or a restart would take it away."""
        _stop(self.servers[i])

    def stop(self) -> None:
        if self.balancer is not None:
            _stop(self.balancer)
        for p in self.servers:
            _stop(p)
        for f in self.logs:
            f.close()
        self.logs.clear()

    def __enter__(self) -> "Classroom":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _stop(proc: subprocess.Popen, timeout_s: float = 30.0) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--servers", type=int, default=int(os.environ.get("ATLAS_SERVERS", "2")),
                    help="app processes (K); ATLAS_SERVERS; about one per 30 students on 2 cores")
    ap.add_argument("--port", type=int, default=8501, help="the one address's port (the balancer's)")
    ap.add_argument("--address", default="127.0.0.1", help="where the balancer listens (0.0.0.0: the class's network)")
    ap.add_argument("--cache", default=str(ROOT / ".cache" / "class"), help="one folder per process goes under it")
    ap.add_argument("--print-config", action="store_true",
                    help="print HAProxy's configuration for K local servers and exit")
    a = ap.parse_args()
    if a.print_config:
        print(haproxy_config(a.port, [("127.0.0.1", 8601 + i) for i in range(a.servers)], a.address), end="")
        return 0
    room = Classroom(a.servers, a.port, a.address, Path(a.cache))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # SIGTERM -> finally: the same stop as Ctrl-C
    try:
        room.start()
        print(f"{a.servers} servers behind {room.url}, {room.env['ATLAS_MAX_TRAININGS']} training(s) at once each "
              f"(logs and caches in {room.cache}); Ctrl-C stops them", flush=True)
        reported: set[str] = set()
        while True:  # a child that dies is started again: a server (its students reconnect), or the balancer
            for name in room.restart_dead():
                print(f"{name} exited; started again" + ("" if name == "haproxy" else
                      " (its students reconnected to the others; new ones come back to it once it answers)"),
                      file=sys.stderr, flush=True)
            for name in sorted(room.given_up - reported):
                reported.add(name)
                print(f"{name} exited {RESTARTS} times in {RESTART_WINDOW_S:.0f} s; left down (see its log in "
                      f"{room.cache})", file=sys.stderr, flush=True)
            if "haproxy" in room.given_up:
                return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        room.stop()


if __name__ == "__main__":
    sys.exit(main())
