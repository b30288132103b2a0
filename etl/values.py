"""Reading single cells: missing markers, numbers in either decimal convention, formulas."""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from provindex import schema
from provindex.text import fold

#: Printed placeholders for "no value" in Vietnamese and English publications. Matching is on the folded
#: text, so case, diacritics and punctuation do not matter: any cell of punctuation only ("-", "–", "—",
#: "..", "…", "*") is missing, and "N/A", "n.a.", "#N/A" are the same marker.
MISSING_MARKERS = {"", "-", "–", "—", "n/a", "na", "nan", "..", "...", "…", "x", "null", "none", "không có",
                   "kcdl", "k.c.d.l", "không có dữ liệu", "không có số liệu", "chưa có dữ liệu", "chưa có số liệu",
                   "không có thông tin", "không đánh giá", "không khảo sát", "chưa khảo sát", "không xếp hạng",
                   "no data", "not available", "not applicable", "nd", "not surveyed", "not ranked", "missing"}
FORMULA_PREFIXES = ("=", "+", "-", "@")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")
_FOLDED_MISSING = frozenset(fold(m) for m in MISSING_MARKERS)
_YEAR = schema.column("score", "year")
_RANK = schema.column("score", "rank")


def is_missing(cell) -> bool:
    """An empty cell or a printed placeholder for "no value" ("-", "n/a", "…")."""
    kind = type(cell)  # exact types first: this runs on every cell of a workbook
    if kind is float:
        return cell != cell  # NaN
    if kind is int or kind is bool:
        return False
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and _missing_text(cell)


@lru_cache(maxsize=20000)
def _missing_text(cell: str) -> bool:
    return fold(cell) in _FOLDED_MISSING and not any(ch.isdigit() for ch in cell)


def missing_marker(cell) -> str | None:
    """The printed "no data" marker of a cell ("KCDL", "–", "n/a"), or None (a number, text, or an empty cell)."""
    if not isinstance(cell, str) or not cell.strip() or not is_missing(cell):
        return None
    return cell.strip()


def parse_number(cell) -> float | None:
    """A score from a cell: numbers, '7,25', '7.25', '85,5%', '1.234,5'. None if not a number."""
    kind = type(cell)
    if kind is float or kind is int:
        return float(cell) if math.isfinite(cell) else None
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        return float(cell) if math.isfinite(cell) else None
    if not isinstance(cell, str):
        return None
    text = cell.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def is_number(cell) -> bool:
    """A cell that holds a score-like number (not a missing marker)."""
    return not is_missing(cell) and parse_number(cell) is not None


def parse_year(cell) -> int | None:
    """An edition year (a number or a date) inside the range the schema declares for scores, else None."""
    value = parse_number(cell) if not isinstance(cell, (dt.date, dt.datetime)) else cell.year
    return _whole_admitted(value, _YEAR)


def parse_rank(cell) -> int | None:
    """A published rank: a whole number the schema admits (from 1), else None."""
    return _whole_admitted(parse_number(cell), _RANK)


def _whole_admitted(value: float | None, column: schema.Column) -> int | None:
    if value is None or value != int(value) or not column.admits(value):
        return None
    return int(value)


def looks_like_formula(text) -> bool:
    """Text that a spreadsheet would execute (CWE-1236): '=HYPERLINK(...)', '+cmd', '@SUM'."""
    if not isinstance(text, str) or not text or not text.startswith(FORMULA_PREFIXES):
        return False
    return parse_number(text) is None and not is_missing(text)
