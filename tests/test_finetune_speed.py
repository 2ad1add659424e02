"""Fine-tuning's speed-ups change no number: the LM loss on target positions only, length-sorted evaluation,
the final evaluation taken from the trainer, the thread count measured once per experiment."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from core.gpt import finetune as ft
from core.gpt.finetune.heads import IGNORE, by_length, encode_batch, finetune_loss
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.char import CharTokenizer

TEXTS = ["a cat sat.", "the dog ran far away from home.", "hi", "rain again today, and cold wind", "sun"]


def _setup(seed=0):
    torch.manual_seed(seed)
    tok = CharTokenizer("".join(TEXTS))
    backbone = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=32))
    model = ft.TopicClassifier(backbone, 3, ft.add_extract_token(backbone))
    x, ends, y = encode_batch(tok, TEXTS, model.extract_id, 32)
    return tok, model, x, ends, y, torch.tensor([0, 1, 2, 1, 0])


def test_lm_loss_on_target_positions_equals_ignore_index_over_the_padded_batch():
    _, model, x, ends, y, labels = _setup()
    for lam in (0.5, 0.0):
        model.zero_grad()
        out = finetune_loss(model, x, ends, labels, y, lam)
        h, _ = model.states(x, ends)
        lm = model.backbone.lm_head(h)  # (B, T, V): every position, padding included
        ref = F.cross_entropy(lm.reshape(-1, lm.size(-1)), y.reshape(-1), ignore_index=IGNORE)
        torch.testing.assert_close(out["l1"], ref)
        out["l3"].backward()
        g = model.backbone.wte.weight.grad.clone()
        model.zero_grad()
        h, h_e = model.states(x, ends)
        l2 = F.cross_entropy(model.head(h_e), labels)
        lm = model.backbone.lm_head(h)
        l1 = F.cross_entropy(lm.reshape(-1, lm.size(-1)), y.reshape(-1), ignore_index=IGNORE)
        (l2 + lam * l1 if lam > 0 else l2).backward()
        torch.testing.assert_close(g, model.backbone.wte.weight.grad)  # the same gradient, λ = 0 included


def test_length_sorted_evaluation_gives_the_same_accuracy_loss_and_confusion():
    _, model, x, ends, y, labels = _setup(1)
    enc = ft.Encoded(x, ends, y, labels)
    s = by_length(enc)
    assert s.ends.tolist() == sorted(ends.tolist())
    a = ft.evaluate(model, enc, 3, batch=2)
    b = ft.evaluate(model, s, 3, batch=2)
    assert a[0] == b[0] and a[2] == b[2] and abs(a[1] - b[1]) < 1e-6


def test_finetune_reports_the_final_evaluation_and_remembers_its_thread_count():
    tok, model, x, ends, y, labels = _setup(2)
    enc = ft.Encoded(x, ends, y, labels)
    budget = ft.Budget(epochs=3, batch=2, lr=3e-3, evals=2)
    choice: dict[str, int] = {}
    backbone = GPT(model.backbone.config.__class__(**{**model.backbone.config.to_dict(), "vocab_size": tok.vocab_size}))
    trained, acc, conf = ft.finetune(backbone, 3, enc, enc, budget, 0.5, seed=0, thread_choice=choice)
    again = ft.evaluate(trained, enc, 3)
    assert acc == again[0] and conf == again[2]  # what a separate final pass would have said
    assert choice.get("GPT") in (1, torch.get_num_threads(), *range(1, 65))


def _gpt_and_lstm(vocab: int):
    from core.gpt.lstm import LSTMConfig, LSTMLM

    torch.manual_seed(3)
    yield GPT(GPTConfig(vocab_size=vocab, n_layer=2, n_head=2, n_embd=16, block_size=48))
    yield LSTMLM(LSTMConfig(vocab, n_embd=16, n_hidden=24, block_size=48))


def test_length_cut_parts_give_the_same_losses_and_gradients_as_the_whole_padded_batch():
    from core.gpt.finetune.heads import finetune_loss_parts, length_cut

    texts = TEXTS + ["a much longer passage about the weather and the sea, the wind and the rain", "ok"]
    tok = CharTokenizer("".join(texts))
    for backbone in _gpt_and_lstm(tok.vocab_size):
        model = ft.TopicClassifier(backbone, 3, ft.add_extract_token(backbone))
        x, ends, y = encode_batch(tok, texts, model.extract_id, 48)
        order = torch.argsort(ends, stable=True)
        x, ends, y = x[order], ends[order], y[order]
        labels = torch.tensor([0, 1, 2, 1, 0, 2, 1])[order]
        cut = length_cut(ends, min_part=2)
        assert 0 < cut < len(texts)  # the long passage alone in the second part
        for lam in (0.5, 0.0):
            model.zero_grad()
            whole = finetune_loss(model, x, ends, labels, y, lam)
            whole["l3"].backward()
            g = [p.grad.clone() for p in model.parameters()]
            model.zero_grad()
            parts = finetune_loss_parts(model, x, ends, labels, y, lam, cut)
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
    model = ft.TopicClassifier(lstm, 3, ft.add_extract_token(lstm))
    x, ends, y = encode_batch(tok, texts, model.extract_id, 64)
    enc = by_length(ft.Encoded(x, ends, y, torch.tensor([0, 1, 2, 1, 0, 2, 1, 0])))
    a = ft.evaluate(model, enc, 3, batch=3)
    b = ft.evaluate(model, enc, 3, batch=len(texts))
    assert a[0] == b[0] and a[2] == b[2] and abs(a[1] - b[1]) < 1e-6
