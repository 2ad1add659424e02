"""Does a digit read the word that says it? Measured on the encoder–decoder's cross-attention.

The encoder–decoder page's caption used to assert "a digit usually reads the word that says it". Here
that claim is counted: over the held-out numbers (never trained on), with the true digits fed to the
decoder (teacher forcing, as in training), we take each digit's strongest cross-attention and ask
whether it falls on a source word that says the digit.

"The word that says it":
    English   three hundred twenty one -> 3 ← three, 2 ← twenty, 1 ← one; a teen (nineteen) says both
              digits of 19; thousands and hundreds digits are said by the number word before the unit
    Japanese  三百二十一 -> 3 ← 三, 2 ← 二, 1 ← 一; an unspoken 1 (千, 百, 十 alone) is said by its unit
    zeros     said by no word (三百五 has no word for the tens 0): left out of the rate

>>> said_by(321, "en"), said_by(19, "en"), said_by(7005, "en")
([{0}, {2}, {3}], [{0}, {0}], [{0}, set(), set(), {2}])
>>> said_by(1110, "ja"), said_by(321, "ja")
([{0}, {1}, {2}, set()], [{0}, {2}, {4}])
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.transformer import number_words
from core.transformer.encoder_decoder import Seq2Seq, make_batch


def said_by(n: int, lang: str) -> list[set[int]]:
    """For each digit of str(n), the positions in words(n, lang) of the words that say it (empty for zeros)."""
    words = number_words.words(n, lang)
    digits = [int(c) for c in str(n)]
    places = [10 ** (len(digits) - 1 - i) for i in range(len(digits))]  # place value of each digit
    out: list[set[int]] = [set() for _ in digits]
    if lang == "ja":
        i = 0  # walk the words left to right, in the same order japanese_words wrote them
        for k, (d, place) in enumerate(zip(digits, places)):
            if d == 0:
                continue
            out[k].add(i)  # the units digit's kanji; 千/百/十 alone for an unspoken 1; else 二 of 二千
            i += 1 if (place == 1 or d == 1) else 2  # 二千: the digit word, then its unit
        assert i == len(words), (n, words)
        return out
    i = 0
    for k, (d, place) in enumerate(zip(digits, places)):
        if place >= 100 and d:  # "seven thousand", "three hundred": the number word, then the unit
            out[k].add(i)
            i += 2
    rest = n % 100
    k_tens, k_units = len(digits) - 2, len(digits) - 1
    if 10 <= rest < 20:  # one word says both digits
        out[k_tens].add(i)
        out[k_units].add(i)
    elif rest >= 20:
        out[k_tens].add(i)
        if rest % 10:
            out[k_units].add(i + 1)
    elif rest:
        out[k_units].add(i)
    return out


@dataclass(frozen=True)
class AlignmentRates:
    """Share of held-out digits whose strongest cross-attention is on a word that says them."""

    by_head: list[list[float]]  # [layer][head]
    mean_heads: list[float]  # [layer]: the argmax of the weights averaged over heads (the page's default view)
    digits: int  # digits counted (zeros excluded)
    zeros: int  # zero digits left out: no word says them
    numbers: int

    def best(self) -> tuple[int, int, float]:
        """(layer, head, rate) of the head that follows the words most often."""
        return max(((li, hi, r) for li, row in enumerate(self.by_head) for hi, r in enumerate(row)),
                   key=lambda t: t[2])


@torch.no_grad()
def alignment_rates(model: Seq2Seq, numbers: list[int]) -> AlignmentRates:
    """Teacher-forced forward over `numbers`; count hits of each layer's (and head's) cross-attention argmax."""
    if not numbers:
        raise ValueError("numbers is empty: give the held-out numbers of the model's config")
    lang = model.cfg.lang
    was = model.training
    model.eval()
    pairs = [(number_words.words(n, lang), list(str(n))) for n in numbers]
    src, tgt_in, _ = make_batch(model, pairs)
    _, att = model(src, tgt_in)  # att.cross[l]: (B, h, T, S); row t is the step that emits digit t
    model.train(was)
    targets = [said_by(n, lang) for n in numbers]
    rows = [(b, t, ws) for b, sets in enumerate(targets) for t, ws in enumerate(sets) if ws]
    zeros = sum(1 for sets in targets for ws in sets if not ws)
    b_idx = torch.tensor([b for b, _, _ in rows])
    t_idx = torch.tensor([t for _, t, _ in rows])
    hit_mask = torch.zeros(len(rows), src.shape[1], dtype=torch.bool)  # (R, S): True on the words that say it
    for r, (_, _, ws) in enumerate(rows):
        hit_mask[r, list(ws)] = True
    by_head, mean_heads = [], []
    for w in att.cross:
        picked = w[b_idx, :, t_idx]  # (R, h, S): each counted digit's row, every head
        top = picked.argmax(-1)  # (R, h) strongest source word per head
        hits = hit_mask.gather(1, top)  # (R, h)
        by_head.append([float(x) for x in hits.float().mean(0)])
        top_mean = picked.mean(1).argmax(-1, keepdim=True)  # (R, 1)
        mean_heads.append(float(hit_mask.gather(1, top_mean).float().mean()))
    return AlignmentRates(by_head, mean_heads, len(rows), zeros, len(numbers))


@dataclass(frozen=True)
class Sublayer:
    side: str  # "encoder" | "decoder"
    layer: int
    name: str  # "self_attn" | "cross_attn" | "ff"
    mask: str  # "padding" | "causal" | "none"
    params: int


def sublayers(model: Seq2Seq) -> list[Sublayer]:
    """Every block of the model, read from its modules: the decoder has one sub-layer the encoder lacks."""
    out = []
    for side, layers in (("encoder", model.encoder), ("decoder", model.decoder)):
        for li, layer in enumerate(layers):
            for name in ("self_attn", "cross_attn", "ff"):
                mod = getattr(layer, name, None)
                if mod is None:
                    continue
                mask = "causal" if (side, name) == ("decoder", "self_attn") else "none" if name == "ff" else "padding"
                out.append(Sublayer(side, li, name, mask, sum(p.numel() for p in mod.parameters())))
    return out
