"""Hostile checkpoint files: every one is a bilingual UserInputError, decided from the header, cheaply."""
from __future__ import annotations

import base64
import errno
import io
import json
import pickle
import struct
import tracemalloc

import pytest
import torch

from core.errors import UserInputError
from core.gpt.checkpoints import files as ck
from core.gpt.checkpoints import header as C
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.char import CharTokenizer

TEXT = "hello world, hello GPT."


def _valid() -> bytes:
    tok = CharTokenizer.train(TEXT)
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=8, block_size=8))
    return ck.checkpoint_bytes(model, tok, step=3, extra={"label": "ok"})


VALID = _valid()


def split(data: bytes) -> tuple[dict, bytes]:
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + n]), data[8 + n:]


def join(header: dict, buffer: bytes) -> bytes:
    raw = json.dumps(header).encode("utf-8")
    return struct.pack("<Q", len(raw)) + raw + buffer


def with_config(**changes) -> bytes:
    header, buf = split(VALID)
    cfg = json.loads(header["__metadata__"]["config"])
    for k, v in changes.items():
        if v is ...:
            cfg.pop(k)
        else:
            cfg[k] = v
    header["__metadata__"]["config"] = json.dumps(cfg)
    return join(header, buf)


def with_meta(key: str, value) -> bytes:
    header, buf = split(VALID)
    if value is ...:
        header["__metadata__"].pop(key)
    else:
        header["__metadata__"][key] = value if isinstance(value, str) else json.dumps(value)
    return join(header, buf)


def with_entry(name: str, **changes) -> bytes:
    header, buf = split(VALID)
    header[name].update(changes)
    return join(header, buf)


def renamed(old: str, new: str) -> bytes:
    header, buf = split(VALID)
    header[new] = header.pop(old)
    return join(header, buf)


def with_tensor_value(name: str, value: float) -> bytes:
    from safetensors.torch import load, save

    header, _ = split(VALID)
    tensors = load(VALID)
    tensors[name][0] = value
    return save(tensors, metadata=header["__metadata__"])


def pt_zip() -> bytes:
    buf = io.BytesIO()
    torch.save({"w": torch.zeros(2)}, buf)
    return buf.getvalue()


def tiny_hostile(n_layer: int = 20_000) -> bytes:
    """A ~1 KB file whose config asks for a huge model and which holds one small tensor."""
    cfg = {"vocab_size": 3, "n_layer": n_layer, "n_head": 8, "n_embd": 4096, "block_size": 4096}
    meta = {"format": C.FORMAT, "config": json.dumps(cfg),
            "tokenizer": json.dumps({"type": "char", "chars": ["a", "b"]})}
    return join({"__metadata__": meta, "model.wte.weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}},
                b"\0" * 8)


W = "model.h.0.attn.c_attn.weight"  # (3C, C) = (24, 8)
HOSTILE = {
    # config: wrong types
    "n_layer str": with_config(n_layer="1"),
    "n_layer float": with_config(n_layer=1.0),
    "n_layer bool": with_config(n_layer=True),
    "n_embd float": with_config(n_embd=8.0),
    "dropout str": with_config(dropout="0.1"),
    "bias str": with_config(bias="yes"),
    "pre_ln int": with_config(pre_ln=1),
    "gelu unknown": with_config(gelu="relu"),
    # config: ranges and consistency
    "n_layer huge": with_config(n_layer=20_000),
    "n_layer 2000": with_config(n_layer=2_000),
    "n_layer 2**70": with_config(n_layer=2**70),
    "n_layer negative": with_config(n_layer=-1),
    "n_head zero": with_config(n_head=0),
    "heads do not divide": with_config(n_head=3),
    "vocab disagrees": with_config(vocab_size=50),
    "block disagrees": with_config(block_size=16),
    "field missing": with_config(n_embd=...),
    "field extra": with_config(evil=1),
    "config not object": with_meta("config", [1, 2]),
    "config not json": with_meta("config", "{n_layer: 2"),
    # tensors
    "tensor missing": renamed(W, "model.h.0.attn.c_attn.weight_gone"),
    "tensor extra": renamed(W, "junk.tensor"),
    "shape swapped": with_entry(W, shape=[8, 24]),
    "shape vs bytes": with_entry(W, shape=[24, 9]),
    "shape negative": with_entry(W, shape=[-24, -8]),
    "shape float": with_entry(W, shape=[24.0, 8]),
    "dtype int": with_entry(W, dtype="I32"),
    "dtype unknown": with_entry(W, dtype="Q99"),
    "offsets past end": with_entry(W, data_offsets=[0, 10**12]),
    "offsets overlap": with_entry(W, data_offsets=[0, 768]),
    "offsets bool": with_entry(W, data_offsets=[False, 768]),
    "nan weight": with_tensor_value(W, float("nan")),
    "inf weight": with_tensor_value("model.wte.weight", float("inf")),
    # metadata and tokenizer
    "no metadata": join({k: v for k, v in split(VALID)[0].items() if k != "__metadata__"}, split(VALID)[1]),
    "wrong format": with_meta("format", "someone-else/1"),
    "metadata not str": join({**split(VALID)[0], "__metadata__": {**split(VALID)[0]["__metadata__"], "step": 5}},
                             split(VALID)[1]),
    "step negative": with_meta("step", "-1"),
    "step huge": with_meta("step", "1" * 40),
    "tokenizer missing": with_meta("tokenizer", ...),
    "tokenizer kind": with_meta("tokenizer", {"type": "pickle", "chars": []}),
    "chars not str": with_meta("tokenizer", {"type": "char", "chars": [1] * (len(set(TEXT)))}),
    "chars multi": with_meta("tokenizer", {"type": "char", "chars": ["ab"] + sorted(set(TEXT))[1:]}),
    "chars duplicate": with_meta("tokenizer", {"type": "char", "chars": ["a"] * len(set(TEXT))}),
    "chars too few": with_meta("tokenizer", {"type": "char", "chars": ["a"]}),
    "spm not base64": with_meta("tokenizer", {"type": "spm", "proto": "!!"}),
    "spm garbage": with_meta("tokenizer", {"type": "spm", "proto": base64.b64encode(b"\x01\x02garbage").decode()}),
    "extra not object": with_meta("extra", [1]),
    "optim malformed": with_meta("optim", [{"params": ["a"]}]),
    # the file itself
    "empty": b"",
    "truncated": VALID[: len(VALID) // 2],
    "header cut": VALID[:20],
    "header huge": struct.pack("<Q", 2**60) + b"{}",
    "not json": struct.pack("<Q", 4) + b"\xff\xfe\x00\x01",
    "json list": struct.pack("<Q", 2) + b"[]",
    "text file": b"just some text, not safetensors at all\n" * 10,
    "pickle": pickle.dumps({"a": 1}, protocol=4),
    "torch.save zip": pt_zip(),
    "tiny hostile": tiny_hostile(),
}


def test_the_valid_checkpoint_loads():
    c = ck.load_checkpoint_bytes(VALID)
    assert c.step == 3 and c.extra["label"] == "ok" and c.config.n_layer == 1


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_a_bilingual_refusal(name):
    with pytest.raises(UserInputError) as e:
        ck.load_checkpoint_bytes(HOSTILE[name])
    assert e.value.en and e.value.ja and e.value.en != e.value.ja
    assert "Traceback" not in e.value.en


@pytest.mark.parametrize("name", ["n_layer str", "n_layer float", "n_layer bool"])
def test_wrong_types_are_named(name):
    with pytest.raises(UserInputError) as e:
        ck.load_checkpoint_bytes(HOSTILE[name])
    assert "n_layer" in e.value.en and "whole number" in e.value.en


def test_nan_weights_are_refused_by_name():
    with pytest.raises(UserInputError) as e:
        ck.load_checkpoint_bytes(HOSTILE["nan weight"])
    assert "NaN" in e.value.en and W.removeprefix("model.") in e.value.en


def test_pickles_are_named_as_pickles():
    for name in ("pickle", "torch.save zip"):
        with pytest.raises(UserInputError) as e:
            ck.load_checkpoint_bytes(HOSTILE[name])
        assert "pickle" in e.value.en


@pytest.mark.parametrize("n_layer, why", [(20_000, "n_layer"), (100, "parameters")])
def test_tiny_hostile_file_allocates_almost_nothing(n_layer, why):
    data = tiny_hostile(n_layer)
    assert len(data) < 1024
    tracemalloc.start()
    with pytest.raises(UserInputError) as e:
        ck.load_checkpoint_bytes(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000, peak  # the 1.1 GB of the old loader came from building the model
    assert why in e.value.en


def test_hostile_file_on_disk_is_refused(tmp_path):
    p = tmp_path / "evil.safetensors"
    p.write_bytes(tiny_hostile())
    with pytest.raises(UserInputError):
        ck.load_checkpoint(p)
    with pytest.raises(UserInputError):
        ck.load_checkpoint(tmp_path / "missing.safetensors")


@pytest.mark.parametrize("kw", [dict(), dict(bias=False), dict(pre_ln=True), dict(pre_ln=True, bias=False, n_layer=3)])
def test_expected_shapes_match_the_real_model(kw):
    """The arithmetic in checkpoint_check agrees with GPT itself (names, shapes and parameter count)."""
    cfg = dict(vocab_size=11, n_layer=2, n_head=2, n_embd=8, block_size=5) | kw
    with torch.device("meta"):
        model = GPT(GPTConfig(**cfg))
    real = {k: tuple(v.shape) for k, v in model.state_dict().items() if k != "lm_head.weight"}
    assert C.expected_shapes(cfg) == real
    assert C.n_params(cfg) == model.num_params()


def test_save_on_a_full_or_read_only_disk_is_a_clear_error(tmp_path, monkeypatch):
    tok = CharTokenizer.train(TEXT)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=2, n_embd=8, block_size=8))
    for code, word in ((errno.ENOSPC, "full"), (errno.EROFS, "read-only")):
        def fail(*a, code=code, **k):
            raise OSError(code, "nope")

        monkeypatch.setattr(ck, "write_atomic", fail)
        with pytest.raises(UserInputError) as e:
            ck.save_checkpoint(tmp_path / "x.safetensors", model, tok)
        assert word in e.value.en and "nope" not in e.value.ja


def test_label_from_the_file_is_plain_and_bounded():
    header, buf = split(VALID)
    header["__metadata__"]["extra"] = json.dumps({"label": "![b](http://x/b.png)\x1b[31m" + "x" * 500})
    c = ck.load_checkpoint_bytes(join(header, buf))
    assert "\x1b" not in c.extra["label"] and len(c.extra["label"]) <= 120


def test_a_header_length_starting_with_0x80_is_not_mistaken_for_a_pickle():
    """The pickle check runs only on files that fail as safetensors: a header of 0x0480 bytes starts
    with the same two bytes as a protocol-4 pickle (80 04) and must still load."""
    tok = CharTokenizer.train("ab")
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=1, n_embd=4, block_size=2, bias=False))
    header, buf = split(ck.checkpoint_bytes(model, tok, step=3))
    for pad in range(0, 2048):
        header["__metadata__"]["extra"] = json.dumps({"label": "p" * pad})
        data = join(header, buf)
        if data[:2] == b"\x80\x04":
            break
    assert data[:2] == b"\x80\x04"
    assert ck.load_checkpoint_bytes(data).step == 3
