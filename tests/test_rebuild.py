"""Rebuilding a missing or damaged shipped artifact from a page, in the background, into the cache."""
from __future__ import annotations

import sys

import pytest

from core.shipped import rebuild
from core.shipped import models as shipped
from tests.apptest import errors, open_page


@pytest.fixture
def nothing_shipped(tmp_path, monkeypatch):
    empty = tmp_path / "assets-models"
    empty.mkdir()
    monkeypatch.setattr(shipped, "MODELS_DIR", empty)  # every shipped file "missing"
    monkeypatch.setattr(rebuild, "MODELS_DIR", empty)
    shipped.clear_cache()
    yield empty
    shipped.clear_cache()
    rebuild.REGISTRY.clear()


def test_rebuild_job_builds_a_loadable_lstm_into_the_cache(nothing_shipped):
    with pytest.raises(shipped.UserInputError):
        shipped.load_lstm("en")
    job = rebuild.start("lstm", "en", extra_args=("--max-iters", "3"))  # the real build, a tiny budget
    assert rebuild.start("lstm", "en") is job  # a second session asking gets the same run
    assert job.wait(600), "the build did not end"
    assert job.status == "finished", (job.state().message, job.log_tail)
    assert (rebuild.rebuilt_dir() / "lstm-en.safetensors").is_file()
    assert not any(nothing_shipped.iterdir())  # assets/ untouched
    got = shipped.load_lstm("en")  # the loader now finds the rebuilt file
    assert got.steps == 3 and got.card["recipe"]["max_iters"] == 3
    assert got.tokenizer.vocab_size == got.model.config.vocab_size == 1000


def test_a_failing_build_is_a_bilingual_message_and_can_be_tried_again(nothing_shipped):
    job = rebuild.start("sweep", "en", extra_args=("--no-such-flag",))
    assert job.wait(120) and job.status == "failed"
    msg = job.state().message
    assert "exit code 2" in msg.en and "終了コード 2" in msg.ja
    assert rebuild.start("sweep", "en") is not job  # a failed job is replaced by a fresh one
    rebuild.REGISTRY.clear()


def test_an_unwritable_cache_says_so_without_running_anything(nothing_shipped, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(blocker))
    job = rebuild.RebuildJob("encdec", "ja")
    job.start()
    assert job.wait(30) and job.status == "failed"
    assert "cannot be written" in job.state().message.en and "make models" in job.state().message.ja


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_page_without_its_shipped_gpt_offers_the_rebuild_button(nothing_shipped, lang, monkeypatch):
    at = open_page("views/lm_chain_rule/page.py", lang=lang)
    assert not at.exception, errors(at)
    button = at.button(key=f"rebuild_gpt_{lang}")
    assert ("Rebuild this model" if lang == "en" else "このモデルを作り直す") in button.label
    # Pressing it starts the shared background job: progress with an estimated ETA and a Cancel button.
    monkeypatch.setattr(rebuild.RebuildJob, "command",
                        lambda self, out: [sys.executable, "-c", "import time; time.sleep(30)"])
    button.click().run()
    assert not at.exception, errors(at)
    job = rebuild.current("gpt", lang)
    assert job is not None and job.state().active
    assert at.get("progress") and at.button(key=f"rebuild_gpt_{lang}_cancel")
    at.button(key=f"rebuild_gpt_{lang}_cancel").click().run()
    assert job.wait(30) and job.status == "stopped"
    at.run()
    assert not at.exception and at.button(key=f"rebuild_gpt_{lang}")  # still missing: offered again
