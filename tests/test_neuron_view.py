"""The neuron view against the model's own attention weights and the definition q · k = Σ q ∘ k."""
from __future__ import annotations

import math

import pytest
import torch

from core.gpt.model import GPT, GPTConfig
from core.transformer.neuron_view import neuron_view


@pytest.mark.parametrize("pre_ln", [False, True])
def test_softmax_of_the_scores_is_the_models_attention(pre_ln):
    torch.manual_seed(0)
    m = GPT(GPTConfig(vocab_size=13, n_layer=3, n_head=2, n_embd=16, block_size=10, pre_ln=pre_ln)).eval()
    ids = [3, 1, 4, 1, 5, 9, 2, 6]
    with torch.no_grad():
        att = m(torch.tensor([ids]), return_attn=True).attentions  # per layer (1, nh, T, T)
    for layer in range(3):
        for head in range(2):
            for i in (0, 3, 7):
                v = neuron_view(m, ids, layer, head, i)
                assert v.k.shape == v.products.shape == (i + 1, 8) and v.q.shape == (8,)
                assert torch.allclose(v.weights, att[layer][0, head, i, :i + 1], atol=1e-6)
                assert torch.allclose(v.products.sum(1) / math.sqrt(8), v.k @ v.q / math.sqrt(8), atol=1e-6)
                assert v.weights.sum().item() == pytest.approx(1.0, abs=1e-6)


def test_out_of_range_is_a_clear_error():
    m = GPT(GPTConfig(vocab_size=5, n_layer=1, n_head=1, n_embd=4, block_size=4))
    with pytest.raises(ValueError, match="out of range"):
        neuron_view(m, [1, 2], 0, 0, 2)
