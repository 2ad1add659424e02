"""Links reopen the view: widgets bound to the URL survive a round trip, and bad or stale URL values
(unknown option, out of range, 10,000 characters, markup) fall back to defaults without a traceback."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP


def open_with(page: str, params: dict[str, str], lang: str = "English") -> AppTest:
    """A fresh session opening `page` with `params` in its URL, as a shared link does."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_with_bound_values_reopens_the_view():
    """AppTest does not mirror the URL the browser keeps (tests/e2e checks that part): we write the link
    the browser would hold, with select-type widgets as their labels, and open it in a fresh session."""
    from views.lm_chain_rule.texts import T

    link = {"chain_text": "A dog ran home.", "chain_n": "2", "chain_level": T.t("level_word", "ja")}
    at = open_with("views/lm_chain_rule/page.py", link, lang="日本語")
    assert at.text_area(key="chain_text").value == "A dog ran home."
    assert at.slider(key="chain_n").value == 2 and at.radio(key="chain_level").value == "word"


def test_attention_link_reopens_the_view():
    at = open_with("views/tf_attention/page.py", {"att_dk": "128", "att_causal": "true", "att_text": "one two three"})
    assert at.select_slider(key="att_dk").value == 128 and at.toggle(key="att_causal").value is True
    assert at.text_area(key="att_text").value == "one two three"


@pytest.mark.parametrize("page, key, bad, kind, default", [
    ("views/lm_chain_rule/page.py", "chain_n", "99", "slider", 3),
    ("views/lm_chain_rule/page.py", "chain_n", "abc", "slider", 3),
    ("views/lm_chain_rule/page.py", "chain_level", "nonsense", "radio", "char"),
    ("views/lm_chain_rule/page.py", "chain_level", "<script>alert(1)</script>", "radio", "char"),
    ("views/tf_attention/page.py", "att_dk", "7", "select_slider", 16),
    ("views/tf_attention/page.py", "att_seed", "-5", "number_input", 0),
    ("views/tf_positional/page.py", "pe_d_model", "9" * 50, "number_input", 64),
    ("views/gpt_gelu/page.py", "gelu_range", "banana", "slider", (-4.0, 4.0)),
    ("views/tok_sweep/page.py", "sweep_points", "", "slider", 5),
    ("views/lm_ngram/page.py", "ngram_k", "0.3", "select_slider", 0.1),
])
def test_bad_url_values_fall_back_without_a_traceback(page, key, bad, kind, default):
    at = open_with(page, {key: bad})
    widget = getattr(at, kind)(key=key)
    assert widget.value == default or (kind == "slider" and widget.value in (1, 5)), widget.value
    assert len(reset_notes(at)) == 1 and key.replace("_", "\\_") in reset_notes(at)[0], reset_notes(at)


def reset_notes(at: AppTest, lang: str = "en") -> list[str]:
    from ui.texts.export import T

    head = T.t("link_reset", lang, items="")[:20]
    return [w.value for w in at.warning if w.value.startswith(head)]


def test_a_good_link_shows_no_note_and_a_bad_one_says_so_in_japanese():
    ok = open_with("views/lm_chain_rule/page.py", {"chain_n": "3", "chain_smoothing": "nonsense"}, lang="日本語")
    notes = reset_notes(ok, "ja")
    assert len(notes) == 1 and "chain\\_smoothing" in notes[0] and "chain\\_n" not in notes[0], notes
    assert not reset_notes(open_with("views/lm_chain_rule/page.py", {"chain_n": "2"}))


def test_a_link_streamlit_does_not_read_at_all_gets_a_note_naming_its_keys():
    """Over 524,288 characters Streamlit drops the whole query string, the good values too: the note names them
    and says why, in the reader's language (read from the link by hand, as Streamlit read none of it)."""
    at = open_with("views/lm_chain_rule/page.py", {"chain_n": "2", "chain_text": "x" * 600_000}, lang="日本語")
    assert at.session_state["chain_n"] == 3  # the default: not even the good value was read
    notes = reset_notes(at, "en")  # the shell's ?lang= was in the ignored link too: the page is in English
    assert len(notes) == 1 and "chain\\_n = “2”" in notes[0] and "chain\\_text = “xxxx" in notes[0], notes
    assert "600," in notes[0] and "did not read this link" in notes[0]


def test_the_note_quotes_hostile_values_as_text_and_short():
    at = open_with("views/tf_attention/page.py", {"att_dk": "<img src=x onerror=alert(1)>" * 50})
    (note,) = reset_notes(at)
    assert "<img" not in note and "&lt;img" in note and len(note) < 300


def test_a_link_value_for_another_page_waits_for_that_page():
    at = open_with("views/lm_chain_rule/page.py", {"chain_n": "99", "att_dk": "7"})
    assert len(reset_notes(at)) == 1 and "att" not in reset_notes(at)[0]
    at.switch_page("views/tf_attention/page.py").run()
    assert not at.exception and at.select_slider(key="att_dk").value == 16
    assert len(reset_notes(at)) == 1 and "att\\_dk" in reset_notes(at)[0]


def test_a_10000_character_sentence_in_the_url_is_cut_with_a_note():
    at = open_with("views/lm_chain_rule/page.py", {"chain_text": "abc " * 900})  # 3,600: the page cuts it to 500
    assert any("500" in c.value for c in at.caption)
    # Over ui.links.MAX_VALUE_CHARS (4,000) a link's value is not read at all: the default, with the note.
    at = open_with("views/lm_chain_rule/page.py", {"chain_text": "abc " * 2500})
    assert at.text_area(key="chain_text").value != "abc " * 2500
    assert len(reset_notes(at)) == 1 and "chain\\_text" in reset_notes(at)[0]
    at = open_with("views/tf_attention/page.py", {"att_text": "x" * 10_000 + "<img src=x onerror=alert(1)>"})
    assert not at.exception


def test_unknown_multiselect_options_are_dropped():
    at = open_with("views/tok_sweep/page.py", {"sweep_methods": "bogus"})
    assert at.multiselect(key="sweep_methods").value  # the default methods, not an empty choice


@pytest.mark.parametrize("page, params, kind, key, want", [
    ("views/gpt_gelu/page.py", {"gelu_custom": "true", "gelu_xmin": "-2.5"}, "number_input", "gelu_xmin", -2.5),
    ("views/lm_entropy/page.py", {"ent_merge": "true"}, "toggle", "ent_merge", True),
    ("views/gpt_tasks/page.py", {"tasks_example": "3"}, "slider", "tasks_example", 3),
    ("views/tf_encoder_decoder/page.py", {"encdec_head": "2"}, "selectbox", "encdec_head", 1),  # label "2" = head 1
    ("views/lm_ngram/page.py", {"ngram_corpus": "Shipped Japanese corpus"}, "radio", "ngram_corpus", "ja"),
])
def test_view_controls_bound_since_issue_12_reopen_from_a_link(page, params, kind, key, want):
    at = open_with(page, params)
    assert getattr(at, kind)(key=key).value == want
    assert not reset_notes(at)


def test_gpt_training_settings_reopen_from_a_link():
    """A link to the training page reopens the same settings (radio and select labels, as the browser writes them)."""
    from views.gpt_train.texts import T

    link = {"gpt_tok": T.t("tok_bpe", "en"), "gpt_vocab": "2000", "gpt_preset": T.t("custom", "en"), "gpt_layers": "2",
            "gpt_preln": T.t("pre_ln", "en"), "gpt_lr": "0.003", "gpt_batch": "16", "gpt_steps": "100"}
    at = open_with("views/gpt_train/page.py", link)
    assert at.radio(key="gpt_tok").value == "bpe" and at.select_slider(key="gpt_vocab").value == 2000
    assert at.selectbox(key="gpt_preset").value == "custom" and at.slider(key="gpt_layers").value == 2
    assert at.radio(key="gpt_preln").value is True and at.select_slider(key="gpt_lr").value == 3e-3
    assert at.select_slider(key="gpt_batch").value == 16 and at.select_slider(key="gpt_steps").value == 100
    assert not reset_notes(at)


def test_finetune_settings_reopen_from_a_link():
    from views.gpt_finetune.texts import T

    link = {"ft_corpus": T.t("corpus_ja", "en"), "ft_lam": "1.5", "ft_seeds": "2", "ft_variants": T.t("v_no_aux", "en")}
    at = open_with("views/gpt_finetune/page.py", link)
    assert at.radio(key="ft_corpus").value == "ja" and at.slider(key="ft_lam").value == 1.5
    assert at.select_slider(key="ft_seeds").value == 2 and at.multiselect(key="ft_variants").value == ["no_aux"]
    assert not reset_notes(at)
    assert open_with("views/gpt_finetune/page.py", {"ft_lam": "7"}).slider(key="ft_lam").value == 0.5  # out of range


def test_the_encoder_decoders_typed_number_survives_a_link_and_a_preset_still_fills_the_box():
    at = open_with("views/tf_encoder_decoder/page.py", {"encdec_text_en": "forty two"})
    for _ in range(400):  # the model may still be training in the background (AppTest never ticks fragments)
        if at.get("plotly_chart"):
            break
        __import__("time").sleep(0.3)
        at.run()
    assert at.text_input(key="encdec_text_en").value == "forty two" and any(m.value == "42" for m in at.metric)
    assert not reset_notes(at)
    at.pills(key="encdec_preset_en").set_value("nineteen").run()
    assert not at.exception and at.text_input(key="encdec_text_en").value == "nineteen"
    assert any(m.value == "19" for m in at.metric)


def test_the_task_settings_and_the_tokenizer_preset_reopen_from_a_link():
    from views.gpt_tasks.texts import T as TASKS
    from views.tok_compare.texts import T as TOK

    at = open_with("views/gpt_tasks/page.py",
                   {"tasks_lam": "1.5", "tasks_seeds": "3", "tasks_variants": TASKS.t("v_full", "en")})
    assert at.slider(key="tasks_lam").value == 1.5 and at.select_slider(key="tasks_seeds").value == 3
    assert at.multiselect(key="tasks_variants").value == ["full"] and not reset_notes(at)
    at = open_with("views/tok_compare/page.py", {"tokc_preset": TOK.t("p_giants", "en")})
    assert at.selectbox(key="tokc_preset").value == "p_giants" and not reset_notes(at)


def test_a_kept_token_position_past_a_shortened_text_is_clamped_not_an_error():
    """The Multi-head page's query token at the last of many, the text cut to one token (the slider goes), then
    three: the session's kept position came back out of range and Streamlit raised on every rerun (found by
    bench/class_load.py). ui.shell.in_range clamps it into the new range."""
    from tests.apptest import open_page

    at = open_page("views/tf_multihead/page.py")
    s = at.slider(key="mha_nv_query")
    s.set_value(int(s.max)).run()
    for text in ("a", "abc"):
        at.text_area(key="mha_text").set_value(text).run()
        assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    s = at.slider(key="mha_nv_query")
    assert 0 <= s.value <= s.max
