"""The n-gram page's modified-KN comparison and the entropy page's cross-entropy / KL, in both languages."""
from __future__ import annotations

import time

import pytest

from tests.apptest import errors, open_page


def rerun_until(at, found, timeout: float = 120.0):
    """AppTest never ticks the job's polling fragment: rerun until `found(at)` holds."""
    end = time.time() + timeout
    while time.time() < end:
        if found(at):
            return at
        time.sleep(0.3)
        at.run()
        assert not at.exception, errors(at)
    raise AssertionError("timed out waiting for the page")


def _frame(at, column: str):
    """The first table with a column named `column`, or None."""
    got = [d.value for d in at.dataframe if column in list(d.value.columns)]
    return got[0] if got else None


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_ngram_page_compares_modified_and_interpolated_kn(lang):
    from core.corpus import load_shipped, split_train_heldout
    from core.lm.data import build

    at = open_page("views/lm_ngram.py", lang=lang)
    col = "n (tuned)" if lang == "en" else "n（調整後）"
    rerun_until(at, lambda a: _frame(a, col) is not None)
    table = _frame(at, col)
    assert len(table) == 2
    held = table.iloc[:, -1].tolist()
    # Independent check: the modified-KN row's held-out perplexity, recomputed from its tuned n and factor.
    n = int(table.iloc[1, 1])
    train, heldout = split_train_heldout(load_shipped(lang))
    d = build(train, heldout, "char", lang)
    setting = table.iloc[1, 2]
    factor = 1.0 if "×" not in setting else float(setting.split("×")[1])
    assert held[1] == pytest.approx(d.counts.perplexity(d.heldout, n, "mkn", discount=factor).ppl, abs=0.01)
    assert ("Modified KN" if lang == "en" else "修正 KN") in table.iloc[1, 0]
