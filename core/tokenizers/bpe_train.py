"""The BPE training loop with incremental pair counts (Sennrich et al. 2016, done the fast way).

BPE repeats: count every adjacent pair of symbols, merge the most frequent pair into a new symbol.
`bpe_reference.reference_train_merges` does exactly that and recounts everything after every merge:
O(corpus) per merge. This loop learns the same merges (the tests check it, merge for merge) but only
touches what a merge changes: merging (a, b) changes the counts of the pairs *at* the places where
a b occurs and of their two neighbours, nothing else.

Why each piece is there:
- **a linked list** (`sym`, `nxt`, `prv` over every distinct word laid end to end, -1 at word
  boundaries): merging a b into N writes N where a was and unlinks b, in O(1), without shifting a list.
- **`counts`**: pair -> how often it occurs in the corpus (Σ over words of occurrences × word count),
  kept exact after every merge.
- **`where`**: pair -> positions of its left symbol, so a merge visits only its own sites. It may hold
  stale positions (the symbol there was since merged into something else); each is checked against
  the list before use, so a stale one costs a lookup, never a wrong count.
- **a heap** of (-count, a, b): the most frequent pair is the smallest entry, found in O(log n) instead
  of scanning every pair. Python's heap cannot change an entry's key in place, so when a count changes
  we push a *new* entry and leave the old one behind (lazy deletion). An entry is **stale** when its
  count is no longer the pair's current count; that is detected when it is popped (`counts[pair] !=
  -negc`) and the entry is dropped. The up-to-date entry for that pair is somewhere else in the heap.

How a merge updates its neighbours: at a site  x a b y  (x and y may be absent at a word boundary),
merging (a, b) into N makes it  x N y , so for a word seen c times:
    (x, a) -= c,  (x, N) += c,  (b, y) -= c,  (N, y) += c,  and (a, b) itself disappears.

Worked example, words {(1, 2, 3): 2, (1, 2): 1} (two distinct words, seen twice and once):
    list:   pos 0:1 -> 1:2 -> 2:3 | pos 3:1 -> 4:2          counts (1, 2): 2 + 1 = 3,  (2, 3): 2
    heap:   (-3, 1, 2), (-2, 2, 3)
    pop (-3, 1, 2): current, so merge (1, 2) -> 10 at its sites 0 and 3:
        site 0: no x; y is pos 2 (symbol 3): (2, 3) -= 2 -> 0, (10, 3) += 2; pos 0 becomes 10, pos 1 unlinked
        site 3: no x, no y (the word is just "1 2"): only pos 3 becomes 10
        push (-2, 10, 3); (2, 3) now has count 0 and is dropped from `counts`
    pop (-2, 2, 3): stale (its count is 0 now, not 2): skip it
    pop (-2, 10, 3): current: merge (10, 3) -> 11 ...

Ties are broken by the smaller pair (a, b) (the heap compares (-count, a, b)), so the result equals
the naive recount exactly.

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
    # For {(1, 2, 3): 2, (1, 2): 1}: sym [1, 2, 3, 1, 2], nxt [1, 2, -1, 4, -1], prv [-1, 0, 1, -1, 3].
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
    alive = [True] * len(sym)  # False once a position's symbol was absorbed into its left neighbour

    # The one full count, done once: every adjacent pair inside a word, weighted by the word's count.
    counts: dict[tuple[int, int], int] = defaultdict(int)
    where: dict[tuple[int, int], set[int]] = defaultdict(set)  # pair -> positions of its left symbol
    for i, j in enumerate(nxt):
        if j >= 0:
            pair = (sym[i], sym[j])
            counts[pair] += weight[i]
            where[pair].add(i)
    heap = [(-c, a, b) for (a, b), c in counts.items()]  # negated: heapq pops the smallest, we want the largest
    heapq.heapify(heap)  # O(#pairs) once; from now on entries are only pushed (and stale ones skipped)

    merges: list[Merge] = []
    new_id = first_id
    while len(merges) < num_merges and heap:
        negc, a, b = heapq.heappop(heap)  # the largest count among the entries (maybe stale)
        pair = (a, b)
        if counts.get(pair, 0) != -negc:
            # Stale entry: the pair's count changed since this entry was pushed. A newer entry with the
            # current count was pushed then (or the count fell to 0 and the pair is gone): drop this one.
            continue
        if -negc < min_count:
            break  # the best current pair is too rare; every other pair is rarer still
        merge = Merge(pair, new_id, -negc)
        merges.append(merge)
        changed: set[tuple[int, int]] = set()  # pairs whose count moved: each gets one fresh heap entry
        # Left to right, so that overlapping runs (a a a) merge as a left-to-right scan would.
        for i in sorted(where.pop(pair, ())):
            j = nxt[i]
            if not alive[i] or j < 0 or sym[i] != a or sym[j] != b:
                continue  # stale position: an earlier merge already used one of its symbols
            c = weight[i]  # this site stands for c occurrences in the corpus (its word's count)
            x, y = prv[i], nxt[j]  # the neighbours: x a b y (-1 where the word ends)
            # x a b y -> x N y: take (x, a) and (b, y) out, put (x, N) and (N, y) in.
            if x >= 0:
                old, new = (sym[x], a), (sym[x], new_id)
                counts[old] -= c
                counts[new] += c
                where[new].add(x)  # (x, N) starts at x
                changed.add(old)
                changed.add(new)
            if y >= 0:
                old, new = (b, sym[y]), (new_id, sym[y])
                counts[old] -= c
                counts[new] += c
                where[new].add(i)  # (N, y) starts at i, where N now sits
                changed.add(old)
                changed.add(new)
                prv[y] = i  # y's left neighbour is now N (was b)
            sym[i] = new_id  # a becomes N in place ...
            nxt[i] = y  # ... and b is unlinked: i now points past it
            alive[j] = False
        counts.pop(pair, None)  # (a, b) occurs nowhere any more
        changed.discard(pair)
        # One new heap entry per changed pair, with its current count; the old entries turn stale.
        # A pair whose count fell to 0 gets none and leaves `counts` (so its old entries read as stale).
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
