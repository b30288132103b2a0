"""Validate recognised rows and turn them into tidy score records, collecting every problem.

Nothing here raises on bad input: each broken rule becomes a :class:`Problem` with the
file, sheet, row, column and value, so the analyst can fix everything in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.encoding import has_control_chars, mojibake_repair
from etl.formats.pairs import Group
from etl.headers import resolve_column
from etl.problems import ERROR, WARNING, Problem
from etl.recognize import Layout, header_text, index_keys, is_aggregate_label, is_repeated_header, unit_hit
from etl.values import (  # noqa: F401  (re-exported: other modules read cells through validate)
    FORMULA_PREFIXES, MISSING_MARKERS, is_missing, is_number, looks_like_formula, parse_number, parse_rank,
    parse_year)
from provindex.catalog import Catalog, unit_set_for_year
from provindex.text import fold, format_number

MAX_PROBLEMS = 500
MAX_TEXT_PROBLEMS = 20


@dataclass
class Context:
    file: str
    catalog: Catalog
    index: str | None = None
    year: int | None = None
    sheet: str | None = None


@dataclass
class Extraction:
    records: list["Record"] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, label) of national rows
    footnotes: list[int] = field(default_factory=list)  # rows of text below the last scores


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rem = divmod(position - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_label(layout: Layout, position: int) -> str:
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

    def unit_of(self, row: int, cells: list, ids: list[int], unit_set: str, year: int) -> str | None:
        """The unit's code from a group's identifier cells, or None (a problem is recorded, or the
        row is a national summary). A code decides; names beside it must not name another unit."""
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
            column, raw = codes[0]
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
    check_text(layout, reader)
    if not layout.id_columns:
        reader.problem("no_unit_column", row=layout.header_row_number)
        return out
    if layout.kind == "long":
        _extract_long(layout, ctx, reader, out)
    else:
        _extract_wide(layout, ctx, reader, out)
    if not out.records and not any(p.severity == ERROR for p in out.problems):
        reader.problem("no_rows", row=layout.header_row_number)
    check_duplicates(out, ctx)
    check_unit_sets(out, ctx)
    check_composites(out, ctx)
    return out


def check_text(layout: Layout, reader: RowReader) -> None:
    """Never load mojibake or binary junk: every text cell of the table is checked."""
    found = 0
    rows = layout.sheet.rows[:layout.end_data]
    for row, cells in rows:
        for column, cell in enumerate(cells):
            if not isinstance(cell, str) or cell.isascii():
                continue
            repaired = mojibake_repair(cell)
            if repaired is not None or has_control_chars(cell):
                reader.bad_cells.add((row, column))
            if repaired is not None:
                reader.problem("mojibake", row, column, cell, repaired=repaired or "—")
            elif has_control_chars(cell):
                reader.problem("control_chars", row, column, cell.encode("unicode_escape").decode()[:60])
            else:
                continue
            found += 1
            if found >= MAX_TEXT_PROBLEMS:
                return


def _extract_wide(layout: Layout, ctx: Context, reader: RowReader, out: Extraction) -> None:
    if ctx.index is None:
        return
    if ctx.year is None and "year" not in layout.roles:
        reader.problem("year_undetected", row=layout.header_row_number)
        return
    _check_unknown_columns(layout, reader)
    width = len(layout.headers)
    resolved: dict[tuple[int, int], str | None] = {}
    composite = ctx.catalog.composite(ctx.index)
    ranks: dict[tuple, tuple[int, int]] = {}  # (year, unit_set, code) -> (rank, row)
    last_scored = _last_scored_row(layout)
    for row, cells in layout.data_rows:
        if len(cells) > width and any(not is_missing(c) for c in cells[width:]):
            reader.problem("ragged_row", row, None, None, cells=len(cells), expected=width)
            continue
        if is_repeated_header(layout, cells):
            continue  # printed tables repeat their header above a summary block
        if _is_summary_row(layout, cells):
            out.skipped_rows.append((row, _summary_label(cells)))
            continue
        if row > last_scored and all(c >= len(cells) or is_missing(cells[c]) for c in layout.score_columns):
            if not _names_a_unit(layout, cells, reader.catalog):
                out.footnotes.append(row)  # a note under the table; a listed unit without scores stays missing
            continue
        year = reader.year_of(row, cells)
        if year is None:
            continue
        unit_set = reader.unit_set_of(row, cells, year)
        if unit_set is None:
            continue
        for group in layout.groups:
            _read_group(layout, ctx, reader, out, group, row, cells, year, unit_set, resolved, composite, ranks)
    _attach_ranks(out, ranks, composite, reader)


def _read_group(layout, ctx, reader, out, group: Group, row, cells, year, unit_set, resolved, composite,
                ranks) -> None:
    scores = {c: cells[c] if c < len(cells) else None for c in group.scores}
    rank_cells = {c: cells[c] for c in group.ranks if c < len(cells) and not is_missing(cells[c])}
    ids_present = any(c < len(cells) and not is_missing(cells[c]) for c in group.ids)
    if all(is_missing(v) for v in scores.values()) and not rank_cells and not ids_present:
        return
    code = reader.unit_of(row, cells, group.ids, unit_set, year)
    if code is None:
        return
    components = {c: _component_for(layout, ctx, reader, resolved, c, year) for c in scores}
    _zero_total_as_missing(reader, row, scores, components, composite, ctx.catalog.unit_name(unit_set, code))
    for column, raw in scores.items():
        component = components[column]
        if component is None:
            continue
        value = reader.score_of(row, column, raw, component)
        if value is not None:
            out.records.append(_record(ctx.index, year, unit_set, code, component, value, row, column))
    for column, raw in rank_cells.items():
        rank = parse_rank(raw)
        if rank is None:
            reader.problem("bad_rank", row, column, raw)
        else:
            ranks.setdefault((year, unit_set, code), (rank, row))


def _zero_total_as_missing(reader, row, scores, components, composite, unit_name) -> None:
    """A composite of exactly 0 beside empty components is a spreadsheet summing blanks (PAPI
    2014 prints 0 for provinces it did not survey): it stays missing, never a zero score."""
    totals = [c for c, code in components.items() if code == composite]
    others = [c for c, code in components.items() if code is not None and code != composite]
    if not totals or not others or any(not is_missing(scores[c]) for c in others):
        return
    for column in totals:
        if parse_number(scores[column]) == 0:
            reader.problem("zero_total_missing", row, column, scores[column], unit=unit_name, severity=WARNING)
            scores[column] = None


def _attach_ranks(out: Extraction, ranks: dict, composite: str, reader: RowReader) -> None:
    """Published ranks belong to the composite; in the pairs shape they sit in their own pair."""
    if not ranks:
        return
    for record in out.records:
        if record["component"] == composite:
            found = ranks.get((record["year"], record["unit_set"], record["unit_code"]))
            if found:
                record["rank"] = found[0]


def _last_scored_row(layout: Layout) -> int:
    last = -1
    score_columns = set(layout.score_columns)
    for row, cells in layout.data_rows:
        if any(c < len(cells) and is_number(cells[c]) for c in score_columns):
            last = row
    return last


def _names_a_unit(layout: Layout, cells: list, catalog: Catalog) -> bool:
    return any(c < len(cells) and unit_hit(cells[c], catalog) for g in layout.groups for c in g.ids)


def _is_summary_row(layout: Layout, cells: list) -> bool:
    """A national row ("Cả nước", "Trung vị", "Min") whose label may sit in any text column."""
    for group in layout.groups:
        for column in group.ids:
            if column < len(cells) and is_aggregate_label(cells[column]):
                return True
    ids_empty = all(c >= len(cells) or is_missing(cells[c]) for g in layout.groups for c in g.ids)
    return ids_empty and any(is_aggregate_label(c) for c in cells)


def _summary_label(cells: list) -> str:
    return next((header_text(c) for c in cells if is_aggregate_label(c)), "")


def _check_unknown_columns(layout: Layout, reader: RowReader) -> None:
    """Unknown headers over numbers are refused (a misspelt component); over text they are ignored."""
    for column, text in layout.unknown_columns.items():
        if looks_like_formula(text):
            reader.problem("formula_in_text", layout.header_row_number, column, text)
            continue
        values = [cells[column] for _, cells in layout.data_rows if column < len(cells)]
        numeric = [v for v in values if is_number(v)]
        if numeric:
            suggestions = reader.catalog.component_resolver.suggest(text, reader.ctx.index)
            reader.problem("unknown_component", None, column, text, index=reader.ctx.index,
                           suggestions="; ".join(suggestions) or "—")
        else:
            reader.problem("column_ignored", None, column, text, severity=WARNING)


def _component_for(layout, ctx, reader, resolved, column, year) -> str | None:
    key = (column, year)
    if key in resolved:
        return resolved[key]
    texts = layout.column_texts.get(column) or [layout.score_columns[column]]
    meaning = resolve_column(texts, ctx.catalog, ctx.index, year)
    code = meaning.code
    if code is None and (column, None) not in reader.reported_columns:
        reader.reported_columns.add((column, None))
        if meaning.candidates:
            reader.problem("ambiguous_component", None, column, meaning.text, candidates=", ".join(meaning.candidates))
        else:
            reader.problem("unknown_component", None, column, meaning.text, index=ctx.index,
                           suggestions="; ".join(ctx.catalog.component_resolver.suggest(meaning.text, ctx.index))
                           or "—")
    elif code is not None and not ctx.catalog.component_valid_in(code, year):
        if (column, year) not in reader.reported_columns:
            reader.reported_columns.add((column, year))
            spec = ctx.catalog.component(code)
            reader.problem("component_not_in_year", None, column, meaning.text, year=year, component=code,
                           first=spec["first_year"], last=spec["last_year"] or "—")
        code = None
    elif code is not None and meaning.conflict and (column, "conflict") not in reader.reported_columns:
        reader.reported_columns.add((column, "conflict"))
        label, named = meaning.conflict
        reader.problem("position_label_conflict", None, column, label, year=year, component=code,
                       label_component=named, severity=WARNING)
    elif code is not None and meaning.unverified and (column, "conflict") not in reader.reported_columns:
        reader.reported_columns.add((column, "conflict"))
        reader.problem("position_name_unverified", None, column, meaning.text, year=year, component=code,
                       name=ctx.catalog.component_label(code, "vi", short=False), severity=WARNING)
    resolved[key] = code
    return code


def _extract_long(layout: Layout, ctx: Context, reader: RowReader, out: Extraction) -> None:
    indices = index_keys(ctx.catalog)
    width = len(layout.headers)
    ids = sorted(layout.id_columns)
    for row, cells in layout.data_rows:
        if len(cells) > width and any(not is_missing(c) for c in cells[width:]):
            reader.problem("ragged_row", row, None, None, cells=len(cells), expected=width)
            continue
        index = ctx.index
        if "index" in layout.roles:
            raw = reader.cell(cells, "index")
            found = indices.get(fold(header_text(raw)))
            if found is None:
                if looks_like_formula(raw):
                    reader.problem("formula_in_text", row, layout.roles["index"], raw)
                else:
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
        if looks_like_formula(raw_component):
            reader.problem("formula_in_text", row, layout.roles["component"], raw_component)
            continue
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
        code = reader.unit_of(row, cells, ids, unit_set, year)
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


class Record:
    """One tidy score. Slotted, because a large long-layout file yields hundreds of thousands of
    them; read and written like a dict (``record["value"]``)."""

    FIELDS = ("index", "year", "unit_set", "unit_code", "component", "value", "rank", "ci_low", "ci_high", "_row",
              "_col")
    __slots__ = FIELDS

    def __getitem__(self, key: str):
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        setattr(self, key, value)

    def as_tuple(self) -> tuple:
        return tuple(getattr(self, f) for f in self.FIELDS)


def _record(index, year, unit_set, code, component, value, row, column) -> Record:
    record = Record()
    record.index, record.year, record.unit_set, record.unit_code, record.component = index, year, unit_set, code, component
    record.value, record.rank, record.ci_low, record.ci_high, record._row, record._col = value, None, None, None, row, column
    return record


def check_duplicates(out: Extraction, ctx: Context) -> None:
    seen: dict[tuple, int] = {}
    for record in out.records:
        key = (record["index"], record["year"], record["unit_set"], record["unit_code"], record["component"])
        if key in seen and seen[key] != record["_row"]:
            if len(out.problems) >= MAX_PROBLEMS:
                return
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
    rules: dict[tuple[str, int], tuple[dict, float, float] | None] = {}
    for key, record in values.items():
        index, year, unit_set, unit_code, parent = key
        if (parent, year) not in rules:
            rules[(parent, year)] = _composite_rule(ctx.catalog, parent, year)
        rule = rules[(parent, year)]
        if rule is None:
            continue
        weights, factor, tolerance = rule
        parts = [values.get((index, year, unit_set, unit_code, c)) for c in weights]
        if any(p is None for p in parts):
            continue
        expected = factor * sum(w * p["value"] for w, p in zip(weights.values(), parts))
        if abs(expected - record["value"]) > tolerance:
            out.problems.append(Problem(
                "composite_mismatch", ctx.file, ctx.sheet, record["_row"], None,
                format_number(record["value"], "vi", 3),
                {"component": parent, "expected": format_number(expected, "vi", 3),
                 "unit": ctx.catalog.unit_name(unit_set, unit_code), "year": year}, WARNING))


def _composite_rule(catalog: Catalog, parent: str, year: int) -> tuple[dict, float, float] | None:
    """(weights, scale factor, tolerance) for a parent in a year, or None when weights are unknown."""
    weights = catalog.weights_for(parent, year)
    if not weights:
        return None
    spec = catalog.component(parent)
    child_max = catalog.component(next(iter(weights)))["scale_max"]
    factor = spec["scale_max"] / child_max if abs(sum(weights.values()) - 1) < 1e-9 else 1.0
    return weights, factor, 0.001 * spec["scale_max"]
