"""LSTM vs GPT timing: the structure (dependent steps), the measurement's bookkeeping, the stored file."""
import json

import pytest

from core.gpt.lstm import LSTMConfig
from core.gpt.model import GPTConfig
from core.gpt.timing.step_time import dependent_steps, from_dict, measure, to_dict
from views.gpt_finetune.notes_finetune import MEASURED


def test_dependent_steps_grow_with_length_for_the_lstm_only():
    l16, g16 = dependent_steps(LSTMConfig(vocab_size=5), GPTConfig(vocab_size=5), T=16)
    l64, g64 = dependent_steps(LSTMConfig(vocab_size=5), GPTConfig(vocab_size=5), T=64)
    assert (l16, l64) == (32, 128) and g16 == g64 == 4


def test_measure_small_and_round_trip():
    s = measure(vocab_size=50, batch=2, T=8, repeats=1)
    assert s.gpt_ms_per_token > 0 and s.lstm_ms_per_token > 0
    assert s.ratio == pytest.approx(s.lstm_ms_per_token / s.gpt_ms_per_token)
    assert s.lstm_chain == 16 and s.gpt_chain == 4 and s.T == 8 and s.device == "cpu"
    assert from_dict(json.loads(json.dumps(to_dict(s)))) == s


def test_stored_measurement_is_consistent():
    raw = json.loads(MEASURED.read_text(encoding="utf-8"))
    s = from_dict(raw)
    assert raw["ratio"] == pytest.approx(s.ratio)
    assert (s.lstm_chain, s.gpt_chain) == dependent_steps(LSTMConfig(vocab_size=3000), GPTConfig(vocab_size=3000), s.T)
    # "about the same size": within 25 % of each other's parameter count
    assert 0.8 < s.lstm_params / s.gpt_params < 1.25
