"""Work on a text that must stay with its session (an upload): where its caches and jobs live instead.

The process-wide caches (core.tokenizers.cache's table, the disk cache, the pages' figure table, the job
registries) are keyed by a text's hash and outlive every session: right for the shipped corpora, wrong
for an uploaded text, whose tokenizers' vocabularies, n-gram counts and word lists reproduce it. A `Scope`
is one session's own small table (kept in its session state by ui.corpus_picker): while it is *current*
(`current()`), whatever those caches would keep goes into the scope instead, and nothing reaches the disk.
When the session ends its state goes, the scope with it, and the garbage collector takes the rest.

- A page makes a scope current for the rest of its run with `enter(scope)` (ui.guard ends it with the run);
  a callback or a script uses `with active(scope): ...`.
- A `core.runtime.jobs.BackgroundJob` made while a scope is current runs in it (the job's thread enters
  the scope its maker had), and a `JobRegistry(scoped=True)` keeps such jobs in the scope, so two sessions
  uploading the same bytes never share a job (nor see each other's through it).
- A module's table of finished results reads `table(name, shared)`: the shared one, or the scope's own.

    scope = Scope()
    with active(scope):
        kit = fit_toolkit(uploaded_text, 1000)   # trained, kept in `scope` only
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, TypeVar

T = TypeVar("T")
MAX_ENTRIES = 24  # one upload × the settings a student tries (a sweep trains ~20 tokenizers); least recently used out


class Scope:
    """One session's private cache (thread-safe LRU, `max_entries`) and its named tables (jobs, results).

    >>> s = Scope(max_entries=2); s.put("a", 1); s.put("b", 2); s.put("c", 3)
    >>> s.get("a"), s.get("c"), len(s)
    (None, 3, 2)
    """

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._tables: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: Any) -> Any | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def table(self, name: str, factory: Callable[[], T]) -> T:
        """The scope's own table `name`, made by `factory()` on first use."""
        with self._lock:
            if name not in self._tables:
                self._tables[name] = factory()
            return self._tables[name]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._tables.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


_CURRENT: ContextVar[Scope | None] = ContextVar("atlas_private_scope", default=None)


def current() -> Scope | None:
    """The scope in effect in this thread (None: the shared caches)."""
    return _CURRENT.get()


def enter(scope: Scope | None) -> None:
    """Make `scope` current in this thread until the next `enter` (a page: for the rest of its run)."""
    _CURRENT.set(scope)


@contextmanager
def active(scope: Scope | None) -> Iterator[Scope | None]:
    """`scope` current within the block, the previous one after it."""
    token = _CURRENT.set(scope)
    try:
        yield scope
    finally:
        _CURRENT.reset(token)


def table(name: str, shared: T, factory: Callable[[], T] | None = None) -> T:
    """`shared` outside a scope; inside one, the scope's own table `name` (made like `shared`'s type)."""
    scope = _CURRENT.get()
    if scope is None:
        return shared
    return scope.table(name, factory or type(shared))
