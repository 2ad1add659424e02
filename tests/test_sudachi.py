"""Sudachi: the three split modes on the notes' examples, offsets that index the input, the shared tokenizer
interface."""
import pytest

from core.tokenizers import sudachi
from core.tokenizers.compare import HUMAN, fit_toolkit, tokenize_row
from core.tokenizers.sudachi import SudachiTokenizer
from tests.test_tokenizers import HOSTILE


@pytest.mark.parametrize("text, a, b, c", [
    ("読売巨人軍", ["読売", "巨人", "軍"], ["読売", "巨人軍"], ["読売巨人軍"]),
    ("外国人参政権", ["外国", "人", "参政", "権"], ["外国人", "参政権"], ["外国人参政権"]),
    ("選挙管理委員会", ["選挙", "管理", "委員", "会"], ["選挙", "管理", "委員会"], ["選挙管理委員会"]),
])
def test_three_modes_split_the_notes_examples(text, a, b, c):
    ways = sudachi.three_ways(text)
    assert [[m.surface for m in ways[k]] for k in "ABC"] == [a, b, c]


@pytest.mark.parametrize("text",
                         ["読売巨人軍が勝った。\n外国人参政権", "the cat  sat", HOSTILE, "👩‍👩‍👧‍👦 e\u0301", "",
                          "あ" * 30_000])
def test_offsets_index_the_input(text):
    for mode in sudachi.MODES:
        ms = sudachi.morphemes(text, mode)
        assert all(text[m.start:m.end] == m.surface for m in ms)
        assert "".join(m.surface for m in ms) == "".join(text.split())  # nothing lost but spaces


def test_tokenizer_interface_round_trip_and_unknown():
    tok = SudachiTokenizer.train("読売巨人軍が勝った。巨人軍が負けた。", mode="B")
    assert tok.pieces("巨人軍が勝った") == ["巨人軍", "が", "勝っ", "た"]
    ids = tok.encode("巨人軍が勝った")
    assert 0 not in ids and tok.decode(ids) == "巨人軍が勝った"
    assert tok.encode("阪神") == [0]  # never seen in training: <unk>
    assert tok.vocab_size == len(set(sudachi.split("読売巨人軍が勝った。巨人軍が負けた。", "B"))) + 1


def test_counts_fall_as_units_grow():
    text = "外国人参政権について選挙管理委員会が説明した。読売巨人軍が勝った。" * 3
    c = sudachi.split_counts(text)
    assert c["A"][0] > c["B"][0] > c["C"][0]
    assert c["A"] == (len(sudachi.split(text, "A")), len(set(sudachi.split(text, "A"))))


def test_comparison_row():
    assert "sudachi" in HUMAN
    kit = fit_toolkit("読売巨人軍が勝った。", vocab_size=60)
    row = tokenize_row("sudachi", kit, "読売巨人軍が負けた")
    assert [t.text for t in row.tokens][:2] == ["読売巨人軍", "が"]
    assert [t.unknown for t in row.tokens] == [False, False, True, False]  # 負け never seen


def test_threads_may_split_at_once():
    """A page's three modes while a job learns an upload's vocabulary: one Sudachi tokenizer, two threads.
    Unguarded, Sudachi raised "Tokenizer is already in use" (core.tokenizers.sudachi keeps a lock per mode)."""
    import threading

    from core.tokenizers import sudachi

    if not sudachi.available():
        pytest.skip("Sudachi is not installed")
    errors: list[Exception] = []

    def split_many() -> None:
        try:
            for _ in range(20):
                sudachi.split("読売巨人軍が勝った。" * 200)
        except Exception as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)

    threads = [threading.Thread(target=split_many) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
