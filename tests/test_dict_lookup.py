"""The notes' dict analogies agree with the GPT's own attention; position pair counts by hand."""
import pytest
import torch

from core.gpt.model import GPT, GPTConfig
from core.lm.position_pairs import pair_sparsity
from core.tokenizers.char import CharTokenizer
from core.transformer.dict_lookup import block_inputs, many_texts, prefix_keys

TEXT = "the cat sat on a mat by the door"


@pytest.fixture(scope="module")
def tiny():
    torch.manual_seed(0)
    tok = CharTokenizer.train(TEXT)
    model = GPT(GPTConfig.preset("tiny", tok.vocab_size)).eval()
    with torch.no_grad():  # larger weights than the N(0, 0.02) init, so the weights are far from uniform
        for p in model.parameters():
            p.mul_(20)
    return model, tok


def _attention(model, ids):
    with torch.no_grad():
        out = model(torch.tensor([ids]), return_attn=True)
    return out.attentions  # per layer (1, nh, T, T)


@pytest.mark.parametrize("head", [0, 1])
def test_prefix_dict_is_the_last_rows_causal_attention(tiny, head):
    model, tok = tiny
    text = TEXT[:12]
    got = prefix_keys(model, tok, text, [text[: i + 1] for i in range(len(text))], head=head)
    att = _attention(model, tok.encode(text))[-1][0, head, -1]  # (T,): last query over every key
    by_key = {e.key: e.weight for e in got}
    want = {text[: i + 1]: float(att[i]) for i in range(len(text))}
    assert by_key == pytest.approx(want, abs=1e-5)
    assert [e.weight for e in got] == sorted((e.weight for e in got), reverse=True)


def test_many_texts_dict_is_layer_one_attention_when_keys_are_the_sentence(tiny):
    model, tok = tiny
    text, p = "the cat sat", 6  # query: the 7th character ('s' ... ) at its own position
    got = many_texts(model, tok, text[p], p, [text[: p + 1]], head=1)
    att = _attention(model, tok.encode(text))[0][0, 1, p, : p + 1]
    want = {f"p{i + 1} + {text[i]}": float(att[i]) for i in range(p + 1)}
    assert {e.key: e.weight for e in got} == pytest.approx(want, abs=1e-5)
    assert sum(e.weight for e in got) == pytest.approx(1.0)


def test_duplicate_keys_are_kept_once_and_bad_input_refused(tiny):
    model, tok = tiny
    got = many_texts(model, tok, "a", 3, ["the cat", "the cat", "the dog"])
    assert len(got) == len({e.key for e in got}) == 7 + 3  # "the dog" adds d, o, g at positions 5-7
    with pytest.raises(ValueError):
        many_texts(model, tok, "a", model.config.block_size, ["x"])
    with pytest.raises(ValueError):
        many_texts(model, tok, "a", 0, [""])


def test_block_inputs_chain_to_the_model_output(tiny):
    model, tok = tiny
    ids = tok.encode(TEXT)
    xs = block_inputs(model, ids)
    assert len(xs) == model.config.n_layer
    with torch.no_grad():
        last, _ = model.h[-1](xs[-1][None])
        assert torch.allclose(model.lm_head(model.ln_f(last))[0], model(torch.tensor([ids])).logits[0], atol=1e-5)


def test_pair_counts_by_hand():
    s = pair_sparsity([["a", "b", "a", "b"], ["a", "b"]], max_offset=2)
    # pairs: (a0,b1) (a0,a2) (b1,a2) (b1,b3) (a2,b3) | (a0,b1): 6 occurrences
    assert s.occurrences == 6
    assert s.absolute_keys == 5 and s.absolute_singletons == 4  # (a,0,b,1) twice
    assert s.relative_keys == 4 and s.relative_singletons == 3  # (a,b,1) x3, then (a,a,2) (b,a,1) (b,b,2) once each
    assert s.example == ("a", "b", 1) and s.example_count == 3 and s.example_cells == 2
    assert s.relative_mean > s.absolute_mean
    with pytest.raises(ValueError):
        pair_sparsity([["a"]], max_offset=0)
