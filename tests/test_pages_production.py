"""AppTest of the production tokenizer rows, the token premium and GPT-2's merges, in both languages,
with hostile input and with a tokenizer missing."""
from __future__ import annotations

import pytest

from core.errors import UserInputError
from tests.apptest import errors, open_page, spec_with
from tests.production_vendor import require_production

BAD = {
    "long": "日本語とEnglish " * 700,  # 10,500 characters: cut to the page's limit
    "emoji": "Family 👨‍👩‍👧‍👦 👍🏿 🏳️‍🌈 done",
    "combining": "e\u0301\u0302 a\u0308 ก\u0e34\u0e4a Z\u0351\u0352\u0353",
    "controls": "a\x00b\x07c\x1b[31m red \x7f",
    "rtl": "שלום עולם مرحبا \u202eabc\u202c",
    "markup": "</div><script>alert(1)</script> **bold** [x](javascript:alert(1))",
}


def frame(at, column: str):
    """The dataframe with `column` (AppTest finds dataframes by position only)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with a column {column!r}"
    return found[0]


def prod_rows(at) -> str:
    return "\n".join(m.value for m in at.markdown if 'class="tk-row tkb"' in m.value)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_compare_shows_production_rows_and_premium(lang):
    require_production()
    at = open_page("views/tok_compare/page.py", lang=lang)
    at.selectbox(key="tokc_preset").select("p_giants").run()
    assert not at.exception, errors(at)
    html = prod_rows(at)
    assert html.count('class="tk-row tkb"') == 5
    assert 'class="hx">e8 aa<' in html and "\ufffd" not in html  # GPT-2 cuts 読 across two tokens
    heads = [s.value for s in at.subheader]
    title = "The same sentence, five vocabularies, five sequences" if lang == "en" else "同じ文、5 つの語彙、5 つの系列"
    assert title in heads
    spec = spec_with(at, "×")
    assert ("Japanese" if lang == "en" else "日本語") in spec and "GPT-2" in spec and "o200k" in spec
    summary = frame(at, "Tokenizer" if lang == "en" else "トークナイザ")
    assert len(summary) == 9 + 5


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_own_pair(lang):
    require_production()
    at = open_page("views/tok_compare/page.py", lang=lang)
    at.text_input(key="tokc_pair_en").input("Good morning.").run()
    at.text_input(key="tokc_pair_ja").input("おはようございます。").run()
    assert not at.exception, errors(at)
    own = frame(at, "English tokens" if lang == "en" else "英語 トークン数")
    assert len(own) >= 7 and (own.iloc[:, 1] > 0).all()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bad_input_every_row_answers(lang):
    require_production()
    at = open_page("views/tok_compare/page.py", lang=lang)
    for name, text in BAD.items():
        at.text_area(key="tokc_text").input(text).run()
        assert not at.exception, (name, errors(at))
        html = prod_rows(at)
        assert "<script>" not in html and "\ufffd" not in html, name
        assert html.count('class="tk-row tkb"') == 5, name  # (a lone surrogate: tests/test_production_tokenizers.py)


def test_missing_tokenizer_says_what_to_run(monkeypatch):
    import ui.tok_production as prod

    real = prod.try_load
    monkeypatch.setattr(prod, "try_load", lambda k: UserInputError(f"{k} missing: run X", f"{k} なし：X を実行")
                        if k == "llama3" else real(k))
    at = open_page("views/tok_compare/page.py", lang="en")
    assert any("llama3 missing: run X" in w.value for w in at.warning)
    assert at.get("plotly_chart") and not at.exception


# --- BPE: GPT-2's merges beside ours ----------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bpe_page_replays_gpt2_merges(lang):
    require_production(["gpt2"])
    at = open_page("views/tok_bpe/page.py", lang=lang)
    at.text_input(key="bpe_text").input("the lowest <b>newest</b> 読").run()
    assert not at.exception, errors(at)
    steps = frame(at, "Merge rank" if lang == "en" else "マージの順位")
    assert len(steps) > 5 and steps.iloc[0, 1] >= 1
    same = "same as the tokenizers library's: yes" if lang == "en" else "同じ：はい"
    assert same in " ".join(m.value for m in at.markdown)
    html = prod_rows(at)
    assert 'class="hx"' in html and 'class="of">読<' in html and "<b>" not in html


def test_gpt2_replay_equals_the_library():
    from core.tokenizers.gpt2_merges import load_ranks, replay

    tok = require_production(["gpt2"])["gpt2"]
    ranks = load_ranks()
    for text in ["the lowest newest tokenizers", "読売巨人軍が勝った。", " unbelievable!!  hi\n\n12345 👩🏽‍💻"]:
        steps, final = replay(text, ranks)
        assert final == [tok.id_to_piece(i) for i in tok.encode(text)]
        assert all(s.rank >= 0 for s in steps)
