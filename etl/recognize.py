"""Recognise a sheet: which row is the header, which columns are units, years, components.

Header spellings live in data (``column_roles.csv`` for structural columns, the component
catalogue and ``aliases.csv`` for score columns), never in per-year code branches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from etl.read import Sheet
from provindex import config
from provindex.catalog import Catalog
from provindex.text import fold

HEADER_SCAN_ROWS = 40
ROLES = ("unit", "unit_code", "year", "index", "component", "value", "rank", "unit_set", "ci_low", "ci_high",
         "ignore")
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?!\d)")


@lru_cache(maxsize=1)
def role_keys() -> dict[str, str]:
    """Folded header spelling -> structural role (unit, year, rank, ...)."""
    frame = pd.read_csv(config.REFERENCE_DIR / "column_roles.csv", dtype=str)
    return {fold(a): r for r, a in zip(frame["role"], frame["alias"]) if r != "aggregate"}


@lru_cache(maxsize=1)
def aggregate_keys() -> frozenset[str]:
    """Folded labels of national/summary rows ("Cả nước", "Trung vị", ...) that are not units."""
    frame = pd.read_csv(config.REFERENCE_DIR / "column_roles.csv", dtype=str)
    return frozenset(fold(a) for r, a in zip(frame["role"], frame["alias"]) if r == "aggregate")


def index_keys(catalog: Catalog) -> dict[str, str]:
    """Folded index spellings ("PCI", "Chỉ số CCHC", ...) -> index code."""
    keys = {}
    for row in catalog.indices.to_dict("records"):
        for spelling in (row["index"], row["name_vi"], row["name_en"], row["short_vi"], row["short_en"]):
            keys[fold(spelling)] = row["index"]
    keys[fold("PAR Index")] = "PAR"
    keys[fold("CCHC")] = "PAR"
    return keys


@dataclass
class Layout:
    """What recognition found in one sheet."""

    sheet: Sheet
    header_row: int  # position in sheet.rows
    headers: list[str]
    kind: str  # long | wide
    roles: dict[str, int] = field(default_factory=dict)  # role -> column position
    #: wide layout: column position -> header text for score columns
    score_columns: dict[int, str] = field(default_factory=dict)
    unknown_columns: dict[int, str] = field(default_factory=dict)

    @property
    def data_rows(self) -> list[tuple[int, list]]:
        return self.sheet.rows[self.header_row + 1:]


def header_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split())


def classify_header(text: str, catalog: Catalog) -> tuple[str, str | None]:
    """('role', name) for structural columns, ('score', None) for component headers, ('unknown', None)."""
    key = fold(text)
    if not key:
        return "empty", None
    role = role_keys().get(key)
    if role:
        return "role", role
    if catalog.component_resolver.candidates(text):
        return "score", None
    return "unknown", None


def find_header(sheet: Sheet, catalog: Catalog) -> int | None:
    """Position of the row that looks most like a header (most recognised cells, at least 2)."""
    best, best_score = None, 1
    for position, (_, cells) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        kinds = [classify_header(header_text(c), catalog)[0] for c in cells]
        score = sum(k in ("role", "score") for k in kinds)
        if score > best_score:
            best, best_score = position, score
    return best


def recognise(sheet: Sheet, catalog: Catalog) -> Layout | None:
    """The sheet's layout, or None when no header row can be found."""
    position = find_header(sheet, catalog)
    if position is None:
        return None
    headers = [header_text(c) for c in sheet.rows[position][1]]
    layout = Layout(sheet, position, headers, kind="wide")
    for column, text in enumerate(headers):
        kind, role = classify_header(text, catalog)
        if kind == "role" and role not in layout.roles:
            layout.roles[role] = column
        elif kind == "score":
            layout.score_columns[column] = text
        elif kind == "unknown":
            layout.unknown_columns[column] = text
    if "component" in layout.roles and "value" in layout.roles:
        layout.kind = "long"
        layout.score_columns = {}
    return layout


def index_from_text(text: str, catalog: Catalog) -> str | None:
    """An index named in a file name or title ('PCI_2024.xlsx', 'Chỉ số CCHC năm 2023')."""
    folded = f" {fold(text)} "
    found = {code for key, code in index_keys(catalog).items() if f" {key} " in folded}
    return found.pop() if len(found) == 1 else None


def years_in_text(text: str) -> list[int]:
    return sorted({int(y) for y in _YEAR_IN_TEXT.findall(text)})


def detect_index(layout: Layout, catalog: Catalog) -> list[str]:
    """Indices whose components explain the most score headers (several = ambiguous)."""
    counts: dict[str, int] = {}
    for text in layout.score_columns.values():
        indices = {catalog.component(c)["index"] for c in catalog.component_resolver.candidates(text)}
        if len(indices) == 1:  # a header that several indices share says nothing
            index = indices.pop()
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return []
    top = max(counts.values())
    return sorted(i for i, n in counts.items() if n == top)
