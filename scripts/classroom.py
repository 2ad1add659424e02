"""K app servers behind one address: HAProxy in front, sticky per browser, for a class larger than one process holds.

    .venv/bin/python scripts/classroom.py --servers 2 --port 8501        # `make class`; Ctrl-C stops everything
    .venv/bin/python scripts/classroom.py --servers 3 --port 8080 --address 0.0.0.0   # the class's network

What it starts (and stops, on Ctrl-C or SIGTERM, servers after the balancer):
- K processes of the app, each `scripts/serve.py` (as `make run`) on 127.0.0.1 at its own port, each with its
  own cache folder (`ATLAS_CACHE_DIR=<cache>/app<i>`: the disk cache and autosaved trainings are per process);
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
        self.haproxy = haproxy or shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.ports: list[int] = []
        self.servers: list[subprocess.Popen] = []
        self.balancer: subprocess.Popen | None = None
        self.logs: list = []

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    def backend_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def _log(self, name: str):
        f = open(self.cache / f"{name}.log", "wb")
        self.logs.append(f)
        return f

    def start(self) -> "Classroom":
        if not Path(self.haproxy).exists():
            raise FileNotFoundError("haproxy is missing: apt-get install -y haproxy (or `make class`, which does)")
        self.cache.mkdir(parents=True, exist_ok=True)
        try:
            for i in range(1, self.k + 1):
                port = free_port()
                env = {**self.env, "ATLAS_CACHE_DIR": str(self.cache / f"app{i}")}
                self.servers.append(subprocess.Popen(
                    [sys.executable, str(ROOT / "scripts" / "serve.py"), "--server.port", str(port),
                     "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
                     "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                    stdout=self._log(f"app{i}"), stderr=subprocess.STDOUT))
                self.ports.append(port)
            for i, proc in enumerate(self.servers):  # they start in parallel; wait for each
                wait_health(self.backend_url(i), proc)
            cfg = self.cache / "haproxy.cfg"
            cfg.write_text(haproxy_config(self.port, [("127.0.0.1", p) for p in self.ports], self.address))
            subprocess.run([self.haproxy, "-c", "-q", "-f", str(cfg)], check=True)
            self.balancer = subprocess.Popen([self.haproxy, "-db", "-f", str(cfg)], stdout=self._log("haproxy"),
                                             stderr=subprocess.STDOUT)
            wait_health(self.url, self.balancer, timeout_s=30)
        except BaseException:
            self.stop()
            raise
        return self

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
        print(f"{a.servers} servers behind {room.url} (logs and caches in {room.cache}); Ctrl-C stops them",
              flush=True)
        gone: set[int] = set()
        while room.balancer.poll() is None:  # a server that dies leaves the others serving (health checks)
            for i, p in enumerate(room.servers):
                if p.poll() is not None and i not in gone:
                    gone.add(i)
                    print(f"app{i + 1} exited ({p.returncode}); its students reconnect to the others", file=sys.stderr)
            time.sleep(1)
        print("the balancer exited; stopping the servers", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        room.stop()


if __name__ == "__main__":
    sys.exit(main())
