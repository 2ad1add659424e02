"""What a server imports before its first visitor: the heavy libraries every page needs.

A fresh process spends 2–4 s importing torch, pandas and plotly (measured by bench/profile_page.py on
app.py's first run); paid inside the first page run, that is the first visitor's wait. `make run` starts
the server through scripts/serve.py, which calls `preload()` before Streamlit listens, so the cost moves
to the server's start where no one is waiting. bench/first_open.py calls it before its clock for the
same reason. The import order matches ui.guard.start_process: pandas before plotly (plotly imports
pandas lazily; two threads doing that at once raced).
"""
from __future__ import annotations

import importlib
import time

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


def preload(modules: tuple[str, ...] = HEAVY) -> dict[str, float]:
    """Import `modules` now; return the seconds each took (0.0 when already imported). A module that
    fails to import is skipped: the page that needs it reports the error where it is used."""
    took = {}
    for name in modules:
        t0 = time.perf_counter()
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        took[name] = round(time.perf_counter() - t0, 3)
    return took
