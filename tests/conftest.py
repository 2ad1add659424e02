"""Shared test setup: run from any folder, keep caches out of the working tree, CPU only."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("ATLAS_FORCE_CPU", "1")

# Markers (registered in pytest.ini). `make test` and CI run everything; `pytest -m "not slow and not e2e"` runs
# the rest, a few minutes on two cores. e2e: every test under tests/e2e (a real server and browser).
# slow: the modules that open pages through AppTest, start servers or processes, or train for real, and single
# tests measured at over ten seconds each on two busy cores (2026-12).
SLOW_MODULES = frozenset({
    "test_app_shell", "test_bench_presets", "test_bpe_job", "test_exports_pages", "test_figcache", "test_hardening",
    "test_hardening_native", "test_hardening_pages", "test_interaction_paths", "test_lesson", "test_lesson_hostile",
    "test_links", "test_links_hostile", "test_ngram_job", "test_notes_pages", "test_nothing_lost",
    "test_page_encoder_decoder", "test_page_gelu", "test_page_gpt_finetune", "test_page_gpt_resume",
    "test_page_gpt_tasks", "test_page_gpt_train", "test_page_job_leases", "test_page_positional",
    "test_page_run_owner", "test_pages_attention", "test_pages_gpt_inside", "test_pages_inside", "test_pages_lm",
    "test_pages_lm_extra", "test_pages_production", "test_pages_tok", "test_rebuild", "test_serve",
    "test_shipped_models", "test_shipped_notes", "test_shutdown_fast", "test_speed_paths", "test_tasks_warm",
    "test_upload_privacy", "test_warm_paths", "test_websocket_limits",
})
SLOW_TESTS = (
    "test_transfer.py::test_each_task_format_can_overfit_sixteen_training_examples",  # 26-91 s each
    "test_train.py::test_torchrun_two_processes_ddp",  # two processes
    "test_hardening_messages.py::test_no_japanese_message_in_core_carries_exception_text",
    "test_seq2seq.py::test_training_lowers_the_loss",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if "e2e" in path.parts:
            item.add_marker(pytest.mark.e2e)
        elif path.stem in SLOW_MODULES or any(t in item.nodeid for t in SLOW_TESTS):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    """Anything the app caches on disk goes to a temporary folder during tests."""
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "atlas-cache"))


@pytest.fixture(autouse=True)
def _stop_leftover_jobs():
    """A job a test started and left running (a page's background note, an AppTest session that never ends)
    is stopped when the test ends, and waited for: it would otherwise hold one of the server's training slots
    (ATLAS_MAX_TRAININGS) and the cores while later tests run, and they would fail by chance. Jobs started
    before the test (a module fixture's) are left alone."""
    from core.runtime.jobs import STARTED

    def running():
        return [j for j in list(STARTED) if not j.wait(0)]  # wait(0): has the thread ended?

    before = {id(j) for j in running()}
    yield
    left = [j for j in running() if id(j) not in before]
    for j in left:
        j.stop()
    for j in left:
        j.wait(60)
