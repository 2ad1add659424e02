"""Checks on an untrusted checkpoint, made on its safetensors header *before* any tensor is read.

A safetensors file is `u64 n (little-endian) | n bytes of JSON | tensor bytes`. The JSON names every
tensor (dtype, shape, [begin, end) byte offsets into the tensor bytes) and carries our string table
(`__metadata__`: format, config, tokenizer, step, extra, optim). Everything that could make loading
slow or large (a config asking for 20,000 layers, a shape of 10^12 elements, offsets past the end) is
decided by that JSON alone, so we check all of it here, with exact types (an int is an int: not
`true`, `16.0` or `"16"`), ranges, and agreement between config, tensor table and file size:

    header JSON  -> tensor table: dtypes known, shapes small ints, offsets tile the buffer exactly
                 -> config: exact types and ranges; its parameter count fits in the file
                 -> tensors present == tensors the config implies (names and shapes), nothing extra

checkpoint.py then checks the tokenizer (kind, sizes, types) and only then reads the tensors (and
refuses NaN / inf). bench/hostile_checkpoint.py [docs/FINDINGS.md] measures how cheaply a hostile file is refused.
"""
from __future__ import annotations

import json
import math
import re
import struct
from typing import Callable

from core.errors import UserInputError

FORMAT = "transformer-atlas-gpt/1"
MAX_CHECKPOINT_BYTES = 600 * 1024 * 1024  # the paper-size model is ~470 MB in fp32
MAX_HEADER_BYTES = 16 * 1024 * 1024  # tensor table + a SentencePiece model in base64 (~0.5 MB at 8k pieces)
MAX_TENSORS = 10_000  # a 64-layer model with AdamW state has ~3,000
MAX_META_JSON_CHARS = 64 * 1024  # extra / optim groups: a few hundred bytes in practice
MAX_SPM_PROTO_BYTES = 8 * 1024 * 1024  # a SentencePiece model of 8k pieces is ~0.4 MB
DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
FLOAT_DTYPES = ("F32", "F16", "BF16")  # what model weights may be stored as

# (low, high) for the integer fields of GPTConfig: generous for anything this app can train or load,
# small enough that nothing downstream (meta model, position buffer) can become large.
CONFIG_INTS = {"vocab_size": (1, 1_000_000), "n_layer": (1, 128), "n_head": (1, 256),
               "n_embd": (1, 16_384), "block_size": (1, 65_536)}
CONFIG_BOOLS = ("bias", "pre_ln")
GELU_KINDS = ("tanh", "exact")
OPTIM_KEY = re.compile(r"optim\.(\d{1,6})\.(exp_avg|exp_avg_sq|step|max_exp_avg_sq)")
TRAIN_KEY = re.compile(r"train\.(rng|steps|loss|lr|tps|evals)")  # the resume state (checkpoints.resume checks them)

PICKLE_HINT = ("a PyTorch pickle (.pt / .bin), which can run code when opened: this app opens only .safetensors",
               "PyTorch の pickle（.pt / .bin）で、開くとコードを実行できてしまう形式です。このアプリは .safetensors "
               "のみ開きます")


def not_a_checkpoint(en: str, ja: str | None = None) -> UserInputError:
    """The one message for a file we refuse, with what is wrong in both languages."""
    ja = en if ja is None else ja
    return UserInputError(
        f"This file is not a GPT checkpoint saved by this app ({en}). Upload a .safetensors file "
        "downloaded from the “Train GPT-1 live” page.",
        f"このファイルはこのアプリで保存した GPT のチェックポイントではありません（{ja}）。"
        "「GPT-1 をその場で学習」ページからダウンロードした .safetensors ファイルをアップロードしてください。",
    )


def is_int(x: object) -> bool:
    """An exact JSON integer: `True`, `16.0` and `"16"` are not."""
    return type(x) is int


def _int_in(x: object, lo: int, hi: int) -> bool:
    return is_int(x) and lo <= x <= hi


# --- the safetensors header ------------------------------------------------------------------------

def read_header(prefix: bytes, file_size: int, read: Callable[[int], bytes]) -> tuple[dict, int]:
    """(header JSON, its length) from the first 8 bytes and `read(n)`; a file that is not safetensors
    but starts like a pickle (0x80 + protocol) or torch.save's zip is named as such. Only then: a
    valid header length can start with the byte 0x80 too."""
    try:
        n = header_length(prefix, file_size)
        return parse_header(read(n)), n
    except UserInputError:
        pickle = prefix[:1] == b"\x80" and prefix[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05")
        if pickle or prefix[:4] == b"PK\x03\x04":
            raise not_a_checkpoint(*PICKLE_HINT) from None
        raise


def header_length(prefix: bytes, file_size: int) -> int:
    """The JSON length from the first 8 bytes, or a clear refusal (truncated, too large)."""
    if file_size < 8 or len(prefix) < 8:
        raise not_a_checkpoint("too short to be safetensors", "safetensors としては短すぎます")
    (n,) = struct.unpack("<Q", prefix[:8])
    if n < 2 or n > MAX_HEADER_BYTES:
        raise not_a_checkpoint("no safetensors header", "safetensors のヘッダがありません")
    if n > file_size - 8:
        raise not_a_checkpoint("the file is cut short (truncated)", "ファイルが途中で切れています")
    return n


def parse_header(raw: bytes) -> dict:
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise not_a_checkpoint("no safetensors header", "safetensors のヘッダがありません") from None
    if not isinstance(header, dict):
        raise not_a_checkpoint("no safetensors header", "safetensors のヘッダがありません")
    return header


def check_tensor_table(header: dict, buffer_bytes: int) -> dict[str, tuple[str, tuple[int, ...]]]:
    """{name: (dtype, shape)} after checking that every entry is well formed and that the entries tile
    the tensor bytes exactly (no overlap, no hole, nothing past the end of the file)."""
    entries = {k: v for k, v in header.items() if k != "__metadata__"}
    if len(entries) > MAX_TENSORS:
        raise not_a_checkpoint(f"{len(entries)} tensors", f"テンソルが {len(entries)} 個")
    table, spans = {}, []
    for name, e in entries.items():
        bad = not_a_checkpoint(f"a malformed tensor entry {name[:60]!r}", f"不正なテンソル項目 {name[:60]!r}")
        if not isinstance(e, dict) or set(e) != {"dtype", "shape", "data_offsets"} or e["dtype"] not in DTYPE_BYTES:
            raise bad
        shape, offs = e["shape"], e["data_offsets"]
        if (not isinstance(shape, list) or len(shape) > 8 or not all(_int_in(d, 0, 2**40) for d in shape)
                or not isinstance(offs, list) or len(offs) != 2 or not all(_int_in(o, 0, 2**62) for o in offs)):
            raise bad
        begin, end = offs
        if not begin <= end <= buffer_bytes:
            raise not_a_checkpoint(f"tensor {name[:60]!r} lies past the end of the file",
                                   f"テンソル {name[:60]!r} がファイルの末尾を越えています")
        if math.prod(shape) * DTYPE_BYTES[e["dtype"]] != end - begin:
            raise not_a_checkpoint(f"tensor {name[:60]!r}: its shape does not match its byte size",
                                   f"テンソル {name[:60]!r} の形とバイト数が合いません")
        table[name] = (e["dtype"], tuple(shape))
        spans.append((begin, end))
    pos = 0
    for begin, end in sorted(spans):
        if begin != pos:
            raise not_a_checkpoint("tensor byte ranges overlap or leave holes",
                                   "テンソルのバイト範囲が重なるか隙間があります")
        pos = end
    if pos != buffer_bytes:
        raise not_a_checkpoint("the file size does not match its tensors", "ファイルサイズがテンソルと合いません")
    return table


# --- our metadata ----------------------------------------------------------------------------------

def metadata(header: dict) -> dict[str, str]:
    meta = header.get("__metadata__")
    if not isinstance(meta, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
        raise not_a_checkpoint("a safetensors file, but without this app's GPT metadata",
                               "safetensors ファイルですが、このアプリの GPT メタデータがありません")
    if meta.get("format") != FORMAT:
        raise not_a_checkpoint("a safetensors file, but without this app's GPT metadata",
                               "safetensors ファイルですが、このアプリの GPT メタデータがありません")
    for key in ("config", "tokenizer"):
        if key not in meta:
            raise not_a_checkpoint(f"its metadata has no {key}", f"メタデータに {key} がありません")
    return meta


def json_field(meta: dict[str, str], key: str, default: str, kind: type, max_chars: int | None = None):
    """meta[key] parsed as JSON of type `kind`, or a refusal naming the field."""
    raw = meta.get(key, default)
    if max_chars is not None and len(raw) > max_chars:
        raise not_a_checkpoint(f"its {key} field is too long", f"{key} 欄が長すぎます")
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise not_a_checkpoint(f"its {key} field is not JSON", f"{key} 欄が JSON ではありません") from None
    if type(value) is not kind:
        raise not_a_checkpoint(f"its {key} field is not a JSON {kind.__name__}", f"{key} 欄の型が違います")
    return value


def check_config(cfg: dict) -> dict:
    """The config's fields with exact types and in range; unknown fields refused. Returns `cfg`."""
    for name, (lo, hi) in CONFIG_INTS.items():
        if name not in cfg:
            raise not_a_checkpoint(f"its config has no {name}", f"config に {name} がありません")
        v = cfg[name]
        if not is_int(v):
            raise not_a_checkpoint(f"config {name} must be a whole number, not {type(v).__name__}",
                                   f"config の {name} は整数でなければなりません（{type(v).__name__}）")
        if not lo <= v <= hi:
            raise not_a_checkpoint(f"config {name} = {v} is outside {lo}..{hi}",
                                   f"config の {name} = {v} が範囲 {lo}..{hi} の外です")
    for name in CONFIG_BOOLS:
        if name in cfg and type(cfg[name]) is not bool:
            raise not_a_checkpoint(f"config {name} must be true or false", f"config の {name} は true か false です")
    d = cfg.get("dropout", 0.0)
    if type(d) not in (int, float) or not 0.0 <= d < 1.0:
        raise not_a_checkpoint("config dropout must be a number in [0, 1)",
                               "config の dropout は 0 以上 1 未満の数です")
    if cfg.get("gelu", "exact") not in GELU_KINDS:
        raise not_a_checkpoint("config gelu must be 'tanh' or 'exact'", "config の gelu は 'tanh' か 'exact' です")
    known = set(CONFIG_INTS) | set(CONFIG_BOOLS) | {"dropout", "gelu"}
    extra = sorted(set(cfg) - known)
    if extra:
        raise not_a_checkpoint(f"unknown config fields {extra[:3]}", f"config に未知の欄 {extra[:3]}")
    if cfg["n_embd"] % cfg["n_head"]:
        raise not_a_checkpoint("config n_embd is not divisible by n_head",
                               "config の n_embd が n_head で割り切れません")
    return cfg


def expected_shapes(cfg: dict) -> dict[str, tuple[int, ...]]:
    """The state dict (without the tied lm_head) that GPT(cfg) has, computed without building it.

    tests/test_hardening_checkpoint.py checks this against `GPT(cfg).state_dict()` on the meta device.
    """
    V, L, C, T = cfg["vocab_size"], cfg["n_layer"], cfg["n_embd"], cfg["block_size"]
    bias, pre_ln = cfg.get("bias", True), cfg.get("pre_ln", False)
    shapes = {"wte.weight": (V, C), "wpe.weight": (T, C)}

    def linear(name: str, n_in: int, n_out: int) -> None:  # nn.Linear keeps (out, in)
        shapes[f"{name}.weight"] = (n_out, n_in)
        shapes.update({f"{name}.bias": (n_out,)} if bias else {})

    def norm(name: str) -> None:
        linear(name, 0, C)
        shapes[f"{name}.weight"] = (C,)

    for i in range(L):
        p = f"h.{i}"
        norm(f"{p}.ln_1")
        linear(f"{p}.attn.c_attn", C, 3 * C)
        linear(f"{p}.attn.c_proj", C, C)
        norm(f"{p}.ln_2")
        linear(f"{p}.mlp.c_fc", C, 4 * C)
        linear(f"{p}.mlp.c_proj", 4 * C, C)
    if pre_ln:
        norm("ln_f")
    return shapes


def n_params(cfg: dict) -> int:
    """Parameters of GPT(cfg), by arithmetic: 12·C² per block plus norms, biases and embeddings."""
    V, L, C, T = cfg["vocab_size"], cfg["n_layer"], cfg["n_embd"], cfg["block_size"]
    b = 1 if cfg.get("bias", True) else 0
    per_block = 12 * C * C + 2 * C * (1 + b) + b * (3 * C + C + 4 * C + C)
    final = C * (1 + b) if cfg.get("pre_ln", False) else 0
    return (V + T) * C + L * per_block + final


def check_tensors_match(cfg: dict, table: dict[str, tuple[str, tuple[int, ...]]], buffer_bytes: int) -> None:
    """Refuse unless the tensors present are exactly those `cfg` implies (plus well-formed AdamW state)."""
    # First the cheap bound: the weights alone, at 2 bytes each at the least, must fit in the file.
    if n_params(cfg) * 2 > buffer_bytes:
        raise not_a_checkpoint(
            f"its config asks for {n_params(cfg):,} parameters, more than the file holds",
            f"config のパラメータ数 {n_params(cfg):,} はファイルに収まる量を超えています")
    want = expected_shapes(cfg)
    model = {k[len("model."):]: v for k, v in table.items() if k.startswith("model.")}
    missing = sorted(want.keys() - model.keys())
    extra = sorted(k for k in table if not k.startswith("model.") and not OPTIM_KEY.fullmatch(k)
                   and not TRAIN_KEY.fullmatch(k))
    extra += sorted("model." + k for k in model.keys() - want.keys())
    if missing or extra:
        raise not_a_checkpoint(f"missing tensors {missing[:3]}, unexpected tensors {extra[:3]}",
                               f"足りないテンソル {missing[:3]}、余分なテンソル {extra[:3]}")
    for name, shape in want.items():
        dtype, got = model[name]
        if dtype not in FLOAT_DTYPES:
            raise not_a_checkpoint(f"tensor {name} has dtype {dtype}", f"テンソル {name} の型が {dtype} です")
        if got != shape:
            raise not_a_checkpoint(f"tensor {name} has shape {list(got)}, its config implies {list(shape)}",
                                   f"テンソル {name} の形 {list(got)} が config の {list(shape)} と合いません")
    param_shapes = set(want.values())
    for name, (dtype, shape) in table.items():
        m = OPTIM_KEY.fullmatch(name)
        if m is None:
            continue
        shape_ok = shape in ((), (1,)) if m.group(2) == "step" else shape in param_shapes
        ok = dtype in FLOAT_DTYPES + ("F64",) and shape_ok
        if not ok:
            raise not_a_checkpoint(f"optimizer tensor {name} does not fit the model",
                                   f"オプティマイザのテンソル {name} がモデルと合いません")


def check_optim_groups(groups: object, n_model_params: int) -> list[dict]:
    """AdamW's param_groups as saved: a list of dicts whose `params` are distinct small ints."""
    bad = not_a_checkpoint("its optimizer groups are malformed", "オプティマイザのグループが不正です")
    if not isinstance(groups, list) or not 1 <= len(groups) <= 16:
        raise bad
    seen: set[int] = set()
    for g in groups:
        if not isinstance(g, dict) or not isinstance(g.get("params"), list):
            raise bad
        ids = g["params"]
        if not all(_int_in(i, 0, n_model_params - 1) for i in ids) or seen & set(ids) or len(set(ids)) != len(ids):
            raise bad
        seen |= set(ids)
    return groups


def check_step(raw: str) -> int:  # a decimal string of at most 10 digits
    if not re.fullmatch(r"\d{1,10}", raw):
        raise not_a_checkpoint("its step is not a whole number", "step が整数ではありません")
    return int(raw)
