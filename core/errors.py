"""The one exception type for bad user input, carrying its message in both UI languages.

core/ has no notion of the UI language, so an error raised here carries both texts and the page
shows the one the user reads (ui.shell.show_error). Anything else raised from core/ is a bug.
"""
from __future__ import annotations


class UserInputError(ValueError):
    """Input a user gave that we cannot use; `en` / `ja` say what is wrong and what to do.

    >>> e = UserInputError("Text is empty: type a sentence.", "テキストが空です。文を入力してください。")
    >>> e.message("ja")
    'テキストが空です。文を入力してください。'
    """

    def __init__(self, en: str, ja: str | None = None):
        super().__init__(en)
        self.en = en
        self.ja = ja if ja is not None else en

    def message(self, lang: str) -> str:
        return self.ja if lang == "ja" else self.en
