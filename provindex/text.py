"""Text normalisation shared by matching, loading and display.

Vietnamese text reaches us in NFC, NFD (macOS), with combining tone marks (Windows-1258)
and with old or new tone placement ("Hoà" / "Hòa"). Everything is NFC-normalised on entry;
matching uses :func:`fold`, which drops diacritics so every spelling meets the same key.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
#: Administrative prefixes/suffixes that do not distinguish units ("Tỉnh", "TP.", "City"...).
_UNIT_PREFIXES = ("thanh pho ", "tinh ", "tp ", "t p ", "thu do ", "province of ", "city of ")
_UNIT_SUFFIXES = (" province", " city", " tinh")


def nfc(value: str) -> str:
    """NFC form of ``value`` (strings only; other types pass through)."""
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


@lru_cache(maxsize=1 << 16)
def strip_accents(value: str) -> str:
    """Remove Vietnamese diacritics: 'Đà Nẵng' -> 'Da Nang' (cached: headers and labels repeat)."""
    if value.isascii():
        return value
    decomposed = unicodedata.normalize("NFD", value)
    base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return base.replace("đ", "d").replace("Đ", "D")


@lru_cache(maxsize=1 << 16)
def fold(value: str) -> str:
    """Matching key: no diacritics, lower case, punctuation collapsed to single spaces.

    Cached: recognising a workbook folds the same catalogue names and headers thousands of times.
    """
    text = strip_accents(nfc(str(value))).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def compact(value: str) -> str:
    """:func:`fold` without spaces, so 'BR-VT', 'BRVT' and 'Dak Lak'/'Daklak' meet."""
    return fold(value).replace(" ", "")


def unit_key(value: str) -> str:
    """Matching key for unit names: folded, administrative prefixes removed, no spaces."""
    key = fold(value)
    changed = True
    while changed:
        changed = False
        for prefix in _UNIT_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, changed = key[len(prefix):], True
        for suffix in _UNIT_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key, changed = key[: -len(suffix)], True
    return key.replace(" ", "")


def consecutive_runs(values) -> list[list[int]]:
    """Sorted distinct integers grouped into runs of consecutive values: [3, 1, 2, 7] -> [[1, 2, 3], [7]]."""
    runs: list[list[int]] = []
    for value in sorted(set(int(v) for v in values)):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    return runs


def ranges_text(values) -> str:
    """[66, 67, 68, 70] -> '66–68, 70' (rows, columns or years named in a message)."""
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in consecutive_runs(values))


def format_number(value: float | None, lang: str = "vi", decimals: int = 2) -> str:
    """'70,12' in Vietnamese, '70.12' in English; thousands grouped ('1.234,5' / '1,234.5')."""
    if value is None or value != value:  # NaN
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_signed(value: float | None, lang: str = "vi", decimals: int = 2) -> str:
    """Like :func:`format_number` with an explicit sign ('+1,25', '−0,40')."""
    if value is None or value != value:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return sign + format_number(abs(value), lang, decimals)


#: First characters that make a spreadsheet read a cell as a formula (CWE-1236; OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame):
    """A copy of a pandas frame with every text cell and column name passed through :func:`neutralise_formula`.

    Numbers stay numbers (a negative score is not text), so the file still sorts and sums in a spreadsheet.
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype) in ("string", "str"):
            out[column] = out[column].map(neutralise_formula)
    out.columns = [neutralise_formula(c) if isinstance(c, str) else c for c in out.columns]
    return out
