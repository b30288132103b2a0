"""One row's cells -> unit, year, unit set and scores, and the tidy records they become.

Shared by the wide/pairs and the long extraction. Nothing here raises on bad input: every broken
rule becomes a :class:`Problem` pointing at the file, sheet, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.problems import ERROR, Problem
from etl.recognize import Layout, header_text, is_aggregate_label, unit_hit
from etl.values import is_missing, is_number, looks_like_formula, missing_marker, parse_number, parse_year
from provindex import schema
from provindex.catalog import Catalog, unit_set_for_year
from provindex.text import format_number, ranges_text

MAX_PROBLEMS = 500
#: Distinct "no data" markers named in the report's note.
MARKERS_SHOWN = 6
_UNIT_SET = schema.column("score", "unit_set")


@dataclass
class Context:
    """What is known about the sheet being read: file, catalogue, and the index and year settled so far."""

    file: str
    catalog: Catalog
    index: str | None = None
    year: int | None = None
    sheet: str | None = None


@dataclass
class Extraction:
    """The records and problems of one sheet, plus rows deliberately not read (national rows, notes)."""

    records: list["Record"] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, label) of national rows
    footnotes: list[int] = field(default_factory=list)  # rows of text below the last scores
    #: printed "no data" markers of the cells read ("KCDL", "–", "n/a") -> how many cells hold them
    marked: dict[str, int] = field(default_factory=dict)
    #: (row, first row, unit) of identical repeats of a unit under a blank row (a highlight), set aside
    repeats: list[tuple[int, int, str]] = field(default_factory=list)
    text_rows: list[int] = field(default_factory=list)  # rows of text inside the table: no scores, no unit

    def count_marker(self, cell) -> None:
        """Count a cell holding a printed "no data" marker (an empty cell is not counted)."""
        marker = missing_marker(cell)
        if marker is not None:
            self.marked[marker] = self.marked.get(marker, 0) + 1


class Record:
    """One tidy score (the schema's score columns plus where it was read).

    Slotted, because a large long-layout file yields hundreds of thousands of them; read and
    written like a dict (``record["value"]``).
    """

    FIELDS = schema.SCORE_COLUMNS + ("_row", "_col")
    __slots__ = FIELDS

    def __getitem__(self, key: str):
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        setattr(self, key, value)

    def as_tuple(self) -> tuple:
        return tuple(getattr(self, f) for f in self.FIELDS)


def make_record(index, year, unit_set, code, component, value, row, column) -> Record:
    """A record without rank or confidence interval (they are attached when the table publishes them)."""
    record = Record()
    record.index, record.year, record.unit_set, record.unit_code = index, year, unit_set, code
    record.component, record.value, record.rank, record.ci_low, record.ci_high = component, value, None, None, None
    record._row, record._col = row, column
    return record


def column_letter(position: int) -> str:
    """Spreadsheet column name of a 0-based position: 0 -> A, 26 -> AA."""
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_label(layout: Layout, position: int) -> str:
    """How a message names a column: its letter and, when known, its header ("C (Tỉnh)")."""
    header = layout.headers[position] if position < len(layout.headers) else ""
    if not header and layout.column_texts.get(position):
        header = layout.column_texts[position][0]
    return f"{column_letter(position)} ({header})" if header else column_letter(position)


class RowReader:
    """Shared per-row logic for both layouts: unit, year and score cells."""

    def __init__(self, layout: Layout, ctx: Context, out: Extraction):
        self.layout, self.ctx, self.out = layout, ctx, out
        self.catalog = ctx.catalog
        self.reported_columns: set[tuple[int, int | None]] = set()
        #: (row, column) of cells already reported as garbled: not reported again as unknown names
        self.bad_cells: set[tuple[int, int]] = set()

    def problem(self, rule: str, row: int | None = None, column: int | None = None, value=None,
                severity: str = ERROR, **params) -> None:
        if len(self.out.problems) >= MAX_PROBLEMS:
            return
        label = column_label(self.layout, column) if column is not None else None
        self.out.problems.append(Problem(rule, self.ctx.file, self.ctx.sheet, row, label, value, params, severity))

    def cut_off(self, row: int, cells: list) -> bool:
        """A CSV line of a unit, shorter than the header, whose last field holds a value: refused, naming it.

        Such a line ends in a value, not in a delimiter, so its last number may be incomplete. It is
        cut off when it holds numbers and lacks a field that is read (a score, the unit, year,
        component or value), or when it is the file's last line and has no line break (a download cut
        short). Lines ending with empty fields, lines lacking only optional cells (rank, notes, an
        ignored column) before a line break, and lines naming no unit (notes, captions) are not.
        """
        info, width = self.layout.sheet.info, len(self.layout.headers)
        if row not in info.get("short_lines", ()) or len(cells) >= width or not self._names_unit(cells):
            return False
        lacks_required = any(c in self.required_columns() for c in range(len(cells), width))
        if not (lacks_required and any(map(is_number, cells))) and row != info.get("unterminated_line"):
            return False
        self.problem("cut_off_line", row, len(cells) - 1, cells[-1], cells=len(cells), expected=width)
        return True

    def _names_unit(self, cells: list) -> bool:
        """The row's identifier cells name a unit or hold a code."""
        for column, role in self.layout.id_columns.items():
            if column < len(cells) and not is_missing(cells[column]):
                if role == "unit_code" or unit_hit(cells[column], self.catalog):
                    return True
        return False

    def required_columns(self) -> set[int]:
        """Columns a row cannot do without: scores, unit identifiers, year, component and value."""
        layout = self.layout
        roles = {layout.roles[r] for r in ("year", "component", "value") if r in layout.roles}
        return set(layout.score_columns) | set(layout.id_columns) | roles

    def cell(self, cells: list, role: str):
        position = self.layout.roles.get(role)
        if position is None or position >= len(cells):
            return None
        return cells[position]

    def year_of(self, row: int, cells: list) -> int | None:
        if "year" in self.layout.roles:
            raw = self.cell(cells, "year")
            year = parse_year(raw)
            if year is None:
                self.problem("bad_year", row, self.layout.roles["year"], raw)
                return None
            if self.ctx.year is not None and year != self.ctx.year:
                self.problem("year_mismatch", row, self.layout.roles["year"], raw, given=self.ctx.year)
                return None
            return year
        return self.ctx.year

    def unit_set_of(self, row: int, cells: list, year: int) -> str | None:
        if "unit_set" in self.layout.roles:
            raw = self.cell(cells, "unit_set")
            if raw not in (None, ""):
                value = str(raw).strip().lower()
                if not _UNIT_SET.admits(value):
                    self.problem("bad_unit_set", row, self.layout.roles["unit_set"], raw)
                    return None
                return value
        return unit_set_for_year(year)

    def unit_of(self, row: int, cells: list, ids: list[int], unit_set: str, year: int) -> str | None:
        """The unit's code from a group's identifier cells, or None.

        None means a problem was recorded or the row is a national summary. A code decides;
        names beside it must not name another unit.
        """
        present = [(c, cells[c]) for c in ids if c < len(cells) and not is_missing(cells[c])]
        for _, raw in present:
            if is_aggregate_label(raw):
                self.out.skipped_rows.append((row, header_text(raw)))
                return None
        if not present:
            self.problem("missing_unit", row, ids[0] if ids else None, "")
            return None
        codes = [(c, raw) for c, raw in present if self.layout.id_columns.get(c) == "unit_code"]
        names = [(c, raw) for c, raw in present if self.layout.id_columns.get(c) != "unit_code"]
        if codes:
            return self._unit_by_code(row, codes[0], names, unit_set, year)
        return self._unit_by_name(row, names, unit_set, year)

    def _unit_by_code(self, row: int, code_cell: tuple[int, object], names: list, unit_set: str,
                      year: int) -> str | None:
        column, raw = code_cell
        code = self.catalog.unit_resolver.resolve(header_text(raw), unit_set)
        if code is None:
            self.problem("unknown_unit_code", row, column, raw, unit_set=unit_set)
            return None
        for name_column, name in names:
            if looks_like_formula(name):
                self.problem("formula_in_text", row, name_column, name)
                return None
            by_name = self.catalog.unit_resolver.resolve(header_text(name), unit_set)
            if by_name is not None and by_name != code:
                self.problem("unit_code_name_mismatch", row, name_column, header_text(name), code=code,
                             name=self.catalog.unit_name(unit_set, code))
                return None
        return self._valid_in_year(row, code, unit_set, year, raw, column)

    def _unit_by_name(self, row: int, names: list, unit_set: str, year: int) -> str | None:
        found = []
        for column, raw in names:
            code = self._resolve(row, column, raw, unit_set, year)
            if code is None:
                return None
            found.append((column, code, raw))
        column, code, raw = found[0]
        for other_column, other, other_raw in found[1:]:
            if other != code:
                self.problem("unit_code_name_mismatch", row, other_column, header_text(other_raw), code=code,
                             name=self.catalog.unit_name(unit_set, code))
                return None
        return self._valid_in_year(row, code, unit_set, year, raw, column)

    def _resolve(self, row: int, column: int, raw, unit_set: str, year: int) -> str | None:
        resolver = self.catalog.unit_resolver
        text = header_text(raw)
        if (row, column) in self.bad_cells:
            return None
        if looks_like_formula(text):
            self.problem("formula_in_text", row, column, text)
            return None
        code = resolver.resolve(text, unit_set)
        if code is not None:
            return code
        former = resolver.former_unit(text) if unit_set == "vn34" else None
        if former:
            self.problem("former_unit", row, column, text, year=year,
                         successor=self.catalog.unit_name("vn34", former[1]), code=former[1])
        else:
            suggestions = resolver.suggest(text, unit_set)
            self.problem("unknown_unit", row, column, text, unit_set=unit_set,
                         suggestions=", ".join(suggestions) or "—")
        return None

    def _valid_in_year(self, row: int, code: str, unit_set: str, year: int, raw, column: int) -> str | None:
        unit = self.catalog.unit(unit_set, code)
        valid_to = unit.get("valid_to")
        if unit.get("merged_into") and valid_to and str(valid_to) < f"{year}-01-01":
            self.problem("unit_not_in_year", row, column, raw, year=year, valid_to=str(valid_to),
                         successor=self.catalog.unit_name(unit_set, unit["merged_into"]))
            return None
        return code

    def score_of(self, row: int, column: int, raw, component: str) -> float | None:
        if is_missing(raw):
            self.out.count_marker(raw)
            return None
        value = parse_number(raw)
        if value is None:
            self.problem("not_a_number", row, column, raw)
            return None
        spec = self.catalog.component(component)
        low, high = spec["scale_min"], spec["scale_max"]
        if (low is not None and value < low) or (high is not None and value > high):
            self.problem("out_of_scale", row, column, raw, low=format_number(low, "vi", 0),
                         high=format_number(high, "vi", 0), component=component)
            return None
        return value


def extraction_notes(extractions: list[Extraction]) -> list[tuple[str, dict]]:
    """The report's notes on cells and rows set aside: "no data" markers, repeated highlights, text rows."""
    notes: list[tuple[str, dict]] = []
    marked: dict[str, int] = {}
    for extraction in extractions:
        for marker, count in extraction.marked.items():
            marked[marker] = marked.get(marker, 0) + count
    if marked:
        shown = sorted(marked, key=lambda m: (-marked[m], m))
        markers = ", ".join(shown[:MARKERS_SHOWN]) + (", …" if len(shown) > MARKERS_SHOWN else "")
        notes.append(("etl.missing_marked", {"count": sum(marked.values()), "markers": markers}))
    repeats = list(dict.fromkeys(item for e in extractions for item in e.repeats))
    if repeats:
        listed = ", ".join(f"{row} = {first} ({unit})" for row, first, unit in repeats)
        notes.append(("etl.repeats_set_aside", {"rows": listed, "count": len(repeats)}))
    text_rows = sorted({row for e in extractions for row in e.text_rows})
    if text_rows:
        notes.append(("etl.text_rows_skipped", {"rows": ranges_text(text_rows)}))
    return notes
