"""Hostile text on the pages: never rendered as markup; a failing page shows a bilingual box, not a traceback."""
from __future__ import annotations

import logging
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import errors, open_page

BEACON = "![b](http://beacon.example/b.png)"
HOSTILE_LABEL = f"{BEACON}<img src=http://beacon.example/i.png>"
# Element types whose text Streamlit renders as Markdown (labels, options, help and bodies).
_MARKDOWN_TYPES = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader",
                   "radio", "selectbox", "toggle", "checkbox", "button", "text_area", "text_input", "metric",
                   "select_slider", "slider", "multiselect", "expander", "tab")


def rendered_markup(at: AppTest) -> str:
    """All Markdown-rendered text on the page: bodies, labels, options and help (not st.code / tables)."""
    parts = []
    for kind in _MARKDOWN_TYPES:
        for el in at.get(kind):
            p = el.proto
            for field in ("body", "label", "help", "options"):
                v = getattr(p, field, None)
                if v:
                    parts.append(" ".join(v) if not isinstance(v, str) else v)
    return "\n".join(parts)


def assert_inert(at: AppTest) -> None:
    text = rendered_markup(at)
    assert "![" not in text and "<img" not in text.lower(), re.findall(r".{30}(?:!\[|<img).{30}", text)


def _trained(label: str):
    from core.gpt.model import GPT, GPTConfig
    from core.tokenizers.char import CharTokenizer
    from ui.shared_state import TrainedGPT

    tok = CharTokenizer.train("abcdefghijklmnopqrstuvwxyz .")
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=32)).eval()
    return TrainedGPT(model, tok, label, 5)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_chain_rule_page_shows_a_hostile_model_label_as_text(lang):
    from ui.shared_state import TRAINED_GPT_KEY

    at = open_page("views/lm_chain_rule/page.py", lang=lang)
    at.session_state[TRAINED_GPT_KEY] = _trained(HOSTILE_LABEL)
    at.run()
    at.radio(key="chain_model").set_value("gpt").run()
    assert not at.exception, errors(at)
    assert "beacon" in " ".join(at.radio(key="chain_model").proto.options)  # the label is there, as text
    assert_inert(at)


def test_chain_rule_page_typed_markup_stays_text():
    at = open_page("views/lm_chain_rule/page.py", lang="en")
    at.text_area(key="chain_text").set_value(f"see {HOSTILE_LABEL} here").run()
    assert not at.exception, errors(at)
    assert_inert(at)


def test_multihead_page_hostile_label_and_model_id():
    from ui.shared_state import TRAINED_GPT_KEY

    at = open_page("views/tf_multihead/page.py", lang="en")
    at.session_state[TRAINED_GPT_KEY] = _trained(HOSTILE_LABEL)
    at.radio(key="mha_model").set_value("gpt").run()
    at.text_area(key="mha_text").set_value("a b c d " + BEACON).run()
    assert not at.exception, errors(at)
    assert_inert(at)
    at.radio(key="mha_model").set_value("custom").run()
    for bad in (BEACON, "/root/.ssh", "x" * 300, "org/" + "n" * 260):
        at.text_input(key="mha_custom").set_value(bad).run()
        assert not at.exception, errors(at)
        assert any("not a model id" in w.value for w in at.warning)
        assert_inert(at)


def test_error_messages_quoting_a_file_name_are_inert():
    """shell.show_error renders every UserInputError through ui.safe.inert: a quoted file name stays text."""
    at = AppTest.from_string(
        "from core.corpus import decode_upload\n"
        "from core.errors import UserInputError\n"
        "from ui import shell\n"
        "try:\n"
        "    decode_upload(b'x', '![b](http://beacon.example/b.png)<img src=x>.pdf')\n"
        "except UserInputError as e:\n"
        "    shell.show_error(e)\n"
    ).run()
    assert not at.exception, errors(at)
    assert at.warning and "beacon" in at.warning[0].value
    assert_inert(at)


# --- the last-resort handler ----------------------------------------------------------------------

@pytest.fixture
def through_app(monkeypatch):
    """Run every AppTest run through app.py, as a server does once any session has run app.py.

    AppTest re-derives Streamlit's legacy pages-folder flag on each run; with it set Streamlit runs the
    selected page file directly, skipping app.py and so the guard. Since the pages moved to views/ the
    flag is False anyway; the fixture keeps these tests independent of the folder's name.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *a, **k):
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)

@pytest.mark.parametrize("lang, needle", [("en", "Something went wrong"), ("ja", "問題が起きました")])
def test_a_failing_page_shows_a_bilingual_box_and_logs_the_traceback(lang, needle, monkeypatch, caplog, through_app):
    import core.lm.chain_rule

    def broken(*a, **k):
        raise RuntimeError("internal detail in English /srv/secret/path")

    at = open_page("views/lm_chain_rule/page.py", lang=lang)
    monkeypatch.setattr(core.lm.chain_rule, "chain_ngram", broken)  # the page imports it on each run
    with caplog.at_level(logging.ERROR, logger="atlas.guard"):
        at.text_area(key="chain_text").set_value("a new sentence to score").run()
    assert not at.exception, errors(at)
    shown = " ".join(e.value for e in at.error)
    assert needle in shown and "internal detail" not in shown and "/srv/secret" not in shown
    assert "RuntimeError" not in shown and "Traceback" not in shown
    ref = re.search(r"[0-9a-f]{8}", shown).group(0)
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert ref in logged and any(r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


def test_the_guard_lets_streamlit_control_flow_through():
    from streamlit.errors import FragmentHandledException
    from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

    from ui.guard import run_page

    for exc in (StopException(), RerunException(None), FragmentHandledException(RuntimeError("x"))):
        def page(exc=exc):
            raise exc

        with pytest.raises(type(exc)):
            run_page(page)


def test_st_stop_and_rerun_inside_pages_still_work(through_app):
    """Pages that call st.stop() (most of them, on bad input) and st.rerun() run without an error box."""
    at = open_page("views/lm_chain_rule/page.py", lang="en")
    at.text_area(key="chain_text").set_value("").run()  # the page shows the message and calls st.stop()
    assert not at.exception and not at.error, errors(at)
    assert any("empty" in w.value for w in at.warning)


def test_guarded_fragment_shows_the_box_on_its_own_reruns():
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from ui.guard import guarded\n"
        "@st.fragment\n"
        "@guarded\n"
        "def part():\n"
        "    st.write('before')\n"
        "    raise KeyError('secret detail')\n"
        "part()\n"
        "st.write('after the fragment')\n"
    ).run()
    assert not at.exception, errors(at)
    assert "Something went wrong" in at.error[0].value and "secret" not in at.error[0].value
    assert any("after the fragment" in m.value for m in at.markdown)


def test_train_page_shows_a_hostile_checkpoint_label_as_text():
    """What the page says after loading a checkpoint: its label (from the file) is plain text."""
    at = open_page("views/gpt_train/page.py", lang="ja")
    at.session_state["gpt_info"] = (3, HOSTILE_LABEL)
    at.run()
    assert not at.exception, errors(at)
    assert any("beacon" in s.value for s in at.success)
    assert_inert(at)


def test_pages_work_when_the_cache_folder_cannot_be_written(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(blocker / "cache"))  # every mkdir / write fails (ENOTDIR)
    at = open_page("views/tok_bpe/page.py", lang="en")
    assert not at.exception and not at.error, errors(at)
