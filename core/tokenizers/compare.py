"""One typed sentence through every tokenizer: the rows of the comparison page.

Human-defined splits (whitespace, characters, bytes, MeCab, Sudachi) get their vocabulary from the same corpus
as the learned ones (our BPE on words and on raw text, SentencePiece BPE and unigram), so "unknown"
means the same thing in every row: a token the corpus never showed.

>>> text = "the cat sat on the mat\\n"
>>> kit = Toolkit(WhitespaceTokenizer.train(text), CharTokenizer.train(text), ByteTokenizer(),
...               MecabTokenizer.train(text))  # fit_toolkit(text, vocab_size) adds the learned ones
>>> row = tokenize_row("whitespace", kit, "the dog")
>>> [(t.text, t.unknown) for t in row.tokens], row.n_tokens, row.chars_per_token
([('the', False), ('dog', True)], 2, 3.5)
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field

from core.errors import UserInputError
from core.runtime.jobs import Stopped
from core.tokenizers import mecab, sudachi
from core.tokenizers.bpe import MAX_MERGES, BPETokenizer, train_bpe
from core.tokenizers.cache import NotReady, cache_key, cached, memory, no_training
from core.tokenizers.char import CharTokenizer
from core.tokenizers.simple import ByteTokenizer, MecabTokenizer, WhitespaceTokenizer
from core.tokenizers.spm import SentencePieceTokenizer, VocabSizeError, train_sentencepiece
from core.tokenizers.sudachi import SudachiTokenizer

HUMAN = ("whitespace", "chars", "bytes", "mecab", "sudachi")
LEARNED = ("bpe_words", "bpe_raw", "spm_bpe", "spm_unigram")
ROWS = HUMAN + LEARNED


@dataclass(frozen=True)
class Token:
    """One chip: the text shown, the id (None when the tokenizer has none), and a hover note."""

    text: str
    id: int | None
    unknown: bool = False  # <unk>, or a byte standing in for a character the corpus never showed
    note: str = ""  # part of speech, the original text behind a normalized piece, ...


@dataclass(frozen=True)
class Row:
    key: str
    tokens: list[Token]
    n_chars: int  # characters of the typed text
    vocab_size: int | None = None  # None for splitters with no fixed vocabulary (whitespace, MeCab)
    normalized: str | None = None  # what SentencePiece actually tokenized (NFKC, ▁ for spaces)

    @property
    def n_tokens(self) -> int:
        return len(self.tokens)

    @property
    def n_unknown(self) -> int:
        return sum(t.unknown for t in self.tokens)

    @property
    def chars_per_token(self) -> float:
        return self.n_chars / self.n_tokens if self.tokens else 0.0


@dataclass
class Fitted:
    """A learned tokenizer and what happened while fitting it to the size asked for.

    `note` is set when the size had to change (too large / too small for the corpus); the page shows it.
    """

    tok: object
    requested: int
    used: int
    note: UserInputError | None = None  # None when the requested size was used as asked


@dataclass
class Toolkit:
    """Every tokenizer of the comparison, trained on one corpus."""

    whitespace: WhitespaceTokenizer
    chars: CharTokenizer
    bytes: ByteTokenizer
    mecab: MecabTokenizer | None  # None while MeCab's vocabulary of the corpus is still being built
    sudachi: SudachiTokenizer | None = None  # mode C (Sudachi's default); None while its vocabulary is built
    learned: dict[str, Fitted] = field(default_factory=dict)  # filled per learned kind as the page asks for it

    def rows(self) -> list[str]:
        """The rows this toolkit can draw now, in the page's order."""
        return [k for k in ROWS if k in self.learned or (k in HUMAN and getattr(self, k) is not None)]


def n_symbols(text: str) -> int:
    """Distinct characters of a text (what every learned vocabulary must hold first)."""
    return len(set(text))


def fit_spm(text: str, model_type: str, vocab_size: int) -> Fitted:
    """SentencePiece at `vocab_size`, or at the nearest size the corpus allows (with a note saying so)."""
    try:
        return Fitted(train_sentencepiece(text, model_type, vocab_size), vocab_size, vocab_size)
    except VocabSizeError as e:
        e.__traceback__ = e.__context__ = None  # kept as a note: without the frames (they hold the text)
        return Fitted(train_sentencepiece(text, model_type, e.limit), vocab_size, e.limit, e)


def fit_bpe(text: str, mode: str, vocab_size: int) -> Fitted:
    """Our BPE with vocab_size = distinct characters + merges (its 256 byte-fallback ids come on top)."""
    base = n_symbols(text)
    asked = vocab_size - base
    note = None
    if asked < 0:
        note = UserInputError(
            f"Vocabulary size {vocab_size:,} is smaller than the {base:,} distinct characters of the corpus: "
            f"our BPE keeps all characters and learns no merges.",
            f"語彙サイズ {vocab_size:,} はコーパスの文字の種類（{base:,}）より小さいため、"
            f"私たちの BPE は文字だけを使い、マージを学習しません。")
    tok = train_bpe(text, mode, min(MAX_MERGES, max(0, asked)))
    used = len(tok.chars) + len(tok.merges)
    if asked > len(tok.merges):
        note = UserInputError(
            f"Vocabulary size {vocab_size:,} is larger than this corpus supports for our BPE: after "
            f"{len(tok.merges):,} merges no pair of symbols occurs twice. Using {used:,}.",
            f"語彙サイズ {vocab_size:,} はこのコーパスでは大きすぎます。{len(tok.merges):,} 回マージすると、"
            f"2 回以上現れる記号の組がなくなります。{used:,} を使います。")
    return Fitted(tok, vocab_size, used, note)


LEARNERS = {  # one learned row -> how it is fitted at a vocabulary size
    "bpe_words": lambda text, v: fit_bpe(text, "words", v),
    "bpe_raw": lambda text, v: fit_bpe(text, "raw", v),
    "spm_bpe": lambda text, v: fit_spm(text, "bpe", v),
    "spm_unigram": lambda text, v: fit_spm(text, "unigram", v),
}


def human_toolkit(text: str) -> Toolkit:
    """The rows that need no training (whitespace, characters, bytes, MeCab), trained on nothing else:
    shown while the rest trains. MeCab's row is None unless its vocabulary of the corpus is ready (shipped
    or cached; analysing an upload takes seconds to a minute): `fit_toolkit` builds it in the job."""
    if not text.strip():
        raise UserInputError("The training text is empty.", "学習用のテキストが空です。")
    key = cache_key("human", text)
    hit = memory().get(key)
    if hit is None:  # split + count: ~0.1 s per MB
        hit = Toolkit(WhitespaceTokenizer.train(text), CharTokenizer.train(text), ByteTokenizer(), None)
        memory().put(key, hit)
    with no_training():
        try:
            tok = mecab_vocabulary(text)
        except NotReady:
            tok = None
        try:
            sud = sudachi_vocabulary(text)
        except NotReady:
            sud = None
    return Toolkit(hit.whitespace, hit.chars, hit.bytes, tok, sud)  # a fresh `learned` dict each time


def _word_list(data: bytes) -> list[str]:
    words = json.loads(data.decode("utf-8"))
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise ValueError("not a list of words")
    return words


def mecab_vocabulary(text: str) -> MecabTokenizer:
    """MeCab's vocabulary of `text`. Analysing a whole corpus is the slow part of the human rows (~3 s for
    the Japanese one on a busy CPU), so it is kept like a learned tokenizer: memory, shipped, disk."""
    return cached(cache_key("mecab-vocab", text), ".json", build=lambda: MecabTokenizer.train(text),
                  to_bytes=lambda tok: json.dumps(tok.itos[1:], ensure_ascii=False).encode("utf-8"),
                  from_bytes=lambda data: MecabTokenizer(_word_list(data)))


def sudachi_vocabulary(text: str) -> SudachiTokenizer:
    """Sudachi's (mode C) vocabulary of `text`: as slow as MeCab's on a whole corpus, kept the same way."""
    return cached(cache_key("sudachi-vocab", text), ".json", build=lambda: SudachiTokenizer.train(text),
                  to_bytes=lambda tok: json.dumps(tok.itos[1:], ensure_ascii=False).encode("utf-8"),
                  from_bytes=lambda data: SudachiTokenizer(_word_list(data)))


def fit_toolkit(text: str, vocab_size: int, on_progress=None, gate=None) -> Toolkit:
    """Train everything on `text` (cached: the same corpus and size come back at once).

    `gate()` is asked before each step (MeCab's vocabulary, then each learned tokenizer; False -> `Stopped`),
    `on_progress(done, total)` after each.
    """
    key = cache_key("toolkit", text, vocab_size=vocab_size)
    hit = memory().get(key)
    if hit is not None:
        return hit
    kit = human_toolkit(text)
    steps = [("mecab", lambda: mecab_vocabulary(text)), ("sudachi", lambda: sudachi_vocabulary(text))]
    steps += [(n, lambda n=n: LEARNERS[n](text, vocab_size)) for n in LEARNED]
    for i, (name, fit) in enumerate(steps):
        if gate is not None and not gate():
            raise Stopped
        if name == "mecab":
            kit.mecab = kit.mecab or fit()
        elif name == "sudachi":
            kit.sudachi = kit.sudachi or fit()
        else:
            kit.learned[name] = fit()
        if on_progress is not None:
            on_progress(i + 1, len(steps))
    memory().put(key, kit)
    return kit


def ready_toolkit(text: str, vocab_size: int) -> Toolkit | None:
    """The whole toolkit if nothing needs training (memory, shipped files, disk cache), else None at once."""
    with no_training():
        try:
            return fit_toolkit(text, vocab_size)
        except NotReady:
            return None


def _byte_label(b: int) -> str:
    """A printable ASCII byte shows as its character (space included: drawn ▁), any other as <0xE8>."""
    return chr(b) if 0x20 <= b < 0x7F else f"<0x{b:02X}>"


def tokenize_row(key: str, kit: Toolkit, text: str) -> Row:
    """The tokens of `text` for the tokenizer named `key` (one of ROWS)."""
    n = len(text)
    if key == "whitespace":
        tok = kit.whitespace
        toks = [Token(w, tok.stoi.get(w, 0), w not in tok.stoi) for w in tok.split(text)]
        return Row(key, toks, n, tok.vocab_size)
    if key == "chars":
        tok = kit.chars
        toks = [Token(ch, i, i == 0, f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip())
                for ch, i in zip(text, tok.encode(text))]
        return Row(key, toks, n, tok.vocab_size)
    if key == "bytes":
        toks = [Token(_byte_label(b), b, False, f"{ch!s} U+{ord(ch):04X}")
                for ch in text for b in ch.encode("utf-8")]
        return Row(key, toks, n, 256)
    if key == "mecab":
        tok = kit.mecab
        toks = [Token(m.surface, tok.stoi.get(m.surface, 0), m.surface not in tok.stoi, m.pos)
                for m in mecab.morphemes(text)]
        return Row(key, toks, n, tok.vocab_size)
    if key == "sudachi":
        tok = kit.sudachi if kit.sudachi is not None else SudachiTokenizer([])
        toks = [Token(m.surface, tok.stoi.get(m.surface, 0), m.surface not in tok.stoi, m.pos)
                for m in sudachi.morphemes(text, tok.mode)]
        return Row(key, toks, n, tok.vocab_size)
    if key in LEARNED:
        return learned_row(key, kit.learned[key].tok, text)
    raise ValueError(f"unknown tokenizer row {key!r}; choose one of {ROWS}")


def learned_row(key: str, tok, text: str) -> Row:
    """Rows for our BPE, SentencePiece and Hugging Face tokenizers."""
    n = len(text)
    if isinstance(tok, BPETokenizer):
        toks = [Token(s.piece, s.id, s.fallback, "byte fallback" if s.fallback else "")
                for s in tok.segments(text)]
        return Row(key, toks, n, len(tok.chars) + len(tok.merges))
    if isinstance(tok, SentencePieceTokenizer):
        toks = []
        for s in tok.segments(text):
            shown = s.surface if s.unknown else s.piece
            note = s.surface if (s.surface != s.piece.replace("\u2581", " ").lstrip(" ") and not s.unknown) else ""
            toks.append(Token(shown, s.id, s.unknown, note))
        return Row(key, toks, n, tok.vocab_size, normalized=tok.normalize(text))
    return hf_row(key, tok, text)


def hf_row(key: str, tok, text: str) -> Row:
    """A Hugging Face tokenizer's row; [UNK] chips show the characters they replaced."""
    enc = tok.tok(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(enc["input_ids"])
    offsets = enc.get("offset_mapping") or [None] * len(ids)
    unk = tok.unk_id
    toks = []
    for i, off in zip(ids, offsets):
        piece = tok.id_to_piece(i)
        if i == unk and off is not None:
            toks.append(Token(text[off[0]:off[1]] or piece, i, True, piece))
        else:
            toks.append(Token(piece, i, i == unk))
    return Row(key, toks, len(text), tok.vocab_size)
