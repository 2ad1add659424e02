"""A lesson: an ordered list of stops over the app's pages, read from one TOML file a teacher can edit.

Each stop opens a page with some widgets already set (`state`, plus `state_en` / `state_ja` for the
sentences that differ by language), a point to make and a question for the class, both in English
and Japanese. The file is checked on load; a bad entry is named in a bilingual `UserInputError`.

>>> lesson = parse_lesson('''
... title = ["Demo", "デモ"]
... [[stop]]
... page = "views/gpt_gelu/page.py"
... title = ["GELU", "GELU"]
... point = ["x times Phi(x).", "x かける Φ(x)。"]
... question = ["Where is it negative?", "どこで負になる？"]
... state = { gelu_range = [-4.0, 4.0] }
... ''', pages={"views/gpt_gelu/page.py"})
>>> lesson.stops[0].values("ja")
{'gelu_range': (-4.0, 4.0)}
"""
from __future__ import annotations

import os
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
# Keys a lesson may not set: the reader's language and device, the presenter switch (the URL's), the
# training's reattach token, and the lesson's own place. They are the shell's, not a page's.
RESERVED_KEYS = frozenset({"lang", "force_cpu", "present", "run", "lesson", "stop"})
MAX_FILE_BYTES = 1 << 20  # a lesson of 21 stops is 20 KB
Pair = tuple[str, str]  # (English, 日本語)


@dataclass(frozen=True)
class Stop:
    page: str  # e.g. "views/lm_ngram/page.py"
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


def unusable_values(stop_number: int, keys: list[str]) -> UserInputError:
    """A stop's widget values that its page's widgets refused (out of range, wrong type): the message naming it."""
    shown = ", ".join(keys)
    return _bad(f"stop {stop_number}", f"the page cannot use the value of {shown} in \"state\" (out of range or of "
                f"the wrong type); the page opened with its own values instead.",
                f"\"state\" の {shown} "
                "の値はこのページでは使えません（範囲外か型が違います）。ページの既定値で開きました。")


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
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise _bad(where, f"{key!r} is not a widget key (lowercase letters, digits, _).",
                       f"{key!r} はウィジェットのキーではありません（英小文字・数字・_）。")
        if key in RESERVED_KEYS:
            raise _bad(where, f"{key!r} is not a page's widget: a lesson may not set it.",
                       f"{key!r} はページのウィジェットではないため、レッスンでは設定できません。")
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
    if not (isinstance(hide, list)
            and all(isinstance(k, str) and KEY_RE.match(k) and k not in RESERVED_KEYS for k in hide)):
        raise _bad(where, '"hide" must be a list of widget keys.',
                   '"hide" はウィジェットのキーのリストにしてください。')
    part = raw.get("part")
    if part is not None and part not in PARTS:
        raise _bad(where, f'"part" must be one of {", ".join(PARTS)}.',
                   f'"part" は {", ".join(PARTS)} のいずれかにしてください。')
    return Stop(page, _pair(raw, "title", where), _pair(raw, "point", where), _pair(raw, "question", where),
                _table(raw, "state", where),
                {lang: _table(raw, f"state_{lang}", where) for lang in ("en", "ja") if f"state_{lang}" in raw},
                tuple(hide), part)


def parse_lesson(text: str, pages: set[str], number: int = 1) -> Lesson:
    """TOML text -> Lesson, checking every stop against `pages` (paths of the app's pages)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise _bad(f"lesson {number}", f"not valid TOML ({e}).",
                   "TOML として読めません。括弧や引用符の閉じ忘れなど、書式を確かめてください。") from None
    stops = raw.get("stop")
    if not isinstance(stops, list) or not stops:
        raise _bad(f"lesson {number}", "it needs at least one [[stop]].", "[[stop]] が 1 つ以上必要です。")
    return Lesson(number, _pair(raw, "title", f"lesson {number}"),
                  tuple(_stop(s, i + 1, pages) for i, s in enumerate(stops)))


def lesson_dir() -> Path:
    """lessons/, or $ATLAS_LESSON_DIR (tests put a teacher's broken lesson files there, not in the repository)."""
    return Path(os.environ.get("ATLAS_LESSON_DIR") or LESSON_DIR)


def lesson_path(number: int, folder: Path | None = None) -> Path:
    return (folder or lesson_dir()) / f"lesson{number}.toml"


def parse_number(value: object, low: int, high: int) -> int | None:
    """A URL value like "7" -> 7 if it is a whole number in [low, high], else None (a stale or bad link)."""
    text = unicodedata.normalize("NFKC", str(value)[:16]).strip() if value is not None else ""  # ７ -> 7
    if not (text.isascii() and text.isdigit()) or len(text) > 4:  # refuses "-1", "1.5", "²"
        return None
    n = int(text)
    return n if low <= n <= high else None


def load_lesson(number: int, pages: set[str], folder: Path | None = None) -> Lesson:
    path = lesson_path(number, folder)
    if not 1 <= number <= MAX_LESSON or not path.is_file():
        raise UserInputError(f"There is no lesson {number} (lessons/lesson{number}.toml).",
                             f"レッスン {number} はありません（lessons/lesson{number}.toml）。")
    return parse_lesson(read_lesson_text(path.read_bytes(), number), pages, number)


def read_lesson_text(data: bytes, number: int) -> str:
    """A lesson file's bytes -> its text, or the bilingual message naming the lesson (never a UnicodeDecodeError)."""
    where = f"lesson {number}"
    if len(data) > MAX_FILE_BYTES:
        raise _bad(where, f"the file is {len(data):,} bytes; a lesson file is text of at most 1 MB.",
                   f"ファイルが {len(data):,} バイトあります。レッスンファイルは 1 MB までのテキストです。")
    if b"\x00" in data:
        raise _bad(where, "the file is binary (it contains NUL bytes), not TOML text.",
                   "ファイルがテキストではなくバイナリです（NUL バイトを含みます）。TOML のテキストにしてください。")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _bad(where, f"the file is not UTF-8 (byte {e.start}); save it as UTF-8.",
                   f"ファイルが UTF-8 ではありません（{e.start} バイト目）。UTF-8 で保存し直してください。") from None
