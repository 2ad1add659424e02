"""Fine-tuning's speed-ups change no number: length-sorted evaluation, a batch run as two trimmed parts, the
final evaluation taken from the trainer, one evaluation batch for the LSTM; and L1 is the mean over the
positions that have a text target, whatever the padding."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from core.gpt import finetune as ft
from core.gpt.finetune.heads import IGNORE, lm_targets, task_loss, task_model
from core.gpt.finetune.tasks import by_length, encode_texts
from core.gpt.model import GPT, GPTConfig
from core.gpt.tasks.encode import EncodedSplit
from core.tokenizers.char import CharTokenizer

TEXTS = ["a cat sat.", "the dog ran far away from home.", "hi", "rain again today, and cold wind", "sun"]


def _setup(seed=0):
    torch.manual_seed(seed)
    tok = CharTokenizer("".join(TEXTS))
    backbone = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=32))
    model = task_model(backbone, "classification", 3, 1, 1, "normal")
    x, ends = encode_texts(tok, TEXTS, model.extract_id, 32)
    return tok, model, x, ends, torch.tensor([0, 1, 2, 1, 0])


def test_lm_loss_is_the_mean_over_target_positions_only():
    _, model, x, ends, labels = _setup()
    y = lm_targets(x, ends, model.special_ids)
    keep = y != IGNORE  # padding, the extract token and the last text token have no target
    assert 0 < int(keep.sum()) < keep.numel()
    for lam in (0.5, 0.0):
        model.zero_grad()
        out = task_loss(model, x, ends, labels, lam)
        _, h = model(x, ends)
        ref = F.cross_entropy(model.backbone.lm_head(h[keep]), y[keep])  # (M, V): target rows only
        torch.testing.assert_close(out["l1"], ref)
        out["l3"].backward()
        g = model.backbone.wte.weight.grad.clone()
        model.zero_grad()
        logits, h = model(x, ends)
        l2 = F.cross_entropy(logits, labels)
        l1 = F.cross_entropy(model.backbone.lm_head(h[keep]), y[keep])
        (l2 + lam * l1 if lam > 0 else l2).backward()
        torch.testing.assert_close(g, model.backbone.wte.weight.grad)  # the same gradient, λ = 0 included


def _split(x, ends, labels) -> EncodedSplit:
    return EncodedSplit(x, ends, labels, 1, 0)


def test_length_sorted_evaluation_gives_the_same_accuracy_loss_and_confusion():
    _, model, x, ends, labels = _setup(1)
    enc = _split(x, ends, labels)
    s = by_length(enc)
    assert s.extract.tolist() == sorted(ends.tolist())
    a = ft.evaluate(model, enc.x, enc.extract, enc.labels, batch=2)
    b = ft.evaluate(model, s.x, s.extract, s.labels, batch=2)
    assert a.accuracy == b.accuracy and a.confusion == b.confusion and abs(a.nll - b.nll) < 1e-6


def test_fit_reports_the_final_evaluation():
    tok, model, x, ends, labels = _setup(2)
    enc = _split(x, ends, labels)
    budget = ft.Budget(epochs=3, batch=2, lr=3e-3, evals=2)
    backbone = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=32))
    trained, res = ft.fit(backbone, "classification", 3, enc, enc, 0.5, budget.fit("transformer", 5), seed=0)
    again = ft.evaluate(trained, enc.x, enc.extract, enc.labels, batch=32)
    assert res.accuracy == again.accuracy and res.scores.confusion == again.confusion  # a separate pass agrees
    assert res.curves.eval_steps == [0, 4, 8, 9] and len(res.curves.l3) == res.steps == 9  # 3 epochs of 3 batches


def _gpt_and_lstm(vocab: int):
    from core.gpt.lstm import LSTMConfig, LSTMLM

    torch.manual_seed(3)
    yield GPT(GPTConfig(vocab_size=vocab, n_layer=2, n_head=2, n_embd=16, block_size=48))
    yield LSTMLM(LSTMConfig(vocab, n_embd=16, n_hidden=24, block_size=48))


def test_length_cut_parts_give_the_same_losses_and_gradients_as_the_whole_padded_batch():
    from core.gpt.finetune.heads import length_cut, task_loss_parts

    texts = TEXTS + ["a much longer passage about the weather and the sea, the wind and the rain", "ok"]
    tok = CharTokenizer("".join(texts))
    for backbone in _gpt_and_lstm(tok.vocab_size):
        model = task_model(backbone, "classification", 3, 1, 1, "normal")
        x, ends = encode_texts(tok, texts, model.extract_id, 48)
        order = torch.argsort(ends, stable=True)
        x, ends = x[order], ends[order]
        labels = torch.tensor([0, 1, 2, 1, 0, 2, 1])[order]
        cut = length_cut(ends, min_part=2)
        assert 0 < cut < len(texts)  # the long passage alone in the second part
        for lam in (0.5, 0.0):
            model.zero_grad()
            whole = task_loss(model, x, ends, labels, lam)
            whole["l3"].backward()
            g = [p.grad.clone() for p in model.parameters()]
            model.zero_grad()
            parts = task_loss_parts(model, x, ends, labels, lam, cut)
            parts["l3"].backward()
            for k in ("l1", "l2", "l3", "logits"):
                torch.testing.assert_close(parts[k], whole[k], rtol=1e-5, atol=1e-6)
            for a, b in zip(g, (p.grad for p in model.parameters())):
                torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-6)


def test_length_cut_keeps_a_batch_of_equal_lengths_whole_and_bounds_the_parts():
    from core.gpt.finetune.heads import length_cut

    assert length_cut(torch.tensor([20] * 32)) == 0
    ends = torch.sort(torch.randint(5, 63, (32,), generator=torch.Generator().manual_seed(0))).values
    cut = length_cut(ends)
    assert cut == 0 or 4 <= cut <= 28
    if cut:
        assert cut * int(ends[cut - 1] + 1) + (32 - cut) * int(ends[-1] + 1) <= 0.95 * 32 * int(ends[-1] + 1)


def test_one_evaluation_batch_gives_the_lstm_the_same_accuracy_loss_and_confusion():
    from core.gpt.lstm import LSTMConfig, LSTMLM

    texts = TEXTS + ["a much longer passage about the weather and the sea", "ok", "rain"]
    tok = CharTokenizer("".join(texts))
    torch.manual_seed(4)
    lstm = LSTMLM(LSTMConfig(tok.vocab_size, n_embd=16, n_hidden=24, block_size=64))
    model = task_model(lstm, "classification", 3, 1, 1, "normal")
    x, ends = encode_texts(tok, texts, model.extract_id, 64)
    enc = by_length(_split(x, ends, torch.tensor([0, 1, 2, 1, 0, 2, 1, 0])))
    a = ft.evaluate(model, enc.x, enc.extract, enc.labels, batch=3)
    b = ft.evaluate(model, enc.x, enc.extract, enc.labels, batch=0)  # 0: the whole set in one batch
    assert a.accuracy == b.accuracy and a.confusion == b.confusion and abs(a.nll - b.nll) < 1e-6
