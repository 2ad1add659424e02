"""n-gram models: distributions sum to 1, uniform perplexity = |V|, held-out never inf/NaN, chain rule."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from core.lm.chain_rule import chain_ngram, find_distant_repeat
from core.lm.counting import count_codes
from core.errors import UserInputError
from core.lm.data import build
from core.lm.units import join_units, split_units
from core.lm.ngram import NGramCounts, NGramConfig

TEXT = ("the cat sat on the mat. the dog sat on the log. a cat and a dog ran to the mat.\n"
        "the cat ran. the dog sat. on the mat the cat sat and the dog ran.\n") * 3
SMOOTHINGS = [("kn", 0.1), ("addk", 0.1), ("addk", 1.0), ("addk", 0.001)]


@pytest.fixture(scope="module")
def char_counts() -> NGramCounts:
    return NGramCounts.train(list(TEXT), max_n=5)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("smoothing,k", SMOOTHINGS)
def test_distributions_sum_to_one_for_seen_and_unseen_contexts(char_counts, n, smoothing, k):
    contexts = [[], list("the c"), list("t"), list("zzzz"), list("q a"), ["<s>"], list("mat.\n")]
    for ctx in contexts:
        p = char_counts.distribution(ctx, n, smoothing, k)
        assert p.shape == (char_counts.vocab_size,)
        assert np.all(p > 0), "every token, <unk> included, keeps some probability"
        assert math.isclose(p.sum(), 1.0, abs_tol=1e-9), (ctx, p.sum())


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("smoothing", ["kn", "addk"])
def test_token_probs_agree_with_full_distribution(char_counts, n, smoothing):
    seq = list("the dog ran on the cat")
    probs, seen = char_counts.token_probs(seq, n, smoothing, 0.1)
    padded = ["<s>"] * (n - 1) + seq
    for i, tok in enumerate(seq):
        ctx = [t for t in padded[i:i + n - 1] if t != "<s>"]
        d = char_counts.distribution(ctx, n, smoothing, 0.1)
        assert math.isclose(d[char_counts.stoi[tok]], probs[i], rel_tol=1e-12)
    assert seen.max() <= n - 1


def test_uniform_model_perplexity_equals_vocab_size(char_counts):
    # With no context (n = 1) and a huge k, add-k is the uniform distribution over V = tokens + <unk>.
    pp = char_counts.perplexity(list("the mat"), 1, "addk", k=1e12)
    assert math.isclose(pp.ppl, char_counts.vocab_size, rel_tol=1e-6)
    # An unseen context with add-k is exactly uniform too.
    p = char_counts.distribution(list("zzzz"), 5, "addk", 0.5)
    assert np.allclose(p, 1.0 / char_counts.vocab_size)


@pytest.mark.parametrize("smoothing", ["kn", "addk"])
def test_heldout_with_unseen_tokens_is_finite(char_counts, smoothing):
    held = list("the 🐈 sat on ＺＺＺ — 日本語!")
    for n in range(1, 6):
        pp = char_counts.perplexity(held, n, smoothing)
        assert math.isfinite(pp.ppl) and math.isfinite(pp.bits) and pp.ppl > 1
        assert pp.unk >= 6
    only_unseen = char_counts.perplexity(list("日本語"), 3, smoothing)
    assert math.isfinite(only_unseen.ppl) and only_unseen.unk == 3


def test_more_context_fits_training_text_better(char_counts):
    train = [char_counts.perplexity(list(TEXT), n, "kn").ppl for n in range(1, 6)]
    assert all(a > b for a, b in zip(train, train[1:])), train


def test_known_counts_bigram_addk():
    m = NGramCounts.train(list("abab"), max_n=2)
    V = m.vocab_size  # a, b, <unk>
    assert V == 3
    # c(a, b) = 2, c(a) = 2 as a context: (2 + k) / (2 + 3k)
    p = m.distribution(["a"], 2, "addk", 0.5)
    assert math.isclose(p[m.stoi["b"]], 2.5 / 3.5)
    assert math.isclose(p[0], 0.5 / 3.5)


def test_chain_rule_product_equals_exp_of_summed_logs(char_counts):
    for n in (1, 2, 5):
        res = chain_ngram(char_counts, list("the cat ran."), n)
        assert math.isclose(res.product, res.product_from_logs, rel_tol=1e-9)
        assert math.isclose(res.product, math.exp(sum(math.log(s.prob) for s in res.steps)), rel_tol=1e-9)
        assert math.isclose(res.perplexity, 2 ** (-np.mean(res.log2_probs)))
        assert math.isclose(res.running_log2[-1], res.total_log2)


def test_chain_rule_contexts_are_the_last_n_minus_1_tokens(char_counts):
    res = chain_ngram(char_counts, list("cat"), 3)
    assert [s.context for s in res.steps] == [("<s>", "<s>"), ("<s>", "c"), ("c", "a")]
    with pytest.raises(UserInputError):
        chain_ngram(char_counts, [], 3)


def test_sampling_is_seeded_and_never_draws_unk(char_counts):
    a = char_counts.sample(50, 3, seed=7)
    assert a == char_counts.sample(50, 3, seed=7)
    assert "<unk>" not in a and len(a) == 50


def test_config_and_empty_input_errors():
    with pytest.raises(ValueError):
        NGramConfig(n=6)
    with pytest.raises(ValueError):
        NGramConfig(smoothing="good-turing")
    with pytest.raises(UserInputError):
        NGramCounts.train([], 3)
    with pytest.raises(UserInputError):
        build("a", "b", "char", "en")


def test_word_level_units_and_join():
    toks = split_units("It's a cat.\nA dog!", "word", "en")
    assert toks == ["It's", "a", "cat", ".", "\n", "A", "dog", "!"]
    assert join_units(toks, "word", "en") == "It's a cat.\nA dog!"
    assert split_units("猫が寝た。", "word", "ja") == ["猫", "が", "寝", "た", "。"]


def test_shipped_corpus_slice_heldout_curve_is_finite():
    from core.corpus import load_shipped, split_train_heldout

    for lang in ("en", "ja"):
        train, held = split_train_heldout(load_shipped(lang)[:20000])
        data = build(train, held, "char", lang)
        pps = [data.counts.perplexity(data.heldout, n).ppl for n in range(1, 6)]
        assert all(math.isfinite(p) and 1 < p < data.counts.vocab_size for p in pps)


def test_distant_repeat_is_outside_the_window():
    toks = split_units("The kettle on the stove began to sing, and she took the kettle off.", "word", "en")
    ex = find_distant_repeat(toks, "en")
    assert ex is not None and ex.tokens[ex.first] == ex.tokens[ex.second] == "kettle"
    assert ex.gap >= 5 and "kettle" not in ex.window(5)


def test_character_fast_path_matches_token_list():
    text = "１年生と1年生。the cat 🐈 sat.\n" * 5
    a, b = NGramCounts.train(text, 4), NGramCounts.train(list(text), 4)
    assert a.itos == b.itos
    held = list("1年生の cat ꙮ")
    for n in range(1, 5):
        assert np.allclose(a.token_probs(held, n)[0], b.token_probs(held, n)[0])


class _Broken:
    """A model that fails the way a half-finished one might."""

    def parameters(self):
        return iter(())

    def __call__(self, idx):
        raise RuntimeError("shape mismatch")


def test_chain_rule_with_a_gpt_and_a_broken_model():
    import torch

    from core.gpt.model import GPT, GPTConfig
    from core.lm.chain_rule import chain_gpt
    from core.tokenizers.char import CharTokenizer

    tok = CharTokenizer.train("the cat sat on the mat.")
    with pytest.raises(UserInputError):
        chain_gpt(_Broken(), tok, "the cat")
    torch.manual_seed(0)
    model = GPT(GPTConfig.preset("tiny", tok.vocab_size)).eval()
    res = chain_gpt(model, tok, "the cat sat")
    assert len(res.steps) == len("the cat sat") - 1
    assert all(0 < s.prob < 1 for s in res.steps)
    assert math.isclose(res.product, res.product_from_logs, rel_tol=1e-6)
    long = chain_gpt(model, tok, "the cat " * 40)  # longer than the context: cut to block_size
    assert len(long.steps) == model.config.block_size - 1


# ---- counting: the bincount / packed-sort counter equals a plain Counter -------------------------



@pytest.mark.parametrize("size,n,seed", [(10, 1000, 0), (5_000, 300, 1), (10**9, 2_000, 2), (2**40, 500, 3),
                                         (2**62, 50, 4), (1, 7, 5)])
def test_count_codes_equals_counter_and_np_unique(size, n, seed):
    """Dense tables, the packed sort and the np.unique fallback (2**62: no room for positions) all give
    exactly what a Counter gives."""
    rng = np.random.default_rng(seed)
    pool = rng.integers(0, size, max(1, n // 3), dtype=np.int64)
    codes = rng.choice(pool, n)  # repeats on purpose
    keys, inv, cnt = count_codes(codes, size)
    want = Counter(codes.tolist())
    assert keys.tolist() == sorted(want)
    assert dict(zip(keys.tolist(), cnt.tolist())) == want
    assert np.array_equal(keys[inv], codes)  # each occurrence points at its own code
    ref = np.unique(codes, return_inverse=True, return_counts=True)
    assert all(np.array_equal(a, b) for a, b in zip((keys, inv, cnt), ref))


def _counter_ngrams(tokens: list[str], k: int) -> Counter:
    return Counter(tuple(tokens[i:i + k]) for i in range(len(tokens) - k + 1))


@pytest.mark.parametrize("level", ["char", "word"])
def test_ngram_counts_equal_a_counter_on_real_and_random_text(level):
    from core.corpus import load_shipped

    rng = np.random.default_rng(0)
    random_text = "".join(rng.choice(list("ab cあい漢\n"), 3000))
    for text, lang in ((load_shipped("ja")[:6000], "ja"), (load_shipped("en")[:6000], "en"), (random_text, "ja")):
        tokens = split_units(text, level, lang)
        m = NGramCounts.train(text if level == "char" else tokens, max_n=5)
        for k in range(1, 6):
            o = m.orders[k - 1]
            got: Counter = Counter()
            for key, c in zip(o.keys.tolist(), o.raw.tolist()):
                if c <= 0:
                    continue  # k-grams ending in the <s> padding exist only as contexts
                gram, cid = [], key
                for j in range(k, 0, -1):  # unpack prefix-id * M + w, order by order
                    cid, w = divmod(cid, m.vocab_size + 1)
                    gram.append(m.itos[w] if w < m.vocab_size else "<s>")
                    if j > 1:
                        cid = int(m.orders[j - 2].keys[cid])
                got[tuple(reversed(gram))] += c
            want = _counter_ngrams(["<s>"] * (k - 1) + tokens, k)
            want = Counter({g: c for g, c in want.items() if g[-1] != "<s>"})
            assert got == want, (level, lang, k)


def test_page_helpers_transition_matrix_best_order_and_repeat_prob(char_counts):
    from core.charts.lm import repeat_chips_html
    from core.lm.data import best_order, transition_matrix
    from core.lm.ngram import perplexity_curve

    matrix, top = transition_matrix(char_counts, 5, "kn", 0.1)
    assert top == char_counts.top_tokens(5) and matrix.shape == (5, 5)
    for i, a in enumerate(top):
        row = char_counts.distribution([a], 2, "kn", 0.1)
        assert np.allclose(matrix[i], row[[char_counts.stoi[b] for b in top]])
    curve = perplexity_curve(char_counts, list("the cat sat on the mat"))
    assert curve[best_order(curve) - 1].ppl == min(p.ppl for p in curve)
    words = split_units("the garden was quiet and then the old garden gate opened.\n" * 3, "word", "en")
    ex = find_distant_repeat(words, "en")
    assert ex is not None and ex.tokens[ex.second] == "garden"
    wc = NGramCounts.train(words, max_n=3)
    want = wc.distribution(list(ex.window(3)), 3, "kn", 0.1)[wc.stoi[ex.tokens[ex.second]]]
    assert ex.prob(wc, 3) == pytest.approx(want)
    chips = repeat_chips_html(["<script>", "x", "y"], 0, 2, 1)
    assert "<script>" not in chips and chips.count("&lt;script&gt;") == 1
