"""The cross-attention claim, counted: word↔digit alignment, hit counting against a hand-made attention."""
import pytest
import torch

from core.transformer import number_words
from core.transformer.cross_alignment import alignment_rates, said_by, sublayers
from core.transformer.encoder_decoder import Attentions, Seq2Seq, Seq2SeqConfig
from core.transformer.encoder_decoder_train import cached, heldout_numbers


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_said_by_points_at_words_that_spell_the_digit(lang):
    for n in range(10, 10_000, 7):
        words, sets = number_words.words(n, lang), said_by(n, lang)
        assert len(sets) == len(str(n))
        for d, ws in zip(str(n), sets):
            teen_zero = lang == "en" and d == "0" and n % 100 == 10 and ws == {len(words) - 1}  # "ten" says 1 and 0
            assert (not ws) == (d == "0" and not teen_zero)  # other zeros, and only they, have no word
            for i in ws:
                w = words[i]
                if lang == "en":
                    assert w in number_words._EN_ONES + number_words._EN_TENS
                else:  # the digit's kanji, or a unit standing for an unspoken 1
                    assert w == number_words._JA_DIGITS[int(d)] or (d == "1" and w in "千百十")


class _Scripted(Seq2Seq):
    """A model whose cross-attention is written by hand: layer 0 always looks at word 0, layer 1 at the right word."""

    def forward(self, src, tgt_in):
        B, S = src.shape
        T = tgt_in.shape[1]
        a0 = torch.zeros(B, self.cfg.n_head, T, S)
        a0[..., 0] = 1
        a1 = torch.zeros(B, self.cfg.n_head, T, S)
        for b in range(B):
            n = int("".join(self.tgt_vocab.itos[i] for i in tgt_in[b, 1:].tolist() if i > 2))
            for t, ws in enumerate(said_by(n, self.cfg.lang)):
                a1[b, :, t, min(ws) if ws else 0] = 1
        return torch.zeros(B, T, len(self.tgt_vocab)), Attentions(cross=[a0, a1])


def test_rates_count_hits_exactly():
    model = _Scripted(Seq2SeqConfig(lang="en"))
    nums = [321, 19, 7005, 40]
    r = alignment_rates(model, nums)
    assert r.digits == 3 + 2 + 2 + 1 and r.zeros == 3 and r.numbers == 4
    # layer 0 hits only where word 0 says the digit: 3 of 321, both digits of 19, 7 of 7005, 4 of 40
    assert r.by_head[0] == [pytest.approx(5 / 8)] * model.cfg.n_head
    assert r.mean_heads == [pytest.approx(5 / 8), 1.0] and r.best()[:2] == (1, 0)
    with pytest.raises(ValueError):
        alignment_rates(model, [])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_model_last_layer_mostly_reads_the_word(lang):
    cfg = Seq2SeqConfig(lang=lang)
    got = cached(cfg)
    assert got is not None, "the shipped encoder–decoder is missing: run make models"
    r = alignment_rates(got[0], heldout_numbers(cfg))
    assert r.numbers == 999 and r.digits + r.zeros == sum(len(str(n)) for n in heldout_numbers(cfg))
    assert r.mean_heads[-1] > 0.5 > r.mean_heads[0]  # what the page now says, in words


def test_sublayers_list_the_decoders_cross_attention():
    model = Seq2Seq(Seq2SeqConfig())
    subs = sublayers(model)
    enc = [s.name for s in subs if s.side == "encoder" and s.layer == 0]
    dec = [(s.name, s.mask) for s in subs if s.side == "decoder" and s.layer == 0]
    assert enc == ["self_attn", "ff"]
    assert dec == [("self_attn", "causal"), ("cross_attn", "padding"), ("ff", "none")]
    assert sum(s.params for s in subs) + sum(p.numel() for n, p in model.named_parameters()
                                              if "ln" in n or "emb" in n or n.startswith("out")) == \
        sum(p.numel() for p in model.parameters())
