"""Benchmark: our incremental BPE trainer against a naive recount, SentencePiece, and encoding speed.

    .venv/bin/python -m bench.tokenizer_speed --text FILE --merges 256 [--mode words|raw] [--pages]

Both trainers learn from the same distinct words (whitespace / MeCab words in mode "words") and must
learn the same merges. The naive reference (core.tokenizers.bpe_reference) recounts every pair of
every word after every merge.
The last line printed is one JSON object:
{"bpe_train_s": …, "naive_bpe_train_s": …, "spm_bpe_train_s": …, "roundtrip_ok": …, "encode_ms_per_kchar": …,
 "encode_mb_s": {"ours_bpe": …, "spm_bpe": …, "gpt2": …, "cl100k": …, …}}
encode_mb_s: encode throughput (UTF-8 megabytes of text per second, best of 3, one thread, one call on the
whole text) of our trained BPE, SentencePiece BPE at the same vocabulary size, and each production tokenizer
installed by `make setup` (vendor/tokenizers/; a missing one is left out and named on stdout).
"""
from __future__ import annotations

from pathlib import Path


import argparse
import json
import time
from core.tokenizers.bpe import MODES
from core.tokenizers.bpe_reference import reference_train_merges
from core.tokenizers.bpe_train import train_merges


def _spm_train_s(text: str, vocab_size: int) -> float:
    """Seconds for SentencePiece BPE on `text` (no cache), at `vocab_size` or the nearest size it allows."""
    from core.tokenizers.spm import VocabSizeError, _train

    _train("warm up\n" * 20, "bpe", 20, 1.0, False)  # the first call loads the library
    t0 = time.perf_counter()
    try:
        _train(text, "bpe", vocab_size, 0.9995, False)
    except VocabSizeError as e:
        t0 = time.perf_counter()
        _train(text, "bpe", e.limit, 0.9995, False)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text", help="UTF-8 text file to train on (default: the shipped corpus, English + Japanese)")
    ap.add_argument("--merges", type=int, default=256)
    ap.add_argument("--mode", choices=sorted(MODES), default="words")
    ap.add_argument("--pages", action="store_true",
                    help="also time a re-render of the three tokenizer pages once trained (AppTest)")
    args = ap.parse_args(argv)
    if args.text:
        text = Path(args.text).read_text(encoding="utf-8")
    else:
        from core.corpus import load_shipped

        text = load_shipped("en") + load_shipped("ja")
    tok = MODES[args.mode]()

    t0 = time.perf_counter()
    chars, words = tok.training_words(text)
    pretok_s = time.perf_counter() - t0
    first = 256 + len(chars)

    t0 = time.perf_counter()
    fast = train_merges(words, args.merges, first)
    bpe_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow = reference_train_merges(words, args.merges, first)
    naive_s = time.perf_counter() - t0

    trained = MODES[args.mode](chars, fast)
    roundtrip_ok = all(trained.decode(trained.encode(line)) == line for line in text.splitlines())

    # Encoding speed: 1,000-character slices, each with a cold chunk cache.
    slices = [text[i:i + 1000] for i in range(0, min(len(text), 50_000), 1000) if len(text[i:i + 1000]) == 1000]
    slices = slices or [text]
    t_enc = 0.0
    for s in slices:
        trained._chunk_cache.clear()
        t0 = time.perf_counter()
        trained.encode(s)
        t_enc += time.perf_counter() - t0
    enc_ms = t_enc * 1000 / (sum(len(s) for s in slices) / 1000)

    spm_s = _spm_train_s(text, len(chars) + 3 + args.merges)
    throughput = _throughput(text, trained, len(chars) + 3 + args.merges)

    print(f"text: {len(text):,} chars ({len(text.encode('utf-8')):,} bytes), mode {args.mode}, "
          f"{len(words):,} distinct words, {len(chars):,} characters; pre-tokenization {pretok_s:.3f} s")
    print(f"merges learned: {len(fast)} (asked {args.merges}); same merges as naive: {fast == slow}; "
          f"speed-up over naive: {naive_s / max(bpe_s, 1e-9):.1f}x")
    result = {
        "bpe_train_s": round(bpe_s, 4),
        "naive_bpe_train_s": round(naive_s, 4),
        "spm_bpe_train_s": round(spm_s, 4),
        "roundtrip_ok": bool(roundtrip_ok),
        "encode_ms_per_kchar": round(enc_ms, 3),
        "encode_mb_s": throughput,
    }
    if args.pages:
        for page, seconds in _page_rerender_s().items():
            print(f"page re-render once trained: {page}: {seconds:.3f} s (median of 5)")
    print(json.dumps(result))
    return result


def _best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _throughput(text: str, ours, spm_vocab: int) -> dict[str, float]:
    """MB/s of UTF-8 text encoded by each tokenizer, on the same text (our BPE with a cold chunk cache)."""
    from core.tokenizers.production import KEYS, try_load
    from core.tokenizers.spm import VocabSizeError, train_sentencepiece

    mb = len(text.encode("utf-8")) / 1e6
    out = {}

    def cold():
        ours._chunk_cache.clear()
        ours.encode(text)

    out["ours_bpe"] = round(mb / _best_of(cold), 3)
    try:
        spm = train_sentencepiece(text, "bpe", spm_vocab)
    except VocabSizeError as e:
        spm = train_sentencepiece(text, "bpe", e.limit)
    out["spm_bpe"] = round(mb / _best_of(lambda: spm.encode(text)), 3)
    for key in KEYS:
        tok = try_load(key)
        if not hasattr(tok, "encode"):
            print(f"throughput: {key} not installed ({tok.message('en')})")
            continue
        out[key] = round(mb / _best_of(lambda: tok.encode(text)), 3)
    print("encode throughput (MB/s): " + ", ".join(f"{k} {v}" for k, v in out.items()))
    return out


def _page_rerender_s() -> dict[str, float]:
    """Median seconds of an AppTest rerun of each tokenizer page after its first (training) run."""
    import os
    import statistics
    import tempfile

    os.environ.setdefault("ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="atlas-bench-"))  # not the working tree
    from tests.apptest import open_page

    out = {}
    for page in ("views/tok_compare/page.py", "views/tok_bpe/page.py", "views/tok_sweep/page.py"):
        at = open_page(page, lang="ja", timeout=300)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - t0)
        out[page] = statistics.median(times)
    return out


if __name__ == "__main__":
    main()
