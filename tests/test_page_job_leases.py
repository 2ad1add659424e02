"""The fine-tuning and task-formats pages keep their job across a reload: the tab's `?run=` token names a
lease per page (core.runtime.sessions), so a new session with the same URL finds the running experiment
and shows its end; another tab (another token) and the training page's lease of the same tab do not."""
from __future__ import annotations

import threading

import pytest
from streamlit.testing.v1 import AppTest

from core.gpt import finetune as ft
from core.gpt.finetune import job as ft_job
from core.gpt.finetune.settings import FitConfig
from core.i18n import LANG_NAMES
from core.runtime.jobs import BackgroundJob
from core.runtime.sessions import LEASES, new_token
from tests.apptest import APP, SECRET, errors, in_browser, progress_text, run_until

TINY_FT = ft.Budget(pretrain_steps=5, pretrain_batch=4, epochs=1, batch=16, evals=2, n_layer=1, n_head=2, n_embd=32,
                    block_size=32, lstm_hidden=32, max_train=32, max_heldout=16)
TINY_TASKS = ft.Budget(pretrain_steps=6, pretrain_batch=4, n_layer=1, n_head=2, n_embd=32, block_size=64,
                       lstm_hidden=32)
# page, lease kind, start button, language of the "finished" word, a widget set before starting
PAGES = {"finetune": ("views/gpt_finetune/page.py", "ft_run", ft.FinetuneJob),
         "tasks": ("views/gpt_tasks/page.py", "tasks_start", ft.FinetuneJob)}


@pytest.fixture(autouse=True)
def tiny(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))  # nothing from the other page tests' cached runs: a real run
    monkeypatch.setitem(ft.BUDGETS, "quick", TINY_FT)
    monkeypatch.setitem(ft.BUDGETS, "standard", TINY_FT)
    monkeypatch.setitem(ft_job.PAGE_LIMITS, "fit", FitConfig(max_steps=3, batch=8))
    monkeypatch.setitem(ft_job.PAGE_LIMITS, "max_train", 16)
    monkeypatch.setitem(ft_job.PAGE_LIMITS, "max_heldout", 8)
    # both budgets are the tiny one, which pre-trains here (the fallback path): no shipped GPT is loaded


def tab(page: str, token: str, lang: str) -> AppTest:
    """A browser tab at `page` whose URL carries `?run=token` (a reload is a new session with the same URL)."""
    at = in_browser(AppTest.from_file(APP, default_timeout=120))
    at.query_params["lang"] = LANG_NAMES[lang]
    at.query_params["run"] = token
    at.run()
    at.switch_page(page).run()
    assert not at.exception, errors(at)
    return at


@pytest.mark.parametrize("kind,lang,done", [("finetune", "en", "Finished"), ("tasks", "ja", "完了")])
def test_a_reload_reattaches_to_the_running_experiment_and_shows_its_end(kind, lang, done, monkeypatch):
    page, start, cls = PAGES[kind]
    hold = threading.Event()  # the job waits at its first unit while the tab "reloads"
    monkeypatch.setattr(cls, "gate", lambda self: hold.wait(120) and BackgroundJob.gate(self))
    token = new_token(SECRET)
    first = tab(page, token, lang)
    assert first.query_params["run"] == token
    first.button(key=start).click().run()
    assert not first.exception, errors(first)
    job = LEASES.get(token, kind).job
    assert job is not None and job.state().active
    try:  # the job is running (held at its gate): the new session must find it, not a fresh page
        again = tab(page, token, lang)  # F5: a new session, the same ?run= token
        assert LEASES.get(token, kind).job is job and again.get("progress"), progress_text(again)
        other = tab(page, new_token(SECRET), lang)  # another tab: its own, empty slot
        assert not other.get("progress")
        assert LEASES.get(token, "train") is None or LEASES.get(token, "train").job is None  # per page
    finally:
        hold.set()
    run_until(again, (done,), timeout=600)
    again.run()
    assert not again.exception, errors(again)
    assert again.dataframe  # the results table of the run the old session started
    assert job.wait(30) and job.status == "finished"
