"""Tokenizers that need training, on a page: at once when shipped or cached, else a shared background job.

    kit = comparison_toolkit(picked.text, vocab, lang)   # the comparison page's Toolkit

The default settings of the shipped corpora load from assets/models/tokenizers/ (no wait); any other
size or an uploaded corpus trains in `core.tokenizers.compare_job.ToolkitJob`, drawn by
`ui.background.outcome` (progress, ETA, Cancel, Start again). Until it finishes, the returned Toolkit
holds only the rows that need no training (`kit.rows()` says which).
"""
from __future__ import annotations

import streamlit as st

from core.errors import UserInputError
from core.tokenizers import cache, compare_job
from core.tokenizers.compare import Toolkit, human_toolkit
from ui import background, shell
from views.tok_compare.texts.tokenizer_jobs import T


def comparison_toolkit(text: str, vocab_size: int, lang: str, key: str = "tokc_job") -> Toolkit:
    """Every row when ready; the human-defined rows plus the job's progress otherwise.

    UserInputError (an empty text) propagates: the page shows it and stops."""
    try:
        got = compare_job.toolkit_or_job(text, vocab_size)
    except UserInputError as e:
        if not text.strip():
            raise
        shell.show_error(e)  # too many trainings on the server: show the rows we have
        return human_toolkit(text)
    kit = background.outcome(got, key, lang, T.t("what", lang), T.t("running", lang, v=vocab_size),
                             compare_job.restart, (text, vocab_size))
    if cache.SHIPPED_DAMAGED:  # a server problem, not the visitor's: say it once, quietly, with the fix
        st.caption(T.t("damaged", lang, n=len(cache.SHIPPED_DAMAGED)))
    return kit if kit is not None else human_toolkit(text)
