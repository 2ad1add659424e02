"""The models shipped under assets/models/: present, loadable, fresh, and as good as their cards say.

Fresh = the card's config hash equals the hash of today's recipe in scripts/build_models.py, and its
corpus hash equals today's shipped corpus: change either and this fails until `make models` is run.
"""
from __future__ import annotations

import importlib.util
import json
import math
import shutil
import sys

import pytest
import torch

from core.corpus import corpus_id, load_shipped
from core.errors import UserInputError
from core.shipped import models as S
from core.gpt.tasks.pretrain_text import corpus_heldout
from tests.conftest import ROOT

LANGS = ("en", "ja")
TOL = 0.02  # nats: the card's loss was measured on the same fp16 weights; only summation order may differ


def _build_module():
    spec = importlib.util.spec_from_file_location("build_models", ROOT / "scripts" / "build_models.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_models", mod)  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


B = _build_module()


@pytest.fixture(scope="module", params=LANGS)
def lang(request):
    return request.param


_corpus: dict[str, str] = {}


def load_shipped_cached(lang: str) -> str:
    if lang not in _corpus:
        _corpus[lang] = load_shipped(lang)
    return _corpus[lang]


def _check_card(card: dict, recipe, lang: str) -> None:
    assert card["lang"] == lang
    assert card["config_hash"] == B.recipe_hash(recipe), (
        f"{card['artifact']} is stale: scripts/build_models.py changed its recipe; run `make models`")
    assert card["corpus_id"] == corpus_id(load_shipped_cached(lang)), (
        f"{card['artifact']} is stale: the shipped corpus changed; run `make models`")
    assert card["steps"] == recipe.max_iters
    assert card["seed"] == recipe.seed
    # The books are fetched by `make models` only; what a test can check without them: the project corpus's
    # held-out paragraphs under today's split rule, and that no task's held-out passage was read.
    text = card["pretrain_text"]
    assert text["corpus_heldout_id"] == corpus_id(corpus_heldout(lang)), (
        f"{card['artifact']} is stale: the split rule (core.gpt.tasks.pretrain_text) changed; run `make models`")
    assert set(text["topic_heldout_seen"].values()) == {0.0}
    packages = [s["package"] for s in text["sources"]]
    assert len(packages) >= 4 and all(s.get("license") and s.get("text_sha256") for s in text["sources"])
    assert text["train_chars"] >= 2_000_000, "issue 22: at least ~2 MB of running text per language"


def test_gpt_matches_card(lang):
    path = S.gpt_path(lang)
    assert path.is_file(), f"missing {path}: run `make models`"
    sh = S.load_gpt_file(path, lang)
    card, r = sh.card, B.GPT_RECIPES[lang]
    _check_card(card, r, lang)
    model = sh.model
    assert all(p.dtype == torch.float32 for p in model.parameters()), "fp16 on disk, fp32 after loading"
    assert not model.training
    cfg = model.config
    assert (cfg.n_layer, cfg.n_head, cfg.n_embd, cfg.block_size) == (r.n_layer, r.n_head, r.n_embd, r.block_size)
    assert sh.tokenizer.vocab_size == cfg.vocab_size == card["tokenizer"]["vocab_size"]
    assert card["params"] == sum(p.numel() for p in model.parameters())
    assert math.isclose(card["heldout_ppl"], math.exp(card["heldout_loss"]), rel_tol=1e-3)
    # The held-out loss, recomputed on the card's fixed slice of the held-out part: its project-corpus paragraphs,
    # which pre-training never read (core.gpt.tasks.pretrain_text.corpus_heldout).
    ids = sh.tokenizer.encode(corpus_heldout(lang))[: card["test_slice"]["tokens"]]
    loss = S.heldout_loss(model, ids, cfg.block_size)
    assert abs(loss - card["test_slice"]["loss"]) < TOL, (loss, card["test_slice"])
    # A trained model: far under the uniform loss log V, and the card's n-gram is on the same footing.
    assert loss < math.log(cfg.vocab_size) - 1.0
    ng, vs = card["ngram"], card["vs_ngram"]
    assert ng["heldout_loss_by_n"][str(ng["best_n"])] == min(ng["heldout_loss_by_n"].values())
    assert ng["heldout_loss"] == min(ng["tuned"]["heldout_loss"], ng["heldout_loss_by_n"][str(ng["best_n"])])
    # The flag means what it says: a gap larger than two standard errors, in the GPT's favour.
    assert card["beats_ngram"] == vs["beats"] == (vs["margin_nats"] > 2 * vs["margin_se"])
    assert abs((ng["heldout_loss"] - card["heldout_loss"]) - vs["margin_nats"]) < 0.01
    assert vs["target_met"] == (vs["margin_nats"] >= B.TARGET_MARGIN)


def test_load_gpt_is_cached_and_fp32(lang):
    a, b = S.load_gpt(lang), S.load_gpt(lang)
    assert a is b
    x = torch.tensor([a.tokenizer.encode("The" if lang == "en" else "言葉")[:4]])
    assert a.model(x).logits.dtype == torch.float32


def test_lstm_matches_card(lang):
    path = S.lstm_path(lang)
    assert path.is_file(), f"missing {path}: run `make models`"
    sh = S.load_lstm_file(path)
    _check_card(sh.card, B.LSTM_RECIPES[lang], lang)
    ids = sh.tokenizer.encode(corpus_heldout(lang))[: sh.card["test_slice"]["tokens"]]
    loss = S.heldout_loss(sh.model, ids, B.LSTM_RECIPES[lang].block_size)
    assert abs(loss - sh.card["test_slice"]["loss"]) < TOL


def test_snapshots_exist_and_are_the_same_run(lang):
    from core.gpt.checkpoints.files import load_checkpoint

    want = B.recipe_hash(B.GPT_RECIPES[lang], B.SNAPSHOT_STEPS)
    final = S.load_gpt(lang)
    ids = final.tokenizer.encode(corpus_heldout(lang))[:200]
    losses = []
    for step in B.SNAPSHOT_STEPS:
        path = S.snapshot_path(lang, step)
        assert path.is_file(), f"missing {path}: run `make models`"
        ck = load_checkpoint(path)
        assert ck.step == step and ck.extra.get("recipe_hash") == want, f"{path.name} is stale: run `make models`"
        assert ck.tokenizer.vocab_size == final.tokenizer.vocab_size
        losses.append(S.heldout_loss(ck.build_model().eval(), ids, ck.config.block_size))
    losses.append(S.heldout_loss(final.model, ids, final.model.config.block_size))
    # Step 0 is the random init (about log V); training lowers the held-out loss from there.
    assert abs(losses[0] - math.log(final.tokenizer.vocab_size)) < 0.5
    assert losses[-1] < losses[1] < losses[0], losses


def test_folder_is_small():
    total = sum(p.stat().st_size for p in (ROOT / "assets" / "models").rglob("*") if p.is_file())
    assert total < 80 * 2**20, f"assets/models is {total / 2**20:.1f} MB"  # issue 22: the whole folder under ~80 MB


def test_missing_or_corrupt_artifact_is_a_clear_error(tmp_path):
    src = S.gpt_path("en")
    with pytest.raises(UserInputError) as e:
        S.load_gpt_file(tmp_path / "gpt-en.safetensors", "en")
    assert "make models" in e.value.en and "make models" in e.value.ja
    bad = tmp_path / "gpt-en.safetensors"
    data = src.read_bytes()
    bad.write_bytes(data[: len(data) // 2])  # truncated mid-tensor
    shutil.copy(S.card_path(src), S.card_path(bad))
    with pytest.raises(UserInputError) as e:
        S.load_gpt_file(bad, "en")
    assert "damaged" in e.value.en and "壊れ" in e.value.ja
    bad.write_bytes(data)
    S.card_path(bad).write_text("{not json", encoding="utf-8")
    with pytest.raises(UserInputError):
        S.load_gpt_file(bad, "en")
    with pytest.raises(UserInputError):
        S.load_lstm_file(tmp_path / "nope.safetensors")


def test_heldout_loss_scores_every_token_once():
    """Against a direct per-token computation: a model whose context never exceeds the window."""
    from core.gpt.model import GPT, GPTConfig

    torch.manual_seed(0)
    m = GPT(GPTConfig(vocab_size=11, n_layer=1, n_head=1, n_embd=8, block_size=8)).eval().requires_grad_(False)
    ids = torch.randint(0, 11, (50,))
    got = S.heldout_loss(m, ids, 8)
    # Reference: same windows built by hand (stride 4, second half scored), one forward each.
    total, n, done = 0.0, 0, 1
    for s in list(range(0, 50 - 1 - 8 + 4, 4)):
        s = min(s, 50 - 1 - 8)
        end = min(50, s + 9)
        if end <= done:
            continue
        logp = torch.log_softmax(m(ids[None, s:end - 1]).logits[0], -1)
        for t in range(max(done, s + 1), end):
            total -= float(logp[t - s - 1, ids[t]])
            n += 1
        done = end
    assert n == 49
    assert abs(got - total / n) < 1e-5


# ---- pages: the shipped GPT by default; a missing artifact is a message, not a traceback ----------
PAGES_WITH_GPT = ("views/lm_chain_rule/page.py", "views/tf_multihead/page.py", "views/tf_positional/page.py",
                  "views/tf_attention/page.py")


def _page_text(at) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning") for e in getattr(at, kind)]
    parts += [o for r in at.radio for o in r.options]
    return " ".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", LANGS)
def test_chain_rule_scores_with_the_shipped_gpt(lang):
    from tests.apptest import open_page

    at = open_page("views/lm_chain_rule/page.py", lang=lang)
    at.radio(key="chain_model").set_value("gpt").run()
    assert not at.exception, [e.value for e in at.exception]
    label = "shipped GPT (en)" if lang == "en" else "同梱の GPT（ja）"
    assert label in _page_text(at)
    sh = S.load_gpt(lang)
    sentence = at.text_area(key="chain_text").value
    assert int(at.metric[0].value) == len(sh.tokenizer.encode(sentence)) - 1  # the first token is given


@pytest.mark.parametrize("page", PAGES_WITH_GPT)
def test_pages_work_without_the_shipped_files(page, tmp_path, monkeypatch):
    from tests.apptest import open_page

    monkeypatch.setattr(S, "MODELS_DIR", tmp_path)  # an empty folder: every artifact "missing"
    S.clear_cache()
    try:
        at = open_page(page, lang="ja")
        assert not at.exception, [e.value for e in at.exception]
        assert any("make models" in w.value and "同梱の GPT" in w.value for w in at.warning), _page_text(at)
    finally:
        S.clear_cache()


# --- the encoder-decoder of the Encoder-decoder page ----------------------------------------------

def test_encdec_is_shipped_fresh_and_as_good_as_its_card(lang):
    """The page's default config is shipped under its cache key, so the page opens on it with an empty
    cache; its exact match on held-out numbers (never drawn for training) matches the card."""
    import json
    from dataclasses import asdict

    from core.transformer.encoder_decoder import Seq2SeqConfig
    from core.transformer import encoder_decoder_train as EDT

    cfg = Seq2SeqConfig(lang=lang)
    path = EDT.shipped_path(cfg)
    assert path.is_file(), f"{path.name} missing: run `make models`"
    card = json.loads((path.parent / f"encdec-{lang}.json").read_text(encoding="utf-8"))
    assert card["config"] == asdict(cfg), "the page's encoder-decoder config changed: run `make models`"
    assert card["artifact"] == path.name
    assert not EDT.cache_path(cfg).exists()  # the test cache is empty: what comes back is the shipped file
    model, report = EDT.cached(cfg)
    assert report.accuracy == card["heldout_exact_match"] and report.heldout_count == card["heldout_numbers"]
    numbers = EDT.heldout_numbers(cfg)[::10]  # a slice of the held-out numbers, re-scored now
    assert abs(EDT.exact_match_on(model, numbers) - card["heldout_exact_match"]) <= 0.05


def test_zero_shot_curves_are_shipped_fresh_and_rescore(lang):
    """Figure 2 (right) ships as zeroshot-<lang>.json: every task, both LMs, from update 0 to the shipped model's
    last; the last point re-scores the same from the shipped GPT, and the step-100 point from its snapshot file."""
    from core.gpt.checkpoints.files import load_checkpoint
    from core.gpt.finetune import zeroshot as Z
    from core.gpt.finetune.tasks import load_task

    card = json.loads(Z.shipped_curves_path(lang).read_text(encoding="utf-8"))
    assert card["replay_steps"] == list(B.ZERO_SHOT_STEPS), "zeroshot json is stale: run `make models`"
    gpt = S.load_gpt(lang)
    for name in Z.ZERO_SHOT_TASKS:
        task = load_task(name, lang)
        curves = Z.shipped_curves(task)
        assert curves is not None, f"zeroshot-{lang}.json is stale for {name}: run `make models`"
        assert sorted(curves["transformer"]) == [*B.ZERO_SHOT_STEPS, gpt.steps]
        assert all(0.0 <= a <= 1.0 for c in curves.values() for a in c.values())
    task = load_task("entailment", lang)
    ex = Z.zero_shot_examples(task)
    curves = Z.shipped_curves(task)
    final = Z.zero_shot_accuracy(gpt.model, gpt.tokenizer, ex, "entailment", lang, gpt.model.config.block_size)
    assert final == pytest.approx(curves["transformer"][gpt.steps], abs=1e-4)
    snap = load_checkpoint(S.snapshot_path(lang, 100)).build_model().float().eval()  # fp16 on disk: a point may move
    at100 = Z.zero_shot_accuracy(snap, gpt.tokenizer, ex, "entailment", lang, snap.config.block_size)
    assert at100 == pytest.approx(curves["transformer"][100], abs=3 / len(ex))


def test_zero_shot_curves_of_other_examples_or_models_are_not_used(tmp_path):
    from core.gpt.finetune import zeroshot as Z
    from core.gpt.finetune.tasks import load_task

    task = load_task("similarity", "en")
    assert Z.shipped_curves(task, tmp_path) is None  # missing
    for name in ("gpt-en.json", "lstm-en.json", "zeroshot-en.json"):
        shutil.copy(S.MODELS_DIR / name, tmp_path / name)
    assert Z.shipped_curves(task, tmp_path) is not None
    card = json.loads((tmp_path / "zeroshot-en.json").read_text(encoding="utf-8"))
    card["examples"]["similarity"] = "other"
    (tmp_path / "zeroshot-en.json").write_text(json.dumps(card), encoding="utf-8")
    assert Z.shipped_curves(task, tmp_path) is None
    (tmp_path / "zeroshot-en.json").write_text("{not json", encoding="utf-8")
    assert Z.shipped_curves(task, tmp_path) is None
