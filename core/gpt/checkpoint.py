"""GPT checkpoints: one .safetensors file with the weights, the config, the tokenizer and (optionally) AdamW.

safetensors holds only tensors and a string table, so loading never runs code (unlike a pickle):
an uploaded file is safe to open. Layout:

    tensors   model.<name>          the state dict (lm_head.weight left out: it is W_e, tied)
              optim.<i>.<state>     AdamW's exp_avg / exp_avg_sq / step for parameter i (for resuming)
    metadata  format                "transformer-atlas-gpt/1"
              config                GPTConfig as JSON
              tokenizer             {"type": "char", "chars": [...]} or {"type": "spm", "proto": base64}
              step, extra, optim    JSON

Writes are atomic (a temporary file in the same folder, then os.replace), so a crash or a reader
never sees half a checkpoint.
"""
from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass, field
from pathlib import Path

import torch

from core.runtime.diskcache import write_atomic
from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.base import Tokenizer
from core.tokenizers.char import CharTokenizer

FORMAT = "transformer-atlas-gpt/1"
MAX_CHECKPOINT_BYTES = 600 * 1024 * 1024  # the paper-size model is ~470 MB in fp32


def tokenizer_to_meta(tok: Tokenizer) -> dict:
    if isinstance(tok, CharTokenizer):
        return {"type": "char", "chars": tok.itos[1:]}
    proto = getattr(tok, "model_proto", None)
    if proto is not None:
        return {"type": "spm", "proto": base64.b64encode(proto).decode("ascii")}
    raise TypeError(f"cannot store a {type(tok).__name__} in a checkpoint")


def tokenizer_from_meta(meta: dict) -> Tokenizer:
    kind = meta.get("type")
    if kind == "char":
        return CharTokenizer(list(meta["chars"]))
    if kind == "spm":
        from core.tokenizers.spm import SentencePieceTokenizer

        return SentencePieceTokenizer(base64.b64decode(meta["proto"]))
    raise ValueError(f"unknown tokenizer type {kind!r}")


def _not_a_checkpoint(detail: str) -> UserInputError:
    return UserInputError(
        f"This file is not a GPT checkpoint saved by this app ({detail}). Upload a .safetensors file "
        "downloaded from the “Train GPT-1 live” page.",
        f"このファイルはこのアプリで保存した GPT のチェックポイントではありません（{detail}）。"
        "「GPT-1 をその場で学習」ページからダウンロードした .safetensors ファイルをアップロードしてください。",
    )


def checkpoint_bytes(model: GPT, tokenizer: Tokenizer, step: int = 0,
                     optimizer: torch.optim.Optimizer | None = None, extra: dict | None = None) -> bytes:
    """The checkpoint as bytes (what the page offers for download)."""
    from safetensors.torch import save

    tensors = {f"model.{k}": v.detach().cpu().contiguous()
               for k, v in model.state_dict().items() if k != "lm_head.weight"}
    optim_meta = None
    if optimizer is not None:
        sd = optimizer.state_dict()
        for i, st in sd["state"].items():
            for name, v in st.items():
                if torch.is_tensor(v):
                    tensors[f"optim.{i}.{name}"] = v.detach().cpu().contiguous().reshape(v.shape)
        optim_meta = [{k: v for k, v in g.items() if k != "params"} | {"params": g["params"]}
                      for g in sd["param_groups"]]
    meta = {
        "format": FORMAT,
        "config": json.dumps(model.config.to_dict()),
        "tokenizer": json.dumps(tokenizer_to_meta(tokenizer), ensure_ascii=False),
        "step": str(int(step)),
        "extra": json.dumps(extra or {}, default=str),
    }
    if optim_meta is not None:
        meta["optim"] = json.dumps(optim_meta, default=str)
    return save(tensors, metadata=meta)


def save_checkpoint(path: str | Path, model: GPT, tokenizer: Tokenizer, step: int = 0,
                    optimizer: torch.optim.Optimizer | None = None, extra: dict | None = None) -> Path:
    path = Path(path)
    write_atomic(path, checkpoint_bytes(model, tokenizer, step, optimizer, extra), durable=True)
    return path


@dataclass
class Checkpoint:
    config: GPTConfig
    tokenizer: Tokenizer
    step: int
    state_dict: dict[str, torch.Tensor]
    extra: dict = field(default_factory=dict)
    optim_state: dict[str, torch.Tensor] = field(default_factory=dict)
    optim_groups: list[dict] | None = None

    def build_model(self, device: torch.device | str = "cpu") -> GPT:
        model = GPT(self.config)
        self.load_into(model)
        return model.to(device)

    def load_into(self, model: GPT, optimizer: torch.optim.Optimizer | None = None) -> None:
        """Copy the weights into `model` (and AdamW's state into `optimizer`), or say clearly what differs."""
        check_compatible(self, model.config)
        missing, unexpected = model.load_state_dict(self.state_dict, strict=False)
        missing = [k for k in missing if k != "lm_head.weight"]
        if missing or unexpected:
            raise _not_a_checkpoint(f"missing {missing[:3]}, unexpected {unexpected[:3]}")
        if optimizer is not None and self.optim_groups is not None and self.optim_state:
            state: dict[int, dict] = {}
            for key, v in self.optim_state.items():
                _, i, name = key.split(".", 2)
                state.setdefault(int(i), {})[name] = v
            groups = optimizer.state_dict()["param_groups"]
            if [len(g["params"]) for g in groups] != [len(g["params"]) for g in self.optim_groups]:
                raise UserInputError("The optimizer state in the checkpoint does not match this model.",
                                     "チェックポイントのオプティマイザの状態がこのモデルと合いません。")
            saved = [{**g, **{k: v for k, v in sg.items() if k not in ("params", "lr", "fused", "foreach")}}
                     for g, sg in zip(groups, self.optim_groups)]
            optimizer.load_state_dict({"state": state, "param_groups": saved})


def check_compatible(ckpt: Checkpoint, expected: GPTConfig) -> None:
    """Raise a UserInputError naming every setting in which the checkpoint differs from `expected`."""
    fields_ = ("vocab_size", "n_layer", "n_head", "n_embd", "block_size", "pre_ln", "bias")
    diffs = [(f, getattr(ckpt.config, f), getattr(expected, f)) for f in fields_
             if getattr(ckpt.config, f) != getattr(expected, f)]
    if diffs:
        listed = ", ".join(f"{f}: checkpoint {a} vs model {b}" for f, a, b in diffs)
        listed_ja = "、".join(f"{f}：チェックポイント {a} / モデル {b}" for f, a, b in diffs)
        raise UserInputError(
            f"The checkpoint does not fit this model ({listed}). Choose the same settings (and tokenizer "
            "vocabulary) as when it was saved.",
            f"チェックポイントがこのモデルと合いません（{listed_ja}）。保存したときと同じ設定（とトークナイザの語彙）を選んでください。",
        )


def _read_header(data: bytes) -> dict:
    """The safetensors JSON header (8-byte little-endian length, then JSON), validated enough to trust."""
    if len(data) < 8:
        raise _not_a_checkpoint("too short")
    (n,) = struct.unpack("<Q", data[:8])
    if n < 2 or n > min(len(data) - 8, 100 * 1024 * 1024):
        raise _not_a_checkpoint("no safetensors header")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_a_checkpoint("no safetensors header") from None
    if not isinstance(header, dict):
        raise _not_a_checkpoint("no safetensors header")
    return header


def load_checkpoint_bytes(data: bytes) -> Checkpoint:
    """Bytes of a checkpoint (e.g. an upload) -> Checkpoint, or a UserInputError that says what is wrong."""
    from safetensors.torch import load

    if len(data) > MAX_CHECKPOINT_BYTES:
        raise UserInputError(f"The file is too large ({len(data) / 2**20:.0f} MB).",
                             f"ファイルが大きすぎます（{len(data) / 2**20:.0f} MB）。")
    meta = _read_header(data).get("__metadata__") or {}
    if meta.get("format") != FORMAT:
        raise _not_a_checkpoint("a safetensors file, but without this app's GPT metadata")
    try:
        config = GPTConfig.from_dict(json.loads(meta["config"]))
        tokenizer = tokenizer_from_meta(json.loads(meta["tokenizer"]))
        step = int(meta.get("step", "0"))
        extra = json.loads(meta.get("extra", "{}"))
        optim_groups = json.loads(meta["optim"]) if "optim" in meta else None
        tensors = load(data)
    except UserInputError:
        raise
    except Exception as e:  # noqa: BLE001 - any corruption becomes the same clear message
        raise _not_a_checkpoint(f"unreadable: {type(e).__name__}") from None
    state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    optim = {k: v for k, v in tensors.items() if k.startswith("optim.")}
    ckpt = Checkpoint(config, tokenizer, step, state, extra, optim, optim_groups)
    # The file must agree with itself: embedding rows = tokenizer vocabulary = config.
    wte = state.get("wte.weight")
    if wte is None or tuple(wte.shape) != (config.vocab_size, config.n_embd):
        raise _not_a_checkpoint("its token embedding does not match its own config")
    if tokenizer.vocab_size != config.vocab_size:
        raise UserInputError(
            f"The checkpoint's tokenizer has {tokenizer.vocab_size} tokens but its model expects {config.vocab_size}.",
            f"チェックポイントのトークナイザは {tokenizer.vocab_size} トークンですが、モデルは {config.vocab_size} を想定しています。",
        )
    with torch.device("meta"):  # shapes only: no memory, no time
        expected = GPT(config)
    shapes = {k: tuple(v.shape) for k, v in expected.state_dict().items() if k != "lm_head.weight"}
    got = {k: tuple(v.shape) for k, v in state.items()}
    if shapes != got:
        bad = sorted(k for k in shapes.keys() | got.keys() if shapes.get(k) != got.get(k))
        raise _not_a_checkpoint(f"tensor shapes disagree with its config: {bad[:3]}")
    return ckpt


def load_checkpoint(path: str | Path) -> Checkpoint:
    return load_checkpoint_bytes(Path(path).read_bytes())
