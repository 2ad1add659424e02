"""Run a function on the Streamlit server's event-loop thread (the process's main thread).

Pages run in script threads, but Python sets signal handlers only from the main thread, where Streamlit
runs its asyncio event loop: `core.runtime.shutdown.install(call_on_main=call_on_main)` chains its
SIGTERM handler through this. It reads the running Runtime's loop (a private attribute of Streamlit
1.67, hence the guard): where it is missing, it returns False and shutdown falls back to its exit hook.
"""
from __future__ import annotations

import logging
from typing import Callable

log = logging.getLogger("atlas.server_loop")


def call_on_main(fn: Callable[[], object]) -> bool:
    """Schedule `fn()` on the server's event loop; False if there is no running Streamlit server."""
    try:
        from streamlit.runtime import Runtime

        if not Runtime.exists():
            return False
        loop = Runtime.instance()._get_async_objs().eventloop  # no public accessor
        if loop.is_closed():
            return False
        loop.call_soon_threadsafe(fn)
        return True
    except Exception:  # another Streamlit version, or bare mode: the exit hook still stops jobs
        log.debug("no server event loop to schedule on", exc_info=True)
        return False
