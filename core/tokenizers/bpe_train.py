"""The BPE training loop with incremental pair counts (Sennrich et al. 2016, done the fast way).

BPE repeats: count every adjacent pair of symbols, merge the most frequent pair into a new symbol.
Recounting every pair after every merge costs O(corpus) per merge. Here the counts are kept up to date
instead: a merge of (a, b) only changes the places where (a, b) occurs and their two neighbours, so
only those counts are updated, and a max-heap with lazy deletion finds the next best pair.

Data (over *distinct* words, each with its count in the corpus):
- `sym/nxt/prv` every distinct word's symbols, end to end, as a doubly linked list (a merge unlinks
              the right symbol of each site); -1 marks a word boundary, `weight` the word's count
- `counts`    pair -> how often it occurs in the corpus (Σ over words of occurrences × word count)
- `where`     pair -> positions of its left symbol (may hold stale positions; they are checked
              against the list when used, so they cost a little time, never a wrong count)
- `heap`      (-count, a, b) entries; an entry whose count is no longer current is skipped when popped

A merge of (a, b) then costs O(its occurrences), not O(corpus).

Ties are broken by the smaller pair (a, b), so the result equals a naive recount exactly.

>>> merges = train_merges({(1, 2, 3): 2, (1, 2): 1}, num_merges=2, first_id=10)
>>> [(m.pair, m.id, m.count) for m in merges]
[((1, 2), 10, 3), ((10, 3), 11, 2)]
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Merge:
    """One learned rule: the adjacent pair `pair` becomes the new symbol `id`; `count` is how often the
    pair occurred in the training corpus when it was chosen (the frequency that made it win)."""

    pair: tuple[int, int]
    id: int
    count: int


def merge_pair(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Replace every non-overlapping occurrence of `pair`, left to right.

    >>> merge_pair([1, 2, 3, 1, 2], (1, 2), 4)
    [4, 3, 4]
    >>> merge_pair([7, 7, 7], (7, 7), 9)
    [9, 7]
    """
    out: list[int] = []
    i, n = 0, len(ids)
    a, b = pair
    while i < n:
        if i + 1 < n and ids[i] == a and ids[i + 1] == b:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train_merges(words: dict[tuple[int, ...], int], num_merges: int, first_id: int,
                 min_count: int = 2, on_merge: Callable[[Merge], None] | None = None) -> list[Merge]:
    """Learn up to `num_merges` merges on `words` (symbol sequence -> count); new ids from `first_id`.

    Stops early when no pair occurs `min_count` times (merging a pair seen once teaches nothing).
    """
    # All distinct words laid end to end as one doubly linked list; -1 marks a word boundary.
    sym: list[int] = []
    weight: list[int] = []  # the count of the word each position belongs to
    nxt: list[int] = []
    prv: list[int] = []
    for word, c in words.items():
        start = len(sym)
        n = len(word)
        sym.extend(word)
        weight.extend([c] * n)
        nxt.extend(range(start + 1, start + n))
        nxt.append(-1)
        prv.append(-1)
        prv.extend(range(start, start + n - 1))
    alive = [True] * len(sym)

    counts: dict[tuple[int, int], int] = defaultdict(int)
    where: dict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> positions of its left symbol
    for i, j in enumerate(nxt):
        if j >= 0:
            pair = (sym[i], sym[j])
            counts[pair] += weight[i]
            where[pair].add(i)
    heap = [(-c, a, b) for (a, b), c in counts.items()]
    heapq.heapify(heap)

    merges: list[Merge] = []
    new_id = first_id
    while len(merges) < num_merges and heap:
        negc, a, b = heapq.heappop(heap)
        pair = (a, b)
        if counts.get(pair, 0) != -negc:
            continue  # stale entry: the pair's count changed since it was pushed
        if -negc < min_count:
            break
        merge = Merge(pair, new_id, -negc)
        merges.append(merge)
        changed: set[tuple[int, int]] = set()
        # Left to right, so that overlapping runs (a a a) merge as a left-to-right scan would.
        for i in sorted(where.pop(pair, ())):
            j = nxt[i]
            if not alive[i] or j < 0 or sym[i] != a or sym[j] != b:
                continue  # stale position: an earlier merge already used one of its symbols
            c = weight[i]
            x, y = prv[i], nxt[j]
            # x a b y -> x N y: take (x, a) and (b, y) out, put (x, N) and (N, y) in.
            if x >= 0:
                old, new = (sym[x], a), (sym[x], new_id)
                counts[old] -= c
                counts[new] += c
                where[new].add(x)
                changed.add(old)
                changed.add(new)
            if y >= 0:
                old, new = (b, sym[y]), (new_id, sym[y])
                counts[old] -= c
                counts[new] += c
                where[new].add(i)
                changed.add(old)
                changed.add(new)
                prv[y] = i
            sym[i] = new_id
            nxt[i] = y
            alive[j] = False
        counts.pop(pair, None)
        changed.discard(pair)
        for p in changed:
            c = counts.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, p[0], p[1]))
            else:
                counts.pop(p, None)
        if on_merge is not None:
            on_merge(merge)
        new_id += 1
    return merges
