"""Fine-tuning (core.gpt.finetune) as the fine-tuning page runs it: "text [extract]" rows of the topic task
(core.gpt.topic_data), Table 5's experiment; and the LSTM LM (core.gpt.lstm)."""
from __future__ import annotations

import pytest
import torch

from core.gpt import finetune as ft
from core.corpus import CORPUS_DIR
from core.errors import UserInputError
from core.gpt.finetune.heads import add_special_tokens, lm_targets, task_model
from core.gpt.finetune.tasks import encode_texts
from core.gpt.tasks.encode import EncodedSplit
from core.gpt.model import GPT, GPTConfig
from core.gpt.lstm import LSTMConfig, LSTMLM
from core.tokenizers.char import CharTokenizer
from core.gpt.topic_data import build_topic_data, load_topic_data, pack_passages, paragraphs_of

V, K = 20, 3


def tiny_gpt(vocab: int = V) -> GPT:
    torch.manual_seed(0)
    return GPT(GPTConfig(vocab_size=vocab, n_layer=2, n_head=2, n_embd=32, block_size=16))


def classifier(backbone=None) -> ft.TaskModel:
    """The fine-tuning page's model: one new row (the extract token) and W_y."""
    return task_model(backbone or tiny_gpt(), "classification", K, 1, new_tokens=1, init="normal")


def split(tok, texts: list[str], labels: list[int], max_tokens: int = 16) -> EncodedSplit:
    x, ends = encode_texts(tok, texts, tok.vocab_size, max_tokens)
    return EncodedSplit(x, ends, torch.tensor(labels), 1, 0)


# ------------------------------------------------------------------ the model
def test_extract_token_is_a_new_row_and_the_head_stays_tied():
    g = tiny_gpt()
    old = g.wte.weight.detach().clone()
    e = add_special_tokens(g, 1, "normal")
    assert e == (V,) and g.wte.weight.shape == (V + 1, 32) and g.config.vocab_size == V + 1
    assert torch.equal(g.wte.weight[:V], old)
    assert g.lm_head.weight is g.wte.weight


@pytest.mark.parametrize("arch", ["gpt", "lstm"])
def test_head_reads_the_hidden_state_at_the_extract_token(arch):
    backbone = tiny_gpt() if arch == "gpt" else LSTMLM(LSTMConfig(V, n_embd=32, n_hidden=48))
    m = classifier(backbone).eval()
    x = torch.randint(1, V, (2, 10))
    ends = torch.tensor([4, 7])
    x[0, 4], x[1, 7] = m.extract_id, m.extract_id
    logits, h = m(x, ends)
    assert logits.shape == (2, K) and m.backbone.lm_head(h).shape == (2, 10, V + 1)
    h = m.backbone.features(x)
    assert torch.allclose(logits[1], m.head(h[1, 7]), atol=1e-6)
    # Tokens after the extract token (padding) change nothing; a token before it does.
    y = x.clone()
    y[0, 5:] = 3
    y[1, 8:] = 5
    assert torch.allclose(m(y, ends)[0], logits, atol=1e-5)
    y[0, 1] = (x[0, 1] % (V - 1)) + 1
    assert not torch.allclose(m(y, ends)[0][0], logits[0], atol=1e-5)


def test_encode_texts_places_extract_token_and_lm_targets():
    tok = CharTokenizer.train("abcdef")
    x, ends = encode_texts(tok, ["abc", "abcdef"], extract_id=99, max_tokens=5)
    y = lm_targets(x, ends, (99,))
    assert ends.tolist() == [3, 4]  # the second text is cut to 4 tokens: the extract token takes the 5th place
    assert x[0, 3] == 99 and x[1, 4] == 99 and x.shape == (2, 5)
    assert y[0].tolist() == tok.encode("bc") + [ft.IGNORE] * 3
    assert y[1].tolist() == tok.encode("bcd") + [ft.IGNORE] * 2


def _batch():
    tok = CharTokenizer.train("abcdefghijklmnopqrs")
    x, ends = encode_texts(tok, ["abcde", "fgh", "ijklmnop"], V, 16)
    return x, ends, lm_targets(x, ends, (V,)), torch.tensor([0, 1, 2])


def test_l3_is_l2_plus_lambda_l1():
    m = classifier()
    x, ends, y, lab = _batch()
    out = ft.task_loss(m, x, ends, lab, lam=0.5)
    logits, h = m(x, ends)
    lm = m.backbone.lm_head(h)
    l2 = -torch.log_softmax(logits, -1)[torch.arange(3), lab].mean()
    mask = y != ft.IGNORE
    l1 = -torch.log_softmax(lm, -1)[mask].gather(1, y[mask][:, None]).mean()
    assert torch.allclose(out["l2"], l2, atol=1e-6) and torch.allclose(out["l1"], l1, atol=1e-6)
    assert torch.allclose(out["l3"], l2 + 0.5 * l1, atol=1e-6)


def test_lambda_zero_adds_no_lm_gradient():
    m = classifier()
    x, ends, y, lab = _batch()
    ft.task_loss(m, x, ends, lab, lam=0.0)["l3"].backward()
    g0 = {n: p.grad.clone() for n, p in m.named_parameters()}
    m.zero_grad()
    ft.task_loss(m, x, ends, lab, lam=0.5)["l2"].backward()  # L2 alone
    for n, p in m.named_parameters():
        assert torch.allclose(g0[n], p.grad, atol=1e-7), n
    m.zero_grad()
    ft.task_loss(m, x, ends, lab, lam=0.5)["l3"].backward()
    assert not torch.allclose(g0["backbone.wte.weight"], m.backbone.wte.weight.grad)


def test_a_few_steps_raise_training_accuracy():
    tok = CharTokenizer.train("abcxyz ")
    texts = ["aaa bbb", "abc abc", "bca cab", "xxx yyy", "xyz xyz", "zyx zxy", "aab cab", "yyz zzx"]
    labels = [0, 0, 0, 1, 1, 1, 0, 1]
    enc = split(tok, texts, labels)
    cfg = GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=32, block_size=16)
    budget = ft.Budget(epochs=15, batch=8, lr=3e-3, evals=3)
    model, res = ft.fit(GPT(cfg), "classification", 2, enc, enc, 0.5, budget.fit("transformer", 8), seed=0, init_seed=0)
    first = ft.evaluate(task_model(GPT(cfg), "classification", 2, 1, 1, "normal"), enc.x, enc.extract, enc.labels)
    assert res.accuracy == 1.0 and res.accuracy > first.accuracy - 1e-9 and sum(map(sum, res.scores.confusion)) == 8


@pytest.mark.parametrize("n", [8, 10])  # whole batches per epoch, and a short last batch
def test_quick_budget_scores_the_heldout_set_after_each_epoch(n):
    """The page's curve: one held-out point at step 0 and one at the end of every epoch (none between)."""
    from dataclasses import replace

    tok = CharTokenizer.train("abcxyz ")
    texts = (["aaa bbb", "xxx yyy", "abc abc", "xyz xyz", "bca cab"] * 2)[:n]
    enc = split(tok, texts, [i % 2 for i in range(n)])
    budget = replace(ft.BUDGETS["quick"], batch=4)  # the quick budget's epochs and evaluations, on 8-10 passages
    curves = ft.Curves()
    ft.fit(GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=16, block_size=16)), "classification",
           2, enc, enc, 0.5, budget.fit("transformer", n), seed=0, curves=curves)
    per_epoch = -(-n // budget.batch)
    assert budget.epochs == 3  # the paper's
    assert curves.eval_steps == [per_epoch * e for e in range(budget.epochs + 1)]
    assert len(curves.steps) == per_epoch * budget.epochs


# ------------------------------------------------------------------ the LSTM LM
def test_lstm_lm_shapes_and_causality():
    torch.manual_seed(0)
    m = LSTMLM(LSTMConfig(V, n_embd=16, n_hidden=24)).eval()
    x = torch.randint(0, V, (2, 9))
    out = m(x, x)
    assert out.logits.shape == (2, 9, V) and out.loss.ndim == 0
    assert m.features(x).shape == (2, 9, 16)
    y = x.clone()
    y[:, 6:] = (y[:, 6:] + 1) % V
    assert torch.allclose(m(y).logits[:, :6], out.logits[:, :6], atol=1e-6)
    assert not torch.allclose(m(y).logits[:, 6:], out.logits[:, 6:])
    assert m.lm_head.weight is m.wte.weight


# ------------------------------------------------------------------ the task
def test_paragraphs_and_passages():
    assert paragraphs_of("Title\n\nA long enough paragraph of text,\nover two lines.", 20) == [
        "A long enough paragraph of text, over two lines."]
    assert all(len(p) <= 10 for p in pack_passages(["a" * 25, "bb."], 10))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_task_split_is_deterministic_and_disjoint(lang):
    d1, d2 = load_topic_data(lang), load_topic_data(lang)
    assert d1.key() == d2.key() and d1.train == d2.train and d1.heldout == d2.heldout
    assert len(d1.labels) == 8 and all(c > 0 for c in d1.counts("train") + d1.counts("heldout"))
    assert not {e.paragraph for e in d1.train} & {e.paragraph for e in d1.heldout}
    assert not set(d1.train_paragraphs) & set(d1.heldout_paragraphs)
    assert all(len(e.text) <= 95 for e in d1.train + d1.heldout)
    assert 0 < d1.majority_baseline() < 0.3
    files = sorted((CORPUS_DIR / lang).glob("*.txt"))
    texts = [" ".join(f.read_text(encoding="utf-8").split()) for f in files]
    for e in d1.heldout[::7] + d1.train[::50]:  # each passage comes from its label's file
        words = e.text.split()[:4] if lang == "en" else [e.text[:8]]
        assert all(w in texts[e.label] for w in words), (e.label, e.text)


def test_split_is_by_content_and_labels_follow_files():
    files = {"a": "\n\n".join(f"Alpha paragraph number {i} is long enough." for i in range(10)),
             "b": "\n\n".join(f"Beta paragraph number {i} is long enough too." for i in range(10))}
    d = build_topic_data(files, max_chars=60, heldout_fraction=0.2)
    assert d.labels == ["a", "b"] and d.counts("heldout") == [2, 2] and d.counts("train") == [8, 8]
    assert all(e.text.startswith("Alpha") == (e.label == 0) for e in d.train + d.heldout)
    files["b"] = files["b"].replace("number 3 ", "number three ")  # editing one paragraph moves no other
    d2 = build_topic_data(files, max_chars=60, heldout_fraction=0.2)
    assert [e.text for e in d2.heldout if e.label == 0] == [e.text for e in d.heldout if e.label == 0]


def test_settings_reject_impossible_values():
    with pytest.raises(UserInputError):
        ft.Settings(lam=-1)
    with pytest.raises(UserInputError):
        ft.Settings(variants=())


# ------------------------------------------------------------------ a whole (tiny) experiment, then the cache
TINY = ft.Budget(pretrain_steps=6, pretrain_batch=4, epochs=1, batch=16, evals=2, n_layer=1, n_head=2, n_embd=32,
                 block_size=32, lstm_hidden=32, max_train=48, max_heldout=24)


def test_tiny_experiment_runs_and_is_cached(monkeypatch):
    monkeypatch.setitem(ft.BUDGETS, "tiny", TINY)
    s = ft.Settings(lang="en", budget="tiny", variants=("full", "lstm_aux"))
    v = ft.run_experiment(s, threads=1)
    assert v.status == "finished", v.message
    assert set(v.results) == {"full", "lstm_aux"} and v.pretrain["transformer"]["steps"] == 6
    assert all(0 <= r.accs[0] <= 1 and len(r.confusion) == 8 for r in v.results.values())
    assert v.curves["full"]["eval_steps"][0] == 0 and len(v.curves["full"]["steps"]) == 3
    job = ft.FinetuneJob(s, threads=1)  # the same settings again: everything from the disk cache
    assert job.status == "ready" and set(job.view().results) == {"full", "lstm_aux"}
    assert all(r.cached for r in job.view().results.values())
    job.start()
    assert job.wait(5) and job.status == "finished"
    model = job.model_for("full")
    probs, n, total = ft.predict(model, job.tokenizer, "The pitcher threw the ball. " * 9, job.max_tokens)
    assert abs(sum(probs) - 1) < 1e-5 and len(probs) == 8 and n == TINY.block_size - 1 < total


def test_a_model_from_the_train_page_can_be_the_pretrained_transformer(monkeypatch):
    monkeypatch.setitem(ft.BUDGETS, "tiny", TINY)
    data = load_topic_data("en", max_chars=TINY.max_chars)
    tok = CharTokenizer.train(data.train_text)
    torch.manual_seed(0)
    gpt = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=32, block_size=24)).eval()
    live = ft.LivePretrained(gpt, tok, "tiny · en · step 0")
    job = ft.FinetuneJob(ft.Settings(lang="en", budget="tiny", variants=("full",)), live=live, threads=1)
    assert job.max_tokens == 24 and job.tokenizer is tok
    job.start()
    assert job.wait(120) and job.status == "finished", job.view().message
    assert job.view().pretrain["transformer"]["live"] == live.label
    with pytest.raises(UserInputError):  # a tokenizer that does not know this corpus's characters
        other = CharTokenizer.train("xyz")
        ft.FinetuneJob(ft.Settings(lang="en", budget="tiny"), live=ft.LivePretrained(
            GPT(GPTConfig(vocab_size=other.vocab_size, n_layer=1, n_head=2, n_embd=32, block_size=24)), other, "x"))


# ------------------------------------------------------------------ the shipped backbones (the quick budget)
SHIPPED_TINY = ft.Budget(backbone="shipped", epochs=1, batch=16, evals=1, max_train=32, max_heldout=16,
                         pretrain_steps=4, pretrain_batch=4, n_layer=1, n_head=2, n_embd=32, block_size=32,
                         lstm_hidden=32)


def test_quick_budget_is_the_shipped_one():
    assert ft.BUDGETS["quick"].backbone == "shipped" and ft.Settings().budget == "quick"
    assert ft.BUDGETS["standard"].backbone == "own"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_shipped_backbones_are_used_and_nothing_is_pretrained(lang, monkeypatch):
    from core.shipped import models as shipped
    from core.gpt.checkpoints.files import tokenizer_to_meta

    def no_pretraining(*a, **k):
        raise AssertionError("pre-training ran")

    monkeypatch.setattr("core.gpt.finetune.backbones.pretrain", no_pretraining)
    monkeypatch.setitem(ft.BUDGETS, "tiny", SHIPPED_TINY)
    gpt, lstm = shipped.load_gpt(lang), shipped.load_lstm_file(shipped.lstm_path(lang))
    before = {k: v.clone() for k, v in gpt.model.state_dict().items()}
    job = ft.FinetuneJob(ft.Settings(lang=lang, budget="tiny", variants=("full", "no_pretrain", "lstm_aux")), threads=1)
    assert job.source.shipped is not None and job.backbone_note is None
    assert tokenizer_to_meta(job.tokenizer) == tokenizer_to_meta(gpt.tokenizer)
    assert job.gpt_cfg == gpt.model.config and job.max_tokens == min(64, SHIPPED_TINY.block_size)
    # The pre-trained state is the shipped weights, bit for bit, for the GPT and the LSTM alike.
    for arch, src in (("transformer", gpt.model), ("lstm", lstm.model)):
        state, _ = job.source.weights(arch)
        assert all(torch.equal(state[k], v) for k, v in src.state_dict().items())
    assert job._total == job._ft_steps * ft.FT_STEP_COST * 3  # no pre-training units planned
    job.start()
    assert job.wait(300) and job.status == "finished", job.view().message
    v = job.view()
    assert v.pretrain["transformer"]["shipped"] and v.pretrain["transformer"]["steps"] == gpt.steps > 0
    assert v.pretrain["lstm"]["steps"] == lstm.steps > 0
    assert 0.0 <= v.pretrain["transformer"]["unknown"] < 0.02 and 0.0 <= v.pretrain["transformer"]["seen_heldout"] <= 1
    assert set(v.results) == {"full", "no_pretrain", "lstm_aux"}
    assert all(torch.equal(before[k], p) for k, p in gpt.model.state_dict().items())  # the shared model is untouched
    model = job.model_for("lstm_aux")
    assert model.backbone.config.n_layer == lstm.model.config.n_layer


@pytest.mark.parametrize("damage", ["missing", "damaged"])
def test_unusable_shipped_files_fall_back_to_pretraining_with_a_note(damage, tmp_path, monkeypatch):
    from core.shipped import models as shipped

    monkeypatch.setattr(shipped, "MODELS_DIR", tmp_path)
    # and no rebuild to fall back on either: an earlier test (test_rebuild) may have left one in the cache folder,
    # and the process keeps the shipped GPT it loaded (so this test failed when run after test_rebuild.py)
    monkeypatch.setenv("ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    shipped.clear_cache()
    if damage == "damaged":
        for name in ("gpt-en", "lstm-en"):
            (tmp_path / f"{name}.safetensors").write_bytes(b"\x00garbage")
            (tmp_path / f"{name}.json").write_text("{}", encoding="utf-8")
    calls = []
    real = ft.pretrain
    monkeypatch.setattr("core.gpt.finetune.backbones.pretrain", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    monkeypatch.setitem(ft.BUDGETS, "tiny", SHIPPED_TINY)
    lam = 0.5 if damage == "missing" else 0.6  # another run key: each case fine-tunes (not from the cache)
    job = ft.FinetuneJob(ft.Settings(lang="en", budget="tiny", lam=lam, variants=("full", "lstm_aux")), threads=1)
    note = job.backbone_note
    assert job.source.shipped is None and note is not None and note.en and note.ja and note.en != note.ja
    assert job.gpt_cfg.n_layer == SHIPPED_TINY.n_layer  # the budget's own architecture
    job.start()
    assert job.wait(300) and job.status == "finished", job.view().message
    assert calls == ["transformer", "lstm"] and job.view().backbone_note is note
    assert job.view().pretrain["transformer"]["steps"] == SHIPPED_TINY.pretrain_steps


def test_shipped_tokenizer_must_cover_the_task(monkeypatch):
    data = load_topic_data("en", max_chars=200)
    from dataclasses import replace
    from core.gpt.topic_data import Example
    alien = replace(data, train=[Example("ᚠᚢᚦᚨᚱᚲ ᚷᚹᚺᚾ ᛁᛃᛇᛈ", 0, 0)] * 4, heldout=data.heldout[:2])
    with pytest.raises(UserInputError) as e:
        ft.load_shipped_backbones("en", alien)
    assert "unknown" in e.value.en and "未知" in e.value.ja
