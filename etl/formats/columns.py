"""Columns that are not scores: identifiers, confidence bounds, ranks, counts, indicator blocks.

Later editions put many columns beside the scores. None of them is a reason to reject a file;
each is recognised by its header (``column_roles.csv``) or, failing that, by its content, and
either *used* (the published 95% confidence bounds of a score become its ``ci_low``/``ci_high``)
or *set aside* with one note per kind. The rules, general to any edition:

- **Header phrases** (roles ``ci_low``, ``ci_high``, ``respondents``, ``rank_other`` of
  ``column_roles.csv``) are found as whole words anywhere in a header: "PAPI 2023 (95% CI
  lower)", "Cận dưới", "Xếp hạng Tính minh bạch", "Số người trả lời", "n". Exact roles
  (``identifier``, ``ignore``) name province IDs, old/new codes, serial numbers, groupings.
- **Bounds** belong to the score column whose header they repeat, else the nearest score on their
  left (then right) whose values they bracket on at least 75% of the rows; otherwise set aside.
- **By content**, for a column whose header is unknown but holds numbers: two neighbours of a
  score (within three columns) that bracket it on every row are its bounds; whole numbers 1..n (n ≤ rows), mostly
  distinct, are a rank or serial number; whole numbers above 100 (no index score exceeds 100) are
  counts.
- **Indicator blocks** ("full" workbooks): a header numbered deeper than a sub-dimension
  ("1.1.1", "d1.1.1") or a run of at least :data:`INDICATOR_RUN` adjacent unknown numeric columns
  is indicator-level data: set aside, counted in one note. A lone unknown numeric column is still
  refused as a probably misspelt component (ARCHITECTURE decision 8).
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.headers import clean, close_wording, is_indicator_header, padded_words
from etl.values import is_missing, is_number, parse_number
from provindex.catalog import get_catalog
from provindex.text import consecutive_runs, fold

#: Roles matched as whole-word phrases inside a header (not only as the whole header).
PHRASE_ROLES = ("ci_low", "ci_high", "respondents", "rank_other")
BOUND_ROLES = ("ci_low", "ci_high")
#: Role of ``column_roles.csv`` -> kind of a set-aside column (bounds are set aside only without a score).
ROLE_KINDS = {"identifier": "identifier", "ignore": "other", "respondents": "count", "rank_other": "rank",
              "ci_low": "ci_low", "ci_high": "ci_high"}
#: Adjacent unknown numeric columns that make an indicator block rather than a misspelt component.
INDICATOR_RUN = 5
#: Share of rows on which bounds named by their header must bracket their score (the rest are warned);
#: bounds found by content alone must bracket it on every row.
BRACKET_SHARE = 0.75
SCAN_ROWS = 200


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^\w%]+", " ", text).split())


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, str], ...]:
    """Phrase-role aliases as space-padded word strings, longest first (see :func:`phrase_role`)."""
    frame = get_catalog().column_roles
    found = [(_tokens(fold(a)), r) for r, a in zip(frame["role"], frame["alias"]) if r in PHRASE_ROLES]
    return tuple((padded_words(p), r) for p, r in sorted((p for p in found if p[0]), key=lambda p: -len(p[0])))


@lru_cache(maxsize=20000)
def phrase_role(key: str) -> str | None:
    """The phrase role a folded header contains as whole words ("papi 2023 95% ci lower" -> ci_low)."""
    words = padded_words(_tokens(key))
    for phrase, role in _phrases():
        if phrase in words:
            return role
    return None


def sort_columns(layout) -> None:
    """Settle every column that is not a score: bounds used, the rest set aside (see module doc)."""
    values = _LazyNumbers(layout)
    for column, kind in list(layout.set_aside.items()):
        if kind in BOUND_ROLES:
            target = _bound_target(layout, column, kind, values)
            if target is not None:
                layout.bounds[column] = (target, kind)
                del layout.set_aside[column]
    numeric = [c for c in sorted(layout.unknown_columns) if values[c]]
    _bounds_by_content(layout, numeric, values)
    for column in numeric:
        if column in layout.bounds:
            continue
        kind = _kind_by_content(layout, column, values[column])
        if kind:
            layout.set_aside[column] = kind
    for run in consecutive_runs([c for c in numeric if c not in layout.bounds and c not in layout.set_aside]):
        if len(run) >= INDICATOR_RUN:
            layout.set_aside.update({c: "indicator" for c in run})
    for column in list(layout.unknown_columns):
        if column in layout.set_aside or column in layout.bounds:
            del layout.unknown_columns[column]


def demote_inherited(layout, classify) -> None:
    """Indicator columns under a dimension's merged label are not that dimension.

    A "full" workbook names each dimension once, merged over its score and its indicators; the
    indicators' own headers ("d1.1.1 …", "Đi bầu trưởng thôn") are unknown. Such a column, whose
    score meaning comes only from a label it inherits from the merged cell on its left, goes back
    to the unknown columns, or — two or more under one label, or numbered as indicators — is set
    aside as an indicator block. ``classify`` is
    :func:`etl.recognize.classify_header` with the catalogue bound.
    """
    above = range(max(0, layout.header_row - 3), layout.header_row)
    demoted: dict[str, list[tuple[int, str]]] = {}
    for column, decisive in list(layout.score_columns.items()):
        own = layout.headers[column] if column < len(layout.headers) else ""
        if not own or column in layout.mapped or classify(own)[0] != "unknown":
            continue  # the analyst's --map decides a mapped column, whatever its own header says
        written = any(column < len(layout.sheet.rows[p][1]) and layout.sheet.rows[p][1][column] is not None
                      and clean(layout.sheet.rows[p][1][column]) == decisive for p in above)
        if is_indicator_header(own) or not written:
            del layout.score_columns[column]
            layout.weak_scores.discard(column)
            demoted.setdefault(decisive, []).append((column, own))
    for columns in demoted.values():
        block = len(columns) >= 2 or any(is_indicator_header(own) for _, own in columns)
        for column, own in columns:
            if block:
                layout.set_aside[column] = "indicator"
            else:
                layout.unknown_columns[column] = own  # a lone unknown under a dimension: a misspelling?


def promote_close(layout, catalog) -> None:
    """Unknown headers that contain a known name with words added (or most of one) are weak score columns.

    Which component (if any, in the edition's period) is decided at extraction, with a warning.
    """
    for column, text in list(layout.unknown_columns.items()):
        if not is_indicator_header(text) and close_wording(text, catalog):
            del layout.unknown_columns[column]
            layout.score_columns[column] = text
            layout.weak_scores.add(column)


class _LazyNumbers(dict):
    """Column -> its numbers, read only when a rule asks (most columns of a sheet never are)."""

    def __init__(self, layout):
        super().__init__()
        self.layout = layout

    def __missing__(self, column: int) -> dict[int, float]:
        self[column] = _numbers(self.layout, column)
        return self[column]


def _numbers(layout, column: int) -> dict[int, float]:
    """Row -> number of a column's first data rows."""
    out = {}
    for row, cells in layout.data_rows[:SCAN_ROWS]:
        if column < len(cells) and is_number(cells[column]):
            value = parse_number(cells[column])
            if value is not None:
                out[row] = value
    return out


def _kind_by_content(layout, column: int, numbers: dict[int, float]) -> str | None:
    texts = layout.column_texts.get(column) or [""]
    if any(is_indicator_header(t) for t in texts):
        return "indicator"
    values = list(numbers.values())
    if not values or any(v != int(v) for v in values):
        return None
    rows = len(layout.data_rows)
    if min(values) >= 1 and max(values) <= rows + 2 and len(set(values)) >= 0.8 * len(values) and len(values) >= 3:
        return "rank"
    if max(values) > 100:
        return "count"
    return None


def _brackets(low: dict[int, float] | None, score: dict[int, float], high: dict[int, float] | None,
              share: float = BRACKET_SHARE) -> bool:
    """Bounds hold their score on ``share`` of the rows where both are published (and differ from it somewhere)."""
    bound = low if low is not None else high
    shared = [r for r in score if r in bound]
    if len(shared) < 3:
        return False
    if low is not None:
        inside = sum(low[r] <= score[r] for r in shared)
    else:
        inside = sum(score[r] <= high[r] for r in shared)
    return inside >= share * len(shared) and any(bound[r] != score[r] for r in shared)


def _bound_target(layout, column: int, kind: str, values: dict) -> int | None:
    """The score column a bound column belongs to: same header words, else nearest that it brackets."""
    own = _stem(layout.headers[column])
    scores = sorted(layout.score_columns)
    named = [c for c in scores if own and _stem(layout.headers[c]) == own]
    left = [c for c in reversed(scores) if c < column]
    right = [c for c in scores if c > column]
    for score in [*named, *left[:1], *right[:1]]:
        low, high = (values[column], None) if kind == "ci_low" else (None, values[column])
        if _brackets(low, values[score], high):
            return score
    return None


def _stem(header: str) -> tuple[str, ...]:
    """A header without years, numbers and bound words: "PCI 2023 (95% CI lower)" -> ("pci",)."""
    bound_words = {w for phrase, role in _phrases() if role in BOUND_ROLES for w in phrase}
    bound_words |= {"ci", "bound", "bounds", "khoang", "tin", "cay"}
    return tuple(w for w in _tokens(fold(header or "")) if w not in bound_words and not w[0].isdigit())


def _bounds_by_content(layout, numeric: list[int], values: dict) -> None:
    """Two unknown numeric neighbours of a score that bracket it on every row are its bounds."""
    unknown = set(numeric)
    for score in sorted(layout.score_columns):
        near = [c for c in range(score - 3, score + 4) if c in unknown and c != score and c not in layout.bounds]
        for low in near:
            for high in near:
                if low != high and _brackets(values[low], values[score], None, 1.0) \
                        and _brackets(None, values[score], values[high], 1.0) and _strict(values[low], values[high]):
                    layout.bounds[low], layout.bounds[high] = (score, "ci_low"), (score, "ci_high")
                    return _bounds_by_content(layout, [c for c in numeric if c not in (low, high)], values)
    return None


def _strict(low: dict[int, float], high: dict[int, float]) -> bool:
    shared = [r for r in low if r in high]
    return bool(shared) and all(low[r] < high[r] for r in shared)


def bound_value(cells: list, column: int) -> float | None:
    """A bound cell as a number (missing or text -> None)."""
    if column >= len(cells) or is_missing(cells[column]):
        return None
    return parse_number(cells[column]) if is_number(cells[column]) else None
