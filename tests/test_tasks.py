"""GPT-1's three transfer tasks (data side): sizes, balance, leak-free splits, the notes' pair, the
input transformations of Figure 1 (positions, truncation, padding, round trips) and hostile input."""
from __future__ import annotations

import random
import re

import pytest
import torch

from core.corpus import load_shipped
from core.errors import UserInputError
from core.gpt.model import GPT, GPTConfig
from core.gpt.tasks import transforms as X
from core.gpt.tasks.choice import load_choice, topic_of
from core.gpt.tasks.common import PairExample, TaskData, all_texts, bag_of_words_accuracy, corpus_overlap
from core.gpt.tasks.encode import encode_examples, encode_text
from core.gpt.tasks.entailment import load_entailment
from core.gpt.tasks.similarity import DIFFERENT, SAME, load_similarity, orderings, showcase, word_overlap
from core.gpt.tasks.transforms import Specials
from core.gpt.tasks.zeroshot import candidates, predict
from core.tokenizers.char import CharTokenizer
from core.tokenizers.simple import ByteTokenizer, MecabTokenizer

LANGS = ("en", "ja")
LOADERS = {"entailment": load_entailment, "similarity": load_similarity, "multiple_choice": load_choice}
TASKS = [(task, lang) for task in LOADERS for lang in LANGS]
HOSTILE = {"emoji": "👩‍👩‍👧‍👦🇯🇵 é" * 3, "long": "東京から大阪へ行く " * 1000, "script": "</script><b>x</b>"}


def load(task: str, lang: str, **kw) -> TaskData:
    return LOADERS[task](lang, **kw)


@pytest.fixture(scope="module")
def tok() -> CharTokenizer:
    texts = [t for task, lang in TASKS for t in all_texts(load(task, lang))]
    return CharTokenizer.train("".join(texts) + "".join(HOSTILE.values()))


# ---- the data -------------------------------------------------------------------------------------

@pytest.mark.parametrize("task,lang", TASKS)
def test_sizes_fit_a_small_cpu_and_hold_out_a_fifth_of_the_items(task, lang):
    data = load(task, lang)
    n = len(data.train) + len(data.heldout)
    assert 250 <= n <= 2000, n
    n_train, n_held = len(data.items("train")), len(data.items("heldout"))
    assert n_held == round((n_train + n_held) * 0.2)
    assert data.task == task and data.lang == lang


@pytest.mark.parametrize("task,lang", TASKS)
@pytest.mark.parametrize("split_by", ["item", "frame"])
def test_no_item_or_item_text_shared_between_train_and_heldout(task, lang, split_by):
    data = load(task, lang, split_by=split_by)
    assert data.items("train").isdisjoint(data.items("heldout"))
    if task == "multiple_choice":
        key = lambda e: e.context
    elif task == "entailment":
        key = lambda e: e.a  # one premise has several hypotheses, all in its split
    else:  # similarity: neither sentence of a held-out pair is seen in training, in any role
        key = None
    if key is None:
        seen = {s for e in data.train for s in (e.a, e.b)}
        assert not {s for e in data.heldout for s in (e.a, e.b)} & seen
    else:
        assert not {key(e) for e in data.train} & {key(e) for e in data.heldout}
    if split_by == "frame":  # whole templates held out
        frames = lambda split: {i.split("|")[0] for i in data.items(split)}
        assert frames("train").isdisjoint(frames("heldout")) and frames("heldout")


def test_the_split_check_can_fail():
    ex = PairExample("Ken ran.", "Ken moved.", 0, "run|p=Ken")
    with pytest.raises(AssertionError, match="both splits"):
        TaskData("entailment", "en", (("a", "あ"),), [ex], [ex]).check_disjoint()
    with pytest.raises(AssertionError, match="texts in both"):
        TaskData("entailment", "en", (("a", "あ"),), [ex], [PairExample("Ken ran.", "x", 1, "other")]).check_disjoint()


@pytest.mark.parametrize("lang", LANGS)
def test_pair_tasks_are_balanced_so_the_majority_baseline_is_chance(lang):
    for data, k in ((load_entailment(lang), 3), (load_similarity(lang), 2)):
        for split in ("train", "heldout"):
            counts = data.counts(split)
            assert len(counts) == k and len(set(counts)) == 1, (data.task, split, counts)
        assert data.majority_baseline() == pytest.approx(1 / k) == data.chance_baseline()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("k", [3, 4])
def test_multiple_choice_has_k_distinct_answers_and_balanced_positions(lang, k):
    data = load_choice(lang, k=k)
    every = data.train + data.heldout
    assert all(len(e.answers) == k == len(set(e.answers)) for e in every)
    per_position = [sum(e.label == i for e in every) for i in range(k)]
    assert max(per_position) - min(per_position) <= 1, per_position  # always-answer-i scores 1/k overall
    assert data.chance_baseline() == pytest.approx(1 / k)
    assert data.majority_baseline() <= 1 / k + 0.1
    topics = {topic_of(e.item, lang) for e in every}
    assert {"daily_life", "school", "weather", "sports", "food", "travel", "science"} <= topics


@pytest.mark.parametrize("task,lang", TASKS)
def test_same_seed_same_data_other_seed_other_split(task, lang):
    a, b, c = load(task, lang, seed=3), load(task, lang, seed=3), load(task, lang, seed=4)
    assert a.train == b.train and a.heldout == b.heldout
    assert a.items("heldout") != c.items("heldout")


@pytest.mark.parametrize("task,lang", TASKS)
def test_vocabulary_overlaps_the_shipped_corpus(task, lang):
    texts, corpus = all_texts(load(task, lang)), load_shipped(lang)
    share = corpus_overlap(texts, corpus, lang)
    assert share >= (0.8 if lang == "en" else 0.55), share  # ja: character bigrams, a stricter measure
    # a character-level GPT pre-trained on the corpus has an embedding for (nearly) every character
    chars, known = [c for t in texts for c in t], set(corpus)
    assert sum(c in known for c in chars) / len(chars) >= 0.995


@pytest.mark.parametrize("task,lang", TASKS)
def test_label_names_are_bilingual(task, lang):
    data = load(task, lang)
    for i, (en, ja) in enumerate(data.labels):
        assert en.isascii() and en and not ja.isascii()
        assert data.label_name(i, "en") == en and data.label_name(i, "ja") == ja
    for en, ja in X.ROLES.values():
        assert en.isascii() and not ja.isascii()


def test_the_notes_pair_is_shown_first_and_is_in_the_data():
    ja, en = showcase("ja"), showcase("en")
    assert (ja[0].a, ja[0].b, ja[0].label) == ("東京から大阪へ行く", "大阪から東京へ行く", DIFFERENT)
    assert (en[0].a, en[0].b, en[0].label) == ("I go from Tokyo to Osaka.", "I go from Osaka to Tokyo.", DIFFERENT)
    assert word_overlap(en[0].a, en[0].b, "en") == word_overlap(ja[0].a, ja[0].b, "ja") == 1.0  # same words
    for lang, shown in (("ja", ja), ("en", en)):  # and a paraphrase sharing few words that means the same
        assert any(e.label == SAME and word_overlap(e.a, e.b, lang) < 0.5 for e in shown)


@pytest.mark.parametrize("lang", LANGS)
def test_similarity_has_same_word_swaps_and_low_overlap_paraphrases(lang):
    data = load_similarity(lang)
    every = data.train + data.heldout
    swaps = [e for e in every if e.label == DIFFERENT and word_overlap(e.a, e.b, lang) == 1.0]
    paraphrases = [e for e in every if e.label == SAME and word_overlap(e.a, e.b, lang) < 0.5]
    # half the pairs compare a with its own form (same words); the other half with another form
    assert len(swaps) >= len(every) // 8 and len(paraphrases) >= len(every) // 40, (len(swaps), len(paraphrases))
    route = [e for e in every if e.item.startswith("route|") and e.label == DIFFERENT]
    tokyo, osaka = ("東京", "大阪") if lang == "ja" else ("Tokyo", "Osaka")
    assert any(tokyo in e.a and osaka in e.a and word_overlap(e.a, e.b, lang) == 1.0 for e in route)


@pytest.mark.parametrize("lang", LANGS)
def test_similarity_comes_in_twins_with_the_same_words_so_a_bag_of_words_is_at_chance(lang):
    """Every "same meaning" pair has a "different meaning" twin: the same sentence a, and a b with the two
    roles exchanged, i.e. exactly the same words (as a multiset) in another order. A model blind to order
    scores the twins alike, so it sits at 1/2 on every split; the notes' 東京/大阪 pair is such a twin.
    (In the "order" frame the two activities trade places, and their inflections with them: washed / washing.)"""
    from collections import Counter

    from core.gpt.tasks.common import word_set
    from core.tokenizers import mecab

    data = load_similarity(lang)
    if lang == "en":
        def words(t):
            return Counter(re.findall(r"[a-z]+", t.lower()))
    else:
        def words(t):
            return Counter(mecab.split(t))
    for split in (data.train, data.heldout):
        assert len(split) % 2 == 0
        for same, diff in zip(split[0::2], split[1::2]):
            assert (same.label, diff.label) == (SAME, DIFFERENT) and same.a == diff.a and same.item == diff.item
            assert same.b != diff.b
            if not same.item.startswith("order|"):
                assert words(same.b) == words(diff.b)
                assert word_set(same.a + "\n" + same.b, lang) == word_set(diff.a + "\n" + diff.b, lang)
    assert bag_of_words_accuracy(data, "ab") <= 0.52
    pair = (("東京から大阪へ行く", "大阪から東京へ行く") if lang == "ja"
            else ("I go from Tokyo to Osaka.", "I go from Osaka to Tokyo."))
    route = [e for e in data.train + data.heldout if e.item.startswith("route|") and e.label == DIFFERENT]
    assert any(e.a == pair[0] and e.b == pair[1] for e in route) or any(
        e.a.startswith(pair[0][:2]) and word_overlap(e.a, e.b, lang) == 1.0 for e in route)


@pytest.mark.parametrize("task,lang", [(t, lang) for t in ("entailment", "similarity") for lang in LANGS])
def test_the_second_text_alone_does_not_give_the_label(task, lang):
    """No hypothesis-only shortcut: a bag of words reading only the hypothesis (or sentence b) is near
    chance. Reading both texts without their order: near chance for similarity; for entailment it can
    tell neutral (the hypothesis names the other fact) but never entails from contradicts (same words)."""
    data = load(task, lang)
    chance = data.chance_baseline()
    assert bag_of_words_accuracy(data, "b") < chance + 0.08
    assert bag_of_words_accuracy(data, "ab") < chance + (0.25 if task == "entailment" else 0.15)


@pytest.mark.parametrize("lang", LANGS)
def test_each_premise_has_one_hypothesis_per_label_and_contradiction_swaps_the_entailed_values(lang):
    data = load_entailment(lang)
    by_premise: dict[str, list] = {}
    for e in data.train + data.heldout:
        by_premise.setdefault(e.a, []).append(e)
    words = (lambda t: sorted(re.findall(r"[a-z]+", t.lower()))) if lang == "en" else sorted
    for exs in by_premise.values():
        assert sorted(e.label for e in exs) == [0, 1, 2] and len({e.item for e in exs}) == 1
        yes, no, neutral = sorted(exs, key=lambda e: e.label)
        assert yes.b != no.b and words(yes.b) == words(no.b)  # same words (characters), other order
        assert neutral.b not in (yes.b, no.b)


# ---- the transformations --------------------------------------------------------------------------

SP = Specials(100, 101, 102)


def test_figure1_layouts_put_special_tokens_where_the_paper_does():
    assert X.classification([1, 2], SP, 16).ids == [100, 1, 2, 102]
    e = X.entailment([1, 2, 3], [4, 5], SP, 16)
    assert e.ids == [100, 1, 2, 3, 101, 4, 5, 102] and e.extract_index == 7 and not e.truncated
    ab, ba = X.similarity([1, 2], [3], SP, 16)
    assert ab.ids == [100, 1, 2, 101, 3, 102] and ba.ids == [100, 3, 101, 1, 2, 102]
    mc = X.multiple_choice([1, 2], [[3], [4, 5], [6]], SP, 16)
    assert [s.ids for s in mc] == [[100, 1, 2, 101, 3, 102], [100, 1, 2, 101, 4, 5, 102], [100, 1, 2, 101, 6, 102]]
    assert Specials.after(50).ids == (50, 51, 52)
    with pytest.raises(ValueError, match="distinct"):
        Specials(1, 1, 2)
    with pytest.raises(ValueError, match="collide"):
        X.classification([1, 100], SP, 16)


def _cut_one_at_a_time(lengths, budget):
    out = list(lengths)
    while sum(out) > budget:
        out[out.index(max(out))] -= 1
    return out


def test_truncation_cuts_the_longest_part_first_like_the_one_token_loop():
    rng = random.Random(0)
    for _ in range(300):
        lengths = [rng.randint(1, 60) for _ in range(rng.randint(1, 4))]
        budget = rng.randint(len(lengths), 120)
        assert X.fit_lengths(lengths, budget) == _cut_one_at_a_time(lengths, budget), (lengths, budget)


def test_truncation_keeps_specials_the_extract_token_and_the_context_end():
    e = X.entailment(list(range(1, 51)), [60, 61, 62], SP, 12)
    assert len(e.ids) == 12 and e.truncated and e.ids[-1] == 102 and e.ids[0] == 100
    assert e.part("premise") == list(range(1, 7)) and e.part("hypothesis") == [60, 61, 62]
    mc = X.multiple_choice(list(range(1, 51)), [[60, 61], [70]], SP, 10)
    assert mc[0].part("context") == list(range(46, 51))  # the end of the story, next to the answer
    assert all(s.ids[-1] == 102 and len(s.ids) <= 10 for s in mc)
    with pytest.raises(UserInputError) as err:
        X.entailment([1], [2], SP, 4)
    assert "5" in err.value.en and "5" in err.value.ja


@pytest.mark.parametrize("task,lang", TASKS)
def test_pieces_decode_back_to_the_parts(task, lang, tok):
    sp = Specials.after(tok.vocab_size)
    ex = load(task, lang).heldout[0]
    if task == "multiple_choice":
        seqs = X.multiple_choice(tok.encode(ex.context), [tok.encode(a) for a in ex.answers], sp, 512)
        expected = [{"context": ex.context, "answer": a} for a in ex.answers]
    elif task == "similarity":
        seqs = list(X.similarity(tok.encode(ex.a), tok.encode(ex.b), sp, 512))
        expected = [{"a": ex.a, "b": ex.b}] * 2
        assert orderings(ex) == ((ex.a, ex.b), (ex.b, ex.a))
    else:
        seqs = [X.entailment(tok.encode(ex.a), tok.encode(ex.b), sp, 512)]
        expected = [{"premise": ex.a, "hypothesis": ex.b}]
    for seq, parts in zip(seqs, expected):
        pieces = X.labelled_pieces(seq, tok.id_to_piece, sp)
        assert pieces[0] == ("start", "<s>") and pieces[-1] == ("extract", "<e>")
        assert len(pieces) == len(seq.ids) and sum(r == "delim" for r, _ in pieces) == 1
        for role, text in parts.items():
            assert "".join(p for r, p in pieces if r == role) == text == tok.decode(seq.part(role))
    if task == "similarity":  # the second ordering reads b first
        assert [r for r, _ in X.labelled_pieces(seqs[1], tok.id_to_piece, sp) if r in "ab"][0] == "b"


@pytest.mark.parametrize("make", ["byte", "mecab"])
def test_any_tokenizer_with_encode_works(make):
    """Bytes split a kanji into three ids and MeCab yields word ids: the parts still decode back."""
    data = load_similarity("ja")
    tokenizer = ByteTokenizer() if make == "byte" else MecabTokenizer.train("\n".join(all_texts(data)))
    sp = Specials.after(tokenizer.vocab_size)
    enc = encode_examples(data.heldout[:4], "similarity", tokenizer, sp, block_size=128)
    assert enc.truncated_rows == 0 and enc.x.shape[0] == 8
    for row, ex in zip(range(0, 8, 2), data.heldout[:4]):
        ids = enc.x[row, : int(enc.extract[row]) + 1].tolist()
        d = ids.index(sp.delim)
        assert ids[0] == sp.start and ids[-1] == sp.extract
        assert tokenizer.decode(ids[1:d]).replace(" ", "") == ex.a
        assert tokenizer.decode(ids[d + 1:-1]).replace(" ", "") == ex.b


def test_right_padding_does_not_change_the_extract_state():
    """A real causal GPT: the final state at the extract token is the same alone or in a padded batch."""
    torch.manual_seed(0)
    sp = Specials.after(20)
    model = GPT(GPTConfig(vocab_size=23, n_layer=2, n_head=2, n_embd=16, block_size=16)).eval()
    seqs = [X.entailment([1, 2, 3, 4, 5], [6, 7], sp, 16), X.entailment([8], [9], sp, 16)]
    x, extract = X.pad(seqs, pad_id=0)
    assert x.shape == (2, 10) and extract.tolist() == [9, 4]
    assert x[1, 5:].tolist() == [0] * 5 and (x[torch.arange(2), extract] == sp.extract).all()
    with torch.no_grad():
        batched = model.features(x)[torch.arange(2), extract]  # (2, d)
        alone = torch.stack([model.features(torch.tensor([s.ids]))[0, -1] for s in seqs])
    torch.testing.assert_close(batched, alone, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="exceeds"):
        X.pad(seqs, block_size=8)


@pytest.mark.parametrize("task,lang", TASKS)
def test_encode_examples_gives_contiguous_rows_per_example(task, lang, tok):
    data = load(task, lang)
    sp = Specials.after(tok.vocab_size)
    enc = encode_examples(data.heldout[:6], task, tok, sp, block_size=64)
    per = {"entailment": 1, "similarity": 2, "multiple_choice": 4}[task]
    assert enc.rows_per_example == per and enc.x.shape[0] == 6 * per
    assert enc.labels.tolist() == [e.label for e in data.heldout[:6]]
    assert (enc.x[torch.arange(len(enc.x)), enc.extract] == sp.extract).all() and (enc.x[:, 0] == sp.start).all()
    assert enc.x.shape[1] <= 64 and int(enc.x.max()) < tok.vocab_size + 3


# ---- hostile input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\t ", None, "\x00\x01"])
def test_empty_text_is_a_bilingual_error_naming_the_part(text, tok):
    with pytest.raises(UserInputError) as err:
        encode_text(tok, text, "premise")
    assert "premise" in err.value.en and "前提" in err.value.ja
    with pytest.raises(UserInputError):
        X.entailment([], [1], SP, 16)
    with pytest.raises(UserInputError):
        X.multiple_choice([1], [[2]], SP, 16)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_is_cut_to_the_block_with_its_special_tokens(name, tok):
    sp = Specials.after(tok.vocab_size)
    ids = encode_text(tok, HOSTILE[name] * 4, "a")
    assert 0 < len(ids) <= 2000  # 10,000+ characters are cut before tokenizing
    ab, ba = X.similarity(ids, encode_text(tok, "東京から大阪へ行く", "b"), sp, 32)
    for seq in (ab, ba):
        assert len(seq.ids) <= 32 and seq.ids[0] == sp.start and seq.ids[-1] == sp.extract
        assert seq.ids.count(sp.delim) == 1
    assert tok.decode(ab.part("b")) == "東京から大阪へ行く"  # the short part is kept whole
    pieces = X.labelled_pieces(ab, tok.id_to_piece, sp)
    assert all(isinstance(p, str) for _, p in pieces)


# ---- zero-shot strings ------------------------------------------------------------------------------

@pytest.mark.parametrize("task,lang", TASKS)
def test_zero_shot_candidates_cover_every_label_and_keep_the_texts(task, lang):
    data = load(task, lang)
    ex = data.heldout[0]
    cands = candidates(ex, task, lang)
    assert {c.label for c in cands} == set(range(len(data.labels)))
    if task == "multiple_choice":
        assert all(c.prefix == ex.context and c.continuation.strip() == ex.answers[c.label] for c in cands)
    else:
        assert len(cands) == len(data.labels) * (2 if task == "similarity" else 1)
        assert all(c.prefix.rstrip("。").startswith((ex.a.rstrip("。"), ex.b.rstrip("。"))) for c in cands)
    # an oracle scorer that likes the right candidate's string recovers the label
    right = {c.prefix + c.continuation for c in cands if c.label == ex.label}
    assert predict(cands, lambda p, c: float(p + c in right)) == ex.label
