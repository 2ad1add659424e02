"""The training page after a restart: "a training from <time>, step N, was interrupted — Resume / Discard"."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.gpt.checkpoints import autosave
from core.gpt.training_job import JobSettings, build_job
from core.i18n import LANG_NAMES
from core.runtime.sessions import new_token
from tests.apptest import APP, SECRET, errors, in_browser, run_until

TEXT = "the cat sat on the mat. the dog sat on the log.\n" * 60
TRAIN, HELD = TEXT[: int(len(TEXT) * 0.9)], TEXT[int(len(TEXT) * 0.9):]


def saved_training(steps: int = 5, total: int = 12) -> str:
    """A token whose training was autosaved at `steps` of `total` (as a killed server leaves it)."""
    token = new_token(SECRET)
    job = build_job(JobSettings(preset="tiny", max_iters=total, batch_size=4, eval_interval=4, eval_iters=1,
                                sample_interval=0), TRAIN, HELD, "cpu", "a <b>label</b>")
    job.threads = 1
    job.autosave_path, job.corpus_path = autosave.checkpoint_path(token), autosave.corpus_path(token)
    orig = job.gate
    job.gate = lambda: orig() and job._applied < steps
    job.start()
    assert job.wait(60) and job.saved_step == steps
    return token


def reopen(token: str, lang: str) -> AppTest:
    """The browser reconnecting after a restart: the same URL, a new session."""
    at = in_browser(AppTest.from_file(APP, default_timeout=90))
    at.query_params["lang"] = LANG_NAMES[lang]
    at.query_params["run"] = token
    at.run()
    at.switch_page("views/gpt_train/page.py").run()
    assert not at.exception, errors(at)
    return at


@pytest.mark.parametrize("lang,words,done", [("en", ("interrupted", "step 5 of 12"), "Finished"),
                                             ("ja", ("中断", "12 ステップ中 5 ステップ目"), "完了")])
def test_an_interrupted_training_is_offered_and_resumes_where_it_stopped(lang, words, done):
    token = saved_training()
    at = reopen(token, lang)
    warning = " ".join(w.value for w in at.warning)
    assert all(w in warning for w in words), warning
    assert "<b>" not in warning  # the label is someone's text: shown, never rendered
    at.button(key="gpt_resume_saved").click().run()
    assert not at.exception, errors(at)
    assert not at.warning and at.success  # "Resumed at step 5 ..."
    run_until(at, (done,))
    at.run()
    assert autosave.peek(token).step == 12  # the finished training saved itself too


def test_discard_removes_the_saved_training():
    token = saved_training()
    at = reopen(token, "en")
    at.button(key="gpt_discard_saved").click().run()
    assert not at.exception, errors(at)
    assert autosave.peek(token) is None and not autosave.corpus_path(token).exists()
    assert not at.warning


def test_a_damaged_save_is_not_offered_and_a_missing_text_is_explained():
    token = saved_training()
    autosave.corpus_path(token).unlink()
    at = reopen(token, "ja")
    at.button(key="gpt_resume_saved").click().run()
    assert not at.exception, errors(at)
    shown = [e.value for e in at.error] + [w.value for w in at.warning]
    assert any("テキスト" in v for v in shown), shown
    autosave.checkpoint_path(token).write_bytes(b"\x00" * 100)
    at = reopen(token, "en")
    assert not at.exception and not at.warning


def test_the_page_puts_a_token_in_the_url_and_keeps_it():
    at = reopen(new_token(SECRET), "en")
    tok = at.query_params["run"]
    at.run()
    assert at.query_params["run"] == tok
    bad = AppTest.from_file(APP, default_timeout=90)
    bad.query_params["run"] = "../../etc"
    bad.run()
    bad.switch_page("views/gpt_train/page.py").run()
    assert not bad.exception and bad.query_params["run"] != "../../etc"


def test_a_reloaded_tab_reattaches_to_its_job_and_shares_its_model():
    from core.runtime.sessions import LEASES
    from ui.shared_state import TRAINED_GPT_SOURCE_KEY

    token = new_token(SECRET)
    job = build_job(JobSettings(preset="tiny", max_iters=3, batch_size=4, eval_interval=0, eval_iters=1,
                                sample_interval=0), TRAIN, HELD, "cpu", "before the reload")
    job.threads = 1
    LEASES.attach(token, "the-old-session").replace(job)
    job.start()
    assert job.wait(60)
    LEASES.detach(token, "the-old-session")  # F5: the old session ended ...
    at = reopen(token, "en")  # ... and the new one finds the job, not an offer to resume
    assert not at.warning and at.session_state[TRAINED_GPT_SOURCE_KEY] is not None
    assert LEASES.get(token).job is job and "Finished" in " ".join(p.proto.text for p in at.get("progress"))
