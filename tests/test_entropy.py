"""Entropy and perplexity of small distributions: known values and bounds."""
from __future__ import annotations

import math

import numpy as np
import pytest

from core.lm.entropy import as_distribution, entropy_bits, keyboard_example, perplexity, preset, with_temperature


@pytest.mark.parametrize("size", [1, 2, 6, 8, 27])
def test_uniform_and_one_hot_are_the_bounds(size):
    assert math.isclose(perplexity(preset("uniform", size)), size)
    assert perplexity(preset("one_hot", size)) == 1.0
    z = perplexity(preset("zipf", size))
    assert 1.0 <= z <= size + 1e-9


def test_known_values():
    assert math.isclose(entropy_bits([0.5, 0.25, 0.25]), 1.5)
    assert entropy_bits([1, 0, 0]) == 0.0
    assert math.isclose(entropy_bits([2, 2]), 1.0)  # weights are normalized
    h, pp = keyboard_example(27)
    assert math.isclose(h, math.log2(27)) and math.isclose(pp, 27)


def test_temperature_goes_from_one_hot_to_uniform():
    p = preset("zipf", 6)
    assert np.allclose(with_temperature(p, 1.0), p)
    assert perplexity(with_temperature(p, 0.01)) < 1.001
    assert perplexity(with_temperature(p, 1e4)) > 5.99
    hs = [entropy_bits(with_temperature(p, t)) for t in (0.1, 0.5, 1, 2, 10)]
    assert all(a < b for a, b in zip(hs, hs[1:]))
    with pytest.raises(ValueError):
        with_temperature(p, 0)


def test_all_zero_weights_fall_back_to_uniform():
    assert np.allclose(as_distribution([0, 0, 0]), 1 / 3)


def test_merging_two_symbols_never_raises_entropy():
    rng = np.random.default_rng(0)
    for _ in range(50):
        p = as_distribution(rng.random(6))
        merged = np.concatenate(([p[0] + p[1]], p[2:]))
        assert entropy_bits(merged) <= entropy_bits(p) + 1e-12
