"""Inside the prediction (core.gpt.inside.predict, sampling, lens, knockout), each number against an independent
computation: ranks against torch.topk, the sampler against a slow loop, the lens's last layer against the
model's own logits, knockouts by hook against zeroed weights. Sizes come from the model, never from here."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch

from core.errors import UserInputError
from core.gpt.inside import knockout as K
from core.gpt.inside.lens import logit_lens
from core.gpt.model import GPT, GPTConfig
from core.gpt.inside.predict import gpt_guesses, ngram_guesses, rank_bucket, ranks_of
from core.gpt.inside.sampling import continue_text, draw, shape_next
from core.shipped.models import load_gpt
from core.lm.ngram import NGramCounts


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=23, n_layer=2, n_head=3, n_embd=24, block_size=16)).eval()


@pytest.fixture(scope="module", params=["en", "ja"])
def shipped(request):
    return load_gpt(request.param)


def test_ranks_agree_with_topk():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(9, 57, generator=g)
    targets = torch.randint(0, 57, (9,), generator=g)
    order = torch.topk(logits, 57).indices  # (9, 57) likeliest first
    expected = [int((order[i] == targets[i]).nonzero()) + 1 for i in range(9)]
    assert ranks_of(logits, targets).tolist() == expected
    assert ranks_of(logits.softmax(-1), targets).tolist() == expected  # a monotone map keeps the ranks
    assert [rank_bucket(r) for r in (1, 10, 11, 100, 101, 1000, 1001)] == [0, 0, 1, 1, 2, 2, 3]


def test_gpt_guesses_score_every_token_from_the_start_symbol(shipped):
    model, tok = shipped.model, shipped.tokenizer
    text = "The cat sat on the mat." if shipped.card["lang"] == "en" else "今日は雨が降っている。"
    g = gpt_guesses(model, tok, text)
    ids = tok.encode(text)
    assert g.first == 0 and len(g.guesses) == len(ids) == len(g.pieces)  # every token scored: counts match
    full = [tok.bos_id] + ids
    with torch.no_grad():  # independent: one forward, softmax, topk
        probs = model(torch.tensor([full[:-1]])).logits[0].softmax(-1)
    for t, guess in enumerate(g.guesses):
        assert guess.prob == pytest.approx(float(probs[t, full[t + 1]]), rel=1e-5)
        order = torch.topk(probs[t], probs.size(-1)).indices
        assert guess.rank == int((order == full[t + 1]).nonzero()[0]) + 1
        assert [p for _, p in guess.top] == pytest.approx(torch.topk(probs[t], 5).values.tolist(), rel=1e-5)
        assert [tok.id_to_piece(int(i)) for i in torch.topk(probs[t], 5).indices] == [s for s, _ in guess.top]


def test_a_sentence_longer_than_the_context_is_cut_and_said(shipped):
    block = shipped.model.config.block_size
    g = gpt_guesses(shipped.model, shipped.tokenizer, "the cat sat. " * (block * 2))
    assert g.truncated and len(g.guesses) == block  # <s> + block tokens read, block tokens scored
    with pytest.raises(UserInputError):
        gpt_guesses(shipped.model, shipped.tokenizer, "")


def test_ngram_guesses_match_the_ngram_own_probabilities():
    pieces = "a b a c a b b a c a b a".split()
    counts = NGramCounts.train(pieces, max_n=3)
    sent = ["a", "b", "zz", "a"]
    for smoothing in ("kn", "addk"):
        g = ngram_guesses(counts, sent, 3, smoothing)
        p, _ = counts.token_probs(sent, 3, smoothing, 0.1)
        assert [x.prob for x in g.guesses] == pytest.approx(p.tolist())
        assert g.guesses[2].token == "zz"  # an unseen token is shown as typed, scored as <unk>
        dist = torch.from_numpy(counts.distribution(["a", "b"], 3, smoothing))
        order = torch.topk(dist, len(dist)).indices.tolist()
        assert g.guesses[2].rank == 1 + sum(1 for v in dist if v > dist[0])
        assert g.guesses[2].top[0][0] == counts.itos[order[0]]


def slow_nucleus(logits: list[float], temperature: float, top_k: int, top_p: float) -> tuple[list[bool], list[float]]:
    """The sampler as a plain loop, written independently of core.gpt.inside.sampling."""
    V = len(logits)
    if temperature == 0:
        best = max(range(V), key=lambda i: (logits[i], -i))
        scaled = [1.0 if i == best else 0.0 for i in range(V)]
    else:
        m = max(x / temperature for x in logits)
        e = [math.exp(x / temperature - m) for x in logits]
        scaled = [x / sum(e) for x in e]
    order = sorted(range(V), key=lambda i: (-scaled[i], i))
    if 0 < top_k < V:
        order = order[:top_k]
    total = sum(scaled[i] for i in order)
    kept, acc = [], 0.0
    for i in order:
        if kept and acc >= top_p:
            break
        kept.append(i)
        acc += scaled[i] / total
    keep = [i in kept for i in range(V)]
    mass = sum(scaled[i] for i in kept)
    return keep, [scaled[i] / mass if keep[i] else 0.0 for i in range(V)]


@pytest.mark.parametrize("temperature", [0.0, 0.5, 1.0, 2.0, 1e6])
@pytest.mark.parametrize("top_k", [0, 1, 3, 40])
@pytest.mark.parametrize("top_p", [0.0, 0.3, 0.9, 1.0])
def test_sampler_agrees_with_a_slow_reference(temperature, top_k, top_p):
    logits = torch.randn(40, generator=torch.Generator().manual_seed(7)) * 3
    d = shape_next(logits, temperature, top_k, top_p)
    keep, final = slow_nucleus(logits.tolist(), temperature, top_k, top_p)
    assert d.kept.tolist() == keep
    assert d.final == pytest.approx(final, abs=1e-12)
    assert d.kept_mass == pytest.approx(float(d.scaled[d.kept].sum())) and 0 < d.kept_mass <= 1 + 1e-12
    assert np.isfinite(d.final).all() and d.final.sum() == pytest.approx(1.0)
    assert d.greedy == (temperature == 0)
    if temperature == 0 or top_p == 0 or top_k == 1:
        assert d.kept_count == 1 and int(d.final.argmax()) == int(logits.argmax())
    if temperature == 1e6 and top_k == 0 and top_p == 1.0:
        assert d.final == pytest.approx(np.full(40, 1 / 40), rel=1e-4)  # nearly uniform


@pytest.mark.parametrize("bad", [dict(temperature=-1), dict(temperature=float("nan")), dict(top_p=1.5), dict(top_k=-2)])
def test_sampler_refuses_impossible_settings(bad):
    with pytest.raises(UserInputError):
        shape_next(torch.zeros(5), **{"temperature": 1.0, "top_k": 0, "top_p": 1.0, **bad})


def test_one_more_token_is_reproducible_and_greedy_is_argmax(shipped):
    m, tok = shipped.model, shipped.tokenizer
    a = continue_text(m, tok, "The", 5, 1.0, 0, 0.9, seed=3)
    b = continue_text(m, tok, "The", 5, 1.0, 0, 0.9, seed=3)
    c = continue_text(m, tok, "The", 6, 1.0, 0, 0.9, seed=3)
    assert a.added == b.added and c.added[:5] == a.added and len(c.added) == 6  # one more, the rest unchanged
    g = continue_text(m, tok, "The", 3, 0.0, 0, 1.0, seed=0)
    seq = [tok.bos_id] + tok.encode("The")
    for nxt in g.added:  # independent greedy decoding
        with torch.no_grad():
            seq.append(int(m(torch.tensor([seq])).logits[0, -1].argmax()))
        assert seq[-1] == nxt
    empty = continue_text(m, tok, "", 0, 1.0, 0, 1.0, seed=0)  # from <s> alone: defined
    assert empty.prompt_ids == [] and np.isfinite(empty.dist.final).all()
    long = continue_text(m, tok, "the cat sat. " * m.config.block_size, 1, 1.0, 0, 1.0, seed=0)
    assert long.cropped and len(long.added) == 1
    assert draw(a.dist, 3, 9) == draw(a.dist, 3, 9)


def test_empty_prompt_without_a_start_symbol_is_a_message(tiny):
    class Chars:
        def encode(self, s):
            return [ord(c) % 23 for c in s]
    with pytest.raises(UserInputError):
        continue_text(tiny, Chars(), "", 0, 1.0, 0, 1.0, 0)


@pytest.mark.parametrize("pre_ln", [False, True])
def test_lens_last_layer_is_the_model_own_logits(pre_ln):
    torch.manual_seed(1)
    m = GPT(GPTConfig(vocab_size=31, n_layer=3, n_head=2, n_embd=16, block_size=12, pre_ln=pre_ln)).eval()
    ids = [3, 1, 4, 1, 5, 9, 2, 6]
    lens = logit_lens(m, ids)
    with torch.no_grad():
        logits = m(torch.tensor([ids])).logits[0]
    assert lens.layers == m.config.n_layer + 1
    assert torch.allclose(lens.logits[-1], logits, atol=1e-5)
    assert (lens.ranks[-1] == 1).all() and torch.equal(lens.final, logits.argmax(-1))
    r = ranks_of(lens.logits[0], lens.final)  # another layer's ranks, independently
    assert torch.equal(lens.ranks[0], r)


def test_lens_on_the_shipped_model(shipped):
    ids = shipped.tokenizer.encode("The cat sat on the mat.")[: shipped.model.config.block_size]
    lens = logit_lens(shipped.model, ids)
    with torch.no_grad():
        logits = shipped.model(torch.tensor([ids])).logits[0]
    assert torch.allclose(lens.logits[-1], logits, atol=1e-4)
    assert lens.top_ids.shape[:2] == (shipped.model.config.n_layer + 1, len(ids))


def zeroed_weights(model, heads):
    """The independent knockout: the columns of c_proj that read a head's slice set to zero."""
    m = copy.deepcopy(model)
    hs = m.config.n_embd // m.config.n_head
    with torch.no_grad():
        for li, h in heads:
            m.h[li].attn.c_proj.weight[:, h * hs:(h + 1) * hs] = 0.0
    return m


def test_knockout_by_hook_equals_zeroed_weights(tiny):
    ids = torch.tensor([[1, 5, 2, 7, 3, 3, 9, 0, 4]])
    for heads in ([], [(0, 1)], [(0, 0), (1, 2)], K.all_heads(tiny)):
        with torch.no_grad():
            a = K.knocked_out(tiny, heads)(ids).logits
            b = zeroed_weights(tiny, heads)(ids).logits
        assert torch.allclose(a, b, atol=1e-6)
    with torch.no_grad():
        assert torch.equal(K.knocked_out(tiny, [])(ids).logits, tiny(ids).logits)  # no head off: the model itself
    assert not any(m._forward_pre_hooks for m in tiny.modules())  # the original is never touched
    with pytest.raises(ValueError):
        K.knocked_out(tiny, [(tiny.config.n_layer, 0)])


def test_every_head_off_leaves_each_token_alone(tiny):
    dead = K.knocked_out(tiny, K.all_heads(tiny))
    a, b = torch.tensor([[1, 2, 3, 4]]), torch.tensor([[9, 8, 3, 4]])
    with torch.no_grad():
        la, lb = dead(a).logits, dead(b).logits
    assert torch.allclose(la[0, 2:], lb[0, 2:], atol=1e-6)  # no position sees another: bigram-like
    assert math.isfinite(K.slice_loss(dead, list(range(23)) * 3))


def test_shipped_knockout_of_no_head_is_the_original_loss(shipped):
    from core.shipped.models import heldout_loss
    from core.gpt.tasks.pretrain_text import corpus_heldout

    ids = K.slice_ids(shipped.tokenizer, corpus_heldout(shipped.card.get("lang", "en")), 600)
    base = heldout_loss(shipped.model, ids, shipped.model.config.block_size)
    assert K.slice_loss(K.knocked_out(shipped.model, []), ids) == base
    assert K.slice_loss(K.knocked_out(shipped.model, [(0, 0)]), ids) != base


def test_importance_job_computes_once_and_is_read_from_disk_after(tiny):
    ids = [i % 23 for i in range(0, 200, 3)]
    key = K.cache_key(tiny, ids)
    assert K.cached_importance(key) is None
    job = K.importance_or_job(tiny, ids, key)
    assert isinstance(job, K.ImportanceJob)
    assert job.wait(60) and job.status == "finished"
    table = K.cached_importance(key)
    assert table is not None and set(table.loss) == set(K.all_heads(tiny))
    for head in [(0, 0), (1, 2)]:  # each entry is the loss with that head alone off
        assert table.loss[head] == pytest.approx(K.slice_loss(K.knocked_out(tiny, [head]), ids))
    assert table.base == pytest.approx(K.slice_loss(tiny, ids))
    assert K.importance_or_job(tiny, ids, key) == table  # from the disk, no job
    other = copy.deepcopy(tiny)
    with torch.no_grad():
        other.wte.weight[0, 0] += 1
    assert K.cache_key(other, ids) != key  # another model, another entry
