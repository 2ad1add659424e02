"""Benchmark: a character-level n-gram model on a UTF-8 text file.

    .venv/bin/python -m bench.ngram [--text FILE | --lang en|ja] [--repeat R]

Prints what it measured, then on its last line one JSON object:
{"n": [1, 2, 3, 4, 5], "heldout_ppl": [...], "ppl_raw": x, "ppl_nfkc": y, "train_s": t, "train_unique_s": u,
 "same_counts": true,
 "kn_tuned": {"n": 5, "setting": 0.8, "dev_ppl": …, "heldout_ppl": …}, "mkn_tuned": {...}}
heldout_ppl: held-out perplexity (Kneser–Ney) of the models of order 1..5; ppl_raw / ppl_nfkc: the trigram's
held-out perplexity without / with NFKC normalization; train_s: seconds to train the 5-gram (best of R);
train_unique_s: the same training with the counting done by plain `np.unique` (what it used before), timed
alternately with train_s in the same process so a busy machine slows both alike; same_counts: both
counters gave identical n-gram tables. kn_tuned / mkn_tuned: interpolated and modified Kneser–Ney (characters),
each with n and its discount setting (D, or a factor on D1, D2, D3+) tuned on a dev split of the training text,
then scored once on the held-out text (core.lm.kn_compare; setting null = KN's own estimate).
Without --text, the shipped corpus of --lang (default ja, the one with variant spellings) is used.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


from core.corpus import load_shipped, split_train_heldout
from core.lm import ngram
from core.lm.ngram import NGramCounts
from core.lm.normalize import normalize


def _np_unique_counter(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The counting before core.lm.counting: np.unique, whose argsort dominates the training time."""
    keys, inv, cnt = np.unique(codes, return_inverse=True, return_counts=True)
    return keys, inv.reshape(-1).astype(np.int64), cnt.astype(np.int64)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--text", help="UTF-8 text file (default: the shipped Japanese corpus)")
    ap.add_argument("--lang", default="ja", choices=("en", "ja"), help="shipped corpus to use without --text")
    ap.add_argument("--repeat", type=int, default=3, help="training runs to time (the best is reported)")
    args = ap.parse_args()
    text = Path(args.text).read_text(encoding="utf-8") if args.text else load_shipped(args.lang)
    train, held = split_train_heldout(text)
    print(f"text: {args.text or f'shipped {args.lang} corpus'}, {len(text):,} chars, {len(text.encode()):,} bytes; "
          f"train {len(train):,}, held-out {len(held):,}", file=sys.stderr)

    fast_counter = ngram.count_codes
    times, unique_times = [], []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        counts = NGramCounts.train(train, max_n=5)
        times.append(time.perf_counter() - t0)
        ngram.count_codes = _np_unique_counter
        try:
            t0 = time.perf_counter()
            ref = NGramCounts.train(train, max_n=5)
            unique_times.append(time.perf_counter() - t0)
        finally:
            ngram.count_codes = fast_counter
    same = all(np.array_equal(a.keys, b.keys) and np.array_equal(a.raw, b.raw) and np.array_equal(a.cont, b.cont)
               for a, b in zip(counts.orders, ref.orders))
    print(f"5-gram training: {[round(t, 3) for t in times]} s (np.unique: {[round(t, 3) for t in unique_times]} s); "
          f"vocabulary {counts.vocab_size:,}; identical counts: {same}", file=sys.stderr)

    t0 = time.perf_counter()
    heldout_ppl = [round(counts.perplexity(list(held), n, "kn").ppl, 4) for n in range(1, 6)]
    print(f"held-out perplexities of n = 1..5: {time.perf_counter() - t0:.3f} s", file=sys.stderr)

    # What one page interaction recomputes (models are cached): a sample, a 30×30 heatmap, a 500-token chain.
    t0 = time.perf_counter()
    counts.sample(300, 5, seed=1)
    top = counts.top_tokens(30)
    ids = [counts.stoi[t] for t in top]
    _ = [counts.distribution([t], 2)[ids] for t in top]
    counts.token_probs(list(held[:500]), 5)
    print(f"one page interaction's work (sample 300, heatmap 30×30, chain 500): {time.perf_counter() - t0:.3f} s",
          file=sys.stderr)

    ppl_raw = counts.perplexity(list(held), 3, "kn").ppl
    n_train, n_held = normalize(train, "nfkc"), normalize(held, "nfkc")
    ppl_nfkc = NGramCounts.train(n_train, max_n=3).perplexity(list(n_held), 3, "kn").ppl
    from core.lm.kn_compare import compare

    tuned = {r["smoothing"]: {k: r[k] for k in ("n", "setting", "dev_ppl", "heldout_ppl")}
             for r in compare(train, held, "char", args.lang)["rows"]}
    print(f"tuned on a dev split, held-out perplexity: KN {tuned['kn']}, modified KN {tuned['mkn']}", file=sys.stderr)
    print(json.dumps({"n": [1, 2, 3, 4, 5], "heldout_ppl": heldout_ppl, "ppl_raw": round(ppl_raw, 4),
                      "ppl_nfkc": round(ppl_nfkc, 4), "train_s": round(min(times), 4),
                      "train_unique_s": round(min(unique_times), 4), "same_counts": bool(same),
                      "kn_tuned": tuned["kn"], "mkn_tuned": tuned["mkn"]}))


if __name__ == "__main__":
    main()
