"""The n-gram page on an uploaded corpus: counted in a shared background job, same numbers as in the page."""
from __future__ import annotations

import pytest

from core.corpus import corpus_id, load_shipped, split_train_heldout
from core.lm import ngram_job as nj
from core.lm.data import build
from core.lm.ngram import perplexity_curve
from tests.apptest import errors, open_page

TEXT = load_shipped("en")[:20000]


def _req(text=TEXT, level="char", smoothing="kn"):
    return nj.NGramRequest(corpus_id(text), level, "en", smoothing, 0.1)


def test_job_gives_the_numbers_the_page_computes_itself_and_is_shared():
    train, held = split_train_heldout(TEXT)
    a = nj.result_or_job(_req(), train, held)
    assert isinstance(a, nj.NGramJob) and nj.result_or_job(_req(), train, held) is a
    assert a.wait(120) and a.status == "finished"
    d = build(train, held, "char", "en")
    assert [p.ppl for p in a.result.heldout] == pytest.approx([p.ppl for p in perplexity_curve(d.counts, d.heldout,
        "kn", 0.1)])
    assert [p.ppl for p in a.result.train] == pytest.approx([p.ppl for p in perplexity_curve(d.counts, d.train, "kn",
        0.1)])
    assert a.result.words is not a.result.data  # character level: word counts built for the distant-repeat example
    assert nj.result_or_job(_req(), train, held) is a.result  # from memory now, no job


def test_cancel_between_phases_keeps_nothing_and_too_little_text_is_a_message():
    train, held = split_train_heldout(TEXT)

    class Cancelled(nj.NGramJob):
        calls = 0

        def gate(self) -> bool:
            self.calls += 1
            return self.calls < 3

    req = _req(level="word", smoothing="addk")
    job = Cancelled(req, train, held)
    job.start()
    assert job.wait(120) and job.status == "stopped" and job.result is None
    assert isinstance(nj.result_or_job(req, train, held), nj.NGramJob)  # not ready: a (new) job
    nj.REGISTRY.clear()
    tiny = nj.NGramJob(_req("a"), "a", "")
    tiny.start()
    assert tiny.wait(30) and tiny.status == "failed" and "too short" in tiny.state().message.en


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_ngram_page_counts_an_upload_in_the_background_in_its_session(lang, monkeypatch):
    """As ui.corpus_picker does for an upload, the fake picker makes the session's private scope current: the
    page's job and its counts are then in that scope's registry and table, none in the shared ones."""
    from core.runtime import private
    from ui import corpus_picker

    text = load_shipped(lang)[:30000]
    train, held = split_train_heldout(text)
    scope = private.Scope()
    upload = corpus_picker.PickedCorpus("notes.txt", "upload", text, train, held, corpus_id(text) + lang, scope)

    def pick(*_a, **_k):  # AppTest cannot upload a file
        private.enter(scope)
        return upload

    monkeypatch.setattr(corpus_picker, "pick_corpus", pick)
    at = open_page("views/lm_ngram/page.py", lang=lang)
    assert not at.exception, errors(at)
    with private.active(scope):
        jobs = list(nj.REGISTRY._jobs.values())
    assert len(jobs) == 1 and isinstance(jobs[0], nj.NGramJob)
    assert not [k for k in nj.REGISTRY._shared if k.startswith(upload.key)]
    assert jobs[0].wait(120) and jobs[0].status == "finished"
    at.run()
    assert not at.exception, errors(at)
    assert not at.get("progress") and len(at.get("plotly_chart")) == 2  # the curve and the heatmap
    assert not [k for k in nj._READY if k.startswith(upload.key)]
    assert scope.table("ngram_job.ready", dict)
