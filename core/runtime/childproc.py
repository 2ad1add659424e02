"""Child processes that end with the process that started them, even when it is killed outright.

A model rebuild (core.shipped.rebuild) runs `scripts/build_models.py` in a child, which runs `python -m
core.train` in a grandchild. A server stopped politely stops them (core.runtime.shutdown), but a server
killed with SIGKILL (or by the OOM killer) runs no handler: its children would go on as orphans, using
the CPU for an hour for nobody. Linux can tie a child to its parent: `prctl(PR_SET_PDEATHSIG, SIGTERM)`
asks the kernel to send SIGTERM when the parent goes. The child arms it itself, first thing:

    env = child_env()                  # parent: names itself in ATLAS_PARENT_PID
    subprocess.Popen(cmd, env=env)
    die_with_parent()                  # child, at the start of main(): armed; exits now if the parent is gone

(No `preexec_fn`: it is unsafe in a threaded server.) The kernel's "parent" is the *thread* that started
the child, so start it from a thread that waits for it, as the rebuild job does. Elsewhere than Linux,
nothing is armed and the polite path (shutdown handlers) is what remains.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

ENV = "ATLAS_PARENT_PID"
PR_SET_PDEATHSIG = 1


def child_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that should die with this process."""
    return {**(os.environ if environ is None else environ), ENV: str(os.getpid())}


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """In a child started with `child_env`: receive `sig` when the parent ends; exit at once if it already
    has. Then name this process as the parent of its own children. False where nothing was armed."""
    expected = os.environ.get(ENV, "")
    if not expected.isdigit() or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if os.getppid() != int(expected):  # the parent died before the signal was armed
        os._exit(128 + int(sig))
    os.environ[ENV] = str(os.getpid())  # our own children (the trainer) die with us in turn
    return armed
