"""n-gram language models: counts of every order up to `max_n`, add-k, interpolated Kneser–Ney and modified
Kneser–Ney (three discounts per order: core.lm.modified_kn).

The Markov assumption of order n-1 cuts the chain rule's history to the last n-1 tokens:
P(w) = Π P(w_i | w_{i-n+1} … w_{i-1}).

Counting is vectorized with numpy (`core.lm.counting.count_codes`: a bincount over a lookup table when
the codes are dense enough, a sort otherwise; both give exactly what a `collections.Counter` would). Token ids: 0 is
<unk> (any token unseen in training), 1..V-1 are
training tokens, and V is <s>, the start symbol that pads the history before the first token (it is
only ever context, never predicted). The prediction vocabulary has V entries, so a uniform model has
perplexity V. Every k-gram gets a dense id: the id of (w_1 … w_k) is its index in the sorted array
`keys[k]` of `id(w_1 … w_{k-1}) * (V + 1) + w_k`, so a context's continuations sit side by side.

>>> m = NGramCounts.train(list("abab"), max_n=2)
>>> round(float(m.distribution(["a"], n=2, smoothing="addk", k=1e-9)[m.stoi["b"]]), 6)
1.0
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from core.errors import UserInputError
from core.lm.counting import count_codes

UNK = "<unk>"
BOS = "<s>"
SMOOTHINGS = ("kn", "addk", "mkn")
MAX_ORDER = 5


@dataclass(frozen=True)
class NGramConfig:
    n: int = 3  # order: the model sees the last n-1 tokens
    smoothing: str = "kn"  # "kn" (interpolated Kneser–Ney) | "addk" | "mkn" (modified Kneser–Ney)
    k: float = 0.1  # add-k pseudo-count (only for "addk")

    def __post_init__(self):
        if not 1 <= self.n <= MAX_ORDER:
            raise ValueError(f"n must be in 1..{MAX_ORDER}, not {self.n}")
        if self.smoothing not in SMOOTHINGS:
            raise ValueError(f"smoothing must be one of {SMOOTHINGS}, not {self.smoothing!r}")
        if not self.k > 0:
            raise ValueError("k must be > 0")


class _Order:
    """The k-grams of one order k (arrays aligned with `keys`; context arrays indexed by context id)."""

    def __init__(self, keys: np.ndarray, raw: np.ndarray, prefix: np.ndarray, n_ctx: int):
        self.keys = keys  # sorted int64: prefix_id * M + w
        self.raw = raw  # how often each k-gram occurs with a real (not <s>) last token
        self.prefix = prefix  # dense id of the (k-1)-gram context
        self.n_ctx = n_ctx  # number of (k-1)-gram contexts
        # Per context: total count and number of distinct followers; D = n1 / (n1 + 2 n2).
        self.tot_raw = np.bincount(prefix, weights=raw, minlength=n_ctx)
        self.types_raw = np.bincount(prefix, weights=raw > 0, minlength=n_ctx)
        self.d_raw = _discount(raw)

    def set_cont(self, cont: np.ndarray) -> None:
        """Continuation counts N1+(• g) (distinct tokens seen before each k-gram), for Kneser–Ney."""
        self.cont = cont.astype(np.int64)
        self.tot_cont = np.bincount(self.prefix, weights=self.cont, minlength=self.n_ctx)
        self.types_cont = np.bincount(self.prefix, weights=self.cont > 0, minlength=self.n_ctx)
        self.d_cont = _discount(self.cont)


def _discount(counts: np.ndarray) -> float:
    counts = counts[counts > 0]
    n1 = int(np.count_nonzero(counts == 1))
    n2 = int(np.count_nonzero(counts == 2))
    d = n1 / (n1 + 2 * n2) if n1 + 2 * n2 > 0 else 0.5
    return float(min(max(d, 0.05), 0.95))


@dataclass(frozen=True)
class Perplexity:
    tokens: int
    bits: float  # cross-entropy H in bits per token
    ppl: float  # 2 ** bits
    unk: int  # tokens that were never seen in training


class NGramCounts:
    """Counts of all orders 1..max_n from one token stream; a model of any order n ≤ max_n uses them."""

    def __init__(self, itos: list[str], orders: list[_Order], max_n: int, train_tokens: int):
        self.itos = itos  # id -> token; itos[0] is <unk>
        self.stoi = {t: i for i, t in enumerate(itos) if i > 0}
        self.orders = orders  # orders[k-1] holds the k-grams
        self.max_n = max_n
        self.train_tokens = train_tokens

    @property
    def vocab_size(self) -> int:
        """Tokens a model can predict: the training tokens plus <unk>."""
        return len(self.itos)

    @property
    def bos(self) -> int:
        return len(self.itos)

    # ---- training -------------------------------------------------------------------------
    @classmethod
    def train(cls, tokens: Sequence[str] | str, max_n: int = MAX_ORDER) -> "NGramCounts":
        """Count every k-gram (k ≤ max_n) of `tokens`; a str is taken as its characters (fast path)."""
        if not 1 <= max_n <= MAX_ORDER:
            raise ValueError(f"max_n must be in 1..{MAX_ORDER}")
        if len(tokens) == 0:
            raise UserInputError("There is no training text: the corpus is empty.",
                                 "学習用のテキストがありません（コーパスが空です）。")
        pad = max_n - 1
        if isinstance(tokens, str):  # characters: map code points with numpy instead of a dict
            cps = np.frombuffer(tokens.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
            uniq, inv_tok, _ = count_codes(cps, int(cps.max()) + 1)
            itos = [UNK] + [chr(c) for c in uniq]
            ids = inv_tok + 1
        else:
            itos = [UNK] + sorted(set(tokens))
            stoi = {t: i for i, t in enumerate(itos)}
            ids = np.fromiter(map(stoi.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        V = len(itos)
        M = V + 1  # room for <s> = V
        x = np.empty(pad + len(ids), dtype=np.int64)
        x[:pad] = V
        x[pad:] = ids
        L = len(x)

        orders: list[_Order] = []
        g_prev = np.zeros(L, dtype=np.int64)  # dense id of the (k-1)-gram ending at each position
        n_ctx = 1  # order 1 has one context: the empty one
        for k in range(1, max_n + 1):
            start = k - 1  # the first position where a k-gram ends
            ctx = np.zeros(L - start, dtype=np.int64) if k == 1 else g_prev[start - 1:L - 1]
            comb = ctx * M + x[start:]  # (L - start,) one integer code per k-gram occurrence
            keys, inv, raw = count_codes(comb, n_ctx * M)
            # k-grams that end in a padding <s> exist only to give longer contexts their ids.
            n_pad = max(pad - start, 0)
            if n_pad:
                np.subtract.at(raw, inv[:n_pad], 1)
            if orders:
                # Continuation counts of the (k-1)-grams: each distinct k-gram adds one to its suffix.
                suffix = np.empty(len(keys), dtype=np.int64)
                suffix[inv] = g_prev[start:]  # every occurrence of a k-gram has the same suffix
                suffix = suffix[raw > 0]
                orders[-1].set_cont(np.bincount(suffix, minlength=len(orders[-1].keys)))
            orders.append(_Order(keys, raw, prefix=keys // M, n_ctx=n_ctx))
            g_prev = np.full(L, -1, dtype=np.int64)
            g_prev[start:] = inv
            n_ctx = len(keys)
        orders[-1].set_cont(orders[-1].raw.copy())  # the top order has no longer grams: unused
        return cls(itos, orders, max_n, len(tokens))

    # ---- lookups --------------------------------------------------------------------------
    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Tokens (or a str: its characters) -> ids; a token never seen in training becomes 0 (<unk>)."""
        if isinstance(tokens, str):
            return self.encode(list(tokens))
        get = self.stoi.get
        return np.fromiter((get(t, 0) for t in tokens), dtype=np.int64, count=len(tokens))

    def _dense_ids(self, x: np.ndarray, n: int) -> list[np.ndarray]:
        """For a padded id stream x: ids[k][i] = dense id of the k-gram ending at i, or -1 (unseen)."""
        M = self.vocab_size + 1
        L = len(x)
        ids = [np.zeros(L, dtype=np.int64)]
        for k in range(1, n + 1):
            o = self.orders[k - 1]
            prev = np.zeros(L, dtype=np.int64) if k == 1 else np.concatenate(([-1], ids[k - 1][:-1]))
            comb = prev * M + x
            pos = np.searchsorted(o.keys, comb)
            pos_c = np.minimum(pos, len(o.keys) - 1)
            found = (prev >= 0) & (pos < len(o.keys)) & (o.keys[pos_c] == comb)
            ids.append(np.where(found, pos_c, -1))
        return ids

    def token_probs(self, tokens: Sequence[str], n: int, smoothing: str = "kn", k: float = 0.1,
                    discount: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """P(w_i | the n-1 tokens before it) for every token (history starts with <s>), and for each
        token the longest context length (0..n-1) that occurred in training.

        `discount` replaces Kneser–Ney's per-order estimate n1/(n1 + 2 n2) by one fixed D for every order:
        what a baseline tuned on a dev split sets (scripts/build_models.py); with "mkn" it scales the three
        estimated discounts of every order instead (core.lm.modified_kn)."""
        NGramConfig(n, smoothing, k)
        if n > self.max_n:
            raise ValueError(f"these counts go up to order {self.max_n}, not {n}")
        if smoothing == "mkn":
            from core.lm import modified_kn
            return modified_kn.token_probs(self, tokens, n, 1.0 if discount is None else discount)
        pad = self.max_n - 1
        x = np.concatenate((np.full(pad, self.bos, dtype=np.int64), self.encode(tokens)))
        ids = self._dense_ids(x, n)
        V = self.vocab_size
        p = np.full(len(x), 1.0 / V)
        seen = np.zeros(len(x), dtype=np.int64)
        for order in range(1, n + 1):
            o = self.orders[order - 1]
            top = order == n
            ctx = ids[0] if order == 1 else np.concatenate(([-1], ids[order - 1][:-1]))
            ok_ctx = ctx >= 0
            ctx_c = np.where(ok_ctx, ctx, 0)
            tot = np.where(ok_ctx, (o.tot_raw if top or smoothing == "addk" else o.tot_cont)[ctx_c], 0.0)
            hit = ids[order] >= 0
            cnt_arr = o.raw if top or smoothing == "addk" else o.cont
            c = np.where(hit, cnt_arr[np.where(hit, ids[order], 0)], 0).astype(float)
            if smoothing == "addk":
                if top:
                    p = (c + k) / (tot + k * V)
            else:
                types = (o.types_raw if top else o.types_cont)[ctx_c]
                d = discount if discount is not None else (o.d_raw if top else o.d_cont)
                live = tot > 0
                safe = np.where(live, tot, 1.0)
                p = np.where(live, np.maximum(c - d, 0.0) / safe + d * types / safe * p, p)
            seen = np.where(tot > 0, order - 1, seen)
        return p[pad:], seen[pad:]

    def distribution(self, context: Sequence[str], n: int, smoothing: str = "kn", k: float = 0.1) -> np.ndarray:
        """P(· | context) over the whole prediction vocabulary (index = token id); sums to 1."""
        NGramConfig(n, smoothing, k)
        if smoothing == "mkn":
            from core.lm import modified_kn
            return modified_kn.distribution(self, context, n)
        V, M = self.vocab_size, self.vocab_size + 1
        hist = [self.bos] * (n - 1) + [int(i) for i in self.encode(list(context))]
        hist = hist[len(hist) - (n - 1):] if n > 1 else []
        # ctx_ids[j] = dense id of the context's last j tokens (-1 when that j-gram never occurred).
        ctx_ids = [0] + [self._lookup(hist[len(hist) - j:]) for j in range(1, n)]
        p = np.full(V, 1.0 / V)
        for order in range(1, n + 1):
            o = self.orders[order - 1]
            top = order == n
            h = ctx_ids[order - 1]
            if h < 0:
                continue
            raw_like = top or smoothing == "addk"
            tot = (o.tot_raw if raw_like else o.tot_cont)[h]
            lo, hi = np.searchsorted(o.keys, [h * M, h * M + M])
            ws = o.keys[lo:hi] - h * M
            cs = (o.raw if raw_like else o.cont)[lo:hi].astype(float)
            keep = (ws < V) & (cs > 0)
            ws, cs = ws[keep], cs[keep]
            if smoothing == "addk":
                if top:
                    p = np.full(V, k / (tot + k * V))
                    p[ws] += cs / (tot + k * V)
                continue
            if tot <= 0:
                continue
            d = o.d_raw if top else o.d_cont
            types = (o.types_raw if top else o.types_cont)[h]
            p = p * (d * types / tot)
            p[ws] += np.maximum(cs - d, 0.0) / tot
        return p

    def _lookup(self, ids: Sequence[int]) -> int:
        """Dense id of the k-gram `ids` (k = len(ids)), or -1 when it never occurred."""
        M = self.vocab_size + 1
        cid = 0
        for j, tok in enumerate(ids):
            o = self.orders[j]
            comb = cid * M + int(tok)
            pos = int(np.searchsorted(o.keys, comb))
            if pos >= len(o.keys) or o.keys[pos] != comb:
                return -1
            cid = pos
        return cid

    # ---- evaluation and sampling -----------------------------------------------------------
    def perplexity(self, tokens: Sequence[str], n: int, smoothing: str = "kn", k: float = 0.1,
                   discount: float | None = None) -> Perplexity:
        if len(tokens) == 0:
            raise UserInputError("There is no text to evaluate.", "評価するテキストがありません。")
        p, _ = self.token_probs(tokens, n, smoothing, k, discount)
        bits = float(-np.mean(np.log2(p)))
        unk = int(np.count_nonzero(self.encode(tokens) == 0))
        return Perplexity(len(tokens), bits, float(2.0 ** bits), unk)

    def sample(self, length: int, n: int, smoothing: str = "kn", k: float = 0.1, seed: int = 0,
               prompt: Sequence[str] = ()) -> list[str]:
        """Draw `length` tokens after `prompt` (<unk> is never drawn)."""
        rng = np.random.default_rng(seed)
        hist = list(prompt)
        out: list[str] = []
        for _ in range(max(0, int(length))):
            p = self.distribution(hist[-(n - 1):] if n > 1 else [], n, smoothing, k)
            p[0] = 0.0
            tok = self.itos[int(rng.choice(len(p), p=p / p.sum()))]
            out.append(tok)
            hist.append(tok)
        return out

    def top_tokens(self, count: int) -> list[str]:
        """The `count` most frequent training tokens."""
        o = self.orders[0]
        order = np.argsort(-o.raw, kind="stable")
        ws = (o.keys[order] % (self.vocab_size + 1))
        return [self.itos[int(w)] for w, c in zip(ws, o.raw[order]) if c > 0 and 0 < w < self.vocab_size][:count]


def perplexity_curve(counts: NGramCounts, tokens: Sequence[str], smoothing: str = "kn", k: float = 0.1,
                     ) -> list[Perplexity]:
    """Perplexity of `tokens` under the models of order 1..max_n."""
    return [counts.perplexity(tokens, n, smoothing, k) for n in range(1, counts.max_n + 1)]

