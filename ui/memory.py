"""The server gives its memory back once every tab is closed: core.runtime.memory's keeper, wired to Streamlit.

    ui.memory.start()   # once per process (ui.guard.start_process); idempotent

What goes when the server has had no connected session for core.runtime.memory.IDLE_S (bench/soak.py
measures it; bench/rss_pages.py --release [docs/FINDINGS.md] says what each step gives back):
- every process-wide st.cache_data / st.cache_resource entry (shipped models, forwards, n-gram tables,
  tokenizers, analyses), except the once-per-process setup in KEEP; session-scoped caches are the
  sessions' own and go with them;
- ui.figcache's figures, core.tokenizers.cache's in-memory table and core's other tables (TABLES: shipped
  GPTs, trained encoder-decoders, n-gram tables, sweeps, notes);
- every functools.lru_cache in core/ (the MeCab and Sudachi dictionaries, HF tokenizers, corpora, notes);
- the finished jobs of every JobRegistry in core/ (trained tokenizers, n-gram tables, notes: their results
  are in the disk cache, so the next request reads them there);
then a collection that also thaws what core.runtime.gcpolicy froze with a session, and malloc_trim.
Nothing on disk goes: the next visitor's pages reopen from the disk cache and assets/ (a warm first open).
"""
from __future__ import annotations

import collections
import functools
import gc
import json
import logging
import os
import sys
import threading

from core.runtime import memory
from core.runtime import gcpolicy
from core.runtime.gcpolicy import refreeze

log = logging.getLogger("atlas.memory")

KEEP = ("start_process",)  # ui.guard.start_process: the process's setup, not a cache (it would run again)
CORE_PREFIXES = ("core.",)  # whose module-level lru_caches are released
_keeper: memory.IdleKeeper | None = None
# log what is alive around each idle release (a walk of every object)
CENSUS = os.environ.get("ATLAS_MEMORY_CENSUS") == "1"


def _expire_closed_sessions() -> int:
    """Shut down the closed sessions whose reconnect window is over; on the event loop, which owns them.

    Streamlit keeps a closed tab's session (its AppSession, session state, models, uploads, download files)
    in a TTL table for server.disconnectedSessionTTL; an entry past its time is hidden from every read but
    only removed at the table's next write (another tab closing), and even then never shut down, so its
    uploaded and media files stay registered. On a server whose last tab has closed there is no next
    write: bench/soak.py counted 16 of 16 sessions alive two minutes after the last tab closed. Here the
    expired entries are removed and shut down as a disconnect without reconnect would have. Returns how many."""
    from streamlit.runtime import Runtime

    storage = Runtime.instance()._session_mgr._session_storage
    cache = getattr(storage, "_cache", None)
    if not hasattr(cache, "expire"):
        return 0
    removed = cache.expire()
    for _, info in removed or ():
        try:
            info.session.shutdown()
        except Exception:  # one session's cleanup must not stop the others'
            log.warning("shutting down an expired session failed", exc_info=True)
    return len(removed or ())


def sessions() -> tuple[int, int]:
    """(connected sessions, sessions Streamlit keeps: connected + closed ones, expired or not, until shut down).
    Raises where there is no running server (AppTest, bare mode): the keeper then does nothing. While none is
    connected it also asks the event loop to shut down the closed sessions whose window is over."""
    from streamlit.runtime import Runtime

    from ui.server_loop import call_on_main

    mgr = Runtime.instance()._session_mgr  # no public count in Streamlit 1.67
    active = mgr.num_active_sessions()
    if active == 0:
        call_on_main(_expire_closed_sessions)
    stored = getattr(getattr(mgr._session_storage, "_cache", None), "_data", None)  # expired ones too
    return active, active + len(stored) if isinstance(stored, dict) else len(mgr.list_sessions())


def _global_caches(api_module) -> list:
    registry = api_module._resource_caches if hasattr(api_module, "_resource_caches") else api_module._data_caches
    with registry._caches_lock:
        return list(registry._function_caches.get(None, {}).values())  # None: scope="global"


def clear_streamlit_caches() -> int:
    """Empty every global st.cache_data / st.cache_resource except KEEP; returns how many caches were emptied."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    n = 0
    for api in (cache_resource_api, cache_data_api):
        for cache in _global_caches(api):
            if not cache.display_name.endswith(KEEP):
                cache.clear()
                n += 1
    return n


def clear_lru_caches(prefixes: tuple[str, ...] = CORE_PREFIXES) -> int:
    """cache_clear() every module-level functools.lru_cache of the loaded modules under `prefixes`."""
    n = 0
    for name, value in _module_values(prefixes):
        if isinstance(value, functools._lru_cache_wrapper) and getattr(value, "__module__", None) == name:
            value.cache_clear()
            n += 1
    return n


def forget_done_jobs(prefixes: tuple[str, ...] = CORE_PREFIXES) -> int:
    """Every module-level JobRegistry under `prefixes` drops its jobs that no longer run (and their results)."""
    from core.runtime.jobs import JobRegistry

    return sum(value.forget_done() for _, value in _module_values(prefixes) if isinstance(value, JobRegistry))


def _module_values(prefixes: tuple[str, ...]):
    """(module name, value) for every module-level value of the loaded modules under `prefixes`."""
    for name, mod in list(sys.modules.items()):
        if mod is not None and name.startswith(prefixes):
            for value in list(vars(mod).values()):
                yield name, value


# Module-level tables of core that keep loaded or trained results in front of the disk cache (each reloads
# from disk on its next use): "module:name" -> the lock that guards it ("" when a dict's own atomicity will do).
TABLES = {
    "core.shipped.models:_cache": "_lock",  # the shipped GPTs (assets/models)
    "core.transformer.encoder_decoder_job:_READY": "_READY_LOCK",  # trained encoder-decoders
    "core.lm.ngram_job:_READY": "_READY_LOCK",  # n-gram tables
    "core.tokenizers.sweep_job:_READY": "",  # vocabulary sweeps
    "core.notes_store:_MEMORY": "_MEMORY_LOCK",  # computed notes
}


def _clear_core_tables() -> int:
    """Empty core's in-memory tables (TABLES, the tokenizer table) of the modules already imported."""
    n = 0
    for where, lock_name in TABLES.items():
        mod_name, attr = where.split(":")
        mod = sys.modules.get(mod_name)
        table = getattr(mod, attr, None)
        if not isinstance(table, dict):
            continue
        lock = getattr(mod, lock_name, None) if lock_name else None
        if lock is not None:
            with lock:
                table.clear()
        else:
            table.clear()
        n += 1
    tok_cache = sys.modules.get("core.tokenizers.cache")
    if tok_cache is not None:
        tok_cache.MEMORY.clear()
    return n


def census() -> dict:
    """What the process-wide caches hold now: entries per Streamlit cache, figures, lru caches
    (bench/rss_pages.py [docs/FINDINGS.md])."""
    from streamlit.runtime.caching import cache_data_api, cache_resource_api

    from core.tokenizers import cache as tok_cache
    from ui import figcache

    out = {"streamlit": {}, "lru": {}}
    for api in (cache_resource_api, cache_data_api):
        for cache in _global_caches(api):
            mem = cache._mem_cache if hasattr(cache, "_mem_cache") else getattr(cache.storage, "_mem_cache", ())
            entries = len(mem)
            if entries:
                out["streamlit"][cache.display_name] = entries
    for name, mod in list(sys.modules.items()):
        if mod is not None and name.startswith(CORE_PREFIXES):
            for attr, value in list(vars(mod).items()):
                if isinstance(value, functools._lru_cache_wrapper) and value.cache_info().currsize:
                    out["lru"][f"{name}.{attr}"] = value.cache_info().currsize
    out["figures"] = figcache.stats()["entries"]
    out["tokenizers_in_memory"] = len(tok_cache.MEMORY._items)
    return out


def objects_census() -> dict:
    """What is alive, frozen objects included: live tensor bytes (unique storages), torch modules, Streamlit
    sessions, plotly figures, the most numerous types, threads. A walk of every object: for diagnosis only."""
    import torch
    from plotly.basedatatypes import BaseFigure
    from streamlit.runtime.app_session import AppSession

    with gcpolicy._lock:  # the frozen objects are what a census must see too
        gc.unfreeze()
        objs = gc.get_objects()
        if gcpolicy.ENABLED:
            gc.freeze()
    types, modules, storages = collections.Counter(), collections.Counter(), {}
    sessions = figures = 0
    for o in objs:
        t = type(o)
        types[t.__name__] += 1
        if isinstance(o, torch.Tensor):
            try:
                st_ = o.untyped_storage()
                storages[st_.data_ptr()] = st_.nbytes()
            except Exception:  # noqa: BLE001 - a meta or sparse tensor
                pass
        elif isinstance(o, torch.nn.Module):
            modules[t.__name__] += 1
        elif isinstance(o, AppSession):
            sessions += 1
        elif isinstance(o, BaseFigure):
            figures += 1
    del objs
    return {"tensor_mb": round(sum(storages.values()) / 2**20, 1), "tensors": len(storages),
            "modules": dict(modules.most_common(6)), "app_sessions": sessions, "figures": figures,
            "types": dict(types.most_common(8)), "threads": sorted(t.name for t in threading.enumerate())}


def _collect() -> None:
    """The keeper's collection: thaw, collect, refreeze (core.runtime.gcpolicy); with CENSUS, log what survives."""
    refreeze()
    if CENSUS:
        log.info("memory census after: %s", json.dumps({**census(), **objects_census()}, ensure_ascii=False))
        memory.allocator_stats()  # glibc's arenas and Python's object allocator, to stderr (the server log)


def _census_before() -> None:
    log.info("memory census before: %s", json.dumps({**census(), **objects_census()}, ensure_ascii=False))


def register_releases() -> None:
    from ui import figcache

    if CENSUS:
        memory.on_idle("0 census", _census_before)  # first: what the caches held
    memory.on_idle("streamlit caches", clear_streamlit_caches)
    memory.on_idle("figures", figcache.release)
    memory.on_idle("core lru caches", clear_lru_caches)
    memory.on_idle("core tables", _clear_core_tables)
    memory.on_idle("finished jobs", forget_done_jobs)


def start() -> bool:
    """Register the releases and start the keeper thread (once per process). True if it started now."""
    global _keeper
    register_releases()
    if _keeper is None:
        _keeper = memory.IdleKeeper(sessions, collect=_collect)
    return _keeper.start()


def keeper() -> memory.IdleKeeper | None:
    return _keeper
