"""The shipped language models never read a task's held-out passage (core.gpt.tasks.pretrain_text)."""
from __future__ import annotations

import pytest

from core.corpus import load_shipped, split_train_heldout
from core.gpt.finetune.backbones import load_shipped_backbones
from core.gpt.tasks.pretrain_text import pretraining_split, pretraining_split_of, seen_share, task_heldout_texts
from core.gpt.topic_data import load_topic_data
from core.gpt.finetune.tasks import TOPIC_CHARS

LANGS = ("en", "ja")


def _bare(s: str) -> str:
    return "".join(s.split())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("max_chars", [95, TOPIC_CHARS])  # fine-tuning's passages and the transfer page's
def test_no_heldout_passage_is_in_the_pretraining_text(lang, max_chars):
    data = load_topic_data(lang, max_chars=max_chars)
    s = pretraining_split(lang)
    hay = _bare(s.train)
    assert not [e.text for e in data.heldout if _bare(e.text) in hay]
    assert all(_bare(e.text) in hay for e in data.train)  # training passages are all still read
    assert all(_bare(e.text) in _bare(s.heldout) for e in data.heldout)  # the LM held-out text is theirs


@pytest.mark.parametrize("lang", LANGS)
def test_exactly_the_heldout_paragraphs_are_left_out_and_nothing_is_lost(lang):
    paragraphs, sentences = task_heldout_texts(lang)
    s = pretraining_split(lang)
    assert sentences and s.excluded == len(paragraphs) > 0  # rule-built tasks' sentences are not corpus text
    assert len(_bare(s.train)) + len(_bare(s.heldout)) == len(_bare(load_shipped(lang)))
    # The held-out text covers every topic (the old last-10 % tail was one topic: conversations).
    data = load_topic_data(lang)
    assert {e.label for e in data.heldout} == set(range(len(data.labels))) and len(data.labels) == 8
    tail = _bare(split_train_heldout(load_shipped(lang))[1])
    assert {data.labels[e.label] for e in data.train + data.heldout if _bare(e.text) in tail} == {"conversations"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_old_split_had_read_most_heldout_passages(lang):
    """Why the rebuild: the first 90 % of the corpus holds ~89 % of the held-out passages."""
    data = load_topic_data(lang, max_chars=TOPIC_CHARS)
    assert seen_share([e.text for e in data.heldout], split_train_heldout(load_shipped(lang))[0]) > 0.8


def test_a_paragraph_with_a_heldout_sentence_is_left_out_too():
    text = "Head\n\nKen ate rice at noon. Then he slept.\n\nMaya ran.\nShe won.\n\nOther text here.\n"
    s = pretraining_split_of(text, {"Maya ran. She won."}, frozenset({"Ken ate rice at noon."}))
    assert s.train == "Head\n\nOther text here.\n"
    assert s.heldout == "Ken ate rice at noon. Then he slept.\n\nMaya ran.\nShe won.\n"
    assert (s.excluded, s.paragraphs) == (2, 4)
    import core.gpt.tasks.pretrain_text as P

    old, P.MIN_SEEN_CHARS = P.MIN_SEEN_CHARS, 1  # this toy text's passages are shorter than the real minimum
    try:
        assert seen_share(["Maya ran. She won.", "Other  text"], s.train) == 0.5
    finally:
        P.MIN_SEEN_CHARS = old
    assert seen_share([], s.train) == 0.0


@pytest.mark.parametrize("lang", LANGS)
def test_the_shipped_backbones_say_zero_percent_and_their_card_agrees(lang):
    data = load_topic_data(lang, max_chars=TOPIC_CHARS)
    sb = load_shipped_backbones(lang, data)
    assert sb.seen_heldout == 0.0
    from core.corpus import corpus_id
    from core.gpt.tasks.pretrain_text import corpus_heldout

    for card in (sb.gpt_card, sb.lstm_card):  # built on today's split rule, else `make models` is due
        t = card["pretrain_text"]
        assert t["corpus_heldout_id"] == corpus_id(corpus_heldout(lang)), card["artifact"]
        assert set(t["topic_heldout_seen"].values()) == {0.0}
