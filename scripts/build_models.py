"""Rebuild every model shipped under assets/models/ from scratch, with fixed seeds (`make models`).

    .venv/bin/python scripts/build_models.py              # everything (both languages)
    .venv/bin/python scripts/build_models.py --only gpt   # gpt | snapshots | lstm | encdec | sweep | zeroshot |
    tokenizers | notes
    .venv/bin/python scripts/build_models.py --lang en
    .venv/bin/python scripts/build_models.py --only step_times   # this machine's measurement, not in the default set

Per language. The GPT, its snapshots, the LSTM and the zero-shot curves read the corpus without any task's
held-out passages, and are scored on those passages (core.gpt.tasks.pretrain_text: a task's held-out
accuracy is then transfer, as in GPT-1, not recall); the sweep and the tokenizers use the pages' split
(core.corpus.split_train_heldout):
- gpt-<lang>.safetensors: GPT-1 trained by the project's own command line (`python -m core.train`),
  stored in fp16 in the checkpoint format of core.gpt.checkpoints.files, and gpt-<lang>.json, its card;
- snapshots/gpt-<lang>-step<N>.safetensors: the same recipe replayed in-process, saved after N updates
  (for a zero-shot-vs-pre-training curve);
- lstm-<lang>.safetensors (+ .json): the fine-tuning page's LSTM LM baseline at its pre-training budget;
- sweep/sweep-<lang>.json: the vocabulary-sweep page's default results, with their card;
- zeroshot-<lang>.json: Figure 2 (right), zero-shot task accuracy of both LMs over their pre-training updates;
- tokenizers/<cache key>.{json,model} + tokenizers-<lang>.json (card): the tokenizers the comparison and
  BPE pages train at their defaults, read by core.tokenizers.cache before it trains anything;
- ../measurements/step-times.json (`--only step_times`, language-free, never built by default: it measures this
  machine): one training step of the LSTM baseline against the GPT, ms per token, with the date and the load;
- notes/<name>.json + notes/notes-<lang>.json (card): the notes sections' numbers (core.notes_specs), read by
  core.notes_store only while their inputs (corpus hash, model weight digests, settings) match today's.

Each card records the build config's hash (RECIPES below) and the corpus hash, so
tests/test_shipped_models.py fails when an artifact is stale. Change a recipe -> run `make models`.
The architecture is fine-tuning's backbone (core.gpt.finetune.Budget: 4 layers, 4 heads, 128 wide,
block 64, SentencePiece BPE with finetune.VOCAB pieces), so fine-tuning can start from it.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# The n-gram page's tuning grid and dev split (core.lm.kn_compare), so the card's line and the page's agree.
from core.lm.kn_compare import DEV_SEED, KN_DISCOUNTS as DISCOUNTS
from core.runtime.childproc import die_with_parent

# What `--only` can name for each language (everything, in this order, when it is not given).
PER_LANGUAGE = ("gpt", "snapshots", "lstm", "encdec", "sweep", "zeroshot", "tokenizers", "notes", "transfer")
BUILD_VERSION = 2  # bump to force a rebuild when the build itself (not a recipe) changes
# The GPT/LSTM pre-training text: the books of core.sources plus the shipped corpus, split by
# core.gpt.tasks.pretrain_text.standard_split (a seeded random 10 % of paragraphs held out; every task's
# held-out text kept out of training). Part of their recipes, so their hashes change with it.
PRETRAIN_TEXT = "standard-v1"


@dataclass(frozen=True)
class GPTRecipe:
    lang: str
    vocab_size: int  # fine-tuning's VOCAB: 1000 English pieces; Japanese needs ~1,400 ids for its characters alone
    n_layer: int = 4  # fine-tuning's Budget: the shipped model is its backbone
    n_head: int = 4
    n_embd: int = 128
    # 128 tokens of context (~380 English characters): what an n-gram cannot use. Fine-tuning reads the first
    # min(128, Budget.block_size) positions, so the backbone serves the shorter task inputs as it is.
    block_size: int = 128
    # 1.3 M (en) / 1.7 M (ja) training tokens now: a pilot on 0.4 M tokens (docs/models.md) had a train/held-out
    # gap of 0.35 nats by 2,000 steps with dropout 0.1; with three times the text, 0.1 is enough.
    dropout: float = 0.1
    weight_decay: float = 0.1
    batch_size: int = 16  # 16 x 128 = 2,048 tokens an update
    # ~9 M tokens seen (7 epochs en, 5.5 ja): what ~50 minutes on one core buys (docs/models.md)
    max_iters: int = 4500
    lr: float = 2e-3  # the pilot's: warm-up then cosine to zero
    warmup_iters: int = 200  # post-LN needs it (core.gpt.pretrain.TrainConfig)
    eval_interval: int = 500  # progress lines in the log (random batches): the card's figures are the full held-out
    seed: int = 1337
    threads: int = 1  # one thread per language, both languages at once: the same numbers on any machine load
    text: str = PRETRAIN_TEXT
    # Japanese: 2,158 characters in the text, 1,474 of them cover 99.95 % (SentencePiece's default): the rest
    # (and names the tasks use, 佐藤, 札幌) were <unk>, 4 % of the tasks' pieces. Byte pieces read them all.
    byte_fallback: bool = False


@dataclass(frozen=True)
class LSTMRecipe:
    lang: str
    vocab_size: int
    n_embd: int = 128  # fine-tuning's Budget.n_embd / lstm_hidden
    n_hidden: int = 256
    block_size: int = 128  # the GPT's context
    dropout: float = 0.1  # the GPT's
    batch_size: int = 16  # the GPT's
    # Fewer updates than the GPT's 4,500 (2 M tokens against 9 M): the build's time budget; its step is ~1.5x the
    # GPT's on one core (a recurrence over 128 positions). docs/models.md gives both figures.
    max_iters: int = 1000
    lr: float = 2e-3
    warmup_iters: int = 100
    weight_decay: float = 0.01
    seed: int = 1337
    threads: int = 1
    text: str = PRETRAIN_TEXT  # the GPT's text and split: the LSTM baseline must read what the GPT reads
    byte_fallback: bool = False  # the GPT's tokenizer


GPT_RECIPES = {"en": GPTRecipe("en", 1000), "ja": GPTRecipe("ja", 3000, byte_fallback=True)}
LSTM_RECIPES = {"en": LSTMRecipe("en", 1000), "ja": LSTMRecipe("ja", 3000, byte_fallback=True)}
# Options added after artifacts were built: at their default they stay out of the hash, so adding one does not
# make every shipped file stale; set, they are part of it.
_HASH_OPTIONAL = {"byte_fallback": False}
SNAPSHOT_STEPS = (0, 100, 500)  # plus the shipped model itself at its max_iters; ~2.2 (en) / 2.8 (ja) MB each
MAX_NGRAM = 5
TEST_SLICE = 300  # held-out tokens the test re-scores (kept small: the test must stay fast)
TARGET_MARGIN = 0.15  # nats/token the GPT should be under the best n-gram (issue 22)


def recipe_hash(recipe, extra=()) -> str:
    """The hash a card records; the test recomputes it from this file to catch stale artifacts."""
    fields = {k: v for k, v in asdict(recipe).items() if not (k in _HASH_OPTIONAL and v == _HASH_OPTIONAL[k])}
    blob = json.dumps([BUILD_VERSION, type(recipe).__name__, fields, list(extra)], sort_keys=True)
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "core", "scripts"], cwd=REPO,
                               capture_output=True, text=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cli_args(r: GPTRecipe, text_file: str, out: str) -> list[str]:
    """The exact `python -m core.train` command that trains the shipped GPT."""
    cmd = ["-m", "core.train", "--text", text_file, "--tokenizer", "bpe", "--vocab-size", str(r.vocab_size),
           "--n-layer", str(r.n_layer), "--n-head", str(r.n_head), "--n-embd", str(r.n_embd),
           "--block-size", str(r.block_size), "--dropout", str(r.dropout), "--batch-size", str(r.batch_size),
           "--max-iters", str(r.max_iters), "--eval-interval", str(r.eval_interval), "--eval-iters", "20",
           "--lr", str(r.lr),
           "--warmup-iters", str(r.warmup_iters), "--weight-decay", str(r.weight_decay), "--seed", str(r.seed),
           "--threads", str(r.threads), "--no-progress", "--out", out]
    cmd += ["--byte-fallback"] if r.byte_fallback else []
    return cmd




def ngram_baseline(tokenizer, train_text: str, heldout_text: str) -> dict:
    """The best interpolated Kneser–Ney n-gram over the token ids, tuned as a baseline should be.

    The order n (1..MAX_NGRAM) and the discount D (KN's own estimate, or one fixed D for every order) are
    chosen on a dev split: 10 % of the training paragraphs, drawn by hash, left out of the counts. Then the
    counts are taken on all the training text and the chosen model is scored once on the held-out part.
    Also reported: the estimated-D model at every n on the held-out part, whose best n is picked on the
    held-out part itself (optimistic); the GPT must beat the lower of the two lines.
    """
    from core.gpt.tasks.pretrain_text import is_heldout
    from core.lm.ngram import NGramCounts

    enc = lambda t: [str(i) for i in tokenizer.encode(t)]
    paras = [p for p in train_text.split("\n\n") if p.strip()]
    dev_mask = [is_heldout(p, seed=DEV_SEED) for p in paras]
    fit = NGramCounts.train(enc("\n\n".join(p for p, d in zip(paras, dev_mask) if not d)), max_n=MAX_NGRAM)
    dev = enc("\n\n".join(p for p, d in zip(paras, dev_mask) if d))
    grid = {(n, d): fit.perplexity(dev, n, "kn", discount=d).bits * math.log(2)
            for n in range(1, MAX_NGRAM + 1) for d in DISCOUNTS}
    n_best, d_best = min(grid, key=grid.get)
    train, held = enc(train_text), enc(heldout_text)
    counts = NGramCounts.train(train, max_n=MAX_NGRAM)
    tuned = counts.perplexity(held, n_best, "kn", discount=d_best).bits * math.log(2)
    losses = {n: counts.perplexity(held, n, "kn").bits * math.log(2) for n in range(1, MAX_NGRAM + 1)}
    best = min(losses, key=losses.get)
    line = min(tuned, losses[best])
    return {"smoothing": "interpolated Kneser-Ney", "heldout_loss": round(line, 4),
            "heldout_ppl": round(math.exp(line), 2),
            "tuned": {"n": n_best, "discount": d_best if d_best is not None else "estimated",
                      "dev_tokens": len(dev), "dev_loss": round(grid[(n_best, d_best)], 4),
                      "heldout_loss": round(tuned, 4)},
            "best_n": best, "heldout_loss_by_n": {str(n): round(v, 4) for n, v in losses.items()},
            "unseen_heldout_tokens": int(sum(1 for t in held if t not in counts.stoi)),
            "note": "heldout_loss is the lower of: n and D tuned on a dev split (10 % of the training paragraphs) "
                    "then scored once; KN's estimated D with the best n picked on the held-out part itself. "
                    "Token ids never seen in training share one <unk> class."}


def _split(lang: str):
    from core.corpus import corpus_id, load_shipped, split_train_heldout

    text = load_shipped(lang)
    train, held = split_train_heldout(text)
    return text, train, held, corpus_id(text)


def _pretrain_split(lang: str):
    """(shipped corpus, LM training text, LM held-out text, corpus hash, the split) for the GPT, its snapshots,
    the LSTM and the zero-shot curves: core.gpt.tasks.pretrain_text.standard_split (books + corpus)."""
    from core.corpus import corpus_id, load_shipped
    from core.gpt.tasks.pretrain_text import standard_split

    text = load_shipped(lang)
    s = standard_split(lang)
    return text, s.train, s.heldout, corpus_id(text), s


def _text_card(lang: str, s) -> dict:
    """What the card says about the text: its sources (package, version, licence, text hash), the split, and
    that no task's held-out passage was read."""
    from core.corpus import corpus_id
    from core.gpt.tasks.pretrain_text import HELDOUT_SHARE, SPLIT_SEED, corpus_heldout, seen_share
    from core.gpt.topic_data import load_topic_data
    from core.gpt.finetune.tasks import TOPIC_CHARS
    from core.sources.text import source_text

    seen = {f"passages_{n}": seen_share([e.text for e in load_topic_data(lang, max_chars=n).heldout], s.train)
            for n in (95, TOPIC_CHARS)}
    return {"pretrain_text": {
        "what": "core.gpt.tasks.pretrain_text.standard_split: the books of core.sources (Debian packages, fetched by "
                "`make models`) plus the shipped corpus; a seeded random share of paragraphs across every source is "
                "held out (never read in training); every task's held-out paragraphs and sentences are kept out of "
                "training",
        "sources": source_text(lang).card(), "split_seed": SPLIT_SEED, "heldout_share": HELDOUT_SHARE,
        "train_chars": len(s.train), "heldout_chars": len(s.heldout), "train_id": corpus_id(s.train),
        "heldout_id": corpus_id(s.heldout), "corpus_heldout_id": corpus_id(corpus_heldout(lang)),
        "paragraphs": s.paragraphs, "heldout_paragraphs": s.heldout_paragraphs, "task_excluded": s.task_excluded,
        "by_source": s.by_source, "topic_heldout_seen": seen}}


def _scores(model, tokenizer, heldout_text: str, block_size: int, lang: str) -> dict:
    """The held-out loss on the whole held-out text, and on a fixed slice of its project-corpus part (which a
    test recomputes without fetching any book)."""
    from core.shipped.models import heldout_loss
    from core.gpt.tasks.pretrain_text import corpus_heldout

    ids = tokenizer.encode(heldout_text)
    loss = heldout_loss(model, ids, block_size)
    own = tokenizer.encode(corpus_heldout(lang))[:TEST_SLICE]
    return {"heldout_loss": round(loss, 4), "heldout_ppl": round(math.exp(loss), 2), "heldout_tokens": len(ids),
            "test_slice": {"tokens": len(own), "text": "the project corpus's held-out paragraphs "
                           "(core.gpt.tasks.pretrain_text.corpus_heldout), first tokens",
                           "loss": round(heldout_loss(model, own, block_size), 5)}}


def compare_with_ngram(model, tokenizer, train: str, held: str, block_size: int, ngram: dict) -> dict:
    """The GPT against the n-gram line on the same held-out tokens: the mean per-token gap and its standard
    error over blocks of 256 tokens (neighbouring tokens are not independent; block means nearly are)."""
    import numpy as np

    from core.shipped.models import heldout_token_losses
    from core.lm.ngram import NGramCounts

    ids = tokenizer.encode(held)
    gpt = heldout_token_losses(model, ids, block_size).numpy()
    counts = NGramCounts.train([str(i) for i in tokenizer.encode(train)], max_n=MAX_NGRAM)
    tuned = ngram["tuned"]
    use_tuned = tuned["heldout_loss"] <= ngram["heldout_loss_by_n"][str(ngram["best_n"])]
    n = tuned["n"] if use_tuned else ngram["best_n"]
    d = (tuned["discount"] if tuned["discount"] != "estimated" else None) if use_tuned else None
    p, _ = counts.token_probs([str(i) for i in ids], n, "kn", discount=d)
    kn = -np.log(p[1:])  # the GPT scores every token after the first
    diff = kn - gpt
    blocks = np.array([b.mean() for b in np.array_split(diff, max(1, len(diff) // 256))])
    se = float(blocks.std(ddof=1) / math.sqrt(len(blocks))) if len(blocks) > 1 else float("nan")
    margin = float(diff.mean())
    return {"margin_nats": round(margin, 4), "margin_se": round(se, 4), "blocks": len(blocks),
            "target_margin": TARGET_MARGIN, "target_met": margin >= TARGET_MARGIN,
            "beats": bool(margin > 2 * se), "ngram_line": {"n": n, "discount": d if d is not None else "estimated"},
            "note": "margin = mean over held-out tokens of (n-gram loss - GPT loss); beats = margin > 2 SE"}


def build_gpt(lang: str, models_dir: Path) -> dict:
    import torch

    from core.gpt.checkpoints.files import load_checkpoint, save_checkpoint
    from core.shipped.models import card_path, gpt_path

    r = GPT_RECIPES[lang]
    text, train, held, cid, split = _pretrain_split(lang)
    # The run keeps its folder (git-ignored), named by the recipe's hash: a build that fails after training
    # (writing the card, say) reuses the finished run instead of training again for most of an hour.
    run = REPO / ".cache" / "model-runs" / f"gpt-{lang}-{recipe_hash(r)}"
    run.mkdir(parents=True, exist_ok=True)
    text_file, held_file = run / f"pretrain-{lang}.txt", run / f"heldout-{lang}.txt"
    text_file.write_text(train, encoding="utf-8")
    held_file.write_text(held, encoding="utf-8")
    args = cli_args(r, str(text_file), str(run / "run")) + ["--heldout-text", str(held_file)]
    done = run / "summary.json"
    if done.is_file():
        print(f"gpt {lang}: reusing the finished run in {run}", file=sys.stderr, flush=True)
        summary = json.loads(done.read_text(encoding="utf-8"))
        wall = float(summary.get("build_wall_s", summary.get("wall_s", 0.0)))
    else:
        t0 = time.perf_counter()
        # stderr passes through: the run's progress lines go to the build's log (make models: .cache/models-<lang>.log)
        proc = subprocess.run([sys.executable, *args], cwd=REPO, stdout=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise SystemExit(f"training {lang} failed ({proc.returncode}): see its messages above")
        summary = json.loads(proc.stdout.strip().splitlines()[-1])
        done.write_text(json.dumps(summary | {"build_wall_s": round(wall, 1)}), encoding="utf-8")
    ckpt = load_checkpoint(run / "run" / "ckpt.safetensors")
    if ckpt.step != r.max_iters:
        raise SystemExit(f"the run in {run} ended at step {ckpt.step}, not {r.max_iters}: delete the folder and "
                         "rebuild")
    model = ckpt.build_model("cpu").eval()
    n_params = sum(p.numel() for p in model.parameters())
    path = gpt_path(lang, models_dir)
    # fp16 halves the folder; loading casts back to fp32 (the card's losses are those of the fp16 weights).
    save_checkpoint(path, copy.deepcopy(model).half(), ckpt.tokenizer, step=ckpt.step)
    back = load_checkpoint(path)  # read back: the card describes the fp16 file, not the fp32 run
    model16 = back.build_model("cpu").float().eval()
    card = {
        "artifact": path.name, "kind": "gpt", "lang": lang,
        "command": "python " + " ".join(args).replace(str(text_file), f"<pretrain-{lang}.txt>").replace(
            str(held_file), f"<heldout-{lang}.txt>").replace(str(run / "run"), "<out>"),
        "corpus_file": f"<pretrain-{lang}.txt> / <heldout-{lang}.txt> = "
                       f"core.gpt.tasks.pretrain_text.standard_split({lang!r}).train / .heldout written out",
        "corpus_id": cid, "corpus_chars": len(text), **_text_card(lang, split),
        "tokenizer": {"type": "sentencepiece-bpe", "vocab_size": ckpt.tokenizer.vocab_size, "trained_on": "train part"},
        "config": ckpt.config.to_dict(), "recipe": asdict(r), "seed": r.seed, "steps": ckpt.step,
        "wall_s": round(wall, 1), "trainer_summary": summary, "params": n_params, "dtype": "float16",
        **_scores(model16, back.tokenizer, held, r.block_size, lang),
        "eval": "mean cross-entropy (nats/token) over every held-out token, windows of block_size with stride "
                "block_size/2 (core.shipped.models.heldout_loss)",
        "ngram": ngram_baseline(back.tokenizer, train, held),
        "config_hash": recipe_hash(r), "git_commit": git_commit(), "torch": torch.__version__,
    }
    card["vs_ngram"] = compare_with_ngram(model16, back.tokenizer, train, held, r.block_size, card["ngram"])
    card["beats_ngram"] = card["vs_ngram"]["beats"]
    card_path(path).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card


def train_in_process(model, tokenizer, train: str, held: str, r, steps: int, on_step=None):
    """The trainer with the settings of `r`, stopped after `steps` updates (the schedule still ends at
    r.max_iters, as in the CLI run). The one place that uses the in-process Trainer API."""

    from core.gpt.data import TokenData
    from core.gpt.pretrain import TrainConfig, gpt_trainer
    from core.runtime.trainer import configure_optimizer

    tc = TrainConfig(max_iters=r.max_iters, batch_size=r.batch_size, lr=r.lr, warmup_iters=r.warmup_iters,
                     weight_decay=r.weight_decay, eval_interval=0, eval_iters=5, seed=r.seed)
    data = TokenData.from_text(tokenizer, train, held, r.block_size)
    trainer = gpt_trainer(model, data, tc, tokenizer, optimizer=configure_optimizer(model, tc),
                          gate=lambda: trainer.step < steps)
    if on_step is not None:
        trainer.add_callback("on_step", lambda tr, s: on_step(tr.raw_model, s.step))
    return trainer.run()


def build_snapshots(lang: str, models_dir: Path) -> list[str]:
    """GPT snapshots after SNAPSHOT_STEPS updates: the shipped recipe replayed in-process (same seed,
    tokenizer, initial weights, batches and schedule as the CLI run)."""
    import torch

    from core.gpt.checkpoints.files import save_checkpoint
    from core.gpt.model import GPT, GPTConfig
    from core.shipped.models import snapshot_path
    from core.gpt.data import build_tokenizer

    r = GPT_RECIPES[lang]
    torch.set_num_threads(r.threads)
    _, train, held, _, _ = _pretrain_split(lang)
    tok = build_tokenizer("bpe", train, r.vocab_size, byte_fallback=r.byte_fallback)
    cfg = GPTConfig(vocab_size=tok.vocab_size, n_layer=r.n_layer, n_head=r.n_head, n_embd=r.n_embd,
                    block_size=r.block_size, dropout=r.dropout)
    torch.manual_seed(r.seed)  # as the CLI: identical initial weights
    model = GPT(cfg)
    written = []

    def save(m, step: int) -> None:
        if step in SNAPSHOT_STEPS:
            path = snapshot_path(lang, step, models_dir)
            save_checkpoint(path, copy.deepcopy(m).half().eval(), tok, step=step,
                            extra={"recipe_hash": recipe_hash(r, SNAPSHOT_STEPS)})
            written.append(path.name)

    save(model, 0)
    train_in_process(model, tok, train, held, r, max(SNAPSHOT_STEPS), save)
    return written


# replayed updates (+ the shipped model's last): the LM changes most early; cheap to replay
ZERO_SHOT_STEPS = (0, 100, 500)


def _replayed_states(arch: str, lang: str) -> dict[int, dict]:
    """{step: fp32 state} of the shipped GPT's or LSTM's recipe replayed for max(ZERO_SHOT_STEPS) updates (same
    seed, batches and schedule as the shipped run), kept in the disk cache so re-scoring does not re-train."""
    import torch
    from safetensors.torch import load, save

    from core.gpt.lstm import LSTMConfig, LSTMLM
    from core.gpt.model import GPT, GPTConfig
    from core.gpt.data import build_tokenizer
    from core.runtime.diskcache import get_or_build

    r = GPT_RECIPES[lang] if arch == "transformer" else LSTM_RECIPES[lang]
    _, train, held, _, _ = _pretrain_split(lang)

    def build() -> dict[str, torch.Tensor]:
        torch.set_num_threads(r.threads)
        tok = build_tokenizer("bpe", train, r.vocab_size, byte_fallback=r.byte_fallback)
        torch.manual_seed(r.seed)  # as the shipped build: identical initial weights
        model = (GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=r.n_layer, n_head=r.n_head, n_embd=r.n_embd,
                               block_size=r.block_size, dropout=r.dropout)) if arch == "transformer" else
                 LSTMLM(LSTMConfig(tok.vocab_size, n_embd=r.n_embd, n_hidden=r.n_hidden, block_size=r.block_size,
                                   dropout=r.dropout)))
        flat: dict[str, torch.Tensor] = {}

        def keep(m, step: int) -> None:
            if step in ZERO_SHOT_STEPS:
                flat.update({f"{step}/{k}": v.detach().clone().contiguous() for k, v in m.state_dict().items()
                             if k != "lm_head.weight"})  # tied to wte

        keep(model, 0)
        train_in_process(model, tok, train, held, r, max(ZERO_SHOT_STEPS), keep)
        return flat

    flat, _ = get_or_build("build-zeroshot", f"{arch}-{lang}-{recipe_hash(r, ZERO_SHOT_STEPS)}", build,
                           dump=save, load=load, suffix=".safetensors")
    out: dict[int, dict] = {}
    for k, v in flat.items():
        step, name = k.split("/", 1)
        out.setdefault(int(step), {})[name] = v
    return out


def build_zeroshot(lang: str, models_dir: Path) -> dict:
    """Figure 2 (right) precomputed: every task's zero-shot accuracy (core.gpt.finetune.zeroshot) after
    ZERO_SHOT_STEPS updates of the shipped GPT's and LSTM's recipes, and of the shipped models themselves,
    into zeroshot-<lang>.json, so the page draws the curves without loading a snapshot."""
    import torch

    from core.gpt.finetune import load_shipped_backbones
    from core.gpt.topic_data import load_topic_data
    from core.gpt.finetune import zeroshot as Z
    from core.gpt.finetune.tasks import TOPIC_CHARS, load_task

    t0 = time.perf_counter()
    sb = load_shipped_backbones(lang, load_topic_data(lang, max_chars=TOPIC_CHARS))
    tasks = {t: load_task(t, lang) for t in Z.ZERO_SHOT_TASKS}
    curves: dict[str, dict[str, dict[str, float]]] = {}
    for arch, final, card in (("transformer", sb.gpt, sb.gpt_card), ("lstm", sb.lstm, sb.lstm_card)):
        models = {}
        for step, state in sorted(_replayed_states(arch, lang).items()):
            m = copy.deepcopy(final)
            m.load_state_dict(state, strict=False)  # the tied head follows wte
            models[step] = m.float().eval()
        models[int(card["steps"])] = final
        torch.set_num_threads(1)
        curves[arch] = {t: {str(step): round(Z.zero_shot_accuracy(m, sb.tokenizer, Z.zero_shot_examples(task), t, lang,
                                                                  final.config.block_size), 4)
                            for step, m in sorted(models.items())} for t, task in tasks.items()}
    path = Z.shipped_curves_path(lang, models_dir)
    card = {"artifact": path.name, "kind": "zeroshot", "lang": lang,
            "command": f"python scripts/build_models.py --only zeroshot --lang {lang}",
            "what": "held-out accuracy of LM-only answers (core.gpt.tasks.zeroshot) after N pre-training updates; "
                    "the last step is the shipped model, the others its recipe replayed with the same seed",
            "accuracy": curves, "chance": {t: round(1 / len(task.labels), 4) for t, task in tasks.items()},
            "examples": {t: Z.examples_key(Z.zero_shot_examples(task)) for t, task in tasks.items()},
            "models": {"transformer": sb.gpt_card["config_hash"], "lstm": sb.lstm_card["config_hash"]},
            "replay_steps": list(ZERO_SHOT_STEPS), "wall_s": round(time.perf_counter() - t0, 1),
            "git_commit": git_commit(), "torch": torch.__version__}
    path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card


# Seeds of the shipped transfer suite: with one, a single lucky or unlucky initialisation decides a comparison
# (entailment without pre-training, en, 6 epochs: 66.2 / 36.8 / 59.2 % over seeds 0-2, against 66.7 / 66.7 /
# 66.2 % from the shipped GPT), and the page's standard errors come from the held-out size alone. Three cost
# about three times bench/finetune.py's default single-seed run (89 s en, 124 s ja on the quiet 2 cores).
TRANSFER_SEEDS = 3


def build_transfer(lang: str, models_dir: Path, seeds: int = TRANSFER_SEEDS,
                   layers_task: str = "classification") -> dict:
    """Issue 13's transfer suite (core.gpt.finetune.suite: the four task formats from the shipped GPT and
    without pre-training, Figure 2's layer sweep) run once, into transfer-<lang>.json with its card, so the
    page shows measured numbers at once. The card's hashes (models, data, settings) tell the page when
    the file is stale. Runs in a fresh temporary cache: nothing reused."""
    import os

    from core.gpt.finetune import suite

    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as cache:
        old, os.environ["ATLAS_CACHE_DIR"] = os.environ.get("ATLAS_CACHE_DIR"), cache
        try:
            result = suite.run_suite(lang, seeds, layers_task, on_task=lambda t, o: print(
                f"transfer {lang} {t}: {o['tasks'][t]} ({o['seconds'][t]} s)", file=sys.stderr, flush=True))
        finally:
            os.environ.pop("ATLAS_CACHE_DIR") if old is None else os.environ.update(ATLAS_CACHE_DIR=old)
    return write_transfer(lang, models_dir, result, seeds, layers_task, [load, os.getloadavg()[0]])


def write_transfer(lang: str, models_dir: Path, result: dict, seeds: int, layers_task: str, load: list[float]) -> dict:
    """transfer-<lang>.json from one finished run_suite (`bench/finetune.py --ship` writes its own run here too)."""
    import os

    import torch

    from core.gpt.finetune import suite

    card = {"artifact": suite.shipped_path(lang, models_dir).name, "kind": "transfer", "lang": lang,
            "command": f"python scripts/build_models.py --only transfer --lang {lang}"
                       + ("" if seeds == TRANSFER_SEEDS else f"  # with seeds={seeds}"), "seeds": seeds,
            "layers_task": layers_task, "models": suite.model_hashes(lang, models_dir),
            "data": suite.data_hashes(lang), "settings": suite.settings_hash(seeds, layers_task),
            "wall_s": result["wall_s"], "load_avg_1m": [round(x, 2) for x in load],
            "cpus": os.cpu_count(), "git_commit": git_commit(), "torch": torch.__version__}
    path = suite.shipped_path(lang, models_dir)
    path.write_text(json.dumps({"card": card, "result": result}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card | {"result": result}


def build_lstm(lang: str, models_dir: Path) -> dict:
    import torch
    from safetensors.torch import save

    from core.gpt.checkpoints.files import tokenizer_to_meta
    from core.gpt.lstm import LSTMConfig, LSTMLM
    from core.shipped.models import LSTM_FORMAT, card_path, lstm_path, read_lstm
    from core.gpt.data import build_tokenizer
    from core.runtime.diskcache import write_atomic

    r = LSTM_RECIPES[lang]
    torch.set_num_threads(r.threads)
    text, train, held, cid, split = _pretrain_split(lang)
    tok = build_tokenizer("bpe", train, r.vocab_size, byte_fallback=r.byte_fallback)
    cfg = LSTMConfig(tok.vocab_size, n_embd=r.n_embd, n_hidden=r.n_hidden, block_size=r.block_size, dropout=r.dropout)
    torch.manual_seed(r.seed)
    model = LSTMLM(cfg)
    t0 = time.perf_counter()
    result = train_in_process(model, tok, train, held, r, r.max_iters)
    wall = time.perf_counter() - t0
    path = lstm_path(lang, models_dir)
    tensors = {k: v.detach().half().contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    meta = {"format": LSTM_FORMAT, "config": json.dumps(cfg.to_dict()), "step": str(result.iters),
            "tokenizer": json.dumps(tokenizer_to_meta(tok))}
    write_atomic(path, save(tensors, metadata=meta))
    model16, tok16 = read_lstm(path)
    card = {"artifact": path.name, "kind": "lstm", "lang": lang,
            "command": f"python scripts/build_models.py --only lstm --lang {lang}",
            "corpus_id": cid, "corpus_chars": len(text), **_text_card(lang, split),
            "tokenizer": {"type": "sentencepiece-bpe", "vocab_size": tok.vocab_size, "trained_on": "train part"},
            "config": cfg.to_dict(), "recipe": asdict(r), "seed": r.seed, "steps": result.iters,
            "wall_s": round(wall, 1), "params": sum(p.numel() for p in model.parameters()), "dtype": "float16",
            **_scores(model16, tok16, held, r.block_size, lang),
            "config_hash": recipe_hash(r), "git_commit": git_commit(), "torch": torch.__version__}
    card_path(path).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card


def build_encdec(lang: str, models_dir: Path) -> dict:
    """The encoder-decoder of the Encoder-decoder page (number words -> digits) at the page's default
    config, trained through the one Trainer with its fixed seed, stored under the page's cache key."""
    from dataclasses import asdict

    from core.transformer.encoder_decoder import Seq2SeqConfig
    from core.transformer.encoder_decoder_train import dump, shipped_path, train

    cfg = Seq2SeqConfig(lang=lang)
    t0 = time.perf_counter()
    model, report = train(cfg)
    wall = round(time.perf_counter() - t0, 1)
    path = shipped_path(cfg, models_dir / "encdec")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dump((model, report)))
    card = {"artifact": path.name, "command": f"python scripts/build_models.py --only encdec --lang {lang}",
            "config": asdict(cfg), "seed": cfg.seed, "steps": len(report.losses), "wall_s": wall,
            "heldout_exact_match": report.accuracy, "heldout_numbers": report.heldout_count,
            "params": sum(p.numel() for p in model.parameters()), "commit": git_commit()}
    (models_dir / "encdec" / f"encdec-{lang}.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                               encoding="utf-8")
    return card


def build_sweep(lang: str, models_dir: Path) -> dict:
    """The vocabulary-sweep page's default view (core.tokenizers.sweep_job.default_request) on the shipped
    corpus, so the page opens without training a dozen tokenizers."""
    from core.tokenizers.sweep_job import compute, default_request, write_shipped

    text, train, held, cid = _split(lang)
    request = default_request(cid, train)
    t0 = time.perf_counter()
    result = compute(request, train, held)
    wall = round(time.perf_counter() - t0, 2)
    card = {"artifact": f"sweep-{lang}.json", "command": f"python scripts/build_models.py --only sweep --lang {lang}",
            "corpus_id": cid, "corpus_chars": len(text), "sizes": list(request.sizes), "methods": list(request.methods),
            "points": len(result.points), "wall_s": wall, "git_commit": git_commit()}
    write_shipped(models_dir / "sweep" / f"sweep-{lang}.json", request, result, card)
    return card


TOK_BPE_MERGES = 3000  # views/tok_bpe/page.py's slider maximum on the train part: every position is a prefix of it


def build_tokenizers(lang: str, models_dir: Path) -> dict:
    """The tokenizers pages train on first open at their default settings, so they open at once:
    tok_compare's learned rows (core.tokenizers.compare.LEARNERS at compare_job.DEFAULT_VOCAB on the whole
    corpus) and tok_bpe's BPE in both modes at its slider's maximum (a smaller count is a prefix). Each file is the
    tokenizer cache's own file (`<key><suffix>`: the key holds
    the corpus hash and the settings), read by core.tokenizers.cache before it trains anything."""
    import lzma
    import os

    from core.tokenizers import cache
    from core.tokenizers.bpe import train_bpe
    from core.tokenizers.cache import text_hash
    from core.tokenizers.compare import LEARNED, LEARNERS, mecab_vocabulary, sudachi_vocabulary
    from core.tokenizers.compare_job import DEFAULT_VOCAB

    text, train, _, cid = _split(lang)
    vocab = DEFAULT_VOCAB[lang]
    builds = [(f"tok_compare {name}", {"vocab_size": vocab, "corpus": "whole"}, lambda n=name: LEARNERS[n](text, vocab))
              for name in LEARNED]
    builds.append(("tok_compare mecab", {"corpus": "whole"}, lambda: mecab_vocabulary(text)))
    builds.append(("tok_compare sudachi", {"corpus": "whole", "mode": "C"}, lambda: sudachi_vocabulary(text)))
    builds += [(f"tok_bpe {mode}", {"mode": mode, "num_merges": TOK_BPE_MERGES, "corpus": "train part"},
                lambda m=mode: train_bpe(train, m, TOK_BPE_MERGES)) for mode in ("words", "raw")]
    out = models_dir / "tokenizers"
    card_file = out / f"tokenizers-{lang}.json"
    if card_file.is_file():  # files of an older build of this language (other corpus or settings) go first
        for name in json.loads(card_file.read_text(encoding="utf-8")).get("files", {}):
            (out / name).unlink(missing_ok=True)
    files, t0 = {}, time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        # Build from scratch: an empty cache, no shipped layer, nothing in memory.
        before_env, before_dir = os.environ.get("ATLAS_CACHE_DIR"), cache.SHIPPED_DIR
        os.environ["ATLAS_CACHE_DIR"], cache.SHIPPED_DIR = tmp, Path(tmp) / "no-shipped"
        cache.MEMORY.clear()
        try:
            folder, seen = Path(tmp) / cache.KIND, set()
            for what, settings, build in builds:
                fitted = build()
                if getattr(fitted, "note", None) is not None and what.split()[-1].startswith("spm"):
                    raise SystemExit(f"{lang} {what}: SentencePiece had to change the size ({fitted.note.en}); "
                                     "a shipped default must be a size the corpus allows")
                for f in sorted(set(folder.iterdir()) - seen):
                    seen.add(f)
                    out.mkdir(parents=True, exist_ok=True)
                    shipped = cache.shipped_path(f.stem, f.suffix)  # <key><suffix>.xz, as the cache reads it
                    data = lzma.compress(f.read_bytes(), preset=9)
                    (out / shipped.name).write_bytes(data)
                    files[shipped.name] = {"page": what, "settings": settings, "bytes": len(data),
                                           "bytes_uncompressed": f.stat().st_size}
        finally:
            cache.SHIPPED_DIR = before_dir
            if before_env is None:
                os.environ.pop("ATLAS_CACHE_DIR", None)
            else:
                os.environ["ATLAS_CACHE_DIR"] = before_env
            cache.MEMORY.clear()
    card = {"command": f"python scripts/build_models.py --only tokenizers --lang {lang}", "lang": lang,
            "corpus_id": cid, "corpus_chars": len(text), "train_part_hash": text_hash(train),
            "note": "file name = core.tokenizers.cache key: '<kind>-<corpus hash>-<settings hash>'; used only when "
                    "both match. SentencePiece trains deterministically for a given input and settings.",
            "files": files, "total_bytes": sum(f["bytes"] for f in files.values()),
            "wall_s": round(time.perf_counter() - t0, 2), "git_commit": git_commit()}
    card_file.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card


def notes_for(lang: str, models_dir: Path) -> list:
    """Today's notes (core.notes_specs) for `lang`, on the models shipped in `models_dir`."""
    from core import notes_specs as N
    from core.gpt.inside import residual
    from core.shipped.models import gpt_path, load_gpt_file
    from core.lm import kn_compare
    from core.transformer.encoder_decoder import Seq2SeqConfig
    from core.transformer.encoder_decoder_train import load as load_encdec, shipped_path
    from ui.texts.notes_checks import T

    gpt = load_gpt_file(gpt_path(lang, models_dir), lang)
    cfg = Seq2SeqConfig(lang=lang)
    encdec, _ = load_encdec(shipped_path(cfg, models_dir / "encdec").read_bytes())
    notes = [N.position_pairs(lang), N.dict_lookup(lang, gpt.model, gpt.tokenizer, N.dict_strings(T, lang)),
             N.encdec_alignment(encdec, cfg), N.attention_scaling(0), N.ngram_page(lang),
             N.normalization_page(lang), residual.page_note(gpt, lang)]
    notes += [kn_compare.shipped_note(lang, level) for level in ("char", "word")]
    return notes + ([N.sudachi_counts(lang)] if lang == "ja" else [])


def build_notes(lang: str, models_dir: Path) -> dict:
    """The notes sections' numbers (core.notes_specs), computed from the shipped corpus and the models just built
    into `models_dir`: notes/<name>.json each (inputs + hash + value), notes/notes-<lang>.json the card.
    A page reads a note only while its inputs hash matches what it would compute from today."""
    import torch

    from core.corpus import corpus_id, load_shipped
    from core.notes_store import note_path, record

    torch.set_num_threads(1)  # the same sums on any machine load
    command = f"python scripts/build_models.py --only notes --lang {lang}"
    files, t0 = {}, time.perf_counter()
    for note in notes_for(lang, models_dir):
        t1 = time.perf_counter()
        value = json.loads(json.dumps(note.compute(), ensure_ascii=False))  # exactly what a reader gets back
        rec = record(note, value, time.perf_counter() - t1, command)
        path = note_path(note.name, models_dir / "notes")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        files[path.name] = {"inputs_hash": note.inputs_hash, "inputs": note.inputs, "bytes": path.stat().st_size,
                            "wall_s": rec["wall_s"]}
    card = {"command": command, "lang": lang, "corpus_id": corpus_id(load_shipped(lang)),
            "what": "numbers of the notes sections (tok_compare, tf_attention, tf_encoder_decoder) and of lm_ngram "
                    "(its curves and the interpolated vs modified Kneser–Ney comparison, kn-compare-<lang>-<level>) "
                    "and gpt_residual (the residual-stream study of the shipped GPT, residual-<lang>), "
                    "derived from the "
                    "shipped corpus and models; each file's inputs name the corpus hash and the models' weight digests",
            "files": files, "wall_s": round(time.perf_counter() - t0, 2), "git_commit": git_commit(),
            "torch": torch.__version__}
    (models_dir / "notes" / f"notes-{lang}.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n",
                                                            encoding="utf-8")
    return card


def build_step_times(models_dir: Path, repeats: int = 5) -> dict:
    """<models_dir>/../measurements/step-times.json (assets/measurements/), which the fine-tuning page shows:
    core.gpt.timing.step_time.measure on one
    thread (1 degrades gracefully when other processes share the cores, FACTS.md), the load average beside it."""
    import datetime
    import os

    import torch

    from core.gpt.timing.step_time import measure, to_dict

    torch.set_num_threads(1)
    load_before = os.getloadavg()[0]
    result = {**to_dict(measure(repeats=repeats)),
              "load_avg_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)], "cpu_count": os.cpu_count(),
              "measured": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "command": "python scripts/build_models.py --only step_times"}
    path = models_dir.parent / "measurements" / "step-times.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> None:
    die_with_parent()  # started by a page's rebuild (core.shipped.rebuild): end with the server, even a killed one
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", choices=(*PER_LANGUAGE, "step_times"), action="append")
    p.add_argument("--lang", choices=tuple(GPT_RECIPES), action="append")
    p.add_argument("--out", default=str(REPO / "assets" / "models"))
    p.add_argument("--max-iters", type=int, default=0, help="tests only: a tiny GPT/LSTM budget (the card says so)")
    a = p.parse_args(argv)
    if a.max_iters > 0:  # replace() keeps every other setting; the card's recipe and hash record the cut
        for recipes in (GPT_RECIPES, LSTM_RECIPES):
            recipes.update({k: replace(r, max_iters=a.max_iters, warmup_iters=min(r.warmup_iters, a.max_iters))
                            for k, r in recipes.items()})
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    report = {}
    if a.only and "step_times" in a.only:
        report["step_times"] = build_step_times(out)
    for lang in a.lang or list(GPT_RECIPES):
        for what in [w for w in a.only or PER_LANGUAGE if w != "step_times"]:
            t1 = time.perf_counter()
            if what == "gpt":
                card = build_gpt(lang, out)
                report[f"gpt-{lang}"] = {k: card[k] for k in ("heldout_loss", "heldout_ppl", "steps", "wall_s")} | {
                    "ngram_loss": card["ngram"]["heldout_loss"], "ngram_n": card["ngram"]["best_n"]}
            elif what == "snapshots":
                report[f"snapshots-{lang}"] = build_snapshots(lang, out)
            elif what == "tokenizers":
                card = build_tokenizers(lang, out)
                report[f"tokenizers-{lang}"] = {"files": len(card["files"]), "bytes": card["total_bytes"],
                                                "wall_s": card["wall_s"]}
            elif what == "sweep":
                report[f"sweep-{lang}"] = {k: v for k, v in build_sweep(lang, out).items() if k in ("points", "wall_s")}
            elif what == "transfer":
                report[f"transfer-{lang}"] = build_transfer(lang, out)["result"]
            elif what == "zeroshot":
                report[f"zeroshot-{lang}"] = build_zeroshot(lang, out)["accuracy"]
            elif what == "notes":  # after gpt and encdec: computed on the models just built
                report[f"notes-{lang}"] = {k: build_notes(lang, out)[k] for k in ("files", "wall_s")}
            elif what == "encdec":
                card = build_encdec(lang, out)
                report[f"encdec-{lang}"] = {k: card[k] for k in ("heldout_exact_match", "steps", "wall_s")}
            else:
                card = build_lstm(lang, out)
                report[f"lstm-{lang}"] = {k: card[k] for k in ("heldout_loss", "heldout_ppl", "steps", "wall_s")}
            print(f"{what} {lang}: {time.perf_counter() - t1:.0f} s", file=sys.stderr, flush=True)
    report["wall_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
