"""GPT-1's transfer on the one fine-tuning engine (core.gpt.finetune), core side: the four heads and L3
against hand computations, NLL == cross entropy, layers-transferred re-initialisation, the standard error
of a gap, zero-shot scoring, and tiny trainings that run through the one Trainer."""
from __future__ import annotations

import math

import pytest
import torch

from core.gpt import finetune as ft
from core.gpt.model import GPT, GPTConfig
from core.gpt.tasks.transforms import Specials
from core.gpt.tasks.zeroshot import Candidate
from core.gpt.finetune import backbones as B
from core.gpt.finetune import loops as L
from core.gpt.finetune.heads import IGNORE, TaskModel, add_special_tokens, lm_targets, task_loss
from core.gpt.finetune.settings import FitConfig
from core.gpt.finetune.stats import gap, mean_std, nll_and_ce
from core.gpt.finetune.tasks import encode_task, load_task
from core.gpt.finetune.zeroshot import score_candidates
from core.runtime import trainer as trainer_mod
from core.tokenizers.char import CharTokenizer

V = 20


def tiny_gpt(seed: int = 0, n_layer: int = 2) -> GPT:
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=V, n_layer=n_layer, n_head=2, n_embd=16, block_size=32))


def rows(n: int, T: int, specials: Specials, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """n rows `[start] a a a [delim] b b [extract] pad…` with random text ids and varied lengths."""
    g = torch.Generator().manual_seed(seed)
    x = torch.zeros(n, T, dtype=torch.long)
    ext = torch.empty(n, dtype=torch.long)
    for i in range(n):
        a, b = torch.randint(1, V, (3 + i % 2,), generator=g).tolist(), torch.randint(1, V, (2,), generator=g).tolist()
        ids = [specials.start, *a, specials.delim, *b, specials.extract]
        x[i, :len(ids)] = torch.tensor(ids)
        ext[i] = len(ids) - 1
    return x, ext


def test_special_tokens_are_new_rows_and_the_head_stays_tied():
    m = tiny_gpt()
    old = m.wte.weight.detach().clone()
    ids = add_special_tokens(m)
    assert ids == Specials.after(V).ids == (V, V + 1, V + 2)
    assert m.wte.weight.shape == (V + 3, 16) and m.config.vocab_size == V + 3
    assert torch.equal(m.wte.weight[:V], old) and m.lm_head.weight is m.wte.weight


def test_lm_targets_skip_specials_padding_and_everything_after_extract():
    sp = Specials(V, V + 1, V + 2)
    x, ext = rows(3, 12, sp)
    y = lm_targets(x, ext, sp.ids)
    for i in range(3):
        e = int(ext[i])
        for t in range(12):
            nxt = int(x[i, t + 1]) if t + 1 < 12 else None
            want = nxt if t + 1 < e and nxt not in sp.ids else IGNORE
            assert int(y[i, t]) == want, (i, t)


@pytest.mark.parametrize("lam", [0.0, 0.5, 2.0])
@torch.no_grad()
def test_l3_is_l2_plus_lambda_l1_computed_by_hand(lam):
    m = tiny_gpt()
    sp = Specials.after(V)
    model = TaskModel(m, "entailment", 3, 1, add_special_tokens(m)).eval()
    x, ext = rows(4, 12, sp)
    labels = torch.tensor([0, 1, 2, 1])
    out = task_loss(model, x, ext, labels, lam)
    h = m.features(x)  # by hand: the head on the extract state, the LM loss as a sum of -log p over text targets
    logits = model.head(h[torch.arange(4), ext])
    l2 = -torch.log_softmax(logits, -1)[torch.arange(4), labels].mean()
    logp = torch.log_softmax(m.lm_head(h), -1)
    terms = [-logp[i, t, x[i, t + 1]] for i in range(4) for t in range(int(ext[i]) - 1)
             if int(x[i, t + 1]) not in sp.ids]
    l1 = torch.stack(terms).mean()
    assert torch.allclose(out["l2"], l2, atol=1e-6) and torch.allclose(out["l1"], l1, atol=1e-6)
    assert float(out["l3"]) == pytest.approx(float(l2 + lam * l1), abs=1e-6)
    assert float(out["l3"]) == float(out["l2"] + lam * out["l1"]) or lam == 0  # exactly, as computed


def test_lambda_zero_gives_no_lm_gradient():
    m = tiny_gpt()
    sp = Specials.after(V)
    model = TaskModel(m, "entailment", 3, 1, add_special_tokens(m))
    x, ext = rows(2, 12, sp)
    out = task_loss(model, x, ext, torch.tensor([0, 1]), 0.0)
    assert out["l3"] is out["l2"] and not out["l1"].requires_grad


def test_similarity_adds_both_orderings_so_the_order_does_not_matter():
    m = tiny_gpt()
    sp = Specials.after(V)
    model = TaskModel(m, "similarity", 2, 2, add_special_tokens(m)).eval()
    x, ext = rows(6, 12, sp)  # 3 examples x 2 rows
    logits, h = model(x, ext)
    swapped = torch.tensor([1, 0, 3, 2, 5, 4])
    logits2, _ = model(x[swapped], ext[swapped])
    assert logits.shape == (3, 2) and torch.allclose(logits, logits2, atol=1e-6)
    h_e = h[torch.arange(6), ext]
    assert torch.allclose(logits, model.head(h_e[0::2] + h_e[1::2]), atol=1e-6)


@torch.no_grad()
def test_multiple_choice_scores_each_answer_and_softmaxes_over_k():
    m = tiny_gpt()
    sp = Specials.after(V)
    model = TaskModel(m, "multiple_choice", 4, 4, add_special_tokens(m)).eval()
    x, ext = rows(8, 12, sp)  # 2 examples x 4 answers
    logits, h = model(x, ext)
    scores = model.head(h[torch.arange(8), ext]).view(2, 4)  # one number per row
    assert logits.shape == (2, 4) and torch.allclose(logits, scores)
    perm = torch.tensor([2, 0, 3, 1, 6, 4, 7, 5])
    assert torch.allclose(model(x[perm], ext[perm])[0], logits[:, [2, 0, 3, 1]], atol=1e-6)
    out = task_loss(model, x, ext, torch.tensor([3, 0]), 0.0)
    p = torch.softmax(logits, -1)
    assert float(out["l2"]) == pytest.approx(-0.5 * float(torch.log(p[0, 3]) + torch.log(p[1, 0])), abs=1e-6)


def test_nll_equals_cross_entropy():
    g = torch.Generator().manual_seed(3)
    logits, labels = torch.randn(50, 7, generator=g) * 3, torch.randint(0, 7, (50,), generator=g)
    nll, ce = nll_and_ce(logits, labels)
    by_hand = -sum(math.log(math.exp(logits[i, labels[i]]) / sum(math.exp(v) for v in logits[i]))
                   for i in range(50)) / 50
    assert nll == pytest.approx(ce, abs=1e-6) and ce == pytest.approx(by_hand, abs=1e-5)


@pytest.mark.parametrize("layers", [0, 1, 2, 3, None])
def test_layers_transferred_reinitialises_exactly_the_other_blocks(layers):
    budget = ft.Budget(n_layer=3, n_head=2, n_embd=16, block_size=32)
    pre = B.build_backbone("transformer", budget, V, None, seed=99)  # stands for a pre-trained model
    state = pre.state_dict()
    fresh = B.build_backbone("transformer", budget, V, None, seed=5).state_dict()
    got = B.build_backbone("transformer", budget, V, state, layers, seed=5).state_dict()
    n = 3 if layers is None else layers
    for k, v in got.items():
        if k.startswith("h."):
            want = state[k] if int(k.split(".")[1]) < n else fresh[k]
        else:  # embeddings (and the tied head) always come from pre-training
            want = state[k]
        assert torch.equal(v, want), k
    assert sum(not torch.equal(got[k], state[k]) for k in got if k.startswith("h.")) > 0 or n == 3
    with pytest.raises(ValueError):
        B.build_backbone("transformer", budget, V, state, 4)


def test_gap_standard_error_on_known_numbers():
    assert mean_std([0.5]) == (0.5, 0.0)
    g = gap([0.80, 0.84, 0.82], [0.70, 0.74, 0.72])  # s = 0.02 each: SE = sqrt(2 * 0.0004 / 3)
    assert g.method == "seeds" and g.diff == pytest.approx(0.1) and g.se == pytest.approx(math.sqrt(0.0008 / 3))
    assert g.within_noise is False
    g = gap([0.6], [0.5], n_heldout=100)  # sqrt((0.24 + 0.25) / 100) = 0.07
    assert g.method == "binomial" and g.se == pytest.approx(0.07) and g.within_noise is True
    g = gap([0.61, 0.55], [0.58, 0.60])
    assert g.within_noise is True
    assert gap([0.6], [0.5]).se is None and gap([0.6], [0.5]).within_noise is None


@torch.no_grad()
def test_zero_shot_score_is_the_mean_log_prob_of_the_continuation():
    tok = CharTokenizer.train("abcdefgh .")
    m = tiny_gpt().eval()
    c = Candidate("abc", " de", 0)
    got = score_candidates(m, tok, [c, Candidate("h", "gg", 1)], block_size=32)
    ids = tok.encode("abc") + tok.encode(" de")
    logp = torch.log_softmax(m(torch.tensor([ids])).logits[0], -1)
    want = sum(float(logp[t - 1, ids[t]]) for t in range(3, 6)) / 3
    assert got[0] == pytest.approx(want, abs=1e-5) and len(got) == 2


def test_a_tiny_finetuning_runs_through_the_trainer_and_learns(monkeypatch):
    calls = []
    real_run = trainer_mod.Trainer.run
    monkeypatch.setattr(L.Trainer, "run", lambda self: (calls.append(self), real_run(self))[1])
    task = load_task("entailment", "en", max_train=12, max_heldout=6)
    tok = CharTokenizer.train("".join(e.a + e.b for e in task.train + task.heldout))
    sp = Specials.after(tok.vocab_size)
    budget = ft.Budget(n_layer=1, n_head=2, n_embd=32, block_size=64)
    train = encode_task(task, task.train, tok, sp, 64)
    bb = B.build_backbone("transformer", budget, tok.vocab_size, None, seed=0)
    held = encode_task(task, task.heldout, tok, sp, 64)
    model, res = L.fit(bb, "entailment", 3, train, held, 0.5,
                       FitConfig(batch=12, lr=3e-3, dropout=0.0, max_steps=40, epochs=40), seed=0)
    assert len(calls) == 1 and res.steps == 40 and 0.0 <= res.accuracy <= 1.0
    assert sum(res.curves.l3[-5:]) < sum(res.curves.l3[:5])  # it fits the twelve training examples
    nll, ce = nll_and_ce(res.scores.logits, held.labels)
    assert nll == pytest.approx(ce, abs=1e-5)
    assert model.backbone.wte.weight.shape[0] == tok.vocab_size + 3


def test_classification_rows_are_start_text_extract():
    task = load_task("classification", "en", max_train=4, max_heldout=2)
    tok = CharTokenizer.train("".join(e.text for e in task.train))
    sp = Specials.after(tok.vocab_size)
    enc = encode_task(task, task.train, tok, sp, 32)
    assert enc.rows_per_example == 1 and enc.x.shape[1] <= 32
    for i in range(4):
        e = int(enc.extract[i])
        assert int(enc.x[i, 0]) == sp.start and int(enc.x[i, e]) == sp.extract
        assert enc.x[i, 1:e].tolist() == tok.encode(task.train[i].text)[: e - 1]
    assert task.majority == pytest.approx(load_task("classification", "en").majority)


def test_unknown_settings_are_bilingual_errors():
    from core.errors import UserInputError
    from core.gpt.finetune.settings import Settings, fit_for

    for bad in (dict(task="poetry"), dict(lam=float("nan")), dict(seeds=9), dict(variants=()), dict(lang="fr")):
        with pytest.raises(UserInputError):
            Settings(**bad)
    with pytest.raises(ValueError):  # two texts cannot be read as "text [extract]": a format needs its recipe
        Settings(task="entailment")
    assert Settings(task="entailment", fit=fit_for("entailment")).recipe("lstm", 10) == fit_for("entailment")


# ------------------------------------------------------------------ the backbone source: shipped, or a fallback
def test_the_source_is_the_shipped_gpt_and_lstm_bit_for_bit_with_their_tokenizer():
    from core.shipped import models as shipped

    src = B.choose_source("en", ft.BUDGETS["quick"])
    gpt, lstm = shipped.load_gpt("en"), shipped.load_lstm_file(shipped.lstm_path("en"))
    assert src.shipped is not None and src.note is None and src.label.startswith("shipped:")
    assert src.info("transformer")["steps"] == gpt.steps and src.info("lstm")["steps"] == lstm.steps
    assert src.tokenizer.encode("Ken bought some fruit.") == gpt.tokenizer.encode("Ken bought some fruit.")
    states = {}
    for arch, model in (("transformer", gpt.model), ("lstm", lstm.model)):
        ref = model.state_dict()
        states[arch], info = src.weights(arch)
        assert info["shipped"] and not src.trained_here(arch)
        assert states[arch].keys() == ref.keys() and all(torch.equal(states[arch][k], ref[k]) for k in ref)
        # a copy: fine-tuning never touches the shared model
        assert states[arch]["wte.weight"] is not ref["wte.weight"]
    # the backbone a run builds from it is the shipped network (its config), pre-trained blocks and all
    bb = B.build_backbone("transformer", ft.BUDGETS["quick"], src.tokenizer.vocab_size, states["transformer"],
                          None, 0, 0.0, src.gpt_cfg)
    assert bb.config.n_layer == gpt.model.config.n_layer
    assert torch.equal(bb.h[3].mlp.c_fc.weight, gpt.model.h[3].mlp.c_fc.weight)
    assert B.source_tokenizer("ja").vocab_size == shipped.load_gpt("ja").tokenizer.vocab_size


def test_a_missing_shipped_model_falls_back_to_pre_training_here_with_a_bilingual_note(monkeypatch, tmp_path):
    from core.shipped import models as shipped

    monkeypatch.setattr(shipped, "MODELS_DIR", tmp_path)  # nothing shipped
    shipped.clear_cache()
    tiny = ft.Budget(pretrain_steps=2, pretrain_batch=2, n_layer=1, n_head=2, n_embd=16, block_size=32,
                     backbone="shipped")
    try:
        src = B.choose_source("en", tiny)
    finally:
        shipped.clear_cache()
    assert src.shipped is None and src.note is not None
    assert "make models" in src.note.en and "make models" in src.note.ja
    assert src.trained_here("transformer") and src.info("transformer") is None and src.gpt_cfg.n_layer == 1
    state, info = src.weights("transformer")
    assert info["steps"] == 2 and src.tokenizer.vocab_size == state["wte.weight"].shape[0]


# ------------------------------------------------------------------ overfit sanity: the pipeline can memorise
@pytest.mark.parametrize("task_name", ["classification", "entailment", "similarity", "multiple_choice"])
def test_each_task_format_can_overfit_sixteen_training_examples(task_name):
    """The issue's sanity run at test size: a small GPT must reach 100 % on 16 training examples of each
    format. If rows and labels were misaligned across a batch, the extract state read the padding, or
    similarity's two orderings were not paired, memorising would stall (the shipped GPT did it on 32
    examples of entailment and similarity: loss 1.10 -> 0.013 and 0.69 -> 0.0004 in 60 steps)."""
    task = load_task(task_name, "en", max_train=16, max_heldout=4)
    texts = [getattr(e, f, "") for e in task.train for f in ("text", "a", "b", "context")]
    texts += [a for e in task.train for a in getattr(e, "answers", [])]
    tok = CharTokenizer.train("".join(texts))
    sp = Specials.after(tok.vocab_size)
    budget = ft.Budget(n_layer=2, n_head=2, n_embd=32, block_size=64)
    train = encode_task(task, task.train, tok, sp, 64)
    bb = B.build_backbone("transformer", budget, tok.vocab_size, None, seed=0)
    model, res = L.fit(bb, task_name, len(task.labels), train, train, 0.0,
                       FitConfig(batch=16, lr=3e-3, dropout=0.0, epochs=80), seed=0)
    assert res.steps == 80 and res.accuracy == 1.0, (res.accuracy, res.curves.l3[::10])


def test_the_new_tokens_start_at_the_mean_pretrained_row_plus_noise():
    m = tiny_gpt()
    old = m.wte.weight.detach().clone()
    add_special_tokens(m, init="mean")
    new = m.wte.weight.detach()[V:]  # (3, C)
    assert torch.equal(m.wte.weight[:V], old) and not torch.equal(new[0], new[1])
    assert (new - old.mean(0)).std() == pytest.approx(0.02, rel=0.5)  # the mean row, moved by N(0, 0.02)


# ------------------------------------------------------------------ one thread policy for a job's many short runs
def test_a_shared_thread_tuner_is_probed_once_across_runs(monkeypatch):
    """Each run of a job would otherwise re-probe both thread counts; with one tuner the probe steps are
    spent once, and the second run starts on the tuner's choice.

    The step times the tuner hears are fixed (two threads twice as fast): with the real ones, a busy machine
    (a full test run at load 6) makes three steps in a row slow, and the tuner rightly measures again."""
    from core.runtime.threads import ThreadTuner

    class Steady(ThreadTuner):
        used: list[int] = []

        def record(self, threads: int, seconds: float) -> None:
            self.used.append(threads)
            super().record(threads, 0.1 / threads)

    task = load_task("entailment", "en", max_train=8, max_heldout=4)
    tok = CharTokenizer.train("".join(e.a + e.b for e in task.train + task.heldout))
    sp = Specials.after(tok.vocab_size)
    budget = ft.Budget(n_layer=1, n_head=2, n_embd=16, block_size=64)
    train, held = encode_task(task, task.train, tok, sp, 64), encode_task(task, task.heldout, tok, sp, 64)
    tuner = Steady(max_threads=2, probe=2, every=1000)
    assert len(tuner.plan) == 6  # (2 + 1) steps with 1 thread, then with 2
    cfg = FitConfig(batch=8, lr=1e-3, dropout=0.0, epochs=10, max_steps=4)
    L.fit(B.build_backbone("transformer", budget, tok.vocab_size, None), "entailment", 3, train, held, 0.0,
          cfg, tuner=tuner)
    assert tuner.used == [1, 1, 1, 2] and len(tuner.plan) == 2  # four steps measured: the probe goes on
    L.fit(B.build_backbone("transformer", budget, tok.vocab_size, None), "entailment", 3, train, held, 0.0,
          cfg, tuner=tuner)
    assert tuner.used == [1, 1, 1, 2, 2, 2, 2, 2]  # the second run finished the probe, then ran on its choice
    assert not tuner.plan and tuner.choice == 2 and torch.get_num_threads() == 2


# ------------------------------------------------------------------ the shipped suite: used only while it is current
def test_the_shipped_suite_is_read_only_while_its_hashes_match(tmp_path):
    import json
    import shutil

    from core.shipped.models import MODELS_DIR
    from core.gpt.finetune import suite

    for name in ("gpt-en.json", "lstm-en.json"):
        shutil.copy(MODELS_DIR / name, tmp_path / name)
    card = {"models": suite.model_hashes("en", tmp_path), "data": suite.data_hashes("en"), "seeds": 1,
            "layers_task": "classification", "settings": suite.settings_hash(1, "classification")}
    result = {"tasks": {"entailment": {"accuracy": 0.5}}}

    def write(c: dict) -> dict | None:
        suite.shipped_path("en", tmp_path).write_text(json.dumps({"card": c, "result": result}), encoding="utf-8")
        return suite.shipped_suite("en", tmp_path)

    assert suite.shipped_suite("en", tmp_path) is None  # missing
    assert write(card)["result"] == result
    assert write({**card, "data": {**card["data"], "entailment": "0" * 16}}) is None  # the task's examples changed
    assert write({**card, "models": {**card["models"], "transformer": "x"}}) is None  # another shipped GPT
    assert write({**card, "seeds": 3}) is None  # the settings hash no longer fits
    suite.shipped_path("en", tmp_path).write_text("{not json", encoding="utf-8")
    assert suite.shipped_suite("en", tmp_path) is None
    assert suite.data_hashes("en") == suite.data_hashes("en") and len(set(suite.data_hashes("en").values())) == 4


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_shipped_suite_is_current_and_labels_each_zero_shot_curve_with_its_own_updates(lang):
    """assets/models/transfer-<lang>.json describes today's models, data and settings (else the page shows no
    numbers), and the zero-shot panel's x axis: the GPT's curve ends at the shipped GPT's steps, the LSTM's at
    the LSTM's (one shared axis once put the GPT's last point at the LSTM's 700)."""
    from core.shipped import models as shipped
    from core.gpt.finetune import suite

    doc = suite.shipped_suite(lang)
    assert doc is not None, (f"transfer-{lang}.json is stale: "
                             f"run `python scripts/build_models.py --only transfer --lang {lang}`")
    r = doc["result"]
    zs = r["zero_shot"]
    assert zs["updates"][-1] == shipped.load_gpt(lang).steps and len(zs["updates"]) == len(zs["transformer"])
    assert zs["updates_lstm"][-1] == shipped.load_lstm_file(shipped.lstm_path(lang)).steps
    assert len(zs["updates_lstm"]) == len(zs["lstm"])
    assert sum(r["steps"].values()) > 0 and r["s_per_step"] > 0
    for t, row in r["tasks"].items():
        assert row["baseline"] == row["majority"]  # the target is the majority answer; bag of words is shown beside it


def test_page_text_states_the_epochs_the_suite_runs():
    """The tasks page's note says how long each task fine-tunes: it must say what settings.FIT_BY_TASK runs."""
    from core.gpt.finetune.settings import FIT_BY_TASK
    from views.gpt_tasks.texts import T

    en, ja = T.t("ours_note", "en"), T.t("ours_note", "ja")
    e = {k: FIT_BY_TASK[k].epochs for k in FIT_BY_TASK}
    assert e["similarity"] == e["multiple_choice"]
    assert (f"{e['classification']} epochs for classification, {e['entailment']} for entailment, "
            f"{e['similarity']} for similarity and multiple choice") in en
    assert f"分類 {e['classification']} エポック、含意 {e['entailment']}、類似度と多肢選択は {e['similarity']}" in ja
