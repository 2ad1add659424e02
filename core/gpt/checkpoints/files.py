"""GPT checkpoints: one .safetensors file with the weights, the config, the tokenizer and (optionally) AdamW.

safetensors holds only tensors and a string table, so loading never runs code (unlike a pickle):
an uploaded file is safe to open. Layout:

    tensors   model.<name>          the state dict (lm_head.weight left out: it is W_e, tied)
              optim.<i>.<state>     AdamW's exp_avg / exp_avg_sq / step for parameter i (for resuming)
    metadata  format                "transformer-atlas-gpt/1"
              config                GPTConfig as JSON
              tokenizer             {"type": "char", "chars": [...]} or {"type": "spm", "proto": base64}
              step, extra, optim    JSON
              train + train.*       the resume state (core.gpt.checkpoints.resume): schedule, batch RNG, curves

Writes are atomic (a temporary file in the same folder, then os.replace), so a crash or a reader
never sees half a checkpoint.
"""
from __future__ import annotations

import base64
import binascii
import errno
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch

from core.errors import UserInputError
from core.gpt.checkpoints import header as C
from core.gpt.checkpoints import resume as resume_state
from core.gpt.checkpoints.header import FORMAT, MAX_CHECKPOINT_BYTES
from core.gpt.checkpoints.resume import ResumeState
from core.runtime.diskcache import write_atomic
from core.textcheck import strip_controls
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.base import Tokenizer
from core.tokenizers.char import CharTokenizer

log = logging.getLogger("atlas.checkpoint")


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


def _check_tokenizer_meta(meta: object, vocab_size: int) -> dict:
    """{"type": "char", "chars": [str, ...]} or {"type": "spm", "proto": base64}, sized to the vocabulary.

    For "spm" the decoded proto is returned under "proto_bytes"; SentencePiece itself still has to
    parse it (`_tokenizer` turns a parse failure into the same refusal).
    """
    if not isinstance(meta, dict) or meta.get("type") not in ("char", "spm"):
        raise C.not_a_checkpoint("unknown tokenizer kind", "未知のトークナイザの種類")
    if meta["type"] == "char":
        chars = meta.get("chars")
        if (set(meta) != {"type", "chars"} or not isinstance(chars, list)
                or not all(isinstance(c, str) and len(c) == 1 for c in chars) or len(set(chars)) != len(chars)):
            raise C.not_a_checkpoint("its character tokenizer is malformed", "文字トークナイザが不正です")
        if len(chars) + 1 != vocab_size:  # id 0 is <unk>
            raise C.not_a_checkpoint(f"its tokenizer has {len(chars) + 1} tokens but its model expects {vocab_size}",
                                     f"トークナイザは {len(chars) + 1} トークンですが、モデルは {vocab_size} "
                                     "を想定しています")
        return meta
    proto = meta.get("proto")
    if set(meta) != {"type", "proto"} or not isinstance(proto, str) or len(proto) > C.MAX_SPM_PROTO_BYTES * 4 // 3 + 4:
        raise C.not_a_checkpoint("its SentencePiece tokenizer is malformed", "SentencePiece トークナイザが不正です")
    try:
        raw = base64.b64decode(proto, validate=True)
    except (binascii.Error, ValueError):
        raise C.not_a_checkpoint("its SentencePiece tokenizer is malformed",
                                 "SentencePiece トークナイザが不正です") from None
    return {"type": "spm", "proto_bytes": raw}


def _not_a_checkpoint(detail: str, detail_ja: str | None = None) -> UserInputError:
    return C.not_a_checkpoint(detail, detail_ja)


def checkpoint_bytes(model: GPT, tokenizer: Tokenizer, step: int = 0,
                     optimizer: torch.optim.Optimizer | None = None, extra: dict | None = None,
                     resume: ResumeState | None = None) -> bytes:
    """The checkpoint as bytes (what the page offers for download); with `optimizer` and `resume`, enough
    to continue the training exactly."""
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
    if resume is not None:
        more, meta["train"] = resume_state.encode(resume)
        tensors.update(more)
    return save(tensors, metadata=meta)


def save_checkpoint(path: str | Path, model: GPT, tokenizer: Tokenizer, step: int = 0,
                    optimizer: torch.optim.Optimizer | None = None, extra: dict | None = None) -> Path:
    """Write the checkpoint atomically; a full or read-only disk is a UserInputError, not a traceback."""
    path = Path(path)
    data = checkpoint_bytes(model, tokenizer, step, optimizer, extra)
    try:
        write_atomic(path, data, durable=True)
    except OSError as e:
        why_en = write_failure(e)[0]
        why_ja = write_failure_ja(e.errno)  # from the error number only
        log.warning("could not save a checkpoint to %s: %s", path, e)
        raise UserInputError(f"Could not save the checkpoint: {why_en}. Download it from the page instead.",
                             f"チェックポイントを保存できませんでした：{why_ja}。"
                             "ページからダウンロードしてください。") from None
    return path


_WRITE_FAILURES = {errno.ENOSPC: ("the disk is full", "ディスクがいっぱいです"),
                   errno.EROFS: ("the disk is read-only", "ディスクが読み取り専用です"),
                   errno.EACCES: ("no permission to write there", "書き込む権限がありません")}


def write_failure(e: OSError) -> tuple[str, str]:
    """Why a write failed, in English and Japanese ("the disk is full", ...), for a message."""
    known = _WRITE_FAILURES.get(e.errno)
    if known:
        return known
    return e.strerror or type(e).__name__, write_failure_ja(e.errno)  # the OS's English text: English only


def write_failure_ja(code: int | None) -> str:
    """The Japanese side of write_failure from the error number alone: never the OS's (English) text."""
    return _WRITE_FAILURES.get(code, ("", "書き込みに失敗しました"))[1]


@dataclass
class Checkpoint:
    config: GPTConfig
    tokenizer: Tokenizer
    step: int
    state_dict: dict[str, torch.Tensor]
    extra: dict = field(default_factory=dict)
    optim_state: dict[str, torch.Tensor] = field(default_factory=dict)
    optim_groups: list[dict] | None = None
    resume: ResumeState | None = None  # present: the training can continue exactly (TrainingJob.resumed)

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
            raise _not_a_checkpoint(f"missing {missing[:3]}, unexpected {unexpected[:3]}",
                                    f"足りないテンソル {missing[:3]}、余分なテンソル {unexpected[:3]}")
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


def _validated(header: dict, buffer_bytes: int) -> tuple:
    """Everything the header says, checked (see checkpoint_check), before a single tensor is read."""
    table = C.check_tensor_table(header, buffer_bytes)
    meta = C.metadata(header)
    cfg = C.check_config(C.json_field(meta, "config", "{}", dict, C.MAX_META_JSON_CHARS))
    C.check_tensors_match(cfg, table, buffer_bytes)
    resume_state.check_table(table)
    if len(meta.get("train", "")) > C.MAX_META_JSON_CHARS * 2:  # samples in Japanese: up to ~100 KB
        raise C.not_a_checkpoint("its train field is too long", "train 欄が長すぎます")
    tok_meta = _check_tokenizer_meta(C.json_field(meta, "tokenizer", "{}", dict), cfg["vocab_size"])
    step = C.check_step(meta.get("step", "0"))
    extra = C.json_field(meta, "extra", "{}", dict, C.MAX_META_JSON_CHARS)
    label = extra.get("label")
    if label is not None:  # shown on the page: plain text of bounded length, or nothing
        extra["label"] = strip_controls(label)[0][:120] if isinstance(label, str) else None
    groups = None
    if "optim" in meta:
        groups = C.check_optim_groups(C.json_field(meta, "optim", "[]", list, C.MAX_META_JSON_CHARS),
                                      len(C.expected_shapes(cfg)))
    return cfg, tok_meta, step, extra, groups


def _tokenizer(tok_meta: dict) -> Tokenizer:
    if tok_meta["type"] == "char":
        return CharTokenizer(tok_meta["chars"])
    from core.tokenizers.spm import SentencePieceTokenizer

    try:
        return SentencePieceTokenizer(tok_meta["proto_bytes"])
    except Exception:  # noqa: BLE001 - sentencepiece raises RuntimeError / TypeError on a bad proto
        raise _not_a_checkpoint("its SentencePiece tokenizer does not parse",
                                "SentencePiece トークナイザを読み込めません") from None


def _checkpoint(header: dict, data: bytes, start: int) -> Checkpoint:
    """Validate `header` (of `data`, whose tensor bytes begin at `start`), then read the tensors."""
    from safetensors.torch import load

    cfg, tok_meta, step, extra, groups = _validated(header, len(data) - start)
    tokenizer = _tokenizer(tok_meta)
    if tokenizer.vocab_size != cfg["vocab_size"]:
        raise UserInputError(
            f"The checkpoint's tokenizer has {tokenizer.vocab_size} tokens but its model expects {cfg['vocab_size']}.",
            f"チェックポイントのトークナイザは {tokenizer.vocab_size} トークンですが、モデルは {cfg['vocab_size']} "
            "を想定しています。",
        )
    try:
        tensors = load(data)
    except Exception as e:  # noqa: BLE001 - the header passed, so this is corruption safetensors itself found
        raise _not_a_checkpoint(f"unreadable: {type(e).__name__}", "テンソルを読み取れません") from None
    for name, t in tensors.items():
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise C.not_a_checkpoint(f"tensor {name} holds NaN or infinite values (a diverged model?)",
                                     f"テンソル {name} に NaN か無限大が含まれます（発散したモデル？）")
    state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
    optim = {k: v for k, v in tensors.items() if k.startswith("optim.")}
    resume = resume_state.decode(C.metadata(header).get("train"), tensors, step)
    return Checkpoint(GPTConfig.from_dict(cfg), tokenizer, step, state, extra, optim, groups, resume)


def _too_large(n: int) -> UserInputError:
    return UserInputError(f"The file is too large ({n / 2**20:.0f} MB; the limit is {MAX_CHECKPOINT_BYTES >> 20} MB).",
                          f"ファイルが大きすぎます（{n / 2**20:.0f} MB。上限は {MAX_CHECKPOINT_BYTES >> 20} MB）。")


def load_checkpoint_bytes(data: bytes) -> Checkpoint:
    """Bytes of a checkpoint (e.g. an upload) -> Checkpoint, or a UserInputError that says what is wrong.

    The header is checked completely (checkpoint_check) before any tensor is read or any model built.
    """
    if len(data) > MAX_CHECKPOINT_BYTES:
        raise _too_large(len(data))
    header, n = C.read_header(data[:8], len(data), lambda n: data[8:8 + n])
    return _checkpoint(header, data, 8 + n)


def load_checkpoint(path: str | Path) -> Checkpoint:
    """A checkpoint file: its size and header are checked before the rest of it is read."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_CHECKPOINT_BYTES:
                raise _too_large(size)
            C.read_header(f.read(8), size, f.read)  # refuse a bad header before reading the tensors
            f.seek(0)
            data = f.read()
    except OSError as e:
        log.warning("could not read a checkpoint: %s", e)
        raise UserInputError(f"Cannot read the checkpoint file ({e.strerror or type(e).__name__}).",
                             f"チェックポイントのファイルを読めません（{type(e).__name__}）。") from None
    return load_checkpoint_bytes(data)
