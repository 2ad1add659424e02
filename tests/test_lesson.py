"""Lesson mode: the lesson file (every stop names a real page, real widget keys, both languages), its
checks on load, and the lesson walking through the live app (AppTest)."""
from __future__ import annotations

import json
import re

import pytest

from core.errors import UserInputError
from core.lesson import LESSON_DIR, load_lesson, parse_lesson, parse_number
from tests.apptest import APP, open_page
from tests.conftest import ROOT
from ui.lesson import diagram_part
from ui.registry import PAGES

PAGE_PATHS = {p.path for p in PAGES}
LESSONS = sorted(LESSON_DIR.glob("lesson*.toml"))


def page_keys(path: str) -> list[re.Pattern]:
    """Widget keys a page creates: key="x" literals, f-string keys as patterns, and pick_corpus's keys.

    A page draws widgets from the modules of its folder (views/gpt_train/sections.py) and from shared ui helpers
    (`from ui.corpus_picker import ...`): those modules' keys count too.
    """
    src = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / path).parent.rglob("*.py")))
    for mod in re.findall(r"^from (ui\.[a-z0-9_]+) import", src, re.M):
        helper = ROOT / (mod.replace(".", "/") + ".py")
        if helper.is_file() and helper.stem not in ("shell", "safe", "guard", "shared_state", "lesson"):
            src += "\n" + helper.read_text(encoding="utf-8")
    keys = [re.escape(k) for k in re.findall(r'key="([a-z0-9_]+)"', src)]
    keys += [re.sub(r"\\\{[^}]*\\\}", r"\\w+", re.escape(k)) for k in re.findall(r'key=f"([a-z0-9_{}\[\]]+)"', src)]
    keys += [f"{p}_corpus" for p in re.findall(r'pick_corpus\("([a-z0-9_]+)"', src)]
    return [re.compile(f"^{k}$") for k in keys]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_stop_names_a_page_and_its_widget_keys(path):
    lesson = load_lesson(int(path.stem.removeprefix("lesson")), PAGE_PATHS)
    assert 15 <= len(lesson.stops) <= 32 or path.stem != "lesson1"
    for n, stop in enumerate(lesson.stops, 1):
        assert stop.page in PAGE_PATHS, (n, stop.page)
        patterns = page_keys(stop.page)
        for key in stop.keys():
            assert any(p.match(key) for p in patterns), f"stop {n}: {key!r} is not a widget key of {stop.page}"
        for en, ja in (stop.point, stop.question):  # titles may be the same word (GELU) in both
            assert en != ja, f"stop {n}: untranslated {en!r}"
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", ja), f"stop {n}: Japanese text has no Japanese"


def test_lesson1_follows_the_notes_order():
    lesson = load_lesson(1, PAGE_PATHS)
    order = [p.path for p in PAGES]
    firsts = list(dict.fromkeys(s.page for s in lesson.stops))  # pages in first-visit order
    assert firsts[0] == "views/lm_chain_rule/page.py" and lesson.stops[-1].page == "views/gpt_tasks/page.py"
    # Sections come in the course's order (LM -> tokenizers -> Transformer -> GPT), as the notes do.
    sections = [next(p.section for p in PAGES if p.path == f) for f in firsts]
    assert sections == sorted(sections, key=["sec_lm", "sec_tok", "sec_tf", "sec_gpt"].index)
    assert {s.page for s in lesson.stops} <= set(order)


GOOD = '''
title = ["T", "題"]
[[stop]]
page = "views/gpt_gelu/page.py"
title = ["GELU", "GELU"]
point = ["A point.", "要点。"]
question = ["Why?", "なぜ？"]
state = { gelu_range = [-2.0, 2.0] }
state_ja = { gelu_custom = true }
'''


def test_parse_keeps_values_per_language():
    lesson = parse_lesson(GOOD, {"views/gpt_gelu/page.py"})
    stop = lesson.stops[0]
    assert stop.values("en") == {"gelu_range": (-2.0, 2.0)}
    assert stop.values("ja") == {"gelu_range": (-2.0, 2.0), "gelu_custom": True}


@pytest.mark.parametrize("bad, words", [
    (GOOD.replace("gpt_gelu/page.py\"\ntitle", "nope.py\"\ntitle"), ("stop 1", "nope.py")),
    (GOOD.replace('["Why?", "なぜ？"]', '["Why?"]'), ("stop 1", "question")),
    (GOOD.replace('["Why?", "なぜ？"]', '["Why?", ""]'), ("stop 1", "question")),
    (GOOD.replace("gelu_range =", '"Bad Key" ='), ("stop 1", "Bad Key")),
    (GOOD.replace("[[stop]]", "[[stop]\n"), ("lesson 1", "TOML")),
    ('title = ["T", "題"]\n', ("lesson 1", "[[stop]]")),
    (GOOD + '[[stop]]\npage = "views/gpt_gelu/page.py"\n', ("stop 2", "title")),
    (GOOD.replace("state_ja = {", 'hide = ["</style>"]\nstate_ja = {'), ("stop 1", "hide")),
])
def test_bad_lesson_files_name_the_bad_entry(bad, words):
    with pytest.raises(UserInputError) as err:
        parse_lesson(bad, {"views/gpt_gelu/page.py"})
    for w in words:
        assert w in err.value.en, err.value.en
    assert "レッスンファイル" in err.value.ja


@pytest.mark.parametrize("value, expected", [
    ("7", 7), (" 3 ", 3), ("0", None), ("22", None), ("-1", None), ("1.5", None), ("abc", None),
    ("x" * 10_000, None), ("9" * 10_000, None), (None, None), ("", None), ("７", 7), ("٣", None),
])
def test_parse_number_is_strict(value, expected):
    assert parse_number(value, 1, 21) == expected


def test_missing_lesson_says_so():
    with pytest.raises(UserInputError, match="no lesson 42"):
        load_lesson(42, PAGE_PATHS)


# ---------------------------------------------------------------- the lesson in the app (AppTest)
def _app(params: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def _panel_text(at) -> str:
    return " ".join([c.value for c in at.caption] + [m.value for m in at.markdown] + [s.value for s in at.subheader])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_home_button_starts_the_lesson_and_next_moves_on(lang):
    at = open_page(lang=lang)
    at.button(key="home_lesson_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    lesson = load_lesson(1, PAGE_PATHS)
    assert at.query_params["stop"] == "1" and at.query_params["lesson"] == "1"
    assert at.slider(key="chain_n").value == 5
    assert at.text_area(key="chain_text").value == lesson.stops[0].values(lang)["chain_text"]
    assert lesson.stops[0].question[0 if lang == "en" else 1] in _panel_text(at)
    assert at.button(key="lesson_prev").disabled
    at.button(key="lesson_next").click().run()
    assert not at.exception
    assert at.query_params["stop"] == "2" and at.slider(key="chain_n").value == 1
    at.button(key="lesson_next").click().run()  # stop 3 is on another page: the app follows
    assert not at.exception
    assert at.radio(key="ngram_level").value == "char" and at.slider(key="ngram_n").value == 2
    assert f"3 / {len(lesson.stops)} · " + lesson.stops[2].title[0 if lang == "en" else 1] in _panel_text(at)
    at.button(key="lesson_prev").click().run()
    assert not at.exception and at.slider(key="chain_n").value == 1


def test_a_link_to_a_stop_opens_its_page_prepared():
    at = _app({"lesson": "1", "stop": "5", "lang": "ja"})
    assert not at.exception, [e.value for e in at.exception]
    assert [at.slider(key=f"ent_w{i}").value for i in range(8)] == [1.0] * 8
    assert any("3.000" in m.value for m in at.metric)  # uniform over 8: H = 3 bits
    assert f"5 / {len(load_lesson(1, PAGE_PATHS).stops)} · パープレキシティ" in _panel_text(at)


@pytest.mark.parametrize("params, note", [
    ({"lesson": "1", "stop": "999"}, "opened at the first stop"),
    ({"lesson": "1", "stop": "x" * 10_000}, "opened at the first stop"),
    ({"lesson": "42"}, "names no lesson"),
    ({"lesson": "<img src=x onerror=alert(1)>"}, "names no lesson"),
])
def test_stale_or_bad_lesson_links_fall_back_with_a_note(params, note):
    at = _app(params)
    assert not at.exception, [e.value for e in at.exception]
    shown = _panel_text(at) + " ".join(w.value for w in at.warning)
    assert note in shown
    assert "<img" not in shown


def test_explore_freely_keeps_the_view_and_drops_the_lesson():
    at = _app({"lesson": "1", "stop": "2"})
    assert at.slider(key="chain_n").value == 1
    at.slider(key="chain_n").set_value(4).run()
    at.button(key="lesson_leave").click().run()
    assert not at.exception
    assert "lesson" not in at.query_params and "stop" not in at.query_params
    assert at.slider(key="chain_n").value == 4
    assert not [b for b in at.button if b.key == "lesson_next"]


@pytest.mark.parametrize("raw", ["ja", "日本語"])
def test_lang_code_and_label_both_work(raw):
    at = _app({"lang": raw})
    assert not at.exception
    assert any("言語モデル" in h.value for h in at.subheader)


def test_presenter_view_from_the_link_scales_charts_and_hides_stop_controls():
    from tests.apptest import specs

    at = _app({"lesson": "1", "stop": "1", "present": "1"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["present"] is True
    css = " ".join(h.proto.body for h in at.get("html") if "<style>" in h.proto.body)
    assert "font-size: 21px" in css and ".st-key-chain_corpus { display: none; }" in css
    assert '"size":20' in specs(at)[0].replace(" ", "")  # 15 px chart text × 1.35
    plain = _app({"lesson": "1", "stop": "1"})
    assert '"size":15' in specs(plain)[0].replace(" ", "")
    assert not [h for h in plain.get("html") if "font-size: 21px" in h.proto.body]  # only the compact base CSS


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_gpt_stops_show_the_architecture_with_the_lesson_part_lit(lang):
    """From positional encoding on, the panel draws GPT-1's diagram with the stop's part highlighted;
    before it (stop 1, the chain rule) there is no diagram."""
    from tests.apptest import specs

    lesson = load_lesson(1, PAGE_PATHS)
    k = next(i for i, s in enumerate(lesson.stops, 1) if s.page == "views/gpt_gelu/page.py")
    assert diagram_part(lesson.stops[k - 1]) == "ffn"
    at = _app({"lesson": "1", "stop": str(k), "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    diagram = next(json.loads(s) for s in specs(at) if '"name":"ffn"' in s.replace(" ", ""))
    lit = {sh["name"] for sh in diagram["layout"]["shapes"] if sh["line"]["width"] == 3}
    assert lit == {"ffn"}
    words = " ".join(a.get("text", "") for a in diagram["layout"]["annotations"])
    assert ("Feed-forward" in words) == (lang == "en") and ("フィードフォワード" in words) == (lang == "ja")
    first = _app({"lesson": "1", "stop": "1", "lang": lang})
    assert not any('"name":"embed"' in s.replace(" ", "") for s in specs(first))


STOP_WITH_PART = """
title = ["Demo", "デモ"]
[[stop]]
page = "views/gpt_gelu/page.py"
part = "the whole thing"
title = ["GELU", "GELU"]
point = ["x", "x。"]
question = ["y", "y。"]
"""


def test_a_lesson_naming_a_page_by_its_old_file_still_reads():
    """Lesson files written before pages became folders say views/gpt_gelu.py: the stop opens the same page."""
    from ui.lesson import OLD_PAGE_FILES, with_folder_pages

    old = parse_lesson(GOOD.replace("views/gpt_gelu/page.py", "views/gpt_gelu.py"),
                       PAGE_PATHS | set(OLD_PAGE_FILES))
    stop = with_folder_pages(old).stops[0]
    assert stop.page == "views/gpt_gelu/page.py" and diagram_part(stop) == "ffn"
    assert stop.values("ja") == {"gelu_range": (-2.0, 2.0), "gelu_custom": True}


def test_a_stop_part_must_be_a_diagram_part():
    with pytest.raises(UserInputError) as err:
        parse_lesson(STOP_WITH_PART, {"views/gpt_gelu/page.py"})
    assert '"part"' in err.value.message("en") and "ffn" in err.value.message("ja")
    none = parse_lesson(STOP_WITH_PART.replace("the whole thing", "none"), {"views/gpt_gelu/page.py"})
    assert diagram_part(none.stops[0]) is None
    default = parse_lesson(STOP_WITH_PART.replace('part = "the whole thing"\n', ""), {"views/gpt_gelu/page.py"})
    assert diagram_part(default.stops[0]) == "ffn"  # the page's default


# ---------------------------------------------------------------- the lesson's words against the page's numbers

def _stop(page: str, nth: int = 0) -> tuple[int, object]:
    """(1-based number, stop) of the `nth` stop of lesson 1 on `page`."""
    found = [(i, s) for i, s in enumerate(load_lesson(1, PAGE_PATHS).stops, 1) if s.page == page]
    return found[nth]


def _trace_y(fig: dict, name: str) -> list[float]:
    import base64

    import numpy as np

    y = next(t["y"] for t in fig["data"] if t.get("name") == name)
    if isinstance(y, dict):  # plotly's typed array: {"dtype": "f8", "bdata": base64}
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"])).tolist()
    return list(y)


def test_the_normalization_stop_quotes_the_bits_its_page_shows():
    """The point says NFKC lowers bits per character and kana folding raises them on the Japanese corpus,
    with the two word-level figures: they are read here from the page's own table in its prepared state."""
    from views.lm_normalization.texts import T

    k, stop = _stop("views/lm_normalization/page.py")
    at = _app({"lesson": "1", "stop": str(k), "lang": "ja"})  # the Japanese lesson opens the Japanese corpus
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if T.t("col_bpc", "ja") in d.value.columns)
    raw, nfkc, kana = table[T.t("col_bpc", "ja")].tolist()
    assert nfkc < raw and kana > nfkc  # NFKC helps, folding katakana hurts
    quoted = f"{nfkc:.2f} → {kana:.2f}"
    assert quoted in stop.point[0] and quoted in stop.point[1], (quoted, stop.point)
    assert at.radio(key="norm_level").value == "word" and "単語" in stop.point[1] and "words" in stop.point[0]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_ngram_question_describes_the_curves_shown(lang):
    """Stop 3 asks why the gap widens while both curves fall: on its page both do, training faster."""
    from tests.apptest import specs
    from views.lm_ngram.texts import T

    k, stop = _stop("views/lm_ngram/page.py")
    at = _app({"lesson": "1", "stop": str(k), "lang": lang})
    fig = next(json.loads(s) for s in specs(at) if T.t("heldout", lang) in s)
    held, train = _trace_y(fig, T.t("heldout", lang)), _trace_y(fig, T.t("train", lang))
    assert all(b < a for a, b in zip(held, held[1:])) and all(b < a for a, b in zip(train, train[1:]))
    assert held[-1] / train[-1] > held[0] / train[0]  # the gap widens
    assert "gap" in stop.question[0] and "差" in stop.question[1]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_multihead_stop_opens_on_a_previous_token_head_as_its_point_says(lang):
    from tests.apptest import specs
    from views.tf_multihead.texts import T

    k, stop = _stop("views/tf_multihead/page.py")
    at = _app({"lesson": "1", "stop": str(k), "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    layer, head = at.slider(key="mha_layer").value, at.slider(key="mha_head").value
    title = T.t("big_title", lang, layer=layer, head=head, kind=T.t("kind_previous", lang))
    assert any(title in s for s in specs(at)), title  # heads and layers counted from 1, as the point says
    assert "previous token" in stop.point[0] and "直前のトークン" in stop.point[1]
