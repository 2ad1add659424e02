"""The n-gram page on an uploaded corpus, as a background job: counting and scoring can take a minute.

On the shipped corpora the n-gram page computes in its own thread (well under 2 s). An upload may be
5 MB: tokenizing it (MeCab for Japanese words), counting n = 1..5 and scoring the held-out and
training text took 12 s for 0.9 MB of English characters and 26 s for 0.4 MB of Japanese words on the
2-core CPU. `NGramJob` does that work in a thread (progress by phase, ETA, stop between phases),
shared by every session through a registry keyed by the corpus and the settings; finished results stay
in memory (a few, newest kept), since the counts are what the page's sampling and heatmap read. An
uploaded corpus is always counted here, inside its session's `core.runtime.private` scope: its job and
its counts (which reproduce the text) are kept in that session's tables, never in the shared ones.

    got = result_or_job(NGramRequest(key, "word", "ja", "kn", 0.1), train, heldout)
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from core.lm.chain_rule import DistantRepeat, find_distant_repeat
from core.lm.data import LMData, build
from core.lm.ngram import perplexity_curve
from core.runtime import private
from core.runtime.jobs import BackgroundJob, JobRegistry, Stopped

KEEP = 4  # finished uploads kept in memory (each holds n-gram counts of up to 5 MB of text)
PHASES = ("count", "heldout", "train", "words", "distant")


@dataclass(frozen=True)
class NGramRequest:
    corpus_key: str
    level: str  # "char" | "word"
    clang: str  # the corpus language (core.lm.data.corpus_lang)
    smoothing: str
    k: float

    def key(self) -> str:
        return f"{self.corpus_key}-{self.level}-{self.clang}-{self.smoothing}-{self.k}"


@dataclass
class NGramResult:
    data: LMData  # counts at the request's level
    heldout: list  # perplexity_curve on the held-out text, n = 1..5
    train: list  # ... and on the training text
    words: LMData  # word-level counts (for the distant-repeat example); `data` itself at word level
    distant: DistantRepeat | None


class NGramJob(BackgroundJob):
    """Counts and scores one request; `result` once finished. A UserInputError (too little text) is its message."""

    what = ("Counting n-grams", "n-gram の集計")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, request: NGramRequest, train: str, heldout: str, threads: int | None = None):
        super().__init__(threads, label=f"ngram {request.level}")
        self.request, self._train, self._heldout = request, train, heldout
        self.result: NGramResult | None = None
        self._total = float(len(PHASES))

    def _phase(self, i: int) -> None:
        if not self.gate():
            raise Stopped()
        self.set_progress(i)

    def work(self) -> str:
        from core.errors import UserInputError

        r = self.request
        try:
            self._phase(0)
            data = build(self._train, self._heldout, r.level, r.clang)
            self._phase(1)
            held = perplexity_curve(data.counts, data.heldout, r.smoothing, r.k)
            self._phase(2)
            train = perplexity_curve(data.counts, data.train, r.smoothing, r.k)
            self._phase(3)
            words = data if r.level == "word" else build(self._train, self._heldout, "word", r.clang)
            self._phase(4)
            distant = find_distant_repeat(words.train + words.heldout, r.clang)
        except Stopped:
            return "stopped"
        except UserInputError as e:
            self.set_message(e)
            return "failed"
        value = NGramResult(data, held, train, words, distant)
        with _READY_LOCK:
            ready = _ready()
            ready[r.key()] = value
            while len(ready) > KEEP:
                ready.popitem(last=False)
        with self._lock:
            self.result, self._done = value, self._total
        return "finished"


REGISTRY = JobRegistry(scoped=True)
_READY: OrderedDict[str, NGramResult] = OrderedDict()
_READY_LOCK = threading.Lock()


def _ready() -> OrderedDict[str, NGramResult]:
    """The finished results in effect: the current private scope's, else the shared table."""
    return private.table("ngram_job.ready", _READY)


def result_or_job(request: NGramRequest, train: str, heldout: str) -> NGramResult | NGramJob:
    """The finished result, or the job computing it (started if none; a stopped or failed one is returned
    as it is, so the page can say why and offer to start again). TooManyTrainings propagates."""
    with _READY_LOCK:
        ready = _ready()
        if request.key() in ready:
            ready.move_to_end(request.key())
            return ready[request.key()]
    job = REGISTRY.get(request.key())
    if job is None:
        job = REGISTRY.get_or_start(request.key(), lambda: NGramJob(request, train, heldout))
    return job  # type: ignore[return-value]


def restart(request: NGramRequest, train: str, heldout: str) -> NGramJob:
    return REGISTRY.get_or_start(request.key(), lambda: NGramJob(request, train, heldout))
