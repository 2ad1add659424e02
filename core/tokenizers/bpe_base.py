"""Our own byte-pair encoding: the part every variant shares (minbpe-style: train / encode / decode /
save / load). Variants differ only in how text is cut into chunks before BPE (`pretokenize`):

- `bpe_words.WordBPE`: chunks are words (whitespace for English, MeCab morphemes for Japanese), as the
  notes describe BPE for Japanese: morphemes play the role of English words;
- `bpe_raw.RawBPE`: raw text, like SentencePiece: a space is an ordinary symbol attached to the word
  after it (drawn ▁), and Japanese text with no spaces is learned directly, without MeCab.

Merges never cross a chunk boundary.

Symbols are **characters** (so a student sees 読売 become one piece, not UTF-8 byte soup), with a
**byte fallback**: ids 0-255 are the 256 bytes, used for any character not seen in training, so
decode(encode(s)) == s for every string. Unlike SentencePiece there is no normalization at all.

    ids 0..255                     bytes <0x00>..<0xFF> (fallback for unseen characters)
    ids 256..256+C-1               the C characters seen in training, in code point order
    ids 256+C..                    one per merge, in the order learned

>>> from core.tokenizers.bpe_raw import RawBPE
>>> tok = RawBPE().train("low lower lowest low low", num_merges=3)
>>> tok.pieces("lowest")
['low', 'e', 's', 't']
>>> tok.decode(tok.encode("lowest 😀")) == "lowest 😀"
True
"""
from __future__ import annotations

import heapq
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from core.tokenizers.base import Tokenizer
from core.tokenizers.bpe_train import Merge, merge_pair, train_merges

N_BYTES = 256
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Segment:
    """One token: id, its text, and whether it is a byte standing in for an unseen character."""

    id: int
    piece: str
    fallback: bool


@dataclass(frozen=True)
class ReplayStep:
    """The sentence after one more merge (step 0: characters only, `merge` None).

    `applied` is how many places in the sentence the merge joined."""

    merge: Merge | None
    ids: list[int]
    pieces: list[str]
    applied: int


class BPETokenizer(Tokenizer):
    """Base class: subclasses set `kind` and implement `pretokenize`."""

    kind = "bpe"

    def __init__(self, chars: list[str] | None = None, merges: list[Merge] | None = None):
        self._set(chars or [], merges or [])

    # --- what variants change ---------------------------------------------------------------
    def pretokenize(self, text: str) -> list[str]:
        """Cut text into chunks that merges never cross; "".join(chunks) == text."""
        raise NotImplementedError

    def learns_from(self, chunk: str) -> bool:
        """Whether merges are learned inside this chunk (its characters join the alphabet anyway)."""
        return True

    # --- state --------------------------------------------------------------------------------
    def _set(self, chars: list[str], merges: list[Merge]) -> None:
        self.chars = list(chars)
        self.merges = list(merges)
        self.char_id = {ch: N_BYTES + i for i, ch in enumerate(self.chars)}
        self.ranks = {m.pair: r for r, m in enumerate(self.merges)}
        self.merge_id = {m.pair: m.id for m in self.merges}
        vocab = [bytes([i]) for i in range(N_BYTES)] + [ch.encode("utf-8") for ch in self.chars]
        for m in self.merges:
            if m.id != len(vocab):
                raise ValueError(f"merge ids must be consecutive: expected {len(vocab)}, got {m.id}")
            vocab.append(vocab[m.pair[0]] + vocab[m.pair[1]])
        self.vocab: list[bytes] = vocab
        self._chunk_cache: dict[str, tuple[int, ...]] = {}

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.kind

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @property
    def first_merge_id(self) -> int:
        return N_BYTES + len(self.chars)

    # --- training -----------------------------------------------------------------------------
    def train(self, text: str, num_merges: int) -> "BPETokenizer":
        """Learn the characters of `text` and up to `num_merges` merges; returns self.

        Fewer merges are learned when no pair occurs twice any more (see `len(self.merges)`)."""
        if num_merges < 0:
            raise ValueError("num_merges must be ≥ 0")
        chars, words = self.training_words(text)
        merges = train_merges(words, num_merges, first_id=N_BYTES + len(chars))
        self._set(chars, merges)
        return self

    def training_words(self, text: str) -> tuple[list[str], dict[tuple[int, ...], int]]:
        """The alphabet of `text` and its distinct chunks as id tuples with their counts:
        what `bpe_train.train_merges` learns from."""
        chunks = Counter(self.pretokenize(text))
        chars = sorted({ch for chunk in chunks for ch in chunk})
        char_id = {ch: N_BYTES + i for i, ch in enumerate(chars)}
        words = {tuple(char_id[ch] for ch in chunk): n for chunk, n in chunks.items()
                 if len(chunk) > 1 and self.learns_from(chunk)}
        return chars, words

    def truncated(self, num_merges: int) -> "BPETokenizer":
        """The same tokenizer with only its first `num_merges` merges (BPE merges form a prefix order,
        so this is exactly what training with fewer merges gives)."""
        return type(self)(self.chars, self.merges[:num_merges])

    # --- encoding -----------------------------------------------------------------------------
    def _base_ids(self, chunk: str) -> list[int]:
        out: list[int] = []
        for ch in chunk:
            i = self.char_id.get(ch)
            if i is None:
                out.extend(ch.encode("utf-8"))  # byte fallback: unseen characters survive exactly
            else:
                out.append(i)
        return out

    def _encode_chunk(self, chunk: str) -> tuple[int, ...]:
        """Apply the learned merges to one chunk, lowest rank first: a heap over a linked list, O(n log n).

        The definition of BPE encoding is `replay`: find the lowest-ranked pair present, merge all its
        occurrences, repeat. That rescans the chunk after every merge, O(n²). Here:
        - **a linked list** (`nxt`, `prv`, `alive`) over the chunk's symbols: merging the pair at i and
          its right neighbour j writes the new id at i and unlinks j in O(1);
        - **a heap** of (rank, i): one entry per adjacent pair that is a learned merge, so the next merge
          to apply is the smallest entry. Ties in rank pop the leftmost i first, matching replay's
          left-to-right merging of overlapping runs (a a a -> aa a).
        - **stale entries**: a merge changes the pairs around it, but a heap cannot update an entry in
          place, so the old entries stay and new ones are pushed for the new pairs (left neighbour + N,
          N + right neighbour). An entry (r, i) is stale when i was unlinked, or i is now the last
          symbol, or the pair now at (i, nxt[i]) is no longer the one with rank r. That is checked when
          it is popped, and it is skipped.

        Why lowest rank first gives the same result as replay: a pair that involves a symbol made by
        merge r was learned after merge r, so it has a greater rank: no merge is ever needed "before"
        one already applied.

        Worked example, merges r0 (l, o) -> lo, r1 (lo, w) -> low, r2 (e, r) -> er, chunk "lower":
            l o w e r           heap (0, @l), (2, @e)      (o w and w e are not merges: no entry)
            pop (0, @l):        lo w e r    push (1, @lo) for the new pair (lo, w)
            pop (1, @lo):       low e r     (low, e) is not a merge: nothing pushed
            pop (2, @e):        low er      heap empty: done -> [low, er]
        And a stale one, merge r0 (a, a) -> aa, chunk "aaa": heap (0, @0), (0, @1). Pop (0, @0) merges
        positions 0 and 1 (aa a); pop (0, @1): position 1 was unlinked, so the entry is stale: skip.
        """
        hit = self._chunk_cache.get(chunk)
        if hit is not None:
            return hit
        ids = self._base_ids(chunk)
        n = len(ids)
        if n >= 2 and self.merges:
            ranks = self.ranks
            nxt = list(range(1, n + 1))  # nxt[i] == n: i is the last symbol
            prv = list(range(-1, n - 1))  # prv[i] == -1: i is the first symbol
            alive = [True] * n  # False once a symbol was absorbed into its left neighbour
            heap = [(ranks[(ids[i], ids[i + 1])], i) for i in range(n - 1) if (ids[i], ids[i + 1]) in ranks]
            heapq.heapify(heap)
            while heap:
                r, i = heapq.heappop(heap)  # the lowest-ranked merge that may apply, leftmost first
                j = nxt[i] if alive[i] else n
                if j >= n or (ids[i], ids[j]) not in ranks or ranks[(ids[i], ids[j])] != r:
                    continue  # stale: i or its right neighbour was merged since this entry was pushed
                ids[i] = self.merges[r].id  # i j -> N, kept at i
                alive[j] = False
                nxt[i] = nxt[j]  # unlink j
                if nxt[i] < n:
                    prv[nxt[i]] = i
                    pair = (ids[i], ids[nxt[i]])  # the new pair to the right: N, y
                    if pair in ranks:
                        heapq.heappush(heap, (ranks[pair], i))
                if prv[i] >= 0:
                    pair = (ids[prv[i]], ids[i])  # the new pair to the left: x, N
                    if pair in ranks:
                        heapq.heappush(heap, (ranks[pair], prv[i]))
            ids = [ids[k] for k in range(n) if alive[k]]  # walk the survivors in order
        out = tuple(ids)
        if len(self._chunk_cache) < 50_000:  # words repeat (Zipf): cache them, with a bound on memory
            self._chunk_cache[chunk] = out
        return out

    def encode(self, text: str) -> list[int]:
        out: list[int] = []
        for chunk in self.pretokenize(text):
            out.extend(self._encode_chunk(chunk))
        return out

    def decode(self, ids: list[int]) -> str:
        # Ids outside the vocabulary decode to U+FFFD, as do byte runs that are not valid UTF-8.
        bad = "\ufffd".encode("utf-8")
        data = b"".join(self.vocab[i] if 0 <= i < len(self.vocab) else bad for i in ids)
        return data.decode("utf-8", errors="replace")

    def id_to_piece(self, i: int) -> str:
        """The token's text; a byte token (or a merge of bytes that is not whole UTF-8) shows as <0xE3>."""
        if not 0 <= i < len(self.vocab):
            return "<unk>"
        b = self.vocab[i]
        try:
            return b.decode("utf-8")
        except UnicodeDecodeError:
            return "".join(f"<0x{x:02X}>" for x in b)

    def segments(self, text: str) -> list[Segment]:
        return [Segment(i, self.id_to_piece(i), i < N_BYTES) for i in self.encode(text)]

    def merge_table(self, limit: int | None = None) -> list[tuple[int, str, str, str, int]]:
        """(rank from 1, left piece, right piece, merged piece, pair frequency) for the first merges."""
        return [(r + 1, self.id_to_piece(m.pair[0]), self.id_to_piece(m.pair[1]), self.id_to_piece(m.id), m.count)
                for r, m in enumerate(self.merges[:limit])]

    # --- the merges, replayed on one sentence ---------------------------------------------
    def replay(self, text: str) -> list[ReplayStep]:
        """Every segmentation of `text` on the way to its encoding: step 0 is characters (bytes for
        unseen ones), then one step per merge that changes the sentence, lowest rank first.

        The last step's ids equal `encode(text)`.
        """
        chunks = [self._base_ids(c) for c in self.pretokenize(text)]

        def snapshot(merge: Merge | None, applied: int) -> ReplayStep:
            ids = [i for c in chunks for i in c]
            return ReplayStep(merge, ids, [self.id_to_piece(i) for i in ids], applied)

        steps = [snapshot(None, 0)]
        while True:
            best = None
            for c in chunks:
                for pair in zip(c, c[1:]):
                    r = self.ranks.get(pair)
                    if r is not None and (best is None or r < best):
                        best = r
            if best is None:
                return steps
            m = self.merges[best]
            before = sum(len(c) for c in chunks)
            chunks = [merge_pair(c, m.pair, m.id) for c in chunks]
            steps.append(snapshot(m, before - sum(len(c) for c in chunks)))

    # --- persistence --------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({
            "type": self.kind, "version": FORMAT_VERSION, "chars": self.chars,
            "merges": [[m.pair[0], m.pair[1], m.count] for m in self.merges],
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> "BPETokenizer":
        """A tokenizer of this very class from `to_json` output. Which class a file holds is written in
        it ("type"): `core.tokenizers.bpe.from_json` reads that and picks the class for you."""
        kind, chars, merges = parse_json(data)
        if kind != cls.kind:
            raise ValueError(f"this file holds a {kind!r} tokenizer, not {cls.kind!r}: "
                             "read it with core.tokenizers.bpe.from_json, which picks the class")
        return cls(chars, merges)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "BPETokenizer":
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(chars={len(self.chars)}, merges={len(self.merges)})"



def parse_json(data: str) -> tuple[str, list[str], list[Merge]]:
    """(type, chars, merges) from our JSON format; ValueError for anything else (another tokenizer's
    file, another version, a damaged file), so a cache treats it as "rebuild".

    >>> parse_json('{"type": "bpe-raw", "version": 1, "chars": ["a", "b"], "merges": [[256, 257, 3]]}')
    ('bpe-raw', ['a', 'b'], [Merge(pair=(256, 257), id=258, count=3)])
    """
    obj = json.loads(data)
    if not isinstance(obj, dict) or obj.get("version") != FORMAT_VERSION or not isinstance(obj.get("type"), str):
        raise ValueError("not a BPE tokenizer file of ours (no type, or another format version)")
    chars, rows = obj.get("chars"), obj.get("merges")
    if not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars):
        raise ValueError("a BPE file's 'chars' must be a list of single characters")
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 3 for r in rows):
        raise ValueError("a BPE file's 'merges' must be a list of [left id, right id, count]")
    first = N_BYTES + len(chars)
    merges = [Merge((int(a), int(b)), first + r, int(c)) for r, (a, b, c) in enumerate(rows)]
    return obj["type"], chars, merges
