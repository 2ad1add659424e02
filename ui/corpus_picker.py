"""The corpus widget shared by the pages that train something: shipped English / Japanese, or an upload."""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from core.corpus import MAX_NAME_CHARS, corpus_id, decode_upload, load_shipped, split_train_heldout
from core.errors import UserInputError
from core.runtime import private
from core.textcheck import strip_controls
from ui import shell
from ui.texts.common import T


@dataclass(frozen=True)
class PickedCorpus:
    name: str  # "en", "ja" or the uploaded file's name (no control characters, cut; show it with ui.safe.plain)
    lang_hint: str  # "en" | "ja" | "upload"
    text: str
    train: str
    heldout: str
    key: str  # stable cache key of the text
    scope: private.Scope | None = None  # an upload: its session's private tables (core.runtime.private)


def _upload(up, prefix: str) -> tuple[str, tuple[str, str]]:
    """(text, (train, heldout)) of an upload, kept in this session's state only.

    Never in a process-wide cache (st.cache_data would keep it after the session ends, for anyone who
    uploads the same bytes): an uploaded text stays with its session, and with the autosave of a training
    on it (core.gpt.checkpoints.autosave), which its owner's Resume needs. Decoded once per file, not once per rerun.
    """
    key = f"_{prefix}_upload_decoded"
    held = st.session_state.get(key)
    if held is None or held[0] != up.file_id:
        text = decode_upload(up.getvalue(), up.name)
        held = (up.file_id, text, split_train_heldout(text))
        st.session_state[key] = held
    return held[1], held[2]


def session_scope() -> private.Scope:
    """This session's private scope: where the work on its uploads keeps what it builds (tokenizers, counts,
    jobs), in its state, so it goes with the session."""
    scope = st.session_state.get("_private_scope")
    if not isinstance(scope, private.Scope):
        scope = st.session_state["_private_scope"] = private.Scope()
    return scope


def cached(picked: PickedCorpus, fn: Callable[..., Any], *args: Any) -> Any:
    """`fn(*args)`, a page's `st.cache_data` / `st.cache_resource` function of the picked corpus: process-wide for a
    shipped corpus; for an upload, its undecorated body, the value kept in the session's private scope (counts and
    examples reproduce the text: a process-wide cache would keep them after the session ends). The scope's key is
    st.cache's own: the arguments whose parameter name does not start with "_" (the texts' hash is `picked.key`)."""
    if picked.scope is None:
        return fn(*args)
    body = fn.__wrapped__
    names = inspect.signature(body).parameters
    key = ("page", body.__module__, body.__qualname__, *(a for name, a in zip(names, args) if not name.startswith("_")))
    value = picked.scope.get(key)
    if value is None:
        value = body(*args)
        picked.scope.put(key, value)
    return value


@st.cache_data(max_entries=4, show_spinner=False)  # the shipped corpora only (an upload: _upload)
def _split(text: str) -> tuple[str, str]:
    return split_train_heldout(text)


@st.cache_data(max_entries=2, show_spinner=False)  # one per shipped language
def _pretraining_split(lang: str) -> tuple[str, str]:
    from core.gpt.tasks.pretrain_text import pretraining_split

    s = pretraining_split(lang)
    return s.train, s.heldout


def pick_corpus(prefix: str, default: str = "en", show_stats: bool = True, shipped_split: bool = False) -> PickedCorpus:
    """Draw the corpus choice (keys prefixed by `prefix`) and return the chosen text and its split.

    An upload that is not usable shows a clear message and falls back to the shipped corpus.
    `shipped_split`: a shipped corpus is split as the shipped GPT was trained (core.gpt.tasks.pretrain_text:
    the tasks' held-out paragraphs, from every topic, are the held-out text) instead of the pages' last
    10 %, so a run on the training page is scored on the shipped model's own held-out text and its line
    can be drawn.

    An upload's private scope (`.scope`) is made current for the rest of the page's run: what the page
    builds from the text (tokenizers, n-gram counts, jobs, figures) stays in this session's tables, never in
    the shared caches nor on disk; a callback takes it along with `private.active(picked.scope)`.
    """
    lang = shell.lang()
    options = ["en", "ja", "upload"]
    labels = {"en": T.t("corpus_en", lang), "ja": T.t("corpus_ja", lang), "upload": T.t("corpus_upload", lang)}
    choice = st.radio(T.t("corpus", lang), options, format_func=labels.get, key=f"{prefix}_corpus", bind="query-params",
                      index=options.index(default), horizontal=True)
    name, hint, text, split = choice, choice, None, None
    if choice == "upload":
        up = st.file_uploader(T.t("corpus_upload_label", lang), key=f"{prefix}_upload")
        if up is None:
            st.info(T.t("corpus_upload_wait", lang))
        else:
            try:
                (text, split), name = _upload(up, prefix), strip_controls(up.name)[0][:MAX_NAME_CHARS]
            except UserInputError as e:
                shell.show_error(e)
        if text is None:  # nothing usable uploaded: the shipped corpus in the reader's language meanwhile
            name = hint = "ja" if lang == "ja" else "en"
    if text is None:
        text = load_shipped(hint)
    scope = session_scope() if split is not None else None
    private.enter(scope)
    if split is not None:  # an upload: split in this session only
        train, heldout = split
    else:
        train, heldout = _pretraining_split(hint) if shipped_split and hint in ("en", "ja") else _split(text)
    if show_stats:
        st.caption(T.t("corpus_stats", lang, chars=len(text), train=len(train), held=len(heldout)))
    return PickedCorpus(name, hint, text, train, heldout, corpus_id(text), scope)
