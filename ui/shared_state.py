"""State that deliberately crosses pages: the GPT trained on "Train GPT-1 live", else the shipped one.

Every other session key is prefixed by its page; this one is shared on purpose, so the attention
pages and the positional-encoding page can use the model the user trained.
The GPT-1 page publishes; readers get None until a model exists.

A training keeps running while the user is on another page, so the GPT-1 page also registers a
*source* (`set_trained_gpt_source`): a function returning a fresh snapshot of the model being trained.
`get_trained_gpt()` asks it first, so readers always see the latest weights, not those of the last
time the training page was on screen.

`get_gpt(lang)` is what reader pages call: the live model when there is one, else the GPT shipped with
the app for the UI language (core.shipped.models), so "our GPT" exists on first open.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import streamlit as st

from core.errors import UserInputError
from core.shipped import models as shipped_models
from ui import shell
from ui.background import offer_rebuild
from ui.texts.shared_state import T

TRAINED_GPT_KEY = "shared_trained_gpt"
TRAINED_GPT_SOURCE_KEY = "shared_trained_gpt_source"


@dataclass
class TrainedGPT:
    model: Any  # core.gpt.model.GPT, a snapshot in eval mode on the CPU (readers must not train it)
    tokenizer: Any  # core.tokenizers.base.Tokenizer
    label: str  # e.g. "class-demo · en · step 1200 · val loss 1.92"
    step: int
    shipped: bool = False  # True: the model shipped in assets/models, not one trained in this session


def set_trained_gpt(trained: TrainedGPT | None) -> None:
    st.session_state[TRAINED_GPT_KEY] = trained


def set_trained_gpt_source(source: Callable[[], TrainedGPT | None] | None) -> None:
    """Register (or with None, remove) a function that returns the current model on demand."""
    st.session_state[TRAINED_GPT_SOURCE_KEY] = source


def get_trained_gpt() -> TrainedGPT | None:
    source = st.session_state.get(TRAINED_GPT_SOURCE_KEY)
    if source is not None:
        try:
            fresh = source()
        except Exception:  # noqa: BLE001 - a reader page must never fail because of the trainer
            fresh = None
        if fresh is not None:
            st.session_state[TRAINED_GPT_KEY] = fresh
            return fresh
    return st.session_state.get(TRAINED_GPT_KEY)


def get_gpt(lang: str) -> TrainedGPT | None:
    """The session's live-trained GPT if there is one, else the shipped GPT for `lang`.

    The label says which. When neither exists (the shipped file missing or damaged), the page shows
    why, in the UI language, and gets None: it must still work without a GPT.
    """
    live = get_trained_gpt()
    if live is not None:
        return replace(live, label=T.t("live_label", lang, label=live.label))
    try:
        sh = shipped_models.load_gpt(lang)
    except UserInputError as e:
        shell.show_error(e)
        offer_rebuild("gpt", lang, lang)  # a button that rebuilds it in the background
        return None
    return TrainedGPT(sh.model, sh.tokenizer, shipped_label(sh.card, lang), sh.steps, shipped=True)


def shipped_label(card: dict, lang: str) -> str:
    """Which GPT this is, from its card: steps, text size, held-out perplexity and how it stands against the best
    n-gram on the same held-out tokens (ahead only past two standard errors; else within noise, or behind)."""
    try:
        vs, ngram = card["vs_ngram"], card["ngram"]
        m, se = float(vs["margin_nats"]), float(vs["margin_se"])
        key = "verdict_beats" if m > 2 * se else "verdict_behind" if m < -2 * se else "verdict_noise"
        return T.t("shipped_label", lang, code=lang, steps=int(card["steps"]),
                   mb=card["pretrain_text"]["train_chars"] / 1e6, ppl=float(card["heldout_ppl"]),
                   ngram_ppl=float(ngram["heldout_ppl"]),
                   verdict=T.t(key, lang, m=abs(m) if key != "verdict_noise" else m, se=se))
    except (KeyError, TypeError, ValueError):  # a card of an older build
        return T.t("shipped_label_old", lang, code=lang, steps=int(card.get("steps", 0)),
                   ppl=float(card.get("heldout_ppl", float("nan"))))
