"""Validate recognised rows and turn them into tidy score records, collecting every problem.

Nothing here raises on bad input: each broken rule becomes a :class:`Problem` with the
file, sheet, row, column and value, so the analyst can fix everything in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from etl.problems import ERROR, WARNING, Problem
from etl.recognize import Layout, aggregate_keys, header_text, index_keys
from provindex.catalog import Catalog, unit_set_for_year
from provindex.text import fold, format_number

MISSING_MARKERS = {"", "-", "–", "—", "n/a", "na", "nan", "..", "...", "…", "x", "null", "none", "không có"}
FORMULA_PREFIXES = ("=", "+", "-", "@")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")
MAX_PROBLEMS = 500


@dataclass
class Context:
    file: str
    catalog: Catalog
    index: str | None = None
    year: int | None = None
    sheet: str | None = None


@dataclass
class Extraction:
    records: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, label) of national rows


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_label(layout: Layout, position: int) -> str:
    header = layout.headers[position] if position < len(layout.headers) else ""
    return f"{column_letter(position)} ({header})" if header else column_letter(position)


def is_missing(cell) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    return isinstance(cell, str) and fold(cell) in {fold(m) for m in MISSING_MARKERS} and not any(
        ch.isdigit() for ch in cell)


def parse_number(cell) -> float | None:
    """A score from a cell: numbers, '7,25', '7.25', '85,5%', '1.234,5'. None if not a number."""
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


def parse_year(cell) -> int | None:
    value = parse_number(cell) if not isinstance(cell, (dt.date, dt.datetime)) else cell.year
    if value is None or value != int(value) or not 2000 <= value <= 2100:
        return None
    return int(value)


def parse_rank(cell) -> int | None:
    value = parse_number(cell)
    if value is None or value != int(value) or value < 1:
        return None
    return int(value)


def looks_like_formula(text: str) -> bool:
    """Text that a spreadsheet would execute (CWE-1236): '=HYPERLINK(...)', '+cmd', '@SUM'."""
    if not text or not text.startswith(FORMULA_PREFIXES):
        return False
    return parse_number(text) is None


class RowReader:
    """Shared per-row logic for both layouts: unit, year and score cells."""

    def __init__(self, layout: Layout, ctx: Context, out: Extraction):
        self.layout, self.ctx, self.out = layout, ctx, out
        self.catalog = ctx.catalog
        self.reported_columns: set[tuple[int, int | None]] = set()

    def problem(self, rule: str, row: int | None = None, column: int | None = None, value=None,
                severity: str = ERROR, **params) -> None:
        if len(self.out.problems) >= MAX_PROBLEMS:
            return
        label = column_label(self.layout, column) if column is not None else None
        self.out.problems.append(Problem(rule, self.ctx.file, self.ctx.sheet, row, label, value, params, severity))

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
                if value not in ("vn63", "vn34"):
                    self.problem("bad_unit_set", row, self.layout.roles["unit_set"], raw)
                    return None
                return value
        return unit_set_for_year(year)

    def unit_of(self, row: int, cells: list, unit_set: str, year: int) -> str | None:
        """The unit's code, or None (a problem is recorded, or the row is a national summary)."""
        resolver = self.catalog.unit_resolver
        name = self.cell(cells, "unit")
        code_cell = self.cell(cells, "unit_code")
        name_text = header_text(name)
        if "unit_code" in self.layout.roles and not is_missing(code_cell):
            code = resolver.resolve(header_text(code_cell), unit_set)
            if code is None:
                self.problem("unknown_unit_code", row, self.layout.roles["unit_code"], code_cell, unit_set=unit_set)
                return None
            if name_text and "unit" in self.layout.roles:
                by_name = resolver.resolve(name_text, unit_set)
                if by_name is not None and by_name != code:
                    self.problem("unit_code_name_mismatch", row, self.layout.roles["unit"], name_text, code=code,
                                 name=self.catalog.unit_name(unit_set, code))
                    return None
            return self._valid_in_year(row, code, unit_set, year, code_cell)
        if not name_text:
            self.problem("missing_unit", row, self.layout.roles.get("unit", self.layout.roles.get("unit_code")), "")
            return None
        if fold(name_text) in aggregate_keys():
            self.out.skipped_rows.append((row, name_text))
            return None
        column = self.layout.roles.get("unit")
        if looks_like_formula(name_text):
            self.problem("formula_in_text", row, column, name_text)
            return None
        code = resolver.resolve(name_text, unit_set)
        if code is not None:
            return self._valid_in_year(row, code, unit_set, year, name_text)
        former = resolver.former_unit(name_text) if unit_set == "vn34" else None
        if former:
            self.problem("former_unit", row, column, name_text, year=year,
                         successor=self.catalog.unit_name("vn34", former[1]), code=former[1])
        else:
            suggestions = resolver.suggest(name_text, unit_set)
            self.problem("unknown_unit", row, column, name_text, unit_set=unit_set,
                         suggestions=", ".join(suggestions) or "—")
        return None

    def _valid_in_year(self, row: int, code: str, unit_set: str, year: int, raw) -> str | None:
        unit = self.catalog.unit(unit_set, code)
        valid_to = unit.get("valid_to")
        if unit.get("merged_into") and valid_to and str(valid_to) < f"{year}-01-01":
            column = self.layout.roles.get("unit", self.layout.roles.get("unit_code"))
            self.problem("unit_not_in_year", row, column, raw, year=year, valid_to=str(valid_to),
                         successor=self.catalog.unit_name(unit_set, unit["merged_into"]))
            return None
        return code

    def score_of(self, row: int, column: int, raw, component: str) -> float | None:
        if is_missing(raw):
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


def extract(layout: Layout, ctx: Context) -> Extraction:
    """Records and problems of one recognised sheet."""
    out = Extraction()
    reader = RowReader(layout, ctx, out)
    if "unit" not in layout.roles and "unit_code" not in layout.roles:
        reader.problem("no_unit_column", row=layout.sheet.rows[layout.header_row][0])
        return out
    if layout.kind == "wide":
        _extract_wide(layout, ctx, reader, out)
    else:
        _extract_long(layout, ctx, reader, out)
    if not out.records and not any(p.severity == ERROR for p in out.problems):
        reader.problem("no_rows", row=layout.sheet.rows[layout.header_row][0])
    check_duplicates(out, ctx)
    check_unit_sets(out, ctx)
    check_composites(out, ctx)
    return out


def _extract_wide(layout: Layout, ctx: Context, reader: RowReader, out: Extraction) -> None:
    if ctx.index is None:
        return
    if ctx.year is None and "year" not in layout.roles:
        reader.problem("year_undetected", row=layout.sheet.rows[layout.header_row][0])
        return
    _check_unknown_columns(layout, reader)
    width = len(layout.headers)
    resolved: dict[tuple[int, int], str | None] = {}
    composite = ctx.catalog.composite(ctx.index)
    for row, cells in layout.data_rows:
        if len(cells) > width and any(not is_missing(c) for c in cells[width:]):
            reader.problem("ragged_row", row, None, None, cells=len(cells), expected=width)
            continue
        year = reader.year_of(row, cells)
        if year is None:
            continue
        unit_set = reader.unit_set_of(row, cells, year)
        if unit_set is None:
            continue
        scores = {c: cells[c] if c < len(cells) else None for c in layout.score_columns}
        if all(is_missing(v) for v in scores.values()) and is_missing(reader.cell(cells, "unit")):
            continue
        code = reader.unit_of(row, cells, unit_set, year)
        if code is None:
            continue
        row_records = []
        for column, raw in scores.items():
            component = _component_for(layout, ctx, reader, resolved, column, year)
            if component is None:
                continue
            value = reader.score_of(row, column, raw, component)
            if value is not None:
                row_records.append(_record(ctx.index, year, unit_set, code, component, value, row, column))
        rank_cell = reader.cell(cells, "rank")
        if "rank" in layout.roles and not is_missing(rank_cell):
            rank = parse_rank(rank_cell)
            if rank is None:
                reader.problem("bad_rank", row, layout.roles["rank"], rank_cell)
            for record in row_records:
                if record["component"] == composite:
                    record["rank"] = rank
        out.records.extend(row_records)


def _check_unknown_columns(layout: Layout, reader: RowReader) -> None:
    """Unknown headers over numbers are refused (a misspelt component); over text they are ignored."""
    for column, text in layout.unknown_columns.items():
        values = [cells[column] for _, cells in layout.data_rows if column < len(cells)]
        numeric = [v for v in values if not is_missing(v) and parse_number(v) is not None]
        if numeric:
            suggestions = reader.catalog.component_resolver.suggest(text, reader.ctx.index)
            reader.problem("unknown_component", None, column, text, index=reader.ctx.index,
                           suggestions="; ".join(suggestions) or "—")
        else:
            reader.problem("column_ignored", None, column, text, severity=WARNING)


def _component_for(layout, ctx, reader, resolved, column, year) -> str | None:
    key = (column, year)
    if key not in resolved:
        text = layout.score_columns[column]
        candidates = ctx.catalog.component_resolver.candidates(text, ctx.index, year)
        code = candidates[0] if len(candidates) == 1 else None
        if code is None and (column, None) not in reader.reported_columns:
            reader.reported_columns.add((column, None))
            if candidates:
                reader.problem("ambiguous_component", None, column, text, candidates=", ".join(candidates))
            else:
                reader.problem("unknown_component", None, column, text, index=ctx.index,
                               suggestions="; ".join(ctx.catalog.component_resolver.suggest(text, ctx.index)) or "—")
        elif code is not None and not ctx.catalog.component_valid_in(code, year):
            if (column, year) not in reader.reported_columns:
                reader.reported_columns.add((column, year))
                spec = ctx.catalog.component(code)
                reader.problem("component_not_in_year", None, column, text, year=year, component=code,
                               first=spec["first_year"], last=spec["last_year"] or "—")
            code = None
        resolved[key] = code
    return resolved[key]


def _extract_long(layout: Layout, ctx: Context, reader: RowReader, out: Extraction) -> None:
    indices = index_keys(ctx.catalog)
    width = len(layout.headers)
    for row, cells in layout.data_rows:
        if len(cells) > width and any(not is_missing(c) for c in cells[width:]):
            reader.problem("ragged_row", row, None, None, cells=len(cells), expected=width)
            continue
        index = ctx.index
        if "index" in layout.roles:
            raw = reader.cell(cells, "index")
            found = indices.get(fold(header_text(raw)))
            if found is None:
                reader.problem("unknown_index", row, layout.roles["index"], raw)
                continue
            if ctx.index and found != ctx.index:
                reader.problem("index_mismatch", row, layout.roles["index"], raw, given=ctx.index)
                continue
            index = found
        year = reader.year_of(row, cells)
        if year is None:
            if "year" not in layout.roles:
                reader.problem("year_undetected", row)
            continue
        unit_set = reader.unit_set_of(row, cells, year)
        if unit_set is None:
            continue
        raw_component = header_text(reader.cell(cells, "component"))
        candidates = ctx.catalog.component_resolver.candidates(raw_component, index, year)
        if len(candidates) != 1:
            reader.problem("unknown_component" if not candidates else "ambiguous_component", row,
                           layout.roles["component"], raw_component, index=index or "—",
                           candidates=", ".join(candidates),
                           suggestions="; ".join(ctx.catalog.component_resolver.suggest(raw_component, index)) or "—")
            continue
        component = candidates[0]
        if index is None:
            index = ctx.catalog.component(component)["index"]
        if not ctx.catalog.component_valid_in(component, year):
            spec = ctx.catalog.component(component)
            reader.problem("component_not_in_year", row, layout.roles["component"], raw_component, year=year,
                           component=component, first=spec["first_year"], last=spec["last_year"] or "—")
            continue
        code = reader.unit_of(row, cells, unit_set, year)
        if code is None:
            continue
        value = reader.score_of(row, layout.roles["value"], reader.cell(cells, "value"), component)
        if value is None:
            continue
        record = _record(index, year, unit_set, code, component, value, row, layout.roles["value"])
        rank_cell = reader.cell(cells, "rank")
        if not is_missing(rank_cell):
            record["rank"] = parse_rank(rank_cell)
            if record["rank"] is None:
                reader.problem("bad_rank", row, layout.roles["rank"], rank_cell)
        for bound in ("ci_low", "ci_high"):
            raw = reader.cell(cells, bound)
            if not is_missing(raw):
                record[bound] = reader.score_of(row, layout.roles[bound], raw, component)
        out.records.append(record)


def _record(index, year, unit_set, code, component, value, row, column) -> dict:
    return {"index": index, "year": year, "unit_set": unit_set, "unit_code": code, "component": component,
            "value": value, "rank": None, "ci_low": None, "ci_high": None, "_row": row, "_col": column}


def check_duplicates(out: Extraction, ctx: Context) -> None:
    seen: dict[tuple, int] = {}
    for record in out.records:
        key = (record["index"], record["year"], record["unit_set"], record["unit_code"], record["component"])
        if key in seen and seen[key] != record["_row"]:
            out.problems.append(Problem(
                "duplicate_unit", ctx.file, ctx.sheet, record["_row"], None,
                ctx.catalog.unit_name(record["unit_set"], record["unit_code"]),
                {"first_row": seen[key], "year": record["year"], "component": record["component"]}))
        else:
            seen.setdefault(key, record["_row"])


def check_unit_sets(out: Extraction, ctx: Context) -> None:
    sets: dict[tuple[str, int], set[str]] = {}
    for record in out.records:
        sets.setdefault((record["index"], record["year"]), set()).add(record["unit_set"])
    for (index, year), found in sorted(sets.items()):
        if len(found) > 1:
            out.problems.append(Problem("mixed_unit_sets", ctx.file, ctx.sheet, None, None, ", ".join(sorted(found)),
                                        {"index": index, "year": year}))


def check_composites(out: Extraction, ctx: Context) -> None:
    """Warn where a parent's published value disagrees with its weighted components."""
    values = {(r["index"], r["year"], r["unit_set"], r["unit_code"], r["component"]): r for r in out.records}
    parents = {(r["index"], r["year"], r["component"]) for r in out.records}
    for index, year, parent in sorted(parents):
        weights = ctx.catalog.weights_for(parent, year)
        if not weights:
            continue
        spec = ctx.catalog.component(parent)
        child_max = ctx.catalog.component(next(iter(weights)))["scale_max"]
        factor = spec["scale_max"] / child_max if abs(sum(weights.values()) - 1) < 1e-9 else 1.0
        tolerance = 0.001 * spec["scale_max"]
        for key, record in values.items():
            if key[0] != index or key[1] != year or key[4] != parent:
                continue
            parts = [values.get((index, year, key[2], key[3], c)) for c in weights]
            if any(p is None for p in parts):
                continue
            expected = factor * sum(w * p["value"] for w, p in zip(weights.values(), parts))
            if abs(expected - record["value"]) > tolerance:
                out.problems.append(Problem(
                    "composite_mismatch", ctx.file, ctx.sheet, record["_row"], None,
                    format_number(record["value"], "vi", 3),
                    {"component": parent, "expected": format_number(expected, "vi", 3),
                     "unit": ctx.catalog.unit_name(key[2], key[3]), "year": year}, WARNING))
