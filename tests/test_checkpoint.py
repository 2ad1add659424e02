"""core.gpt.checkpoints.files: identical logits after a round trip, resume state, clear errors for wrong files."""
from __future__ import annotations

import pytest
import torch

from core.gpt.checkpoints.files import checkpoint_bytes, load_checkpoint, load_checkpoint_bytes, save_checkpoint
from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.tokenizers.char import CharTokenizer
from core.gpt.pretrain import TrainConfig
from core.runtime.trainer import configure_optimizer

TEXT = "hello world, hello GPT. こんにちは"


def model_and_tok(**kw):
    tok = CharTokenizer.train(TEXT)
    torch.manual_seed(0)
    cfg = GPTConfig(vocab_size=tok.vocab_size, n_layer=2, n_head=2, n_embd=16, block_size=8, **kw)
    return GPT(cfg).eval(), tok


def test_round_trip_gives_identical_logits(tmp_path):
    model, tok = model_and_tok()
    idx = torch.tensor([tok.encode("hello w")])
    path = save_checkpoint(tmp_path / "a" / "ckpt.safetensors", model, tok, step=42, extra={"note": "x"})
    ck = load_checkpoint(path)
    assert ck.step == 42 and ck.extra == {"note": "x"} and ck.config == model.config
    assert ck.tokenizer.encode(TEXT) == tok.encode(TEXT)
    m2 = ck.build_model().eval()
    assert m2.lm_head.weight is m2.wte.weight
    assert torch.equal(m2(idx).logits, model(idx).logits)
    assert not list(tmp_path.joinpath("a").glob(".tmp-*"))  # atomic write left nothing behind


def test_spm_tokenizer_round_trip():
    from core.gpt.data import build_tokenizer

    tok = build_tokenizer("bpe", "the cat sat on the mat\n" * 30, vocab_size=30)
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=tok.vocab_size, n_layer=1, n_head=1, n_embd=8, block_size=8))
    ck = load_checkpoint_bytes(checkpoint_bytes(model, tok))
    assert ck.tokenizer.encode("the cat") == tok.encode("the cat")


def test_optimizer_state_resumes_exactly():
    model, tok = model_and_tok()
    model.train()
    tc = TrainConfig(max_iters=10)
    opt = configure_optimizer(model, tc)
    x = torch.tensor([tok.encode("hello wo")])
    y = torch.tensor([tok.encode("ello wor")])
    for _ in range(3):
        opt.zero_grad()
        model(x, y).loss.backward()
        opt.step()
    blob = checkpoint_bytes(model, tok, step=3, optimizer=opt)
    ck = load_checkpoint_bytes(blob)
    m2 = GPT(ck.config)
    opt2 = configure_optimizer(m2, tc)
    ck.load_into(m2, opt2)
    for m, o in ((model, opt), (m2, opt2)):
        o.zero_grad()
        m(x, y).loss.backward()
        o.step()
    for (k, a), b in zip(model.state_dict().items(), m2.state_dict().values()):
        torch.testing.assert_close(a, b, msg=k)


def test_mismatched_checkpoint_is_a_clear_error():
    model, tok = model_and_tok()
    ck = load_checkpoint_bytes(checkpoint_bytes(model, tok))
    other = GPT(GPTConfig(vocab_size=tok.vocab_size + 3, n_layer=2, n_head=2, n_embd=32, block_size=8))
    with pytest.raises(UserInputError) as e:
        ck.load_into(other)
    assert "n_embd" in e.value.en and "vocab_size" in e.value.en and "チェックポイント" in e.value.ja


@pytest.mark.parametrize("blob", [b"", b"not a checkpoint at all", b"\x00" * 100, b"PK\x03\x04" + b"x" * 200])
def test_not_a_checkpoint(blob):
    with pytest.raises(UserInputError) as e:
        load_checkpoint_bytes(blob)
    assert "not a GPT checkpoint" in e.value.en


def test_foreign_safetensors_and_tampered_shapes():
    from safetensors.torch import save

    with pytest.raises(UserInputError):
        load_checkpoint_bytes(save({"w": torch.zeros(2)}))
    model, tok = model_and_tok()
    blob = checkpoint_bytes(model, tok)
    ck = load_checkpoint_bytes(blob)
    bad = {f"model.{k}": v for k, v in ck.state_dict.items()}
    bad["model.h.0.mlp.c_fc.weight"] = torch.zeros(3, 3)
    import json
    from core.gpt.checkpoints.files import FORMAT
    meta = {"format": FORMAT, "config": json.dumps(model.config.to_dict()),
            "tokenizer": json.dumps({"type": "char", "chars": tok.itos[1:]}), "step": "0", "extra": "{}"}
    with pytest.raises(UserInputError) as e:
        load_checkpoint_bytes(save(bad, metadata=meta))
    assert "shape" in e.value.en and "h.0.mlp.c_fc.weight" in e.value.en
