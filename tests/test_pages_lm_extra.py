"""The n-gram page's modified-KN comparison and the entropy page's cross-entropy / KL, in both languages."""
from __future__ import annotations

import time

import pytest

from tests.apptest import errors, open_page, spec_with


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

    at = open_page("views/lm_ngram/page.py", lang=lang)
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


def _bars(at, title_word: str):
    """(p, q) of the p-against-q chart, decoded from its figure JSON."""
    import base64
    import json

    import numpy as np

    spec = json.loads(spec_with(at, title_word))

    def arr(y):
        if isinstance(y, dict):  # plotly's typed array: {"dtype": "f8", "bdata": base64}
            return np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).astype(float)
        return np.asarray(y, dtype=float)
    return arr(spec["data"][0]["y"]), arr(spec["data"][1]["y"])


def _metric(at, label_start: str) -> str:
    return [m.value for m in at.metric if m.label.startswith(label_start)][0]


def _sparse_context(lang: str, size: int) -> str:
    """Two characters of the training text followed by fewer distinct characters than the chart names."""
    import numpy as np

    from core.corpus import load_shipped, split_train_heldout
    from core.lm.cross_entropy import next_token_support
    from core.lm.ngram import NGramCounts

    train = split_train_heldout(load_shipped(lang))[0]
    counts = NGramCounts.train(train, max_n=3)
    for i in range(2, 5000):
        ctx = train[i - 2:i]
        if ctx.strip() == ctx and np.count_nonzero(next_token_support(counts, ctx, 3, size, "mle").q == 0) >= 2:
            return ctx
    raise AssertionError("no sparse context found")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_entropy_page_cross_entropy_and_kl_against_torch(lang):
    import math

    import torch
    from torch.distributions import Categorical, kl_divergence

    at = open_page("views/lm_entropy/page.py", lang=lang)
    title = "model's q" if lang == "en" else "モデルの q"
    p, q = _bars(at, title)
    assert len(p) == len(q) == at.slider(key="ent_size").value and q.sum() == pytest.approx(1, abs=1e-9)
    kl = float(kl_divergence(Categorical(probs=torch.tensor(p)), Categorical(probs=torch.tensor(q)))) / math.log(2)
    hpq = float(-(torch.tensor(p) * torch.tensor(q).log()).sum()) / math.log(2)
    assert float(_metric(at, "KL").split()[0]) == pytest.approx(kl, abs=2e-3)
    assert float(_metric(at, "Cross" if lang == "en" else "クロス").split()[0]) == pytest.approx(hpq, abs=2e-3)
    assert any("H(p) + KL" in m.value for m in at.markdown)

    # Raw counts after a context seen with few followers: q = 0 under p > 0 is infinite, and said so.
    at.radio(key="ent_q_model").set_value("mle").run()
    at.text_input(key="ent_ctx").set_value(_sparse_context(lang, len(p))).run()
    assert not at.exception, errors(at)
    assert _metric(at, "KL") == "∞" and at.warning and "∞" in at.warning[0].value
    # p set to q: the divergence drops to (about) zero, never ∞ or NaN.
    at.button(key="ent_kl_set").click().run()
    assert float(_metric(at, "KL").split()[0]) < 0.01


@pytest.mark.parametrize("ctx", ["", "<script>alert(1)</script>", "🧑‍💻" * 50, "\x00\x07"])
def test_entropy_context_hostile_input(ctx):
    at = open_page("views/lm_entropy/page.py", lang="en")
    at.text_input(key="ent_ctx").set_value(ctx).run()
    assert not at.exception, errors(at)
    assert "nan" not in " ".join(m.value for m in at.metric).lower()
