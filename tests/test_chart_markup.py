"""No markup from user data in any chart: plotly.js reads a subset of HTML in every string it draws (tick
labels, category values, text, hover text, names, titles), so a token "<s>" drew as an empty strikethrough
and "<a href=…>" as a link. Every public figure builder in core/charts/ is found here; one that takes
user text is called with hostile strings and its whole figure JSON is searched, one that does not is
listed with the reason. A new builder that is in neither list fails the first test.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest
import torch

import core.charts
from core.charts import attention, bpc, finetune, inside, lm, premium, training, transfer
from core.charts.style import plot_text, plot_texts
from core.transformer import inputs as I

HOSTILE = ["<b>x</b>", "<s>", '<a href="http://evil.example/">a</a>', "<img src=x onerror=alert(1)>", "&amp;",
           "<br>", "![b](http://evil.example/b.png)", "👩\u200d🔬", "bell\x07", "<i>"]
# What each hostile string must look like somewhere in the figure (escaped, so the test can fail).
SHOWN = ["&lt;b&gt;x&lt;/b&gt;", "&lt;s&gt;", "&lt;a", "&lt;img", "&amp;amp;", "&lt;br&gt;", "![b](",
         "👩\u200d🔬", "bell␇", "&lt;i&gt;"]
T = len(HOSTILE)


def _steps():
    x = I.random_inputs(HOSTILE, I.STEP_D_MODEL, 0)
    return I.sentence_steps(x, 8, True, True, 0)


def _neuron():
    from core.charts import neuron
    from core.gpt.model import GPT, GPTConfig
    from core.transformer.neuron_view import neuron_view

    m = GPT(GPTConfig(vocab_size=5, n_layer=1, n_head=1, n_embd=4, block_size=T))
    v = neuron_view(m, [1] * T, 0, 0, T - 1)
    names = {k: k for k in ("vectors", "products", "scores", "weights", "query")}
    return neuron.neuron_figure(v, HOSTILE, lm.ChartText("t", "x", "y", names))


def _guess(token: str):
    from core.gpt.inside.predict import TokenGuess

    return TokenGuess(token, 0.5, 3, ((token, 0.5), (HOSTILE[1], 0.2)))


def _text() -> lm.ChartText:
    return lm.ChartText("title", "x", "y", {"heldout": "held-out", "train": "train"})


# Builders that draw user text: "module.function" -> a call with HOSTILE where the user text goes.
CASES = {
    "attention.matrix_figure": lambda: attention.matrix_figure(torch.rand(T, T), HOSTILE, HOSTILE, "t", "key", "query"),
    "attention.step_figures": lambda: attention.step_figures(
        _steps(), HOSTILE, {f: f for _, fs in attention.STEP_TABS for f in fs}, "dims", "token", "query", "key"),
    "attention.concat_figure": lambda: attention.concat_figure(
        torch.randn(2, T, 4), torch.randn(8, 8), torch.randn(T, 8), HOSTILE, ["h1", "h2", "W_O", "out"]),
    "lm.chain_figure": lambda: lm.chain_figure(HOSTILE, [-1.0] * T, "t", "x", "bar", "line"),
    "lm.transition_heatmap": lambda: lm.transition_heatmap(np.full((T, T), 1 / T), HOSTILE, _text()),
    "lm.distribution_bar": lambda: lm.distribution_bar(HOSTILE, [1 / T] * T, _text()),
    "neuron.neuron_figure": lambda: _neuron(),
    "lm.p_vs_q_bars": lambda: lm.p_vs_q_bars(HOSTILE, [1 / T] * T, [0.0] + [1 / (T - 1)] * (T - 1), lm.ChartText(
        "t", "x", "y", {"p": "p", "q": "q", "inf": "0 → ∞"})),
    "lm.forms_figure": lambda: lm.forms_figure(HOSTILE, [1.0] * T, "t", "y"),
    "finetune.confusion_figure": lambda: finetune.confusion_figure(np.eye(T, dtype=int).tolist(), HOSTILE, "t", "x",
                                                                   "y"),
    "finetune.probs_figure": lambda: finetune.probs_figure([1 / T] * T, HOSTILE, "t", "x"),
    "finetune.balance_figure": lambda: finetune.balance_figure(HOSTILE, [1] * T, [2] * T,
                                                               {"train": "train", "heldout": "held-out"}, "t", "y"),
    "training.attention_heads_figure": lambda: training.attention_heads_figure(
        torch.softmax(torch.randn(2, T, T), -1), HOSTILE, "t", "head {h}", "keys", "queries"),
    "transfer.sequence_figure": lambda: transfer.sequence_figure(
        [[("start", "<s>")] + [("a", h) for h in HOSTILE] + [("extract", "<e>")]], ["row 1"],
        {"start": "start", "extract": "extract", "a": "text"}, "t"),
    # a row label can name an uploaded corpus ("Our BPE (trained on <file name>)")
    "premium.premium_figure": lambda: premium.premium_figure(
        [(h, 10.0, 20.0) for h in HOSTILE], premium.PremiumLabels("t", "x", "en", "ja", "×{r:.2f}")),
    "inside.gltr_figure": lambda: inside.gltr_figure(
        [(HOSTILE[0], [_guess(h) for h in HOSTILE]), ("GPT", [_guess(h) for h in HOSTILE])], inside.Labels("t", "x")),
    "inside.next_token_figure": lambda: inside.next_token_figure(
        HOSTILE, [0.1] * T, [0.1] * T, [True] * T, inside.Labels("t", "x")),
    "inside.lens_figure": lambda: inside.lens_figure(
        np.ones((2, T)), [HOSTILE, HOSTILE], [[HOSTILE] * T, [HOSTILE] * T], HOSTILE, ["a", "b"],
        inside.Labels("t", "x", "y")),
    "inside.surprisal_pair_figure": lambda: inside.surprisal_pair_figure(
        HOSTILE, [1.0] * T, [2.0] * T, inside.Labels("t", "x", "y")),
    "bpc.bpc_figure": lambda: bpc.bpc_figure({h: [(100, 3.0)] for h in HOSTILE[:3]},
                                             {h: (1000, 3.5) for h in HOSTILE[3:]}, "t", "x", "y"),
}

# Builders whose every string is ours (translated labels, numbers): the reason each takes no user text.
NO_USER_TEXT = {
    "residual.norms_figure": "layer numbers and norms; names from the catalog",
    "residual.cut_loss_figure": "layer numbers and losses; names from the catalog",
    "attention.scaling_figure": "curves of a numeric study; names and titles from the catalog",
    "attention.head_grid_figure": "layer / head numbers only",
    "attention.head_kind_figure": "kinds of head named by the catalog",
    "attention.mark_tile": "adds a frame to a figure; no text",
    "style.unvalidated_figure": "assembles the traces and layout its caller built (each caller is listed here)",
    "finetune.curves_figure": "variant names from the catalog",
    "finetune.results_figure": "variant names from the catalog",
    "gelu.functions_figure": "function names from the catalog",
    "gelu.errors_figure": "function names from the catalog",
    "gelu.derivatives_figure": "function names from the catalog",
    "gelu.cost_figure": "function names from the catalog, a device label from torch",
    "gpt_diagram.gpt1_diagram": "architecture labels from the catalog",
    "lm.perplexity_vs_n": "orders n and the catalog's names",
    "lm.perplexity_vs_temperature": "temperatures and the catalog's names",
    "notes.reach_figure": "layer numbers and the catalog's names",
    "positional.pe_heatmap": "positions and dimensions only",
    "positional.pe_curves": "dimension numbers in the catalog's format",
    "positional.position_similarity_heatmap": "positions only",
    "positional.similarity_distance_figure": "distances and the catalog's names",
    "positional.rotation_heatmap": "matrix indices only",
    "positional.residual_figure": "torch dtype names",
    "tokens.merge_frequency_figure": "merge ranks and counts",
    "tokens.sweep_figure": "tokenizer method names from the catalog",
    "training.loss_figure": "steps, losses and the catalog's names",
    "training.series_figure": "steps and values",
    "training.log_loss_figure": "steps and losses",
    "transfer.table5_figure": "variant names from the catalog",
    "transfer.layers_figure": "layer counts and the catalog's names",
    "transfer.zero_shot_figure": "architecture names from the catalog",
    "inside.importance_figure": "layer / head numbers and the catalog's words",
    "style.styled": "gives a built figure its title (the caller's catalog text) and height",
}


def builders() -> set[str]:
    """Every public function of core/charts/* that returns a Figure (or a dict of them)."""
    found = set()
    for info in pkgutil.iter_modules(core.charts.__path__):
        mod = importlib.import_module(f"core.charts.{info.name}")
        for name, fn in vars(mod).items():
            if (inspect.isfunction(fn) and not name.startswith("_") and fn.__module__ == mod.__name__
                    and "Figure" in str(inspect.signature(fn).return_annotation)):
                found.add(f"{info.name}.{name}")
    return found


def strings(obj, key: str = ""):
    """(key, string) for every string in a figure's JSON, its layout template (plotly's, not ours) left out."""
    if isinstance(obj, str):
        yield key, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if k != "template":
                yield from strings(v, k)
    elif isinstance(obj, (list, tuple)) or (isinstance(obj, np.ndarray) and obj.dtype.kind in "OU"):
        for v in obj:
            yield from strings(v, key)


OUR_MARKUP = re.compile(r"<br>|<extra></extra>")  # what our own hover templates use
RAW_AMP = re.compile(r"&(?!amp;|lt;|gt;)")


def test_every_figure_builder_is_checked_or_excused():
    found = builders()
    assert not set(CASES) & set(NO_USER_TEXT)
    assert found - set(CASES) - set(NO_USER_TEXT) == set(), "a new chart: add it to CASES (user text) or NO_USER_TEXT"
    assert set(CASES) | set(NO_USER_TEXT) <= found, "a listed builder no longer exists"


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_text_is_drawn_as_text(name):
    made = CASES[name]()
    figs = made.values() if isinstance(made, dict) else [made]
    seen = []
    for fig in figs:
        for key, s in strings(fig.to_plotly_json()):
            bare = OUR_MARKUP.sub("", s) if key.endswith("template") else s
            assert "<" not in bare and ">" not in bare, (name, key, s)  # no tag survives: none from the input
            assert not RAW_AMP.search(s), (name, key, s)  # every & starts an escape plotly decodes back
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", s), (name, key, s)
            seen.append(s)
    drawn = "\n".join(seen)
    missing = [shown for shown in SHOWN if shown not in drawn]
    assert not missing, (name, missing)  # the user's text is there, escaped


def test_plot_text_escapes_exactly_what_plotly_reads():
    assert plot_text('<a href="x">y</a>') == '&lt;a href="x"&gt;y&lt;/a&gt;'  # quotes are not special in text
    assert plot_text("&lt;") == "&amp;lt;"  # a typed entity shows as typed, not as "<"
    assert plot_text("▁the ⏎ ␣") == "▁the ⏎ ␣"  # whitespace markers untouched
    assert plot_text("\x1b[2J\x85") == "␛[2J&lt;U+0085&gt;"


def test_distinct_tokens_stay_distinct_category_values():
    look_alikes = ["<b>", "&lt;b&gt;", "&amp;lt;b&amp;gt;", "b", "<b >"]
    assert len(set(plot_texts(look_alikes))) == len(look_alikes)
    fig = lm.transition_heatmap(np.full((5, 5), 0.2), look_alikes, _text())
    assert len(set(fig.data[0].x)) == 5  # five columns, none merged by the escaping


def test_repeated_tokens_keep_their_own_rows():
    toks = ["<s>", "a", "<s>", "a"]
    fig = attention.matrix_figure(torch.rand(4, 4), toks, toks, "t", "key", "query")
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3]  # positions, not token strings, are the rows
    assert list(fig.layout.yaxis.ticktext) == ["&lt;s&gt;", "a", "&lt;s&gt;", "a"]
    heads = training.attention_heads_figure(torch.softmax(torch.randn(1, 4, 4), -1), toks, "t", "h{h}", "k", "q")
    assert list(heads.data[0].x) == ["0:&lt;s&gt;", "1:a", "2:&lt;s&gt;", "3:a"]
