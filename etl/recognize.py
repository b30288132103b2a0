"""Recognise a sheet: header rows, unit/year/component columns, table end, and the titles above.

Which rows are the header, which columns are units, years, components, where the table ends,
and what the rows above it say (titles carry the index and year).

Header spellings live in data (``column_roles.csv`` for structural columns, the component
catalogue, ``aliases.csv`` and ``component_positions.csv`` for score columns), never in per-year
code branches. A header may span several rows (a grouped row with merged cells above the real
one, an English row above a Vietnamese one, numbers above names): all of them are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from etl import aggregates
from etl.formats import columns as column_kinds
from etl.formats.pairs import Group, key_groups, orphan_scores
from etl.headers import clean, is_indicator_header, position_map, split_position, variants, years_in
from etl.read import Sheet
from etl.values import is_missing, is_number
from provindex.catalog import Catalog, get_catalog
from provindex.text import fold

HEADER_SCAN_ROWS = 40
#: Header rows read above the main one (grouped headers, an English row over a Vietnamese one).
BAND_ABOVE = 3
#: Data rows inspected to find province columns by their content.
CONTENT_SCAN_ROWS = 200
ID_ROLES = ("unit", "unit_code")


@lru_cache(maxsize=1)
def role_keys() -> dict[str, str]:
    """Folded header spelling -> structural role (unit, year, rank, ...)."""
    frame = get_catalog().column_roles
    return {fold(a): r for r, a in zip(frame["role"], frame["alias"])
            if r != "aggregate" and r not in column_kinds.PHRASE_ROLES}


def index_keys(catalog: Catalog) -> dict[str, str]:
    """Folded index spellings ("PCI", "Chỉ số CCHC", ...) -> index code."""
    keys = {}
    for row in catalog.indices.to_dict("records"):
        for spelling in (row["index"], row["name_vi"], row["name_en"], row["short_vi"], row["short_en"]):
            keys[fold(spelling)] = row["index"]
    keys[fold("PAR Index")] = "PAR"
    keys[fold("CCHC")] = "PAR"
    return keys


def header_text(cell) -> str:
    """A cell as header text (see :func:`etl.headers.clean`)."""
    return clean(cell)


@lru_cache(maxsize=100000)
def cached_fold(text: str) -> str:
    """:func:`fold` for cell texts, which repeat (province names in every pair of columns)."""
    return fold(text)


def is_aggregate_label(cell) -> bool:
    """A national/regional/summary row label: the general rule of :mod:`etl.aggregates`."""
    return aggregates.is_aggregate_label(cell)


@dataclass
class Layout:
    """What recognition found in one sheet."""

    sheet: Sheet
    header_row: int  # position in sheet.rows of the main header row
    headers: list[str]
    kind: str  # long | wide | pairs
    roles: dict[str, int] = field(default_factory=dict)  # role -> first column with it
    #: score columns -> the header text shown in messages
    score_columns: dict[int, str] = field(default_factory=dict)
    #: every header text of a column, best first (main row, rows below, rows above, merged cells)
    column_texts: dict[int, list[str]] = field(default_factory=dict)
    unknown_columns: dict[int, str] = field(default_factory=dict)
    #: identifier columns -> "unit" (names) or "unit_code"
    id_columns: dict[int, str] = field(default_factory=dict)
    rank_columns: list[int] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    #: the analyst's column mappings (``etl.mappings.MappingSet``) and the columns they decided
    mappings: object = None
    mapped: dict = field(default_factory=dict)
    first_data: int = 0  # position of the first row under the header band
    end_data: int = 0  # position after the table's last row (later rows are summaries/notes)
    title_texts: list[str] = field(default_factory=list)  # rows above the header band
    band_texts: list[str] = field(default_factory=list)
    header_keys: frozenset[str] = frozenset()  # folded header texts, to spot a repeated header
    weak_scores: set[int] = field(default_factory=set)  # score columns known only by their number
    #: columns that are not scores, set aside with a note: column -> kind (identifier, rank, count, indicator…)
    set_aside: dict[int, str] = field(default_factory=dict)
    #: published confidence bounds: column -> (score column, "ci_low" | "ci_high")
    bounds: dict[int, tuple[int, str]] = field(default_factory=dict)

    @property
    def data_rows(self) -> list[tuple[int, list]]:
        return self.sheet.rows[self.first_data:self.end_data]

    @property
    def trailer_rows(self) -> list[tuple[int, list]]:
        return self.sheet.rows[self.end_data:]

    @property
    def header_row_number(self) -> int:
        return self.sheet.rows[self.header_row][0]


def unit_hit(cell, catalog: Catalog) -> bool:
    """A text cell naming a province (any spelling, either unit set); bare numbers do not count."""
    return isinstance(cell, str) and _names_unit(cell, catalog)


@lru_cache(maxsize=100000)
def _names_unit(cell: str, catalog: Catalog) -> bool:
    if not any(ch.isalpha() for ch in cell):
        return False
    resolver = catalog.unit_resolver
    return resolver.resolve(cell, "vn63") is not None or resolver.resolve(cell, "vn34") is not None


@lru_cache(maxsize=100000)
def classify_header(text: str, catalog: Catalog) -> tuple[str, str | None]:
    """('role', name) for structural columns, ('score', None) for component headers, ('unknown', None).

    Cached on the raw cell: the same province names and headers recur on every sheet of a workbook.
    """
    text = clean(text)
    if not fold(text):
        return "empty", None
    return _classify(text, catalog)


@lru_cache(maxsize=50000)
def _classify(text: str, catalog: Catalog) -> tuple[str, str | None]:
    roles = role_keys()
    resolver = catalog.component_resolver
    keys = variants(text)
    for key, index_removed in keys:
        role = roles.get(key)
        # "Mã PCI" must not become "Mã" (a GSO code): identifiers never come from a stripped variant
        if role and not (index_removed and role in ID_ROLES):
            return "role", role
    # then words inside the header: "PAPI 2023 (95% CI lower)", "Xếp hạng Tính minh bạch", "Số người trả lời"
    phrase = column_kinds.phrase_role(keys[0][0]) if keys else None
    if phrase:
        return "role", phrase
    for key, _ in keys:
        if resolver.candidates(key):
            return "score", None
    if is_indicator_header(text):
        return "unknown", None  # indicator level: set aside with the other indicators, never a score
    parts = split_position(text)
    if parts.position and position_map(catalog).known(parts.position):
        # "Chỉ số thành phần 3", "CSTP3": a numbered component; "2.4: <words we do not know>" too,
        # but only weakly (it must not make a sheet of numbered indicators look like a summary)
        return "score", ("weak" if fold(parts.name) else None)
    return "unknown", None


def _recognised(cells: list, catalog: Catalog) -> int:
    kinds = [classify_header(c, catalog) for c in cells if isinstance(c, str)]
    return sum(kind == "role" or (kind == "score" and role != "weak") for kind, role in kinds)


def find_header(sheet: Sheet, catalog: Catalog, mappings=None) -> int | None:
    """Position of the row that looks most like a header (most recognised or mapped cells, at least 2)."""
    best, best_score = None, 1
    for position, (_, cells) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        score = _recognised(cells, catalog) + (mappings.count(cells) if mappings is not None else 0)
        if score > best_score:
            best, best_score = position, score
    return best


def _header_like(cells: list, catalog: Catalog) -> bool:
    """Text only: no number and no province name (those make a data row)."""
    return not any(is_number(c) or unit_hit(c, catalog) for c in cells)


def header_band(sheet: Sheet, position: int, catalog: Catalog) -> tuple[list[int], list[int]]:
    """Rows that belong to the header together with ``position``.

    Directly above (grouped headers, at least two cells) and directly below (a second naming
    row, at least two recognised cells). Rows separated by blank lines are not part of it.
    """
    above, below = [], []
    current = position
    while len(above) < BAND_ABOVE and current > 0:
        number, cells = sheet.rows[current - 1]
        if number != sheet.rows[current][0] - 1 or not _header_like(cells, catalog):
            break
        if sum(not is_missing(c) for c in cells) < 2:
            break
        above.append(current - 1)
        current -= 1
    current = position
    while current + 1 < len(sheet.rows):
        number, cells = sheet.rows[current + 1]
        if not _header_like(cells, catalog) or _recognised(cells, catalog) < 2:
            break
        below.append(current + 1)
        current += 1
    return above, below


def _left_filled(cells: list, width: int) -> list:
    """A grouped header row as Excel shows it: a merged label covers the empty cells to its right."""
    out, last = [], None
    for column in range(width):
        value = cells[column] if column < len(cells) else None
        if not is_missing(value):
            last = value
        out.append(last)
    return out


def _column_texts(sheet: Sheet, position: int, above: list[int], below: list[int], width: int) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = {}
    rows = [sheet.rows[p][1] for p in [position, *below, *above]]
    filled = [_left_filled(sheet.rows[p][1], width) for p in above]
    for column in range(width):
        found = []
        for cells in rows + filled:
            if column < len(cells) and not is_missing(cells[column]):
                text = clean(cells[column])
                if text and text not in found:
                    found.append(text)
        texts[column] = found
    return texts


def recognise(sheet: Sheet, catalog: Catalog, mappings=None) -> Layout | None:
    """The sheet's layout, or None when no header row can be found (``mappings``: see :mod:`etl.mappings`)."""
    position = find_header(sheet, catalog, mappings)
    if position is None:
        return None
    above, below = header_band(sheet, position, catalog)
    band = [position, *below, *above]
    width = max(len(sheet.rows[p][1]) for p in band)
    headers = [clean(c) for c in sheet.rows[position][1]] + [""] * (width - len(sheet.rows[position][1]))
    layout = Layout(sheet, position, headers, kind="wide", mappings=mappings)
    layout.column_texts = _column_texts(sheet, position, above, below, width)
    layout.first_data = max(band) + 1
    layout.end_data = len(sheet.rows)
    top = min(band)
    layout.title_texts = [clean(c) for _, cells in sheet.rows[:top] for c in cells if isinstance(c, str) and c]
    layout.band_texts = [t for texts in layout.column_texts.values() for t in texts]
    layout.header_keys = frozenset(key for key in map(cached_fold, headers) if key)
    for column in range(width):
        _classify_column(layout, column, catalog)
    if "component" in layout.roles and "value" in layout.roles:
        layout.kind = "long"
        layout.score_columns = {}
        return layout
    column_kinds.demote_inherited(layout, lambda text: classify_header(text, catalog))
    column_kinds.promote_close(layout, catalog)
    _find_id_columns_by_content(layout, catalog)
    layout.groups = key_groups(width, set(layout.id_columns), set(layout.score_columns), set(layout.rank_columns))
    if len(layout.groups) > 1:
        layout.kind = "pairs"
    layout.end_data = _table_end(layout)
    column_kinds.sort_columns(layout)
    return layout


def _classify_column(layout: Layout, column: int, catalog: Catalog) -> None:
    """Classify a column by its first meaningful header text (main row, then below, then above).

    A weakly recognised number decides only when nothing else does.
    """
    if layout.mappings is not None and layout.mappings.apply(layout, column):
        return  # the analyst's --map (or a remembered one) decides before the header rules
    texts = layout.column_texts[column]
    weak = None
    for text in texts:
        kind, role = classify_header(text, catalog)
        if kind == "role":
            layout.roles.setdefault(role, column)
            if role in ID_ROLES:
                layout.id_columns[column] = role
            elif role == "rank":
                layout.rank_columns.append(column)
            elif role in column_kinds.ROLE_KINDS:
                layout.set_aside[column] = column_kinds.ROLE_KINDS[role]
            return
        if kind == "score" and role == "weak":
            weak = weak or text
        elif kind == "score":
            layout.score_columns[column] = text
            return
    if weak:
        layout.score_columns[column] = weak
        layout.weak_scores.add(column)
    elif texts:
        layout.unknown_columns[column] = texts[0]


def _find_id_columns_by_content(layout: Layout, catalog: Catalog) -> None:
    """Columns without a recognised header whose cells are mostly province names (pairs)."""
    rows = layout.sheet.rows[layout.first_data:layout.first_data + CONTENT_SCAN_ROWS]
    width = len(layout.headers)
    for column in range(width):
        if column in layout.id_columns or column in layout.score_columns or _has_role(layout, column):
            continue
        values = [cells[column] for _, cells in rows if column < len(cells) and not is_missing(cells[column])]
        texts = [v for v in values if isinstance(v, str) and not is_aggregate_label(v)]
        hits = sum(unit_hit(v, catalog) for v in texts)
        if hits >= 3 and hits >= 0.6 * len(texts) and hits >= 0.5 * len(values):
            layout.id_columns[column] = "unit"
            layout.unknown_columns.pop(column, None)


def _has_role(layout: Layout, column: int) -> bool:
    return column in layout.roles.values() or column in layout.rank_columns or column in layout.mapped


def _table_end(layout: Layout) -> int:
    """Position after the last table row.

    Pairs tables end at the first summary row (a pair with a score and no province — the focal
    province repeated, rank rows).
    """
    for position in range(layout.first_data, len(layout.sheet.rows)):
        _, cells = layout.sheet.rows[position]
        if is_repeated_header(layout, cells):
            continue
        if orphan_scores(cells, layout.groups, is_missing, is_number):
            return position
    return len(layout.sheet.rows)


def is_repeated_header(layout: Layout, cells: list) -> bool:
    """A row that repeats the header's texts (printed tables repeat it before a summary)."""
    header = layout.header_keys
    texts = [key for key in (cached_fold(c) for c in cells if isinstance(c, str)) if key]
    same = sum(t in header for t in texts)
    return same >= 2 and same >= 0.5 * len(texts) and not any(is_number(c) for c in cells)


# -- index and year evidence ---------------------------------------------------------------------
def index_from_text(text: str, catalog: Catalog) -> str | None:
    """An index named in a file name or title ('PCI_2024.xlsx', 'Chỉ số CCHC năm 2023')."""
    folded = f" {fold(text)} "
    found = {code for key, code in index_keys(catalog).items() if f" {key} " in folded}
    return found.pop() if len(found) == 1 else None


def years_in_text(text: str) -> list[int]:
    """The years written in a text (a file name, a title), sorted."""
    return sorted(years_in(text))


def detect_index(layout: Layout, catalog: Catalog) -> list[str]:
    """Indices whose components explain the most score headers (several = ambiguous)."""
    counts: dict[str, int] = {}
    for column in layout.score_columns:
        indices: set[str] = set()
        for text in layout.column_texts.get(column, []):
            for key, _ in variants(text):
                codes = catalog.component_resolver.candidates(key)
                if codes:
                    indices = {catalog.component(c)["index"] for c in codes}
                    break
            if len(indices) == 1:
                break
        if len(indices) == 1:  # a header that several indices share says nothing
            index = indices.pop()
            counts[index] = counts.get(index, 0) + 1
    if not counts:
        return []
    top = max(counts.values())
    return sorted(i for i, n in counts.items() if n == top)


def sheet_year(layout: Layout) -> tuple[int | None, str | None]:
    """The year a sheet states about itself, and where: its name, its title rows, its headers.

    The first source naming exactly one year decides; a source naming several years ("PCI 2006
    … (as PCI 2005)") says nothing.
    """
    sources = (("sheet", [layout.sheet.name or ""]), ("title", layout.title_texts), ("header", layout.band_texts))
    for source, texts in sources:
        years = set().union(*(years_in(t) for t in texts)) if texts else set()
        if len(years) == 1:
            return years.pop(), source
    return None, None
