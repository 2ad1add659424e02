"""The BPE page without a wait: its tokenizer at once when shipped or trained before, else a background job.

`views/tok_bpe/` learns every merge its slider offers (3,000) once per corpus and mode. On the shipped
corpora that tokenizer ships in `assets/models/tokenizers/` (build_models --only tokenizers) and loads in
milliseconds; on an uploaded corpus our BPE trains for seconds to a minute (a 2 MB upload, a busy CPU).
So the page asks `tokenizer_or_job(text, mode, merges)`:

- memory, the shipped file or the disk cache (through `core.tokenizers.cache.no_training`): the tokenizer;
- otherwise a `BPEJob` trains it off the page thread, shared by every session asking for the same
  corpus and mode (a process-wide `JobRegistry` keyed by the tokenizer cache key), counted in the
  process-wide limit, with progress (merges learned / asked), ETA and Cancel (checked after every merge;
  a cancelled training keeps nothing). It trains through `train_bpe`'s own cache entry, so the result
  lands in memory and on disk under the key the page asks for next.

Meanwhile the page shows `untrained(text, mode)`: the same tokenizer with no merges (the corpus's
characters only, a pass over the text), so the typed text's characters, the step-0 row, are there at once.

    got = tokenizer_or_job(text, "words", 3000)   # a BPETokenizer, or the BPEJob training it
"""
from __future__ import annotations

from core.runtime.jobs import BackgroundJob, JobRegistry, Stopped
from core.tokenizers.bpe import MODES, BPETokenizer, from_json, train_bpe
from core.tokenizers.bpe_base import N_BYTES
from core.tokenizers.bpe_train import Merge, train_merges
from core.tokenizers.cache import NotReady, cache_key, cached, no_training

REGISTRY = JobRegistry(scoped=True)  # an upload's job stays in its session (core.runtime.private)


def job_key(text: str, mode: str, num_merges: int) -> str:
    """The tokenizer cache's key for this training (the same one `train_bpe` uses)."""
    return cache_key("bpe", text, mode=mode, num_merges=int(num_merges))


def ready(text: str, mode: str, num_merges: int) -> BPETokenizer | None:
    """The trained tokenizer if nothing needs training (memory, shipped, disk), else None. Never trains."""
    try:
        with no_training():
            return train_bpe(text, mode, int(num_merges))
    except NotReady:
        return None


def untrained(text: str, mode: str) -> BPETokenizer:
    """`mode`'s tokenizer with the characters of `text` and no merge: what the page shows while it trains.

    >>> tok = untrained("low lower", "words")
    >>> tok.merges, tok.chars
    ([], [' ', 'e', 'l', 'o', 'r', 'w'])
    """
    cls = MODES[mode]
    chars, _ = cls().training_words(text)
    return cls(chars, [])


class BPEJob(BackgroundJob):
    """Trains our BPE on one (corpus, mode, merges) into the tokenizer cache; `result` once finished."""

    what = ("Training BPE", "BPE の学習")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, text: str, mode: str, num_merges: int, threads: int | None = None):
        super().__init__(threads, label=f"bpe {job_key(text, mode, num_merges)}")
        if mode not in MODES:
            raise ValueError(f"mode must be one of {tuple(MODES)}, not {mode!r}")
        self._text, self.mode, self.num_merges = text, mode, int(num_merges)
        self.result: BPETokenizer | None = None

    def _on_merge(self, merge: Merge, learned: list[int]) -> None:
        learned[0] += 1
        self.set_progress(learned[0], self.num_merges)
        if not self.gate():  # waits while paused; False once cancelled
            raise Stopped

    def _train(self) -> BPETokenizer:
        cls = MODES[self.mode]
        chars, words = cls().training_words(self._text)
        learned = [0]
        merges = train_merges(words, self.num_merges, first_id=N_BYTES + len(chars),
                              on_merge=lambda m: self._on_merge(m, learned))
        return cls(chars, merges)

    def work(self) -> str:
        self.set_progress(0, max(1, self.num_merges))
        try:
            tok = cached(job_key(self._text, self.mode, self.num_merges), ".json", build=self._train,
                         to_bytes=lambda t: t.to_json().encode("utf-8"),
                         from_bytes=lambda data: from_json(data.decode("utf-8")))
        except Stopped:
            return "stopped"
        with self._lock:
            self.result = tok
        self.set_progress(self.num_merges)
        return "finished"


def tokenizer_or_job(text: str, mode: str, num_merges: int, start: bool = True) -> BPETokenizer | BPEJob | None:
    """The tokenizer at once if nothing needs training, else the job training it (started when none runs
    and `start`; a stopped or failed one is returned as it is, so the page can offer to start again).

    TooManyTrainings propagates when the server runs its limit of jobs."""
    tok = ready(text, mode, num_merges)
    if tok is not None:
        return tok
    key = job_key(text, mode, num_merges)
    job = REGISTRY.get(key)
    if job is not None and getattr(job, "result", None) is not None:
        return job.result
    if job is None and start:
        job = REGISTRY.get_or_start(key, lambda: BPEJob(text, mode, num_merges))
    return job  # type: ignore[return-value]


def restart(text: str, mode: str, num_merges: int) -> BPEJob:
    return REGISTRY.get_or_start(job_key(text, mode, num_merges), lambda: BPEJob(text, mode, num_merges))
