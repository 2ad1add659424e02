"""The four language-model pages in both languages: widgets change what is shown; bad input gives a message."""
from __future__ import annotations

import pytest

from core.corpus import decode_upload
from core.errors import UserInputError
from tests.apptest import open_page

LM_PAGES = ["views/lm_chain_rule/page.py", "views/lm_ngram/page.py", "views/lm_entropy/page.py",
            "views/lm_normalization/page.py"]


def charts(at) -> list[str]:
    return [c.proto.spec for c in at.get("plotly_chart")]


def texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("page", LM_PAGES)
def test_page_renders(page, lang):
    at = open_page(page, lang=lang)
    assert at.title and charts(at)
    japanese = any("\u3040" <= ch <= "\u30ff" for ch in at.title[0].value)
    assert japanese == (lang == "ja")


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_chain_rule_widgets_change_the_numbers(lang):
    at = open_page("views/lm_chain_rule/page.py", lang=lang)
    before = metrics(at)
    at.slider(key="chain_n").set_value(1).run()
    assert not at.exception and metrics(at) != before
    at.radio(key="chain_level").set_value("word").run()
    assert not at.exception and metrics(at)[0] != before[0]  # fewer tokens at word level
    at.text_area(key="chain_text").set_value("a" if lang == "en" else "猫").run()
    assert not at.exception and metrics(at)[0] == "1"


@pytest.mark.parametrize("text", ["", "   ", "x", "🐈‍⬛🐈‍⬛ ⌘⌘ ꙮ", "<script>alert(1)</script>", "ab\x00\x1bcd"])
def test_chain_rule_hostile_text(text):
    at = open_page("views/lm_chain_rule/page.py", lang="ja")
    at.text_area(key="chain_text").set_value(text).run()
    assert not at.exception
    if not text.strip():
        assert at.warning  # "the text is empty"
    else:
        assert all(v not in ("nan", "inf") for v in metrics(at))


def test_chain_rule_long_paste_is_truncated_with_a_caption():
    at = open_page("views/lm_chain_rule/page.py", lang="en")
    at.text_area(key="chain_text").set_value("the cat sat. " * 800).run()  # 10,400 characters
    assert not at.exception
    assert any("500" in c.value for c in at.caption)


def test_chain_rule_unseen_characters_are_unk_not_errors():
    at = open_page("views/lm_chain_rule/page.py", lang="en")
    at.text_area(key="chain_text").set_value("ꙮꙮꙮ").run()
    assert not at.exception and at.info
    assert float(metrics(at)[4]) > 1


def test_ngram_widgets_change_the_figures():
    at = open_page("views/lm_ngram/page.py", lang="en")
    before, code = charts(at), at.code[0].value
    at.radio(key="ngram_smoothing").set_value("addk").run()
    assert not at.exception and charts(at)[0] != before[0]
    at.slider(key="ngram_topk").set_value(8).run()
    assert not at.exception and charts(at)[1] != before[1]
    at.number_input(key="ngram_seed").set_value(3).run()
    assert not at.exception and at.code[0].value != code
    at.radio(key="ngram_level").set_value("word").run()
    assert not at.exception and "P(" in texts(at)


@pytest.mark.parametrize("lang, level, smoothing", [("ja", "word", "addk"), ("en", "char", "kn"),
                                                    ("en", "word", "kn")])
def test_ngram_caption_follows_the_numbers_shown(lang, level, smoothing):
    """The caption under the perplexity curve is computed from the curve: with Japanese words and add-k the
    training curve turns up after n = 2, and the caption says so instead of "keeps falling"."""
    import json

    at = open_page("views/lm_ngram/page.py", lang=lang)
    at.radio(key="ngram_corpus").set_value("ja" if lang == "ja" else "en").run()
    at.radio(key="ngram_level").set_value(level).run()
    at.radio(key="ngram_smoothing").set_value(smoothing).run()
    assert not at.exception
    fig = json.loads(charts(at)[0])
    held, train = (trace["y"] for trace in fig["data"])
    tb = min(range(len(train)), key=train.__getitem__) + 1
    hb = min(range(len(held)), key=held.__getitem__) + 1
    note = next(m.value for m in at.markdown
                if ("Training perplexity" in m.value or "学習テキストのパープレキシティ" in m.value))
    if tb == len(train):
        assert ("at every step" in note) or ("毎回下がります" in note)
    else:
        assert f"n = {tb}（{train[tb - 1]:.1f}）" in note or f"n = {tb} ({train[tb - 1]:.1f})" in note
        assert "every step" not in note and "毎回" not in note
    assert f"{held[hb - 1]:.1f}" in note
    if (lang, level, smoothing) == ("ja", "word", "addk"):  # the case found in the browser walk
        assert tb == 2 and "その後は上がります" in note


def test_entropy_presets_and_temperature():
    at = open_page("views/lm_entropy/page.py", lang="en")
    at.button(key="ent_uniform").click().run()
    assert not at.exception and float(metrics(at)[1]) == pytest.approx(6.0)
    at.button(key="ent_onehot").click().run()
    assert float(metrics(at)[1]) == pytest.approx(1.0)
    at.button(key="ent_zipf").click().run()
    zipf = float(metrics(at)[1])
    assert 1 < zipf < 6
    at.select_slider(key="ent_temp").set_value(100.0).run()
    assert float(metrics(at)[1]) > zipf
    at.slider(key="ent_size").set_value(8).run()
    at.toggle(key="ent_merge").set_value(True).run()
    assert not at.exception and "PP" in texts(at)


def test_entropy_all_zero_weights_is_uniform_not_an_error():
    at = open_page("views/lm_entropy/page.py", lang="ja")
    for i in range(6):
        at.slider(key=f"ent_w{i}").set_value(0.0)
    at.run()
    assert not at.exception and float(metrics(at)[1]) == pytest.approx(6.0)


def test_normalization_widgets_change_the_table():
    at = open_page("views/lm_normalization/page.py", lang="ja")
    table = at.dataframe[0].value.to_csv()
    at.slider(key="norm_n").set_value(1).run()
    assert not at.exception and at.dataframe[0].value.to_csv() != table
    at.checkbox(key="norm_fold").set_value(False).run()
    assert not at.exception and len(at.dataframe[0].value) == 2


def test_uploads_that_are_not_text_are_refused():
    for data, name in [(b"\x00\x01\x02PK", "data.txt"), (b"\xff\xfe\x00garbage", "x.txt"), (b"hello", "model.bin"),
                       (b"   \n", "empty.txt")]:
        with pytest.raises(UserInputError):
            decode_upload(data, name)


@pytest.mark.parametrize("page", ["views/lm_chain_rule/page.py", "views/lm_ngram/page.py",
                                  "views/lm_normalization/page.py"])
@pytest.mark.parametrize("corpus", ["a", "ab\n", "ꙮ\n\n\n"])
def test_tiny_corpus_gives_a_message_or_a_result(page, corpus, monkeypatch):
    """What an upload of one character or one line reaches the page as (the picker hands it the text)."""
    monkeypatch.setattr("ui.corpus_picker.load_shipped", lambda lang: corpus)
    at = open_page(page, lang="en")
    assert not at.exception
    if corpus == "a":  # nothing to train on: a message, not a chart
        assert at.warning and not charts(at)
    else:
        assert at.warning or charts(at)


def test_chain_rule_offers_the_trained_gpt_when_there_is_one():
    from core.gpt.model import GPT, GPTConfig
    from core.tokenizers.char import CharTokenizer
    from ui.shared_state import TRAINED_GPT_KEY, TrainedGPT

    tok = CharTokenizer.train("the cat sat on the mat.")
    model = GPT(GPTConfig.preset("tiny", tok.vocab_size)).eval()
    at = open_page("views/lm_chain_rule/page.py", lang="en")
    assert at.radio(key="chain_model").options[0] == "n-gram trained on the corpus below"
    assert "shipped GPT (en)" in at.radio(key="chain_model").options[1]  # the shipped one, until one is trained
    at.session_state[TRAINED_GPT_KEY] = TrainedGPT(model, tok, "tiny · test", 0)
    at.run()
    at.radio(key="chain_model").set_value("gpt").run()
    assert not at.exception
    assert metrics(at)[0] == str(len("The cat sat on the mat.") - 1)
