"""GPT-1 fine-tuning with an auxiliary LM loss, and the paper's ablations (Table 5) at a small scale.

GPT-1 (Radford et al. 2018, §3.2) puts a linear layer on the pre-trained model's last hidden state:

    input   u_1 … u_m, then an extract token e         (an extra embedding row, like GPT-1's delimiters)
    P(y | u) = softmax(h_n^{(e)} W_y)                   h_n^{(e)}: final hidden state at the extract token
    L2 = −Σ log P(y | u)                                classification NLL
    L1 = −Σ_t log P(u_t | u_<t)                         the LM loss on the same input
    L3 = L2 + λ·L1                                      λ = 0.5 in the paper

Ablations (Table 5): full (pre-trained, λ = 0.5), w/o pre-training (random init, λ = 0.5),
w/o aux LM (pre-trained, λ = 0), LSTM w/ aux LM (an LSTM LM pre-trained with the same budget).
The task is topic classification of passages of the shipped corpus (core.gpt.topic_data); pre-training
reads only the training paragraphs' text, so the held-out passages are unseen by every model.

Nothing here touches Streamlit: `FinetuneJob` runs an experiment in a background thread and the
page polls `view()`. Results and pre-trained weights are cached under ATLAS_CACHE_DIR.
"""
from __future__ import annotations

import copy
import hashlib
import itertools
import json
import math
import os
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.gpt.lstm import LSTMConfig, LSTMLM
from core.tokenizers.base import Tokenizer
from core.gpt.topic_data import TopicData, load_topic_data
from core.gpt.train import ThreadTuner, TokenData, Trainer, TrainConfig, build_tokenizer, configure_optimizer
from core.gpt.training_job import BackgroundJob

CACHE_VERSION = "ft1"
VARIANTS = ("full", "no_pretrain", "no_aux", "lstm_aux")
# Table 5 of the paper: average score over the tasks.
PAPER = {"full": 74.7, "no_pretrain": 59.9, "no_aux": 75.0, "lstm_aux": 69.1}
IGNORE = -100  # targets the LM loss skips (padding, the extract token)
VOCAB = {"en": 1000, "ja": 3000}  # SentencePiece pieces per corpus language


@dataclass(frozen=True)
class Variant:
    name: str
    arch: str  # "transformer" | "lstm"
    pretrained: bool
    aux: bool  # λ > 0


VARIANT_SPECS = {
    "full": Variant("full", "transformer", True, True),
    "no_pretrain": Variant("no_pretrain", "transformer", False, True),
    "no_aux": Variant("no_aux", "transformer", True, False),
    "lstm_aux": Variant("lstm_aux", "lstm", True, True),
}


@dataclass(frozen=True)
class Budget:
    """How much work one experiment does; the same for every variant."""

    pretrain_steps: int = 700  # LM steps for each model (transformer and LSTM alike); more overfits ~70 KB of text
    pretrain_batch: int = 12
    pretrain_lr: float = 1e-3
    epochs: int = 4  # fine-tuning epochs (the paper: 3, on far more examples per epoch)
    batch: int = 32  # fine-tuning batch (the paper: 32)
    lr: float = 1e-3  # the paper's 6.25e-5 is for a 117M model; a 0.9M one wants more
    evals: int = 12  # held-out evaluations per fine-tuning run
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    block_size: int = 64  # tokens a model reads: a passage (cut to block_size − 1) + the extract token
    tokenizer: str = "bpe"  # SentencePiece BPE: words and pieces, so a short LM run already knows words
    vocab_size: int = 0  # 0 = per language (VOCAB); Japanese needs an id for each of its ~1,400 characters first
    max_chars: int = 200  # passages of at most this many characters (≈ 45 BPE tokens in English)
    lstm_hidden: int = 256
    dropout: float = 0.1  # while fine-tuning only (GPT-1: 0.1 in the classifier); pre-training uses none
    max_train: int = 0  # 0 = all training passages (tests use a few)
    max_heldout: int = 0


BUDGETS: dict[str, Budget] = {
    "quick": Budget(),  # ~30–60 s of pre-training per model on a 2-core CPU
    "standard": Budget(pretrain_steps=1500, epochs=6),
}


@dataclass(frozen=True)
class Settings:
    lang: str = "en"
    budget: str = "quick"
    lam: float = 0.5
    variants: tuple[str, ...] = VARIANTS
    seeds: int = 1

    def __post_init__(self) -> None:
        if not (0.0 <= self.lam <= 10.0 and math.isfinite(self.lam)):
            raise UserInputError("λ must be between 0 and 10.", "λ は 0 以上 10 以下にしてください。")
        if not self.variants:
            raise UserInputError("Choose at least one model to compare.", "比較するモデルを 1 つ以上選んでください。")
        bad = [v for v in self.variants if v not in VARIANT_SPECS]
        if bad or self.budget not in BUDGETS or not 1 <= self.seeds <= 5:
            raise UserInputError(f"Unknown settings: {bad or self.budget or self.seeds}.", f"不明な設定です：{bad or self.budget or self.seeds}")

    def lam_for(self, variant: str) -> float:
        return self.lam if VARIANT_SPECS[variant].aux else 0.0


def cache_dir() -> Path:
    from core.runtime.diskcache import cache_root

    return cache_root() / "finetune"


def _key(obj) -> str:
    return hashlib.sha1(json.dumps(obj, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]


# ------------------------------------------------------------------------------------------------
# The model: a backbone (GPT or LSTM LM) with one more token and a linear head W_y
# ------------------------------------------------------------------------------------------------
def add_extract_token(backbone: nn.Module) -> int:
    """Give `backbone` one more embedding row (N(0, 0.02), as GPT-1's init) for the extract token.

    The pre-trained rows are kept; the tied LM head follows the new embedding. Returns the new id.
    """
    old = backbone.wte
    V, C = old.weight.shape
    new = nn.Embedding(V + 1, C).to(old.weight.device)
    with torch.no_grad():
        new.weight[:V] = old.weight
        nn.init.normal_(new.weight[V:], std=0.02)
    backbone.wte = new
    backbone.lm_head.weight = new.weight  # still tied: P(u) = softmax(h W_e^T)
    backbone.config = replace(backbone.config, vocab_size=V + 1)
    return V


class TopicClassifier(nn.Module):
    """Backbone + W_y. forward -> (class logits (B, K), LM logits (B, T, V+1))."""

    def __init__(self, backbone: nn.Module, n_classes: int, extract_id: int):
        super().__init__()
        self.backbone = backbone
        self.extract_id = extract_id
        self.head = nn.Linear(backbone.config.n_embd, n_classes)  # W_y
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    def states(self, x: torch.Tensor, ends: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """All final hidden states h (B, T, C) and the one at the extract token h_e (B, C)."""
        h = self.backbone.features(x)  # (B, T, C)
        return h, h[torch.arange(x.size(0), device=x.device), ends]  # (B, C)

    def forward(self, x: torch.Tensor, ends: torch.Tensor, with_lm: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x (B, T) ids with the extract token at position ends[b]; what follows it is padding."""
        h, h_e = self.states(x, ends)
        lm = self.backbone.lm_head(h) if with_lm else None  # (B, T, C) x (C, V) -> (B, T, V)
        return self.head(h_e), lm  # (B, C) x (C, K) -> (B, K)


def encode_batch(tokenizer: Tokenizer, texts: list[str], extract_id: int, max_tokens: int
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Texts -> x (B, T) = tokens + extract token + padding, ends (B,), LM targets (B, T).

    Tokens beyond max_tokens − 1 are cut (the extract token needs the last place). The LM target of
    position t is token t+1 of the text; the last text token, the extract token and padding get IGNORE.
    """
    rows = [tokenizer.encode(t)[: max_tokens - 1] for t in texts]
    T = max(len(r) for r in rows) + 1
    x = torch.zeros(len(rows), T, dtype=torch.long)
    y = torch.full((len(rows), T), IGNORE, dtype=torch.long)
    ends = torch.empty(len(rows), dtype=torch.long)
    for b, r in enumerate(rows):
        n = len(r)
        if n:
            x[b, :n] = torch.tensor(r)
            y[b, : n - 1] = x[b, 1:n]
        x[b, n] = extract_id
        ends[b] = n
    return x, ends, y


def finetune_loss(model: TopicClassifier, x: torch.Tensor, ends: torch.Tensor, labels: torch.Tensor,
                  lm_targets: torch.Tensor, lam: float) -> dict[str, torch.Tensor]:
    """{"l2": classification NLL, "l1": LM loss, "l3": L2 + λ·L1, "logits"} (means over the batch).

    With λ = 0 the LM loss is still measured, but outside autograd: it adds nothing to the gradient.
    """
    h, h_e = model.states(x, ends)
    logits = model.head(h_e)  # (B, K)
    l2 = F.nll_loss(F.log_softmax(logits, dim=-1), labels)  # −log P(y | u), the paper's wording
    with torch.set_grad_enabled(torch.is_grad_enabled() and lam > 0):
        lm = model.backbone.lm_head(h if lam > 0 else h.detach())  # (B, T, V)
        l1 = F.cross_entropy(lm.reshape(-1, lm.size(-1)), lm_targets.reshape(-1), ignore_index=IGNORE)
    l3 = l2 + lam * l1 if lam > 0 else l2
    return {"l1": l1, "l2": l2, "l3": l3, "logits": logits}


# ------------------------------------------------------------------------------------------------
# Pre-training (core.gpt.train's Trainer, cached on disk) and fine-tuning one variant
# ------------------------------------------------------------------------------------------------
PRETRAIN_SEED = 1337


def gpt_config(budget: Budget, vocab_size: int) -> GPTConfig:
    return GPTConfig(vocab_size=vocab_size, n_layer=budget.n_layer, n_head=budget.n_head, n_embd=budget.n_embd,
                     block_size=budget.block_size)


def task_tokenizer(data: TopicData, budget: Budget, lang: str = "en") -> Tokenizer:
    """The tokenizer trained on the training paragraphs, cached on disk (so cached weights always match it)."""
    from core.gpt.checkpoint import tokenizer_from_meta, tokenizer_to_meta

    from core.tokenizers.spm import VocabSizeError

    vocab = budget.vocab_size or VOCAB.get(lang, 1000)
    path = cache_dir() / "tokenizers" / f"{_key([CACHE_VERSION, data.key(), budget.tokenizer, vocab])}.json"
    try:
        return tokenizer_from_meta(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        pass
    try:
        tok = build_tokenizer(budget.tokenizer, data.train_text, vocab)
    except VocabSizeError as e:  # fewer pieces than distinct characters: take the smallest possible
        tok = build_tokenizer(budget.tokenizer, data.train_text, e.limit)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    tmp.write_text(json.dumps(tokenizer_to_meta(tok)), encoding="utf-8")
    os.replace(tmp, path)
    return tok


def new_backbone(arch: str, budget: Budget, vocab_size: int, gpt_cfg: GPTConfig | None = None,
                 dropout: float = 0.0) -> nn.Module:
    if arch == "lstm":
        return LSTMLM(LSTMConfig(vocab_size, n_embd=budget.n_embd, n_hidden=budget.lstm_hidden,
                                 block_size=budget.block_size, dropout=dropout))
    return GPT(replace(gpt_cfg or gpt_config(budget, vocab_size), dropout=dropout))


def _save_state(path: Path, state: dict[str, torch.Tensor], meta: dict) -> None:
    from safetensors.torch import save

    data = save({k: v.detach().cpu().contiguous() for k, v in state.items() if not k.endswith("lm_head.weight")},
                metadata={"meta": json.dumps(meta, default=str)})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{threading.get_ident()}-{path.name}")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # atomic: a reader never sees half a file


def _load_state(path: Path) -> tuple[dict[str, torch.Tensor], dict] | None:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}, json.loads((f.metadata() or {}).get("meta", "{}"))
    except Exception:  # noqa: BLE001 - a missing or broken cache file is simply recomputed
        return None


def pretrain(arch: str, tokenizer: Tokenizer, data: TopicData, budget: Budget, device: torch.device | str = "cpu",
             gate=None, on_step=None, threads: int | None = None, gpt_cfg: GPTConfig | None = None,
             tag: str = "") -> tuple[nn.Module, dict]:
    """An LM pre-trained on the training paragraphs for budget.pretrain_steps; from the cache if there.

    Returns (model, {"seconds", "val_loss", "cached", "steps"}); model is None when stopped by `gate`.
    """
    model = new_backbone(arch, budget, tokenizer.vocab_size, gpt_cfg)
    from core.gpt.checkpoint import tokenizer_to_meta

    key = _key([CACHE_VERSION, arch, tag, data.key(), tokenizer_to_meta(tokenizer), model.config.to_dict(),
                budget.pretrain_steps, budget.pretrain_batch, budget.pretrain_lr, PRETRAIN_SEED])
    path = cache_dir() / "pretrain" / f"{arch}-{key}.safetensors"
    hit = _load_state(path)
    if hit is not None:
        model.load_state_dict(hit[0], strict=False)
        return model.to(device), {**hit[1], "cached": True}
    torch.manual_seed(PRETRAIN_SEED)
    model = new_backbone(arch, budget, tokenizer.vocab_size, gpt_cfg).to(device)
    tdata = TokenData.from_text(tokenizer, data.train_text, data.heldout_text, model.config.block_size, device)
    tc = TrainConfig(max_iters=budget.pretrain_steps, batch_size=budget.pretrain_batch, lr=budget.pretrain_lr,
                     eval_interval=0, eval_iters=10, seed=PRETRAIN_SEED, threads="auto")
    trainer = Trainer(model, tdata, tc, tokenizer, device, gate=gate, max_threads=threads)
    if on_step is not None:
        trainer.add_callback("on_step", lambda tr, s: on_step(s))
    result = trainer.run()
    if result.status != "finished":
        return None, {"status": result.status, "reason": result.reason}
    info = {"seconds": round(result.wall_s, 2), "val_loss": result.val_loss, "steps": result.iters,
            "params": sum(p.numel() for p in model.parameters())}
    _save_state(path, model.state_dict(), info)
    return model, {**info, "cached": False}


@dataclass
class Encoded:
    x: torch.Tensor  # (N, T)
    ends: torch.Tensor  # (N,)
    y_lm: torch.Tensor  # (N, T)
    labels: torch.Tensor  # (N,)


def encode_examples(tokenizer: Tokenizer, examples, extract_id: int, max_tokens: int) -> Encoded:
    x, ends, y = encode_batch(tokenizer, [e.text for e in examples], extract_id, max_tokens)
    return Encoded(x, ends, y, torch.tensor([e.label for e in examples], dtype=torch.long))


@torch.inference_mode()
def evaluate(model: TopicClassifier, enc: Encoded, n_classes: int, batch: int = 128
             ) -> tuple[float, float, list[list[int]]]:
    """(accuracy, mean classification NLL, confusion matrix [true][predicted]) on `enc`."""
    was = model.training
    model.eval()
    conf = torch.zeros(n_classes, n_classes, dtype=torch.long)
    nll = 0.0
    for i in range(0, len(enc.labels), batch):
        end = int(enc.ends[i:i + batch].max()) + 1
        logits, _ = model(enc.x[i:i + batch, :end], enc.ends[i:i + batch], with_lm=False)
        lab = enc.labels[i:i + batch]
        nll += float(F.cross_entropy(logits, lab, reduction="sum"))
        conf += torch.bincount(lab * n_classes + logits.argmax(-1), minlength=n_classes ** 2).view(n_classes, n_classes)
    model.train(was)
    n = max(1, len(enc.labels))
    return float(conf.diag().sum()) / n, nll / n, conf.tolist()


@dataclass
class Curves:
    steps: list[int] = field(default_factory=list)
    l2: list[float] = field(default_factory=list)  # classification loss of each training batch
    l1: list[float] = field(default_factory=list)  # LM loss of each training batch
    train_acc: list[float] = field(default_factory=list)
    eval_steps: list[int] = field(default_factory=list)
    eval_acc: list[float] = field(default_factory=list)  # held-out accuracy
    eval_loss: list[float] = field(default_factory=list)


def finetune(backbone: nn.Module, n_classes: int, train: Encoded, heldout: Encoded, budget: Budget, lam: float,
             seed: int, device: torch.device | str = "cpu", gate=None, curves: Curves | None = None,
             lock: threading.Lock | None = None, on_step=None, threads: int | None = None):
    """Fine-tune backbone + W_y with L3 = L2 + λ·L1 for budget.epochs; returns (model, accuracy, confusion)
    or None when `gate()` said stop. `curves` is filled as it goes (under `lock`, for a reader thread)."""
    device = torch.device(device)
    torch.manual_seed(seed)
    extract = add_extract_token(backbone)
    model = TopicClassifier(backbone, n_classes, extract).to(device)
    N = len(train.labels)
    per_epoch = math.ceil(N / budget.batch)
    total = per_epoch * budget.epochs
    tc = TrainConfig(max_iters=total, lr=budget.lr, warmup_iters=max(1, total // 10), min_lr_ratio=0.0)
    opt = configure_optimizer(model, tc, device)
    gen = torch.Generator().manual_seed(seed)
    tuner = ThreadTuner(threads, probe=3, every=200) if device.type == "cpu" else None
    curves = curves if curves is not None else Curves()
    lock = lock or threading.Lock()
    every = max(1, total // max(1, budget.evals))

    def record_eval(step: int) -> None:
        acc, loss, _ = evaluate(model, heldout, n_classes)
        with lock:
            curves.eval_steps.append(step)
            curves.eval_acc.append(acc)
            curves.eval_loss.append(loss)

    record_eval(0)
    step = 0
    model.train()
    for _ in range(budget.epochs):
        perm = torch.randperm(N, generator=gen)
        for i in range(0, N, budget.batch):
            if gate is not None and not gate():
                return None
            n_threads = tuner.threads_for_next_step() if tuner is not None else 0
            if n_threads and n_threads != torch.get_num_threads():
                torch.set_num_threads(n_threads)
            t0 = time.perf_counter()
            idx = perm[i:i + budget.batch]
            end = int(train.ends[idx].max()) + 1  # trim padding columns nobody reads
            x, ends, y_lm, lab = (train.x[idx, :end].to(device), train.ends[idx].to(device),
                                  train.y_lm[idx, :end].to(device), train.labels[idx].to(device))
            for g in opt.param_groups:
                g["lr"] = tc.lr_at(step)
            out = finetune_loss(model, x, ends, lab, y_lm, lam)
            opt.zero_grad(set_to_none=True)
            out["l3"].backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
            opt.step()
            step += 1
            if tuner is not None:
                tuner.record(n_threads, time.perf_counter() - t0)
            acc = float((out["logits"].argmax(-1) == lab).float().mean())
            with lock:
                curves.steps.append(step)
                curves.l2.append(out["l2"].item())
                curves.l1.append(out["l1"].item())
                curves.train_acc.append(acc)
            if on_step is not None:
                on_step()
            if step % every == 0 and step != total:
                record_eval(step)
    record_eval(total)
    acc, _, conf = evaluate(model, heldout, n_classes)
    return model.eval(), acc, conf


@torch.inference_mode()
def predict(model: TopicClassifier, tokenizer: Tokenizer, text: str, max_tokens: int) -> tuple[list[float], int, int]:
    """Topic probabilities for `text`, the tokens read and the tokens it has (those past max_tokens − 1 are cut)."""
    x, ends, _ = encode_batch(tokenizer, [text], model.extract_id, max_tokens)
    dev = model.head.weight.device
    logits, _ = model(x.to(dev), ends.to(dev), with_lm=False)
    return logits.softmax(-1)[0].tolist(), int(ends[0]), len(tokenizer.encode(text))


# ------------------------------------------------------------------------------------------------
# An experiment (pre-train, then fine-tune every chosen variant for every seed) in a background thread
# ------------------------------------------------------------------------------------------------
@dataclass
class LivePretrained:
    """A GPT trained elsewhere (the "Train GPT-1 live" page) to use as the pre-trained transformer."""

    model: GPT
    tokenizer: Tokenizer
    label: str


def check_live_fits(live: LivePretrained, data: TopicData, max_unknown: float = 0.02) -> None:
    """Refuse a model whose tokenizer does not cover the task's text (e.g. trained on the other language)."""
    ids = live.tokenizer.encode(data.train_text[:20000])
    unk = ids.count(0) / max(1, len(ids))  # id 0 is <unk> for characters and SentencePiece alike
    if live.model.config.vocab_size != live.tokenizer.vocab_size or unk > max_unknown:
        raise UserInputError(
            f"The model from “Train GPT-1 live” does not know this corpus's characters ({unk:.0%} unknown). "
            "Train it on the same language, or use the built-in pre-training.",
            f"「GPT-1 をその場で学習」のモデルはこのコーパスの文字を知りません（{unk:.0%} が未知）。"
            "同じ言語で学習するか、組み込みの事前学習を使ってください。",
        )


@dataclass
class VariantResult:
    name: str
    accs: list[float]  # held-out accuracy, one per seed
    confusion: list[list[int]]  # of the first seed
    curves: dict  # Curves of the first seed, as a dict
    seconds: float
    cached: bool = False

    @property
    def mean(self) -> float:
        return statistics.fmean(self.accs)

    @property
    def std(self) -> float:
        return statistics.stdev(self.accs) if len(self.accs) > 1 else 0.0


@dataclass
class FinetuneView:
    """A consistent copy of a job's state for the page."""

    status: str  # ready | running | stopped | finished | failed
    phase: str  # "" | "pretrain_transformer" | "pretrain_lstm" | "finetune"
    variant: str  # the variant being fine-tuned now
    seed: int
    progress: float
    eta_s: float | None
    elapsed_s: float
    curves: dict[str, dict]  # variant -> Curves dict (first seed; live while it trains)
    results: dict[str, VariantResult]
    pretrain: dict[str, dict]
    message: UserInputError | None
    labels: list[str]
    counts_train: list[int]
    counts_heldout: list[int]
    majority: float
    settings: Settings

    @property
    def active(self) -> bool:
        return self.status == "running"

    def best(self) -> str | None:
        return max(self.results, key=lambda k: self.results[k].mean) if self.results else None


FT_STEP_COST = 2.5  # a fine-tuning step (batch 32) costs about this many pre-training steps (batch 12)


class FinetuneJob(BackgroundJob):
    """Runs `settings` in a thread; `view()` is safe from any thread; models stay for predictions."""

    def __init__(self, settings: Settings, device: torch.device | str = "cpu", live: LivePretrained | None = None,
                 threads: int | None = None):
        from core.gpt.training_job import ui_threads

        self.id = next(_job_ids)
        self.settings = settings
        self.device = torch.device(device)
        self.threads = threads or ui_threads()
        self.budget = BUDGETS[settings.budget]
        self.data = load_topic_data(settings.lang, max_chars=self.budget.max_chars)
        if self.budget.max_train or self.budget.max_heldout:
            self.data = _shrink(self.data, self.budget.max_train, self.budget.max_heldout)
        self.live = live
        if live is not None:
            check_live_fits(live, self.data)
            self.tokenizer = live.tokenizer
            self.gpt_cfg = live.model.config
        else:
            self.tokenizer = task_tokenizer(self.data, self.budget, settings.lang)
            self.gpt_cfg = gpt_config(self.budget, self.tokenizer.vocab_size)
        self.max_tokens = min(self.gpt_cfg.block_size, self.budget.block_size)
        self.n_classes = len(self.data.labels)
        self.models: dict[str, TopicClassifier] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status, self._phase, self._variant, self._seed = "ready", "", "", 0
        self._curves: dict[str, Curves] = {}
        self._results: dict[str, VariantResult] = {}
        self._pretrain: dict[str, dict] = {}
        self._message: UserInputError | None = None
        self._done_units = 0.0
        self._t0: float | None = None
        self._elapsed = 0.0
        n_train = len(self.data.train)
        self._ft_steps = math.ceil(n_train / self.budget.batch) * self.budget.epochs
        self._load_cached()
        self._total_units = self._planned_units()

    # ------------------------------------------------------------ cache
    def _run_key(self, variant: str) -> str:
        live = self.live.label if self.live is not None else ""
        return _key([CACHE_VERSION, variant, self.settings.lang, self.settings.lam_for(variant), self.settings.seeds,
                     asdict(self.budget), self.data.key(), live, self.gpt_cfg.to_dict()])

    def _run_path(self, variant: str) -> Path:
        return cache_dir() / "runs" / f"{variant}-{self._run_key(variant)}"

    def _load_cached(self) -> None:
        for v in self.settings.variants:
            base = self._run_path(v)
            try:
                d = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            self._results[v] = VariantResult(**{**d, "cached": True})
            self._curves[v] = Curves(**d["curves"])

    def _save_result(self, v: str, res: VariantResult, model: TopicClassifier) -> None:
        base = self._run_path(v)
        _save_state(base.with_suffix(".safetensors"), model.state_dict(), {"variant": v})
        d = asdict(res)
        d.pop("cached")
        tmp = base.with_name(f".tmp-{os.getpid()}-{base.name}.json")
        tmp.write_text(json.dumps(d), encoding="utf-8")
        os.replace(tmp, base.with_suffix(".json"))

    def model_for(self, variant: str) -> TopicClassifier | None:
        """The fine-tuned model of `variant` (first seed), from memory or the disk cache."""
        if variant in self.models:
            return self.models[variant]
        if variant not in self._results:
            return None
        hit = _load_state(self._run_path(variant).with_suffix(".safetensors"))
        if hit is None:
            return None
        spec = VARIANT_SPECS[variant]
        backbone = new_backbone(spec.arch, self.budget, self.tokenizer.vocab_size, self.gpt_cfg)
        model = TopicClassifier(backbone, self.n_classes, add_extract_token(backbone))
        model.load_state_dict(hit[0], strict=False)
        self.models[variant] = model.eval()
        return self.models[variant]

    # ------------------------------------------------------------ control
    def _todo(self) -> list[str]:
        return [v for v in self.settings.variants if v not in self._results]

    def _planned_units(self) -> float:
        todo = self._todo()
        units = self._ft_steps * FT_STEP_COST * self.settings.seeds * len(todo)
        if any(VARIANT_SPECS[v].pretrained and VARIANT_SPECS[v].arch == "transformer" for v in todo) and self.live is None:
            units += self.budget.pretrain_steps
        if "lstm_aux" in todo:
            units += self.budget.pretrain_steps
        return max(1.0, units)

    def start(self) -> None:
        from core.gpt.training_job import LIMITER

        with self._lock:
            if (self._thread is not None and self._thread.is_alive()) or not self._todo():
                if not self._todo():
                    self._status = "finished"
                return
            LIMITER.acquire(self.id)
            self._stop.clear()
            self._status, self._message = "running", None
            self._total_units = self._planned_units()
            self._done_units = 0.0
            self._t0 = time.perf_counter()
            self._thread = threading.Thread(target=self._main, name=f"finetune-{self.id}", daemon=True)
            self._thread.start()

    def _gate(self) -> bool:
        return not self._stop.is_set()

    def _tick(self, units: float) -> None:
        with self._lock:
            self._done_units += units

    # ------------------------------------------------------------ the thread
    def _main(self) -> None:
        from core.gpt.training_job import LIMITER, _lower_priority

        try:
            _lower_priority()
            torch.set_num_threads(self.threads)
            status = self._experiment()
            with self._lock:
                self._status = status
        except Exception as e:  # noqa: BLE001 - the page must see a message, never a dead thread
            self._fail(e, "Fine-tuning", "ファインチューニング")
        finally:
            with self._lock:
                if self._t0 is not None:
                    self._elapsed += time.perf_counter() - self._t0
                    self._t0 = None
                self._phase = ""
            LIMITER.release(self.id)

    def _pretrained_state(self, arch: str) -> dict[str, torch.Tensor] | None:
        if arch == "transformer" and self.live is not None:
            self._pretrain["transformer"] = {"cached": True, "live": self.live.label}
            return {k: v.detach().clone() for k, v in self.live.model.state_dict().items()}
        with self._lock:
            self._phase = f"pretrain_{arch}"
        model, info = pretrain(arch, self.tokenizer, self.data, self.budget, self.device, gate=self._gate,
                               on_step=lambda s: self._tick(1.0), threads=self.threads,
                               gpt_cfg=self.gpt_cfg if arch == "transformer" else None)
        if model is None:
            return None
        with self._lock:
            self._pretrain[arch] = info
        return model.state_dict()

    def _experiment(self) -> str:
        todo = self._todo()
        states: dict[str, dict] = {}
        for arch in ("transformer", "lstm"):
            if any(VARIANT_SPECS[v].pretrained and VARIANT_SPECS[v].arch == arch for v in todo):
                st = self._pretrained_state(arch)
                if st is None:
                    return "stopped"
                states[arch] = st
        enc_train = encode_examples(self.tokenizer, self.data.train, self.tokenizer.vocab_size, self.max_tokens)
        enc_held = encode_examples(self.tokenizer, self.data.heldout, self.tokenizer.vocab_size, self.max_tokens)
        for v in todo:
            spec = VARIANT_SPECS[v]
            accs, conf, first, t0 = [], None, None, time.perf_counter()
            for seed in range(self.settings.seeds):
                curves = Curves()
                with self._lock:
                    self._phase, self._variant, self._seed = "finetune", v, seed
                    if seed == 0:
                        self._curves[v] = curves
                torch.manual_seed(1000 + seed)  # the random init of "w/o pre-training" depends on the seed
                backbone = new_backbone(spec.arch, self.budget, self.tokenizer.vocab_size, self.gpt_cfg,
                                        self.budget.dropout)
                if spec.pretrained:
                    backbone.load_state_dict(states[spec.arch], strict=False)
                out = finetune(backbone, self.n_classes, enc_train, enc_held, self.budget, self.settings.lam_for(v),
                               seed, self.device, gate=self._gate, curves=curves, lock=self._lock,
                               on_step=lambda: self._tick(FT_STEP_COST), threads=self.threads)
                if out is None:
                    with self._lock:
                        self._curves.pop(v, None) if v not in self._results else None
                    return "stopped"
                model, acc, c = out
                accs.append(acc)
                if seed == 0:
                    first, conf = model.cpu(), c
            res = VariantResult(v, accs, conf, asdict(self._curves[v]), round(time.perf_counter() - t0, 2))
            self._save_result(v, res, first)
            with self._lock:
                self._results[v] = res
                self.models[v] = first
        return "finished"

    # ------------------------------------------------------------ reading
    def view(self) -> FinetuneView:
        with self._lock:
            elapsed = self._elapsed + (time.perf_counter() - self._t0 if self._t0 is not None else 0.0)
            frac = min(1.0, self._done_units / self._total_units) if self._status == "running" else (
                1.0 if self._status == "finished" else min(1.0, self._done_units / self._total_units))
            eta = elapsed * (1 - frac) / frac if self._status == "running" and frac > 0.02 else None
            return FinetuneView(
                status=self._status, phase=self._phase, variant=self._variant, seed=self._seed, progress=frac,
                eta_s=eta, elapsed_s=elapsed,
                curves={k: asdict(c) for k, c in self._curves.items()},
                results=dict(self._results), pretrain=copy.deepcopy(self._pretrain), message=self._message,
                labels=list(self.data.labels), counts_train=self.data.counts("train"),
                counts_heldout=self.data.counts("heldout"), majority=self.data.majority_baseline(),
                settings=self.settings,
            )

    @property
    def status(self) -> str:
        with self._lock:
            return self._status


def _shrink(data: TopicData, max_train: int, max_heldout: int) -> TopicData:
    """Every k-th example, so all topics stay represented (for tests and tiny budgets)."""
    def take(xs, n):
        if not n or n >= len(xs):
            return xs
        step = len(xs) / n
        return [xs[int(i * step)] for i in range(n)]

    return replace(data, train=take(data.train, max_train), heldout=take(data.heldout, max_heldout))


_job_ids = itertools.count(10**9)  # apart from core.gpt.training_job's ids: both share its LIMITER


def run_experiment(settings: Settings, device: torch.device | str = "cpu", threads: int | None = None) -> FinetuneView:
    """Run (or load from the cache) the whole experiment in this thread; for the bench and the CLI."""
    job = FinetuneJob(settings, device, threads=threads)
    job.start()
    job.wait()
    return job.view()
