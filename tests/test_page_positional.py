"""The positional-encoding page through app.py: both languages, widgets, bad input, the W_p section."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from tests.apptest import errors, open_page, spec_with, specs, warnings
from ui.shared_state import TRAINED_GPT_KEY, TrainedGPT

PAGE = "views/tf_positional/page.py"


@pytest.mark.parametrize("lang, title, heat, shipped", [
    ("en", "Positional encoding", "PE: position × dimension", "shipped GPT (en)"),
    ("ja", "位置エンコーディング", "PE：位置 × 次元", "同梱の GPT（ja）"),
])
def test_renders_in_both_languages(lang, title, heat, shipped):
    at = open_page(PAGE, lang=lang)
    assert at.title[0].value == title
    assert len(specs(at)) == 8  # heatmap, curves, similarity, by distance, M_k, residual, W_p, sinusoids
    spec_with(at, heat)
    spec_with(at, shipped)  # W_p of the GPT shipped with the app, from the first open
    metrics = {m.label: m.value for m in at.metric}
    res64 = [v for label, v in metrics.items() if "float64" in label]
    res32 = [v for label, v in metrics.items() if "float32" in label]
    assert float(res64[0]) < 1e-10 and float(res32[0]) < 1e-4


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_widgets_change_what_is_shown(lang):
    at = open_page(PAGE, lang=lang)
    heat, m_k = specs(at)[0], specs(at)[4]
    at.number_input(key="pe_d_model").set_value(16).run()
    assert not at.exception and specs(at)[0] != heat and specs(at)[4] != m_k
    heat = specs(at)[0]
    at.number_input(key="pe_length").set_value(40).run()
    assert not at.exception and specs(at)[0] != heat
    before = specs(at)
    at.slider(key="pe_k").set_value(7).run()
    after = specs(at)
    assert not at.exception and after[4] != before[4] and after[5] != before[5] and after[0] == before[0]
    assert "k = 7" in after[4]
    at.toggle(key="pe_cosine").set_value(True).run()
    assert not at.exception and specs(at)[2] != after[2] and "cos(PE(p), PE(q))" in specs(at)[2]
    at.multiselect(key="pe_dims").set_value([1, 5]).run()
    assert not at.exception and ("dim 5" in specs(at)[1] or "次元 5" in specs(at)[1])


def test_dimensions_beyond_d_model_are_skipped_with_a_note():
    at = open_page(PAGE)
    at.number_input(key="pe_d_model").set_value(8).run()  # default dims include 20 and 40
    assert not at.exception
    assert any("20, 40" in c.value for c in at.caption)


@pytest.mark.parametrize("d_model, length, k", [(2, 1, 0), (2, 5, 128), (4, 1, 3), (512, 512, 128)])
def test_extreme_but_valid_settings_render(d_model, length, k):
    at = open_page(PAGE)
    at.number_input(key="pe_d_model").set_value(d_model)
    at.number_input(key="pe_length").set_value(length)
    at.slider(key="pe_k").set_value(k).run()
    assert not at.exception, errors(at)
    assert len(specs(at)) == 8 and not warnings(at)  # 6 + the shipped GPT's W_p and its sinusoids


@pytest.mark.parametrize("lang, key, value, words", [
    ("en", "pe_d_model", 63, "even"),
    ("ja", "pe_d_model", 63, "偶数"),
    ("en", "pe_d_model", 100_000, "between 2 and 512"),
    ("ja", "pe_d_model", 0, "2 〜 512"),
    ("en", "pe_length", 0, "between 1 and 512"),
    ("ja", "pe_length", 100_000, "1 〜 512"),
])
def test_bad_settings_give_a_message(lang, key, value, words):
    at = open_page(PAGE, lang=lang)
    at.number_input(key=key).set_value(value).run()
    assert not at.exception, errors(at)
    assert any(words in w for w in warnings(at))
    assert not specs(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_learned_position_embeddings_are_compared_when_a_model_exists(lang):
    at = open_page(PAGE, lang=lang)
    model = SimpleNamespace(wpe=torch.nn.Embedding(16, 12))  # (block_size, n_embd), like core.gpt.model.GPT
    at.session_state[TRAINED_GPT_KEY] = TrainedGPT(model=model, tokenizer=None, label="demo · step 0", step=0)
    at.run()
    assert not at.exception, errors(at)
    assert len(specs(at)) == 8
    learned = spec_with(at, "demo · step 0")
    assert "d = 12" in spec_with(at, "T = 16")
    at.toggle(key="pe_cosine").set_value(True).run()
    assert not at.exception and spec_with(at, "demo · step 0") != learned


def test_without_a_model_the_page_links_to_training_at_its_url(monkeypatch):
    """No GPT (none trained here, the shipped one missing): a note, and a link to the training page's folder
    served at its old address, /gpt_train."""
    monkeypatch.setattr("ui.shared_state.get_gpt", lambda lang: None)
    at = open_page(PAGE)
    links = [e.proto for e in at.get("page_link")]
    assert [p.page for p in links] == ["gpt_train"], links
