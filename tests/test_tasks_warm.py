"""views.gpt_tasks.shipped.warm (run by ui.preload at a server's start): after it, the Task formats page's switch of
data language loads and validates nothing (no task is loaded, no MeCab baseline recomputed), and still shows the
other language's examples and shipped table, in both UI languages."""
from __future__ import annotations

import json

import pytest

from tests.apptest import errors, open_page

PAGE = "views/gpt_tasks/page.py"


def _rows_text(at) -> str:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return "".join(t for tr in spec["data"] for t in tr.get("text", []))


@pytest.mark.parametrize("lang, other, title", [("en", "ja", "(Japanese)"), ("ja", "en", "（英語）")])
def test_language_switch_after_the_warm_up_reads_only_caches(monkeypatch, lang, other, title):
    from core.gpt.finetune import suite, tasks as data
    from views.gpt_tasks import shipped as gpt_tasks_shipped

    gpt_tasks_shipped.warm()

    def loaded(*args, **kwargs):
        raise AssertionError(f"loaded during the switch: {args}")

    at = open_page(PAGE, lang=lang)
    before = _rows_text(at)
    monkeypatch.setattr(suite, "load_task", loaded)  # the shipped suite's validation (all four tasks)
    monkeypatch.setattr(data, "load_topic_data", loaded)  # what the page's cached loader would call on a miss
    monkeypatch.setattr(data, "bag_of_words_accuracy", loaded)
    at.radio(key="tasks_lang").set_value(other).run()
    assert not at.exception, errors(at)
    assert _rows_text(at) != before  # the other language's example
    assert any(title in s.value for s in at.subheader), [s.value for s in at.subheader]
