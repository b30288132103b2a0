"""Which text encoding a CSV uses, decided from the bytes — or a refusal when unsure.

Order: a BOM (UTF-8, UTF-16) decides; otherwise bytes that are valid UTF-8 are UTF-8; otherwise
Windows-1258 *if the decoded text looks Vietnamese* (its letters are Vietnamese letters, no C1
control characters, few stray symbols). Anything else is refused: loading mojibake would create
provinces that do not exist. Text already in Unicode can still carry mojibake (UTF-8 read as
Windows-1252 and saved again: "Äà Náºµng"); :func:`mojibake_repair` spots that pattern.
Everything streams in chunks, so a large file is never held whole here.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CHUNK = 1 << 20
#: Share of non-ASCII characters that must be Vietnamese letters for Windows-1258 to be believed.
MIN_VIETNAMESE_SHARE = 0.9
#: Punctuation that Vietnamese office documents legitimately carry outside ASCII.
ALLOWED_SYMBOLS = set("–—‘’‚“”„…•·°±×÷€₫%\u00a0«»§©®™²³µ¼½¾")
#: Characters that are the first byte of a Vietnamese UTF-8 sequence when read as cp1252/cp1258.
_MOJIBAKE_LEADS = set("ÂÃÄÅÆáâăĂ")


@dataclass(frozen=True)
class Detected:
    """How a text file is decoded: the label we record, the codec and the BOM bytes to skip."""

    label: str  # what we record: utf-8, utf-8-sig, utf-16, windows-1258
    codec: str  # Python codec name
    skip: int  # bytes of BOM to skip


class EncodingRefused(Exception):
    """rule: 'binary_file', 'undecodable' or 'encoding_uncertain'; params for the message."""

    def __init__(self, rule: str, **params):
        self.rule, self.params = rule, params
        super().__init__(rule)


@lru_cache(maxsize=1)
def vietnamese_letters() -> frozenset[str]:
    """Every precomposed Vietnamese letter (12 vowels x 6 tones x 2 cases) plus đ/Đ."""
    bases = "aăâeêioôơuưy"
    marks = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    letters = {"đ", "Đ"}
    for base in bases + bases.upper():
        for mark in marks:
            letters.add(unicodedata.normalize("NFC", base + mark))
    return frozenset(letters)


def detect(path: Path) -> Detected:
    """The encoding of a text file, or :class:`EncodingRefused`."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        _validate(path, "utf-8", 3)
        return Detected("utf-8-sig", "utf-8", 3)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = "utf-16-le" if head.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
        _validate(path, codec, 2)
        return Detected("utf-16", codec, 2)
    _refuse_binary(path)
    try:
        _validate(path, "utf-8", 0)
        return Detected("utf-8", "utf-8", 0)
    except EncodingRefused:
        pass
    _validate(path, "cp1258", 0)
    _refuse_unless_vietnamese(path)
    return Detected("windows-1258", "cp1258", 0)


def _validate(path: Path, codec: str, skip: int) -> None:
    """Decode the whole file strictly, chunk by chunk (memory stays one chunk)."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    offset = skip
    with open(path, "rb") as handle:
        handle.seek(skip)
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise EncodingRefused("undecodable", detail=f"{codec}: byte {offset + exc.start}") from exc
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise EncodingRefused("undecodable", detail=f"{codec}: truncated at the end") from exc


def _refuse_binary(path: Path) -> None:
    """NUL or other C0 control bytes (except tab, CR, LF, FF, EOF) mean this is not a text table."""
    allowed = {9, 10, 12, 13, 26}
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            if any(b < 32 and b not in allowed for b in chunk[:65536]) or b"\x00" in chunk:
                raise EncodingRefused("binary_file")


def _refuse_unless_vietnamese(path: Path) -> None:
    """Windows-1258 decodes almost any byte string; believe it only for Vietnamese-looking text."""
    letters = vietnamese_letters()
    decoder = codecs.getincrementaldecoder("cp1258")()
    tail = ""
    counts = {"vietnamese": 0, "other": 0}
    odd: dict[str, int] = {}
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            text = tail + decoder.decode(chunk)
            # keep a short tail undecided: a combining tone mark may follow in the next chunk
            text, tail = text[:-4], text[-4:]
            _count(unicodedata.normalize("NFC", text), letters, counts, odd)
    _count(unicodedata.normalize("NFC", tail + decoder.decode(b"", final=True)), letters, counts, odd)
    total = counts["vietnamese"] + counts["other"]
    share = counts["vietnamese"] / total if total else 0.0
    if share < MIN_VIETNAMESE_SHARE:
        sample = "".join(sorted(odd, key=odd.get, reverse=True)[:8])
        raise EncodingRefused("encoding_uncertain", share=f"{100 * share:.0f}", sample=sample or "—")


def _count(text: str, letters: frozenset[str], counts: dict, odd: dict) -> None:
    for ch in text:
        if ord(ch) < 128:
            continue
        if ch in letters:
            counts["vietnamese"] += 1
        elif ch in ALLOWED_SYMBOLS:
            continue
        else:
            counts["other"] += 1
            odd[ch] = odd.get(ch, 0) + 1


def mojibake_repair(text: str) -> str | None:
    """If ``text`` is UTF-8 that was misread as Windows-1252/1258, the repaired text; else None.

    A repair counts only when it removes stray symbols without losing Vietnamese letters, so
    genuine Vietnamese ("NGÃ BA", "Bá") is not mistaken for mojibake. A U+FFFD replacement
    character means an earlier lossy decode: that text cannot be trusted either (returns "").
    """
    if "\ufffd" in text:
        return ""
    if not any(ch in _MOJIBAKE_LEADS for ch in text):
        return None
    whole = _best_repair(text)
    if whole is not None:
        return whole
    words, changed = text.split(" "), False
    for position, word in enumerate(words):
        repaired = _best_repair(word) if any(ch in _MOJIBAKE_LEADS for ch in word) else None
        if repaired is not None:
            words[position], changed = repaired, True
    return " ".join(words) if changed else None


def _best_repair(text: str) -> str | None:
    for codec in ("cp1252", "cp1258"):
        raw = _reencode(text, codec)
        if raw is None:
            continue
        try:
            repaired = unicodedata.normalize("NFC", raw.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        gained = _vietnamese_count(repaired) - _vietnamese_count(text)
        removed = _odd_count(text) - _odd_count(repaired)
        if removed > 0 and (removed >= 2 or gained > 0) and gained >= 0:
            return repaired
    return None


def _reencode(text: str, codec: str) -> bytes | None:
    """The bytes ``text`` came from if it was decoded with ``codec``.

    C1 controls map to themselves, as Windows editors do for bytes the code page leaves undefined.
    """
    out = bytearray()
    for ch in unicodedata.normalize("NFD", text) if codec == "cp1258" else text:
        try:
            out += ch.encode(codec)
        except UnicodeEncodeError:
            if ord(ch) < 256:
                out.append(ord(ch))
            else:
                return None
    return bytes(out)


def _odd_count(text: str) -> int:
    """Non-ASCII characters that are not Vietnamese letters."""
    letters = vietnamese_letters()
    return sum(ord(ch) > 127 and ch not in letters for ch in unicodedata.normalize("NFC", text))


def _vietnamese_count(text: str) -> int:
    letters = vietnamese_letters()
    return sum(ch in letters for ch in unicodedata.normalize("NFC", text))


def has_control_chars(text: str) -> bool:
    """C0/C1 control characters inside a cell (tab, CR and LF aside): binary content, not a name or a number."""
    return _CONTROL.search(text) is not None


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
