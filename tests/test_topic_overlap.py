"""How much of the topic task's held-out text the shipped language models read while pre-training."""
from __future__ import annotations

import pytest

from core.corpus import load_shipped, split_train_heldout
from core.gpt.finetune.backbones import load_shipped_backbones
from core.gpt.topic_data import load_topic_data


def _norm(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_seen_share_counts_passages_that_span_a_line_break(lang):
    data = load_topic_data(lang, max_chars=200)
    seen = load_shipped_backbones(lang, data).seen_heldout
    pre = _norm(split_train_heldout(load_shipped(lang))[0])
    literal = sum(e.text in split_train_heldout(load_shipped(lang))[0] for e in data.heldout) / len(data.heldout)
    assert seen == sum(_norm(e.text) in pre for e in data.heldout) / len(data.heldout)
    assert seen > literal  # the old literal test missed passages joined across lines
    assert 0.7 < seen < 0.9


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_unseen_tail_holds_one_topic_only(lang):
    """Why held-out passages cannot simply come from the text the shipped models never saw."""
    data = load_topic_data(lang, max_chars=200)
    tail = _norm(split_train_heldout(load_shipped(lang))[1])
    topics = {data.labels[e.label] for e in data.train + data.heldout if _norm(e.text) in tail}
    assert topics == {"conversations"} and len(data.labels) == 8
