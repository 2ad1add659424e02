"""The comparison page without a wait: shipped tokenizers at the defaults, a background job for the rest.

`compare.fit_toolkit` trains four tokenizers (our BPE on words and on raw text, SentencePiece BPE and
unigram): 2–6 s on the shipped corpus on a busy 2-core CPU, more on an upload. So the page asks
`toolkit_or_job(text, vocab)`:

- at the default sizes on the shipped corpora every learned tokenizer ships in
  `assets/models/tokenizers/` (`scripts/build_models.py --only tokenizers`) and loads in milliseconds,
  as does anything trained before (memory, then the disk cache): the Toolkit comes back at once;
- otherwise a `ToolkitJob` trains them with progress, ETA and cancel (between two tokenizers), kept
  in a process-wide registry keyed by corpus hash and size, so two sessions asking the same watch one
  run; its tokenizers land in the disk cache, so the next ask is instant. Meanwhile the page shows
  `compare.human_toolkit(text)`: the rows that need no training.

    got = toolkit_or_job(text, 1000)   # a Toolkit, or the ToolkitJob training it
"""
from __future__ import annotations

from core.runtime.jobs import BackgroundJob, JobRegistry, Stopped
from core.tokenizers.cache import cache_key
from core.tokenizers.compare import Toolkit, fit_toolkit, ready_toolkit

# The page's vocabulary size before it is touched, by corpus language (Japanese needs ~1,400 ids for its
# characters alone). build_models ships these; any other size trains in a ToolkitJob.
DEFAULT_VOCAB = {"en": 1000, "ja": 2000}
REGISTRY = JobRegistry(scoped=True)  # an upload's job stays in its session (core.runtime.private)


def job_key(text: str, vocab_size: int) -> str:
    return cache_key("toolkit", text, vocab_size=int(vocab_size))


class ToolkitJob(BackgroundJob):
    """Fits the learned tokenizers of one (corpus, size); `result` is the Toolkit once finished."""

    what = ("Training the tokenizers", "トークナイザーの学習")
    pool = "page"  # a page's own job: not refused while trainings run (core/runtime/limiter.py)

    def __init__(self, text: str, vocab_size: int, threads: int | None = None):
        super().__init__(threads, label=f"toolkit {job_key(text, vocab_size)}")
        self._text, self.vocab_size = text, int(vocab_size)
        self.result: Toolkit | None = None

    def work(self) -> str:
        try:
            kit = fit_toolkit(self._text, self.vocab_size, on_progress=self.set_progress, gate=self.gate)
        except Stopped:
            return "stopped"
        with self._lock:
            self.result = kit
        return "finished"


def toolkit_or_job(text: str, vocab_size: int, start: bool = True) -> Toolkit | ToolkitJob | None:
    """The Toolkit at once if nothing needs training, else the job training it (started when none runs
    and `start`; a stopped or failed one is returned as it is, so the page can offer to start again).

    UserInputError for an empty text; TooManyTrainings when the server runs its limit of jobs."""
    kit = ready_toolkit(text, vocab_size)
    if kit is not None:
        return kit
    key = job_key(text, vocab_size)
    job = REGISTRY.get(key)
    if job is None and start:
        job = REGISTRY.get_or_start(key, lambda: ToolkitJob(text, vocab_size))
    return job  # type: ignore[return-value]


def restart(text: str, vocab_size: int) -> ToolkitJob:
    return REGISTRY.get_or_start(job_key(text, vocab_size), lambda: ToolkitJob(text, vocab_size))
