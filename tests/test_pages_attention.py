"""AppTest of the two attention pages: both languages, hostile and bad input, every model choice."""
from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from tests.apptest import errors, open_page

ATT = "views/tf_attention/page.py"
MHA = "views/tf_multihead/page.py"
HOSTILE = "</script><script>alert(1)</script> <img src=x onerror=alert(2)> 猫 🐈‍⬛ café"


def _fig(at, key):
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        if el.proto.id and key in el.proto.id:
            return spec
    raise AssertionError(f"no chart with key {key}")


def _texts(at) -> str:
    return " ".join([c.value for c in at.caption] + [m.value for m in at.markdown] + [w.value for w in at.warning]
                    + [i.value for i in at.info])


class _ScriptCount(HTMLParser):
    def __init__(self):
        super().__init__()
        self.n = 0
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.n += tag == "script"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_attention_page_hostile_sentence(lang):
    at = open_page(ATT, lang=lang)
    assert len(at.get("plotly_chart")) == 10  # X, Q, K, V, QKᵀ, scaled, masked, softmax, output, why-scale
    at.text_area(key="att_text").set_value(HOSTILE).run()
    assert not at.exception, errors(at)
    assert ("トークン" in _texts(at)) == (lang == "ja")
    table = at.dataframe[0].value
    assert len(table) >= 5


def test_attention_page_toggles_change_the_weights():
    at = open_page(ATT, lang="en")
    at.text_area(key="att_text").set_value("the cat sat on the mat").run()
    before = at.get("plotly_chart")[7].proto.spec  # softmax
    at.toggle(key="att_causal").set_value(True).run()
    assert not at.exception, errors(at)
    assert at.get("plotly_chart")[7].proto.spec != before
    assert "−∞" in _texts(at) or "-inf" in _texts(at) or "look at tokens after" in _texts(at)
    at.toggle(key="att_scale").set_value(False)
    at.select_slider(key="att_dk").set_value(512).run()
    assert not at.exception, errors(at)
    assert "Scaling is off" in _texts(at)
    at.selectbox(key="att_query").set_value(2).run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[0, 0] == 1  # rank 1 first


@pytest.mark.parametrize("text,expect", [("", "empty"), ("   ", "empty"), ("x" * 10_000, "first 2,000")],
                         ids=["empty", "spaces", "10k-chars"])
def test_attention_page_bad_input(text, expect):
    at = open_page(ATT, lang="en")
    at.text_area(key="att_text").set_value(text).run()
    assert not at.exception, errors(at)
    assert expect in _texts(at)


def test_attention_page_splits():
    at = open_page(ATT, lang="ja")
    for split in ("whitespace", "mecab", "chars"):
        at.radio(key="att_split").set_value(split).run()
        assert not at.exception, errors(at)
    at.text_area(key="att_text").set_value("a " * 100).run()
    assert "100 トークン" in _texts(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_page_random_gpt_hostile(lang):
    at = open_page(MHA, lang=lang)
    assert at.radio(key="mha_model").value == "gpt"  # with no trained GPT the page opens on the shipped one
    assert ("shipped GPT" in _texts(at)) == (lang == "en")
    at.text_area(key="mha_text").set_value(HOSTILE).run()
    assert not at.exception, errors(at)
    html = at.get("iframe")[0].proto.srcdoc
    p = _ScriptCount()
    p.feed(html)
    assert p.n == 2 and "img" not in p.tags
    assert "</script><script>alert(1)" not in html
    at.slider(key="mha_layer").set_value(3).run()
    at.slider(key="mha_head").set_value(2).run()
    assert not at.exception, errors(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_page_minilm(lang):
    at = open_page(MHA, lang=lang)
    at.radio(key="mha_model").set_value("minilm").run()
    at.text_area(key="mha_text").set_value(HOSTILE).run()
    assert not at.exception, errors(at)
    text = _texts(at)
    assert "all-MiniLM-L6-v2" in text and "WordPiece" in text
    at.slider(key="mha_layer").set_value(5).run()
    at.slider(key="mha_head").set_value(11).run()
    at.radio(key="mha_bv_view").set_value("model").run()
    assert not at.exception, errors(at)
    html = at.get("iframe")[0].proto.srcdoc
    p = _ScriptCount()
    p.feed(html)
    assert p.n == 2 and "img" not in p.tags


def test_multihead_page_long_text_is_truncated_and_said():
    at = open_page(MHA, lang="en")
    at.radio(key="mha_model").set_value("minilm").run()
    at.text_area(key="mha_text").set_value("word " * 2_000).run()
    assert not at.exception, errors(at)
    text = _texts(at)
    assert "first 2,000 characters" in text and "first 64 are analysed" in text


@pytest.mark.parametrize("name", ["", "no-such-org/no-such-model", "/nonexistent/folder", "../../etc"])
def test_multihead_page_custom_model_that_cannot_load(name):
    at = open_page(MHA, lang="ja")
    at.radio(key="mha_model").set_value("custom").run()
    at.text_input(key="mha_custom").set_value(name).run()
    assert not at.exception, errors(at)
    # Paths are not model ids (the box never looks at server folders); an unknown id cannot load.
    assert ("モデル ID" in _texts(at)) if not name or name.startswith(("/", "..")) else ("読み込めません" in _texts(at))


def test_multihead_page_empty_text():
    at = open_page(MHA, lang="en")
    at.text_area(key="mha_text").set_value("").run()
    assert not at.exception
    assert "empty" in _texts(at)


def test_multihead_page_uses_the_trained_gpt():
    from core.gpt.model import GPT, GPTConfig
    from core.tokenizers.char import CharTokenizer
    from ui.shared_state import TRAINED_GPT_KEY, TrainedGPT

    tok = CharTokenizer.train("abcdefghijklmnopqrstuvwxyz ")
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=2, n_head=2, n_embd=32, block_size=16)).eval()
    at = open_page(MHA, lang="en")
    at.session_state[TRAINED_GPT_KEY] = TrainedGPT(model, tok, "test-model · step 7", 7)
    at.radio(key="mha_model").set_value("gpt").run()
    at.text_area(key="mha_text").set_value("the quick brown fox jumps over the lazy dog").run()
    assert not at.exception, errors(at)
    text = _texts(at)
    assert "test-model · step 7" in text and "first 16 are analysed" in text
    # And the step-by-step page offers its embeddings.
    at.switch_page(ATT).run()
    at.radio(key="att_embed").set_value("gpt").run()
    assert not at.exception, errors(at)
    assert "test-model" in _texts(at)


def test_multihead_page_says_when_bertviz_scripts_are_missing(tmp_path, monkeypatch):
    import core.transformer.vendor

    monkeypatch.setattr(core.transformer.vendor, "VENDOR_DIR", tmp_path)  # no vendored scripts
    at = open_page(MHA, lang="en")
    at.text_area(key="mha_text").set_value("a sentence only this test uses, for a fresh bertviz cache").run()
    assert not at.exception, errors(at)
    assert "never loads them from the internet" in _texts(at) and "make setup" in _texts(at)
    assert not at.get("iframe")  # no view pointing at a CDN


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_multihead_opens_on_the_most_focused_head_numbered_from_1(lang):
    """Not on head 1 of layer 1 (often nearly flat): on the head with the lowest normalized entropy, which the
    stats table (layers and heads counted from 1, like the sliders and the grid) shows as its minimum."""
    at = open_page(MHA, lang=lang)
    layer, head = at.slider(key="mha_layer").value, at.slider(key="mha_head").value
    table = at.dataframe[0].value
    cols = list(table.columns)
    ent = table[cols[4]]  # normalized entropy: layer, head, kind, entropy, normalized entropy, ...
    row = table[(table[cols[0]] == layer) & (table[cols[1]] == head)]
    assert len(row) == 1 and float(row[cols[4]].iloc[0]) == pytest.approx(float(ent.min()), abs=0.006)
    assert table[cols[0]].min() == 1 and table[cols[1]].min() == 1
    big = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    assert (f"head {head}" in big) if lang == "en" else (f"ヘッド {head}" in big)
    grid = json.loads(at.get("plotly_chart")[1].proto.spec)["layout"]["xaxis"]["ticktext"]
    assert grid[0].endswith(" 1")
