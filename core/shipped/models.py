"""The trained models shipped with the app (assets/models/), so every page has "our GPT" on first open.

`scripts/build_models.py` (`make models`) trains them from scratch with fixed seeds and writes, per
language, the checkpoint and a JSON card (command, corpus hash, seed, steps, held-out loss, the best
n-gram's loss on the same split and tokenizer, ...). The GPT and LSTM pre-train on the corpus without any
task's held-out paragraphs, and those paragraphs are their held-out text (core.gpt.tasks.pretrain_text):

    assets/models/gpt-<lang>.safetensors      GPT-1, the checkpoint format of core.gpt.checkpoints.files (fp16 weights)
    assets/models/gpt-<lang>.json             its card
    assets/models/lstm-<lang>.safetensors     the LSTM LM baseline at the same budget (its card: lstm-<lang>.json)
    assets/models/snapshots/gpt-<lang>-step<N>.safetensors   the same GPT run after N updates

`load_gpt(lang)` returns the GPT in fp32 and eval mode, cached per process; a missing or damaged file
is a bilingual UserInputError that says how to rebuild it, never a traceback.
"""
from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from core.errors import UserInputError
from core.shipped.paths import MODELS_DIR, rebuilt_dir

LANGS = ("en", "ja")
LSTM_FORMAT = "transformer-atlas-lstm/1"


@dataclass
class Shipped:
    model: torch.nn.Module  # core.gpt.model.GPT (or LSTMLM), fp32, eval mode, on the CPU: readers must not train it
    tokenizer: object  # core.tokenizers.base.Tokenizer
    card: dict  # the JSON card written by scripts/build_models.py

    @property
    def steps(self) -> int:
        return int(self.card.get("steps", 0))

    @property
    def heldout_ppl(self) -> float:
        return float(self.card.get("heldout_ppl", float("nan")))


def gpt_path(lang: str, root: Path | None = None) -> Path:
    return (root or MODELS_DIR) / f"gpt-{lang}.safetensors"


def lstm_path(lang: str, root: Path | None = None) -> Path:
    return (root or MODELS_DIR) / f"lstm-{lang}.safetensors"


def card_path(weights: Path) -> Path:
    return weights.with_suffix(".json")


def snapshot_path(lang: str, step: int, root: Path | None = None) -> Path:
    return (root or MODELS_DIR) / "snapshots" / f"gpt-{lang}-step{int(step):05d}.safetensors"


def _unavailable(lang: str, path: Path, why_en: str, why_ja: str) -> UserInputError:
    return UserInputError(
        f"The shipped GPT for “{lang}” cannot be used ({why_en}: assets/models/{path.name}). "
        "Rebuild it with `make models`, or train one on the “Train GPT-1 live” page.",
        f"同梱の GPT（{lang}）を使えません（{why_ja}：assets/models/{path.name}）。"
        "`make models` で作り直すか、「GPT-1 をその場で学習」ページで学習してください。",
    )


def read_card(weights: Path) -> dict:
    data = json.loads(card_path(weights).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("the card is not a JSON object")
    return data


def load_gpt_file(path: Path, lang: str = "en") -> Shipped:
    """One shipped GPT checkpoint + card -> Shipped (fp32, eval), or a UserInputError saying what is wrong."""
    from core.gpt.checkpoints.files import load_checkpoint

    if lang not in LANGS:
        raise UserInputError(f"No shipped model for language {lang!r}.", f"言語 {lang!r} の同梱モデルはありません。")
    if not path.is_file():
        raise _unavailable(lang, path, "the file is missing", "ファイルがありません")
    try:
        card = read_card(path)
    except (OSError, ValueError):
        raise _unavailable(lang, path, "its card (.json) is missing or unreadable",
                           "カード（.json）がないか読めません") from None
    try:
        ckpt = load_checkpoint(path)
        model = ckpt.build_model("cpu").float().eval()  # fp16 on disk -> fp32 (load_state_dict already casts)
    except UserInputError:
        raise _unavailable(lang, path, "the file is damaged", "ファイルが壊れています") from None
    except Exception:  # noqa: BLE001 - any other failure while building is the same clear message
        raise _unavailable(lang, path, "the file is damaged", "ファイルが壊れています") from None
    for p in model.parameters():
        p.requires_grad_(False)  # shared by every session: nobody trains it
    return Shipped(model, ckpt.tokenizer, card)


_cache: dict[tuple[str, str], Shipped] = {}
_lock = threading.Lock()


def _first_usable(paths: list[Path], load):
    """load(path) for the first path that loads; the first path's error when none does."""
    first: UserInputError | None = None
    for path in paths:
        try:
            return load(path)
        except UserInputError as e:
            first = first or e
    raise first  # type: ignore[misc]


def load_gpt(lang: str) -> Shipped:
    """The shipped GPT for `lang` (assets/models/, else a rebuild in the cache), loaded once per process
    (failures are not cached: a rebuilt file is seen)."""
    key = (lang, "gpt")
    with _lock:
        hit = _cache.get(key)
        if hit is None:
            paths = [gpt_path(lang), gpt_path(lang, rebuilt_dir())]
            hit = _cache[key] = _first_usable(paths, lambda p: load_gpt_file(p, lang))
        return hit


def load_lstm(lang: str) -> Shipped:
    """The shipped LSTM LM for `lang` (assets/models/, else a rebuild in the cache); not cached."""
    return _first_usable([lstm_path(lang), lstm_path(lang, rebuilt_dir())], load_lstm_file)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


@torch.inference_mode()
def heldout_loss(model: torch.nn.Module, ids: list[int] | torch.Tensor, block_size: int, batch: int = 64) -> float:
    """Mean cross-entropy (nats per token) of `model` on every token of `ids` after the first.

    Windows of `block_size` + 1 tokens with stride block_size // 2; each window scores only its second
    half (the first window scores all), so every token is predicted once with at least half a context:
    one common evaluation set for every model (random batches would each see different tokens).
    >>> import torch; from core.gpt.model import GPT, GPTConfig
    >>> _ = torch.manual_seed(0); m = GPT(GPTConfig(vocab_size=7, n_layer=1, n_head=1, n_embd=8, block_size=4))
    >>> abs(heldout_loss(m, list(range(7)) * 3, 4) - math.log(7)) < 0.1  # untrained: about log V
    True
    """
    return float(heldout_token_losses(model, ids, block_size, batch).mean())


def heldout_token_losses(model: torch.nn.Module, ids: list[int] | torch.Tensor, block_size: int,
                         batch: int = 64) -> torch.Tensor:
    """(n - 1,) cross-entropy of each token of `ids` after the first, in order (what heldout_loss averages):
    per-token losses let a comparison with another model on the same tokens carry a standard error."""
    ids = torch.as_tensor(ids, dtype=torch.long).flatten()
    n = len(ids)
    if n < 2:
        raise ValueError("need at least two tokens")
    was = model.training
    model.eval()
    stride = max(1, block_size // 2)
    starts = list(range(0, max(1, n - 1 - block_size) + stride, stride))
    out = torch.empty(n - 1, dtype=torch.float64)
    count = 0
    scored_to = 1  # tokens [1, scored_to) are already scored
    rows, firsts = [], []
    for s in starts:
        s = min(s, max(0, n - 1 - block_size))
        end = min(n, s + block_size + 1)
        if end <= scored_to:
            continue
        rows.append(ids[s:end])
        firsts.append(max(scored_to, s + 1) - (s + 1))  # first target index in this window to score
        scored_to = end
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        T = max(len(r) for r in chunk) - 1
        x = torch.zeros(len(chunk), T, dtype=torch.long)
        y = torch.full((len(chunk), T), -100, dtype=torch.long)
        for b, (r, f) in enumerate(zip(chunk, firsts[i:i + batch])):
            x[b, :len(r) - 1] = r[:-1]
            y[b, f:len(r) - 1] = r[1 + f:]
        with torch.no_grad():
            logits = model(x).logits  # (B, T, V)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), y.reshape(-1), ignore_index=-100,
                                   reduction="none").reshape(y.shape)  # (B, T), 0 where ignored
        for b in range(len(chunk)):  # windows are in order and score disjoint, consecutive targets
            keep = loss[b][y[b] != -100].double()
            out[count:count + len(keep)] = keep
            count += len(keep)
    model.train(was)
    assert count == n - 1, (count, n)
    return out


def perplexity(loss_nats: float) -> float:
    return math.exp(loss_nats)


def read_lstm(path: Path) -> tuple[torch.nn.Module, object]:
    """A shipped LSTM LM file (safetensors: fp16 weights; metadata format, config, tokenizer, step)
    -> (LSTMLM in fp32 and eval mode, tokenizer). Raises on anything unexpected."""
    from safetensors import safe_open
    from safetensors.torch import load_file

    from core.gpt.checkpoints.files import tokenizer_from_meta
    from core.gpt.lstm import LSTMConfig, LSTMLM

    with safe_open(str(path), framework="pt") as f:
        meta = f.metadata() or {}
    if meta.get("format") != LSTM_FORMAT:
        raise ValueError("not a shipped LSTM")
    model = LSTMLM(LSTMConfig(**json.loads(meta["config"])))
    missing, unexpected = model.load_state_dict(load_file(str(path)), strict=False)
    if [k for k in missing if k != "lm_head.weight"] or unexpected:
        raise ValueError("tensors do not match the config")
    return model.float().eval(), tokenizer_from_meta(json.loads(meta["tokenizer"]))


def load_lstm_file(path: Path) -> Shipped:
    """A shipped LSTM LM and its card -> Shipped, or a bilingual UserInputError."""
    try:
        card = read_card(path)
        model, tokenizer = read_lstm(path)
    except Exception:  # noqa: BLE001 - missing, truncated or foreign: one clear message
        raise UserInputError(
            f"The shipped LSTM model cannot be used (assets/models/{path.name} is missing or damaged). "
            "Rebuild it with `make models`.",
            f"同梱の LSTM モデルを使えません（assets/models/{path.name} がないか壊れています）。"
            "`make models` で作り直してください。") from None
    for p in model.parameters():
        p.requires_grad_(False)
    return Shipped(model, tokenizer, card)
