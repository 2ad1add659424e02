"""State that deliberately crosses pages: the GPT trained on "Train GPT-1 live".

Every other session key is prefixed by its page; this one is shared on purpose, so the attention
pages and the positional-encoding page can use the model the user trained.
The GPT-1 page publishes; readers get None until a model exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

TRAINED_GPT_KEY = "shared_trained_gpt"


@dataclass
class TrainedGPT:
    model: Any  # core.gpt.GPT, a snapshot in eval mode on the CPU (readers must not train it)
    tokenizer: Any  # core.tokenizers.base.Tokenizer
    label: str  # e.g. "class-demo · en · step 1200 · val loss 1.92"
    step: int


def set_trained_gpt(trained: TrainedGPT | None) -> None:
    st.session_state[TRAINED_GPT_KEY] = trained


def get_trained_gpt() -> TrainedGPT | None:
    return st.session_state.get(TRAINED_GPT_KEY)
