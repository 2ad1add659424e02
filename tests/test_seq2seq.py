"""The encoder-decoder: number words, masks, attention shapes, training, held-out numbers, the disk cache, the job."""
from __future__ import annotations

import itertools

import pytest
import torch

from core.transformer import number_words

from core.errors import UserInputError
from core.transformer import encoder_decoder as seq2seq
from core.transformer import encoder_decoder_job as edjob
from core.transformer import encoder_decoder_train as edtrain

TINY = dict(steps=120, batch_size=32, d_model=32, n_head=2, n_layer=1, d_ff=64)


def test_words_round_trip_for_every_number():
    for lang in ("en", "ja"):
        seen = set()
        for n in range(number_words.MAX_NUMBER + 1):
            w = tuple(number_words.words(n, lang))
            assert w not in seen, (lang, n)  # one spelling per number, so the task is well defined
            seen.add(w)
            assert number_words.value_of(list(w), lang) == n


@pytest.mark.parametrize("text,lang", [("", "en"), ("three apples", "en"), ("<script>", "en"), ("三百abc", "ja"),
                                       ("one " * 20, "en")])
def test_parse_words_refuses_bad_input(text, lang):
    with pytest.raises(UserInputError):
        number_words.parse_words(text, lang)


@pytest.fixture(scope="module")
def tiny_model():
    torch.manual_seed(0)
    return edtrain.train(seq2seq.Seq2SeqConfig(lang="en", **TINY))


def test_training_lowers_the_loss(tiny_model):
    _, report = tiny_model
    first, last = sum(report.losses[:10]) / 10, sum(report.losses[-10:]) / 10
    assert last < 0.6 * first
    assert 0.0 <= report.accuracy <= 1.0


def test_attention_masks_and_rows(tiny_model):
    model, _ = tiny_model
    pairs = [(["three", "hundred", "five"], list("305")), (["nine"], list("9"))]
    src, tgt_in, _ = seq2seq.make_batch(model, pairs)
    with torch.no_grad():
        logits, att = model(src, tgt_in)
    assert logits.shape == (2, 4, len(model.tgt_vocab))
    cross, dec, enc = att.cross[0], att.decoder[0], att.encoder[0]
    assert cross.shape == (2, 2, 4, 3) and dec.shape == (2, 2, 4, 4) and enc.shape == (2, 2, 3, 3)
    for w in (cross, dec, enc):
        torch.testing.assert_close(w.sum(-1), torch.ones(w.shape[:-1]))
    assert torch.all(dec.triu(1) == 0)  # a digit never sees later digits
    assert torch.all(cross[1, :, :, 1:] == 0)  # "nine" is one word: the two padding keys get no weight
    assert torch.all(enc[1, :, :, 1:] == 0)


def test_future_digits_do_not_change_earlier_logits(tiny_model):
    model, _ = tiny_model
    src = torch.tensor([model.src_vocab.encode(["seven", "thousand", "five"])])
    a = torch.tensor([[1, 10, 3, 3]])
    b = torch.tensor([[1, 10, 9, 4]])
    with torch.no_grad():
        la, _ = model(src, a)
        lb, _ = model(src, b)
    torch.testing.assert_close(la[:, :2], lb[:, :2])


def test_translate_reports_steps(tiny_model):
    model, _ = tiny_model
    tr = seq2seq.translate(model, ["twelve"])
    assert tr.steps[0]["input"] == ["<bos>"]
    assert len(tr.steps) == len(tr.digits) + (1 if tr.steps[-1]["next"] == "<eos>" else 0)
    assert all(0.0 < s["p"] <= 1.0 for s in tr.steps)


def test_heldout_numbers_are_never_drawn_for_training():
    cfg = seq2seq.Seq2SeqConfig(lang="en", **TINY)
    held = edtrain.heldout_numbers(cfg)
    assert len(held) == len(set(held)) == 9 + 90 + 900  # a tenth of each of the 2-, 3- and 4-digit ranges
    assert all(10 <= n <= 9999 for n in held)
    drawn = list(itertools.islice(edtrain.training_numbers(cfg, set(held)), 50_000))
    assert not set(drawn) & set(held)
    # everything else is drawn, small numbers too (12,500 draws per digit count cover 1-3 digits fully)
    assert {n for n in drawn if n < 1000} == set(range(1000)) - set(held)
    # the same config holds out the same numbers; another seed others
    assert edtrain.heldout_numbers(cfg) == held
    assert edtrain.heldout_numbers(seq2seq.Seq2SeqConfig(seed=1)) != held


def test_batched_exact_match_agrees_with_greedy_translation(tiny_model):
    model, report = tiny_model
    nums = [5, 12, 305, 999, 2024, 7005, 9999, 40]
    one_by_one = sum(seq2seq.translate(model, seq2seq.number_words.words(n, "en")).digits == list(str(n))
                     for n in nums) / len(nums)
    assert edtrain.exact_match_on(model, nums) == one_by_one
    assert report.heldout_count == 999 and 0.0 <= report.accuracy <= 1.0


def test_a_perfect_model_scores_one():
    class Oracle(seq2seq.Seq2Seq):  # returns the true next digit, to check the scoring itself
        def forward(self, src, tgt_in):
            B, t = tgt_in.shape
            logits = torch.full((B, t, len(self.tgt_vocab)), -1e9)
            for b in range(B):
                words = [self.src_vocab.itos[i] for i in src[b].tolist() if i > 2]
                target = self.tgt_vocab.encode(list(str(seq2seq.number_words.value_of(words, "en")))) + [2]
                for j in range(t):
                    logits[b, j, target[min(j, len(target) - 1)]] = 0.0
            return logits, seq2seq.Attentions()
    oracle = Oracle(seq2seq.Seq2SeqConfig(**TINY))
    assert edtrain.exact_match_on(oracle, [7, 10, 305, 9999]) == 1.0


def test_disk_cache_round_trip(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    cfg = seq2seq.Seq2SeqConfig(lang="ja", **{**TINY, "steps": 5})
    m1, r1 = edtrain.load_or_train(cfg)
    path = edtrain.cache_path(cfg)
    assert path.is_file() and path.suffix == ".safetensors"
    m2, r2 = edtrain.load_or_train(cfg)  # loaded, not retrained
    assert r2.losses == r1.losses and r2.heldout_count == r1.heldout_count
    assert [k for k, _ in m2.named_parameters()] == [k for k, _ in m1.named_parameters()]
    src = torch.tensor([m1.src_vocab.encode(list("三百五"))])
    tgt = torch.tensor([[1, 6, 3]])
    with torch.no_grad():
        torch.testing.assert_close(m1(src, tgt)[0], m2(src, tgt)[0])
    path.write_bytes(b"not a checkpoint")
    assert edtrain.cached(cfg) is None
    m3, _ = edtrain.load_or_train(cfg)  # a damaged cache file is replaced, not fatal
    assert isinstance(m3, seq2seq.Seq2Seq) and edtrain.cached(cfg) is not None


def test_training_runs_as_one_shared_background_job(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    cfg = seq2seq.Seq2SeqConfig(lang="en", **{**TINY, "steps": 30, "seed": 7})
    job = edjob.model_or_job(cfg)
    assert isinstance(job, edjob.EncoderDecoderJob)
    assert edjob.model_or_job(cfg) is job  # a second session gets the same run
    assert job.wait(120) and job.status == "finished" and job.state().progress == 1.0
    model, report = edjob.model_or_job(cfg)  # now the model itself
    assert len(report.losses) == 30 and edtrain.cache_path(cfg).is_file()


def test_cancelled_job_keeps_nothing_and_can_start_again(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path))
    cfg = seq2seq.Seq2SeqConfig(lang="en", **{**TINY, "steps": 100_000, "seed": 8})
    job = edjob.model_or_job(cfg)
    job.stop()  # returns at once
    assert job.wait(60) and job.status == "stopped" and job.result is None
    assert not edtrain.cache_path(cfg).exists()
    assert edjob.model_or_job(cfg, start=False) is job  # the page shows "cancelled", not a new run
    again = edjob.restart(cfg)
    assert again is not job and again.status == "running"
    again.stop()
    assert again.wait(60)


def test_cross_attention_matches_torch():
    from core.transformer.attention import MultiHeadAttention

    torch.manual_seed(1)
    ours = MultiHeadAttention(16, 4)
    ref = torch.nn.MultiheadAttention(16, 4, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(torch.cat([ours.w_q.weight, ours.w_k.weight, ours.w_v.weight]))
        ref.in_proj_bias.copy_(torch.cat([ours.w_q.bias, ours.w_k.bias, ours.w_v.bias]))
        ref.out_proj.weight.copy_(ours.w_o.weight)
        ref.out_proj.bias.copy_(ours.w_o.bias)
    x, memory = torch.randn(2, 3, 16), torch.randn(2, 5, 16)
    pad = torch.tensor([[False] * 5, [False, False, False, True, True]])
    out, w = ours(x, memory=memory, key_padding_mask=pad)
    ref_out, ref_w = ref(x, memory, memory, key_padding_mask=pad, average_attn_weights=False)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-5)
    assert w.shape == (2, 4, 3, 5)
