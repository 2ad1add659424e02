#!/usr/bin/env python3
"""Precompute the Vocabulary-size page's bits-per-character chart (assets/measurements/vocab_bpc.json).

For each shipped corpus (its training / held-out split, as the pages split it): UTF-8 bytes, our BPE on raw
text at several merge counts, and every installed production tokenizer, each scored by the same KN trigram
(core.tokenizers.bpc). Takes ~1 minute; the page only reads the file. tests/test_bpc.py recomputes a few
points and checks them against it.

    .venv/bin/python scripts/measure_bpc.py
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.corpus import load_shipped, split_train_heldout
from core.tokenizers.bpc import N, SMOOTHING, bits_per_char
from core.tokenizers.bpe import train_bpe
from core.tokenizers.production import KEYS, try_load

OUT = ROOT / "assets" / "measurements" / "vocab_bpc.json"
MERGES = (0, 250, 500, 1000, 2000, 4000)


def points(lang: str) -> list[dict]:
    train, held = split_train_heldout(load_shipped(lang))
    out = []
    tb, hb = list(train.encode("utf-8")), list(held.encode("utf-8"))
    out.append(bits_per_char(tb, hb, len(held), 256, tokenizer="bytes"))
    full = train_bpe(train, "raw", max(MERGES))
    for m in MERGES:
        tok = full.truncated(m)
        out.append(bits_per_char(tok.encode(train), tok.encode(held), len(held), len(tok.chars) + len(tok.merges) + 256,
                                 tokenizer="bpe_raw"))
    for key in KEYS:
        tok = try_load(key)
        if hasattr(tok, "encode"):
            out.append(bits_per_char(tok.encode(train), tok.encode(held), len(held), tok.vocab_size, tokenizer=key))
    return [p.__dict__ | {"heldout_chars": len(held)} for p in out]


def main() -> int:
    t0 = time.time()
    data = {"n": N, "smoothing": SMOOTHING, "merges": list(MERGES),
            "langs": {lang: points(lang) for lang in ("en", "ja")}}
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    for lang, pts in data["langs"].items():
        for p in pts:
            print(f"{lang} {p['tokenizer']:8} V={p['vocab_size']:>7,} bpc={p['bits_per_char']:.3f} "
                  f"tpc={p['tokens_per_char']:.3f} unk={p['unk']}")
    print(json.dumps({"seconds": round(time.time() - t0, 1), "file": str(OUT.relative_to(ROOT))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
