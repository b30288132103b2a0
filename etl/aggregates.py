"""Rows that are not provinces: national, regional and summary rows, in Vietnamese and English.

A label is a summary row when, once a province name is ruled out, it is made only of summary
words ("Cả nước", "Trung vị", "Average", "Highest", "Vùng" …: ``column_roles.csv``, role
``aggregate``), region names (``regions.csv`` and the older regional names listed as aggregate
labels), numbers, and a few connecting words ("của", "các", "tỉnh", "of", "all" …), and holds at
least one summary word or region name. So "Trung vị cả nước", "Trung bình 63 tỉnh/thành phố",
"Regional average", "Vùng Tây Nguyên", "Red River Delta average" and "Max" are summaries, while
"Tỉnh" alone, "Nhóm 1" or a misspelt province are not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.values import is_missing
from provindex.catalog import Catalog, get_catalog
from provindex.text import fold

#: Function words that may join summary words ("Trung bình của các tỉnh", "Average of all provinces");
#: on their own they never make a label a summary.
CONNECTORS = ("cua", "cac", "ca", "tinh", "thanh pho", "tp", "tinh thanh", "tinh thanh pho", "diem", "gia tri",
              "chi so", "co", "va", "chung", "toan bo", "so", "nam", "muc", "nhom", "tb", "dat",
              "of", "the", "all", "in", "and", "for", "province", "provinces", "city", "cities", "provincial",
              "score", "scores", "value", "values", "index", "n")
#: Words that open a source line or a footnote ("Nguồn: VCCI, 2020", "Ghi chú: …", "Source: UNDP"). No
#: province name begins with one, so such a row is a note wherever it stands, even when an unquoted comma
#: has pushed a year into a score column.
NOTE_WORDS = ("nguon", "ghi chu", "chu thich", "luu y", "chu y", "source", "sources", "note", "notes")
_NUMBER = re.compile(r"\b\d+(?:st|nd|rd|th)?\b")  # "63 tỉnh", "Region 3", "25th percentile"


class AggregateVocabulary:
    """The folded summary words and region names, matched longest first."""

    def __init__(self, catalog: Catalog):
        frame = catalog.column_roles
        words = {fold(a) for r, a in zip(frame["role"], frame["alias"]) if r == "aggregate"}
        regions = catalog.regions
        words |= {fold(n) for column in ("name_vi", "name_en") for n in regions[column] if isinstance(n, str)}
        self.exact = frozenset(w for w in words if w)
        indices = catalog.indices
        names = {fold(n) for column in ("index", "short_vi", "short_en") for n in indices[column] if isinstance(n, str)}
        self.connectors = frozenset(CONNECTORS) | {n for n in names if n}  # "PCI median", "Trung vị PAPI"
        phrases = sorted(self.exact | self.connectors, key=len, reverse=True)
        self.pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")
        self.catalog = catalog

    def is_summary(self, text: str) -> bool:
        """True when ``text`` is a summary label (see the module's rule); never for a province name."""
        key = fold(text)
        if not key:
            return False
        if key in self.exact:
            return True
        if self._names_unit(text):
            return False
        found = self.pattern.findall(key)
        rest = _NUMBER.sub(" ", self.pattern.sub(" ", key)).strip()
        return not rest and any(word not in self.connectors for word in found)

    def _names_unit(self, text: str) -> bool:
        resolver = self.catalog.unit_resolver
        return resolver.resolve(text, "vn63") is not None or resolver.resolve(text, "vn34") is not None


@lru_cache(maxsize=1)
def vocabulary() -> AggregateVocabulary:
    """The vocabulary of the current catalogue (read once)."""
    return AggregateVocabulary(get_catalog())


@lru_cache(maxsize=20000)
def _is_summary(text: str) -> bool:
    return vocabulary().is_summary(text)


def is_aggregate_label(cell) -> bool:
    """A national, regional or summary row label ("Cả nước", "Trung vị cả nước", "Regional average")."""
    return isinstance(cell, str) and _is_summary(cell)


def is_note_label(cell) -> bool:
    """A source line or footnote label ("Nguồn: VCCI, 2020", "Ghi chú", "Notes: …")."""
    if not isinstance(cell, str):
        return False
    key = fold(cell)
    return any(key == word or key.startswith(word + " ") for word in NOTE_WORDS)


def is_note_row(cells: list) -> bool:
    """A row whose first filled cell opens a source line or a footnote ("Nguồn: VCCI, 2020")."""
    return is_note_label(next((c for c in cells if not is_missing(c)), None))
