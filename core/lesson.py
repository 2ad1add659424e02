"""A lesson: an ordered list of stops over the app's pages, read from one TOML file a teacher can edit.

Each stop opens a page with some widgets already set (`state`, plus `state_en` / `state_ja` for the
sentences that differ by language), a point to make and a question for the class, both in English
and Japanese. The file is checked on load; a bad entry is named in a bilingual `UserInputError`.

>>> lesson = parse_lesson('''
... title = ["Demo", "デモ"]
... [[stop]]
... page = "views/gpt_gelu.py"
... title = ["GELU", "GELU"]
... point = ["x times Phi(x).", "x かける Φ(x)。"]
... question = ["Where is it negative?", "どこで負になる？"]
... state = { gelu_range = [-4.0, 4.0] }
... ''', pages={"views/gpt_gelu.py"})
>>> lesson.stops[0].values("ja")
{'gelu_range': (-4.0, 4.0)}
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from core.charts.gpt_diagram import PARTS, part_for
from core.errors import UserInputError

LESSON_DIR = Path(__file__).resolve().parent.parent / "lessons"
MAX_LESSON = 99  # ?lesson=N names lessons/lessonN.toml; a small bound keeps the URL value harmless
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # widget keys; safe inside a CSS class selector too
Pair = tuple[str, str]


@dataclass(frozen=True)
class Stop:
    page: str  # e.g. "views/lm_ngram.py"
    title: Pair  # (English, 日本語)
    point: Pair
    question: Pair
    state: dict = field(default_factory=dict)  # widget key -> value, both languages
    state_lang: dict = field(default_factory=dict)  # "en"/"ja" -> {widget key -> value}
    hide: tuple[str, ...] = ()  # widget keys hidden in presenter view at this stop
    part: str | None = None  # GPT-1 diagram part to highlight (core.charts.gpt_diagram.PARTS); None: the page's default

    def diagram_part(self) -> str | None:
        """The part of GPT-1's diagram this stop shows, or None when the stop shows no diagram."""
        return part_for(self.page, self.part)

    def values(self, lang: str) -> dict:
        """The widget values for this stop in `lang` (lists become tuples: range sliders want tuples)."""
        merged = {**self.state, **self.state_lang.get(lang, {})}
        return {k: tuple(v) if isinstance(v, list) else v for k, v in merged.items()}

    def keys(self) -> set[str]:
        return set(self.state) | {k for d in self.state_lang.values() for k in d} | set(self.hide)


@dataclass(frozen=True)
class Lesson:
    number: int
    title: Pair
    stops: tuple[Stop, ...]


def _bad(where: str, en: str, ja: str) -> UserInputError:
    return UserInputError(f"Lesson file, {where}: {en}", f"レッスンファイル {where}：{ja}")


def _pair(raw: dict, name: str, where: str) -> Pair:
    value = raw.get(name)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(s, str) and s.strip() for s in value)):
        raise _bad(where, f'"{name}" must be ["English", "日本語"], both non-empty.',
                   f'"{name}" は ["English", "日本語"] の形で、両方とも空でない文字列にしてください。')
    return value[0], value[1]


def _table(raw: dict, name: str, where: str) -> dict:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise _bad(where, f'"{name}" must be a table of widget key = value.',
                   f'"{name}" は「ウィジェットのキー = 値」の表にしてください。')
    for key, v in value.items():
        if not KEY_RE.match(key):
            raise _bad(where, f"{key!r} is not a widget key (lowercase letters, digits, _).",
                       f"{key!r} はウィジェットのキーではありません（英小文字・数字・_）。")
        if isinstance(v, dict):
            raise _bad(where, f"{key!r}: a value must be a number, text, true/false or a list.",
                       f"{key!r}：値は数値・文字列・true/false・リストのいずれかにしてください。")
    return value


def _stop(raw: object, n: int, pages: set[str]) -> Stop:
    where = f"stop {n}"
    if not isinstance(raw, dict):
        raise _bad(where, "must be a [[stop]] table.", "[[stop]] の表にしてください。")
    page = raw.get("page")
    if page not in pages:
        raise _bad(where, f"page {page!r} is not a page of the app.", f"ページ {page!r} はアプリにありません。")
    hide = raw.get("hide", [])
    if not (isinstance(hide, list) and all(isinstance(k, str) and KEY_RE.match(k) for k in hide)):
        raise _bad(where, '"hide" must be a list of widget keys.', '"hide" はウィジェットのキーのリストにしてください。')
    part = raw.get("part")
    if part is not None and part not in PARTS:
        raise _bad(where, f'"part" must be one of {", ".join(PARTS)}.', f'"part" は {", ".join(PARTS)} のいずれかにしてください。')
    return Stop(page, _pair(raw, "title", where), _pair(raw, "point", where), _pair(raw, "question", where),
                _table(raw, "state", where),
                {lang: _table(raw, f"state_{lang}", where) for lang in ("en", "ja") if f"state_{lang}" in raw},
                tuple(hide), part)


def parse_lesson(text: str, pages: set[str], number: int = 1) -> Lesson:
    """TOML text -> Lesson, checking every stop against `pages` (paths of the app's pages)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _bad(f"lesson {number}", f"not valid TOML ({e}).", "TOML として読めません。括弧や引用符の閉じ忘れなど、書式を確かめてください。") from None
    stops = raw.get("stop")
    if not isinstance(stops, list) or not stops:
        raise _bad(f"lesson {number}", "it needs at least one [[stop]].", "[[stop]] が 1 つ以上必要です。")
    return Lesson(number, _pair(raw, "title", f"lesson {number}"),
                  tuple(_stop(s, i + 1, pages) for i, s in enumerate(stops)))


def lesson_path(number: int, folder: Path = LESSON_DIR) -> Path:
    return folder / f"lesson{number}.toml"


def parse_number(value: object, low: int, high: int) -> int | None:
    """A URL value like "7" -> 7 if it is a whole number in [low, high], else None (a stale or bad link)."""
    text = unicodedata.normalize("NFKC", str(value)[:16]).strip() if value is not None else ""  # ７ -> 7
    if not (text.isascii() and text.isdigit()) or len(text) > 4:  # refuses "-1", "1.5", "²"
        return None
    n = int(text)
    return n if low <= n <= high else None


def load_lesson(number: int, pages: set[str], folder: Path = LESSON_DIR) -> Lesson:
    path = lesson_path(number, folder)
    if not 1 <= number <= MAX_LESSON or not path.is_file():
        raise UserInputError(f"There is no lesson {number} (lessons/lesson{number}.toml).",
                             f"レッスン {number} はありません（lessons/lesson{number}.toml）。")
    return parse_lesson(path.read_text(encoding="utf-8"), pages, number)
