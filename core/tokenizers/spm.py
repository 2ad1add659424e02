"""SentencePiece (Kudo & Richardson 2018), trained in-process with the `sentencepiece` library.

SentencePiece works on raw text: no pre-split into words, the space is an ordinary symbol written
"▁" (U+2581), and the text is first normalized with NFKC (ｈｅｌｌｏ → hello, ① → 1). It learns
either BPE merges (`model_type="bpe"`) or a unigram language model over pieces (`"unigram"`).

>>> tok = SentencePieceTokenizer.train("the cat sat on the mat\\n" * 20, "bpe", vocab_size=30)
>>> tok.pieces("the cat")
['▁the', '▁cat']
>>> tok.decode(tok.encode("ｔｈｅ cat"))  # NFKC: full-width letters come back as ASCII
'the cat'

`train_sentencepiece(...)` is the same training, cached in memory and on disk: use it in the app.
A trained model is one serialized protobuf (`model_proto`, a few KB to a few hundred KB): a GPT
checkpoint carries it as bytes and rebuilds the tokenizer with `SentencePieceTokenizer(proto)`.
Ids 0, 1, 2 are <unk>, <s>, </s> (sentencepiece's defaults); there is no padding id.
"""
from __future__ import annotations

import io
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserInputError
from core.textcheck import native_chunks, native_text
from core.tokenizers.base import Tokenizer
from core.tokenizers.cache import cache_key, cached, memory

SPACE = "\u2581"  # ▁ : how SentencePiece writes a space inside a piece
MODEL_TYPES = ("bpe", "unigram")
# sentencepiece silently skips longer lines (its default is 4192 bytes); corpus paragraphs can be longer,
# and a line longer than core.textcheck.NATIVE_MAX_LINE_BYTES (32 KB) reaches the trainer in pieces.
_MAX_SENTENCE_BYTES = 1 << 16
_train_lock = threading.Lock()  # training sets process-wide flags (log level): one at a time


class VocabSizeError(UserInputError):
    """The vocabulary size asked for is impossible on this corpus; `limit` is the nearest possible one.

    `too_large` is True when the corpus supports at most `limit` pieces, False when it needs at
    least `limit` pieces (one per distinct character kept by `character_coverage`, plus 3 specials).
    """

    def __init__(self, en: str, ja: str, limit: int, too_large: bool):
        super().__init__(en, ja)
        self.limit = limit
        self.too_large = too_large


@dataclass(frozen=True)
class Segment:
    """One token as SentencePiece sees it: its id, its piece (with ▁) and the input text it covers."""

    id: int
    piece: str
    surface: str  # the original (un-normalized) characters, e.g. 'ｈｅｌｌｏ' for piece '▁hello'
    unknown: bool


class SentencePieceTokenizer(Tokenizer):
    """A trained SentencePiece model behind the shared `Tokenizer` interface."""

    def __init__(self, model_proto: bytes):
        import sentencepiece as spm  # imported here: pages without SentencePiece do not load it

        self._proto = bytes(model_proto)
        self.sp = spm.SentencePieceProcessor(model_proto=self._proto)
        self.model_type = _model_type_of(self._proto)
        self.name = f"spm-{self.model_type}"

    @classmethod
    def train(cls, text: str, model_type: str = "bpe", vocab_size: int = 1000,
              character_coverage: float = 0.9995, *, byte_fallback: bool = False) -> "SentencePieceTokenizer":
        """Train now, without any cache (`train_sentencepiece` is the cached way)."""
        _check(text, model_type, vocab_size, character_coverage)
        return cls(_train(text, model_type, vocab_size, character_coverage, byte_fallback))

    # --- the shared interface -------------------------------------------------------------
    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def encode(self, text: str) -> list[int]:
        # native_text: a lone surrogate would be a pybind11 RuntimeError, a NUL would cut the C string
        return list(self.sp.encode(native_text(text), out_type=int))

    def decode(self, ids: list[int]) -> str:
        # Out-of-range ids become <unk> (decoded " ⁇ ") instead of raising: model output is never fatal.
        n = self.vocab_size
        unk = self.sp.unk_id()
        return self.sp.decode([int(i) if 0 <= int(i) < n else unk for i in ids])

    def id_to_piece(self, i: int) -> str:
        return self.sp.id_to_piece(int(i)) if 0 <= int(i) < self.vocab_size else "<unk>"

    def pieces(self, text: str) -> list[str]:
        return list(self.sp.encode(native_text(text), out_type=str))

    # --- what a teaching page wants to show -----------------------------------------------
    def segments(self, text: str) -> list[Segment]:
        """Each token with the input characters it covers (so an <unk> still shows its text)."""
        proto = self.sp.encode(native_text(text), return_type="proto")
        unk = self.sp.unk_id()
        return [Segment(p.id, p.piece, p.surface, p.id == unk) for p in proto.pieces]

    def normalize(self, text: str) -> str:
        """The text as the model sees it: NFKC-normalized, spaces as ▁, a ▁ in front.

        >>> SentencePieceTokenizer.train("ab ab ab\\n" * 10, vocab_size=8).normalize("ＡＢ  ①")
        '▁AB▁1'
        """
        return self.sp.normalize(native_text(text))

    @property
    def unk_id(self) -> int:
        return self.sp.unk_id()

    @property
    def bos_id(self) -> int:
        return self.sp.bos_id()

    @property
    def eos_id(self) -> int:
        return self.sp.eos_id()

    # --- persistence ----------------------------------------------------------------------
    @property
    def model_proto(self) -> bytes:
        """The serialized model: everything needed to rebuild this tokenizer."""
        return self._proto

    def save(self, path: str | Path) -> None:
        """Write the standard `.model` file (readable by any sentencepiece)."""
        Path(path).write_bytes(self._proto)

    @classmethod
    def load(cls, path: str | Path) -> "SentencePieceTokenizer":
        return cls(Path(path).read_bytes())

    def __reduce__(self):  # pickle / torch.save(..., weights_only=False) carry only the bytes
        return (SentencePieceTokenizer, (self._proto,))

    def __repr__(self) -> str:
        return f"SentencePieceTokenizer({self.model_type}, vocab_size={self.vocab_size})"


def _model_type_of(proto: bytes) -> str:
    from sentencepiece import sentencepiece_model_pb2 as pb

    m = pb.ModelProto()
    m.ParseFromString(proto)
    return {1: "unigram", 2: "bpe", 3: "word", 4: "char"}.get(m.trainer_spec.model_type, "unknown")


def _lines(text: str) -> list[str]:
    """The training sentences: non-blank lines, a long one cut into pieces the trainer keeps."""
    return [piece for line in native_text(text).splitlines() if line.strip() for piece in native_chunks(line)]


def _train(text: str, model_type: str, vocab_size: int, character_coverage: float,
           byte_fallback: bool) -> bytes:
    import sentencepiece as spm

    writer = io.BytesIO()
    try:
        with _train_lock:
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(_lines(text)),
                model_writer=writer,
                model_type=model_type,
                vocab_size=vocab_size,
                character_coverage=character_coverage,
                byte_fallback=byte_fallback,
                max_sentence_length=_MAX_SENTENCE_BYTES,
                num_threads=max(1, min(4, os.cpu_count() or 1)),
                minloglevel=2,  # its INFO log would print hundreds of lines per training
            )
    except RuntimeError as e:
        raise _explain(str(e), vocab_size) from None
    return writer.getvalue()


def _explain(msg: str, vocab_size: int) -> UserInputError:
    """sentencepiece's C++ error text -> a message a student can act on, in both languages."""
    high = re.search(r"Vocabulary size too high \((\d+)\).*?<= (\d+)", msg)
    if high:
        return _size_error(vocab_size, int(high.group(2)), too_large=True)
    low = re.search(r"smaller than required_chars\. (\d+) vs (\d+)", msg)
    if low:
        return _size_error(vocab_size, int(low.group(2)), too_large=False)
    detail = msg.split("]")[-1].strip() or msg
    logging.getLogger("atlas.spm").warning("sentencepiece refused to train: %s", msg)  # English stays in the log
    return UserInputError(
        f"SentencePiece could not train on this text: {detail}",
        "SentencePiece はこのテキストで学習できませんでした（理由はサーバーのログにあります）。"
        "テキストを長くするか、語彙サイズを小さくしてください。",
    )


def _size_error(vocab_size: int, limit: int, too_large: bool) -> VocabSizeError:
    if too_large:
        return VocabSizeError(
            f"Vocabulary size {vocab_size:,} is larger than this corpus supports: SentencePiece found "
            f"only {limit:,} distinct pieces worth keeping. Choose {limit:,} or less, or use a larger corpus.",
            f"語彙サイズ {vocab_size:,} はこのコーパスには大きすぎます。SentencePiece が作れる部分文字列は "
            f"{limit:,} 個までです。{limit:,} 以下にするか、より大きなコーパスを使ってください。",
            limit, too_large=True)
    return VocabSizeError(
        f"Vocabulary size {vocab_size:,} is too small: this corpus has {limit:,} distinct characters "
        f"(and special tokens) that must each get an id. Choose at least {limit:,}.",
        f"語彙サイズ {vocab_size:,} は小さすぎます。このコーパスには {limit:,} 種類の文字（と特殊トークン）"
        f"があり、それぞれに ID が必要です。{limit:,} 以上にしてください。",
        limit, too_large=False)


def _check(text: str, model_type: str, vocab_size: int, character_coverage: float) -> None:
    if model_type not in MODEL_TYPES:
        raise ValueError(f"model_type must be one of {MODEL_TYPES}, not {model_type!r}")
    if not isinstance(vocab_size, int) or vocab_size < 4:
        raise UserInputError(
            f"Vocabulary size must be a whole number of at least 4 (got {vocab_size!r}).",
            f"語彙サイズは 4 以上の整数にしてください（指定値：{vocab_size!r}）。",
        )
    if not 0.9 <= character_coverage <= 1.0:
        raise UserInputError(
            f"Character coverage must be between 0.9 and 1.0 (got {character_coverage}).",
            f"文字カバー率は 0.9 から 1.0 の間にしてください（指定値：{character_coverage}）。",
        )
    if not _lines(text):
        raise UserInputError("The training text is empty.", "学習用のテキストが空です。")


def train_sentencepiece(text: str, model_type: str = "bpe", vocab_size: int = 1000,
                        character_coverage: float = 0.9995, *,
                        byte_fallback: bool = False) -> SentencePieceTokenizer:
    """Train SentencePiece on `text` (one sentence per line), cached in memory and on disk.

    `model_type`: "bpe" or "unigram". `character_coverage`: the share of characters that must be
    covered by the vocabulary (0.9995 suits Japanese; rarer characters become <unk>).
    `byte_fallback=True` adds 256 byte pieces so no character is ever <unk> (then vocab_size ≥ ~300).

    Raises `VocabSizeError` (a UserInputError) when `vocab_size` is impossible on this corpus,
    saying which size would work, and `UserInputError` for empty text or bad settings.
    """
    _check(text, model_type, vocab_size, character_coverage)
    settings = dict(model_type=model_type, vocab_size=vocab_size,
                    character_coverage=float(character_coverage), byte_fallback=bool(byte_fallback))
    key = cache_key("spm", text, **settings)
    # A size known to be impossible fails at once: sentencepiece only finds out after a full training.
    bounds_key = cache_key("spm-bounds", text, model_type=model_type,
                           character_coverage=float(character_coverage), byte_fallback=bool(byte_fallback))
    # The bounds are kept as numbers (too_large -> limit), never the error: its traceback holds the frames
    # that trained, and with them the text (an upload's would outlive its session).
    known = memory().get(bounds_key) or {}
    for too_large, limit in known.items():
        if (too_large and vocab_size > limit) or (not too_large and vocab_size < limit):
            raise _size_error(vocab_size, limit, too_large)
    try:
        return _cached_train(key, text, model_type, vocab_size, character_coverage, byte_fallback)
    except VocabSizeError as err:
        memory().put(bounds_key, {**known, err.too_large: err.limit})
        raise


def _cached_train(key: str, text: str, model_type: str, vocab_size: int, character_coverage: float,
                  byte_fallback: bool) -> SentencePieceTokenizer:
    return cached(
        key, ".model",
        build=lambda: SentencePieceTokenizer(_train(text, model_type, vocab_size, character_coverage, byte_fallback)),
        to_bytes=lambda tok: tok.model_proto,
        from_bytes=SentencePieceTokenizer,
    )
