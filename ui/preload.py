"""What a server imports before its first visitor: the heavy libraries every page needs, and a few one-time
builds (WARMUPS) that a first interaction would otherwise wait for.

A fresh process spends 2–4 s importing torch, pandas and plotly (measured by bench/profile_page.py [docs/FINDINGS.md] on
app.py's first run); paid inside the first page run, that is the first visitor's wait. `make run` starts
the server through scripts/serve.py, which calls `preload()` before Streamlit listens, so the cost moves
to the server's start where no one is waiting. bench/first_open.py calls it before its clock for the
same reason. The import order matches ui.guard.start_process: pandas before plotly (plotly imports
pandas lazily; two threads doing that at once raced).
"""
from __future__ import annotations

import importlib
import logging
import time

log = logging.getLogger("atlas.preload")

# Each one costs ≥ 0.5 s cold and is needed by the home page or the first page a lesson opens, or (torch._dynamo)
# by the first training of the process: torch builds every optimizer through a function that imports torch._dynamo
# on first use (torch/_compile.py), ~800 modules with sympy, 3.9 s and +66 MB at load 12 on this machine. Imported
# there, that was inside a job thread while other sessions waited on the import lock, and the memory stayed for
# good anyway (bench/soak.py's settled figure carried it); here it is paid once, before anyone waits.
# transformers (the Multi-head page's MiniLM, the Compare-tokenizers page's Hugging Face tokenizers): its BERT
# modules took 1.9–2.7 s to import on the first switch to MiniLM, against 0.2 s for loading the weights after it
# (bench/pages.py --interactions: `radio:mha_model` 2.3–4.1 s, `toggle:tokc_hf_on` 4.1 s, load ~2). core.model_ids
# comes first: it sets HF_HUB_OFFLINE=1, which huggingface_hub reads once, when transformers imports it.
HF = ("core.model_ids", "transformers", "transformers.models.auto.modeling_auto",
      "transformers.models.auto.tokenization_auto", "transformers.models.bert.modeling_bert",
      "transformers.models.bert.tokenization_bert")
HEAVY = ("torch", "pandas", "plotly.graph_objects", "plotly.io", "streamlit.emojis", "torch._dynamo", *HF)


def _hf_conversion_table() -> None:
    """transformers builds its table of checkpoint renamings (~1,000 regular expressions, kept for the process)
    on the first model it loads: 0.08-0.15 s of the Multi-head page's first switch to MiniLM (bench/pages.py
    `radio:mha_model`, 0.52 s before). Built here, where no one waits."""
    import core.model_ids  # noqa: F401 - sets HF_HUB_OFFLINE, read once when transformers first imports the hub
    from transformers import conversion_mapping

    conversion_mapping.get_checkpoint_conversion_mapping("bert")


def _shipped_japanese_words() -> None:
    """The shipped Japanese corpus split into MeCab words (training and held-out parts, as the pages split it):
    the n-gram and normalization pages' switch to it at word level paid 0.1-0.3 s of MeCab (`radio:ngram_corpus`,
    0.54 s before). core.lm.units keeps the split on disk, so after a server's first start this is a file check."""
    from core.corpus import load_shipped, split_train_heldout
    from core.lm.units import split_units

    for part in split_train_heldout(load_shipped("ja")):
        split_units(part, "word", "ja")


def _pages() -> None:
    """The Task formats page's caches in both data languages (views/gpt_tasks/shipped.py's warm): its language switch
    paid 0.35-0.50 s loading and validating the other language's tasks (`radio:tasks_lang`). The page names its
    warm-up in ui/registry.py (PageEntry.warm), as app.py names the page itself: ui never imports a page."""
    from ui.registry import PAGES

    for entry in PAGES:
        if entry.warm:
            module, _, function = entry.warm.partition(":")
            getattr(importlib.import_module(module), function)()


def _production_tokenizers() -> None:
    """The five production tokenizers of the Compare page (core.tokenizers.production: 35 MB of JSON, 2-3 s to
    parse and check on this CPU): loaded once per process, here rather than in the first visitor's page run.
    A missing or damaged one is kept as its error, which the page shows."""
    from core.tokenizers.production import KEYS, try_load

    for key in KEYS:
        try_load(key)


# One-time builds a first interaction would otherwise wait for, (name, function); each is cheap once done.
WARMUPS = (("warm:hf_conversion_table", _hf_conversion_table), ("warm:ja_words", _shipped_japanese_words),
           ("warm:pages", _pages), ("warm:production_tokenizers", _production_tokenizers))


class _DropNoRuntime(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "No runtime found" not in record.getMessage()


def _run_warmups(warmups: tuple, took: dict[str, float]) -> None:
    for name, fn in warmups:
        t0 = time.perf_counter()
        try:
            fn()
        except Exception:  # a missing package or corpus: the page says so when it is opened
            log.warning("preload: %s failed", name, exc_info=True)
            continue
        took[name] = round(time.perf_counter() - t0, 3)


def preload(modules: tuple[str, ...] = HEAVY, warmups: tuple = WARMUPS) -> dict[str, float]:
    """Import `modules` now, then run `warmups`; return the seconds each took (0.0 when already done). A module
    that fails to import, or a warm-up that fails, is skipped: the page that needs it reports the error where
    it is used."""
    from core.runtime.threads import serial_main_thread

    took = {}
    importlib.import_module("torch")
    serial_main_thread()  # before any warm-up runs a torch op here: the training jobs' threads keep their speed
    for name in modules:
        t0 = time.perf_counter()
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        took[name] = round(time.perf_counter() - t0, 3)
    # st.cache_data filled before the server exists says so once per cached function ("No runtime found, using
    # MemoryCacheStorageManager"): the in-memory store is the one the server uses by default, so the line only
    # alarms whoever reads the start-up log. Dropped here, for the warm-ups only.
    quiet = _DropNoRuntime()
    cache_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    cache_log.addFilter(quiet)
    try:
        _run_warmups(warmups, took)
    finally:
        cache_log.removeFilter(quiet)
    # Everything imported and warmed above lives as long as the process: freeze it now (core.runtime.gcpolicy),
    # so the one full collection over all of it (~470,000 objects, 0.2 s measured by bench/pages.py --gc) runs
    # here, before the server listens, and not in the first visitor's first run (ui.guard.start_process).
    from core.runtime.gcpolicy import freeze_if_imported

    t0 = time.perf_counter()
    if freeze_if_imported():
        log.info("preload: froze what it imported and warmed in %.3f s", time.perf_counter() - t0)
    return took
