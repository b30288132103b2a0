"""Wide tables (one row per unit, one column per component) and their pairs shape: cells -> records.

Each key group (``formats/pairs.py``) of a row is read on its own; national rows and notes under
the table are skipped and reported, published ranks are attached to the composite.
"""

from __future__ import annotations

from etl.formats.pairs import Group
from etl.headers import resolve_column
from etl.mappings import fix_command
from etl.problems import WARNING
from etl.aggregates import is_note_row
from etl.recognize import Layout, header_text, is_aggregate_label, is_repeated_header, unit_hit
from etl.repeats import set_aside_repeats
from etl.rows import Context, Extraction, RowReader, make_record
from etl.values import is_missing, is_number, looks_like_formula, parse_number, parse_rank
from provindex.catalog import Catalog


def extract_wide(layout: Layout, ctx: Context, reader: RowReader, out: Extraction) -> None:
    """Records of a wide or pairs sheet (nothing without an index, a problem without a year)."""
    if ctx.index is None:
        return
    if ctx.year is None and "year" not in layout.roles:
        reader.problem("year_undetected", row=layout.header_row_number)
        return
    _check_unknown_columns(layout, reader)
    wide = _WideReader(layout, ctx, reader, out)
    last_scored = _last_scored_row(layout)
    for row, cells in layout.data_rows:
        if wide.skips(row, cells, last_scored):
            continue
        year = reader.year_of(row, cells)
        if year is None:
            continue
        unit_set = reader.unit_set_of(row, cells, year)
        if unit_set is None:
            continue
        for group in layout.groups:
            wide.read_group(group, row, cells, year, unit_set)
    set_aside_repeats(reader, out, wide.row_ranks, wide.group_of, [row for row, _ in layout.data_rows])
    wide.attach_ranks()


class _WideReader:
    """State kept across the rows of one sheet: resolved columns and the published ranks."""

    def __init__(self, layout: Layout, ctx: Context, reader: RowReader, out: Extraction):
        self.layout, self.ctx, self.reader, self.out = layout, ctx, reader, out
        self.width = len(layout.headers)
        self.composite = ctx.catalog.composite(ctx.index)
        self.resolved: dict[tuple[int, int], str | None] = {}
        self.ranks: dict[tuple, tuple[int, int]] = {}  # (year, unit_set, code) -> (rank, row)
        self.row_ranks: dict[tuple, int] = {}  # (row, year, unit_set, code) -> rank, for repeats under the table
        self.group_of = {c: g for g, group in enumerate(layout.groups) for c in (*group.ids, *group.scores)}

    def skips(self, row: int, cells: list, last_scored: int) -> bool:
        """Rows that hold no unit's scores: ragged, a repeated header, a national row, a note."""
        layout = self.layout
        if len(cells) > self.width and any(not is_missing(c) for c in cells[self.width:]):
            self.reader.problem("ragged_row", row, None, None, cells=len(cells), expected=self.width)
            return True
        if is_repeated_header(layout, cells):
            return True  # printed tables repeat their header above a summary block
        if _is_summary_row(layout, cells):
            self.out.skipped_rows.append((row, _summary_label(cells)))
            return True
        if is_note_row(cells):
            self.out.footnotes.append(row)  # a source line or footnote, whatever its other cells hold
            return True
        if self.reader.cut_off(row, cells):
            return True
        if row > last_scored and all(c >= len(cells) or is_missing(cells[c]) for c in layout.score_columns):
            if not _names_a_unit(layout, cells, self.reader.catalog):
                self.out.footnotes.append(row)  # a note under the table; a listed unit without scores stays missing
            return True
        return False

    def read_group(self, group: Group, row: int, cells: list, year: int, unit_set: str) -> None:
        """The scores and rank of one key group of a row."""
        reader = self.reader
        scores = {c: cells[c] if c < len(cells) else None for c in group.scores}
        rank_cells = {c: cells[c] for c in group.ranks if c < len(cells) and not is_missing(cells[c])}
        if all(is_missing(v) for v in scores.values()) and not rank_cells:
            if self._text_only(row, cells, group):
                return
        code = reader.unit_of(row, cells, group.ids, unit_set, year)
        if code is None:
            return
        components = {c: self.component_for(c, year) for c in scores}
        _zero_total_as_missing(reader, row, scores, components, self.composite,
                               self.ctx.catalog.unit_name(unit_set, code))
        for column, raw in scores.items():
            component = components[column]
            if component is None:
                continue
            value = reader.score_of(row, column, raw, component)
            if value is not None:
                self.out.records.append(make_record(self.ctx.index, year, unit_set, code, component, value, row,
                                                    column))
        for column, raw in rank_cells.items():
            rank = parse_rank(raw)
            if rank is None:
                reader.problem("bad_rank", row, column, raw)
            else:
                self.ranks.setdefault((year, unit_set, code), (rank, row))
                self.row_ranks[(row, year, unit_set, code)] = rank
        for column in group.ranks:
            if column < len(cells) and column not in rank_cells:
                self.out.count_marker(cells[column])

    def _text_only(self, row: int, cells: list, group: Group) -> bool:
        """A group without scores or rank: nothing to read, unless its identifiers need checking.

        A listed unit without scores stays missing; a label that names no unit (a caption inside
        the table, "Nhóm 1") is a text row, noted, never an unknown province: it stores nothing.
        """
        ids = [cells[c] for c in group.ids if c < len(cells) and not is_missing(cells[c])]
        if not ids or any(looks_like_formula(c) for c in ids):
            return not ids  # formulas are checked (and refused) by the unit reader
        if not any(unit_hit(c, self.reader.catalog) for c in ids) and not _is_code(self.layout, group, cells):
            self.out.text_rows.append(row)
            return True
        return False

    def attach_ranks(self) -> None:
        """Published ranks belong to the composite; in the pairs shape they sit in their own pair."""
        if not self.ranks:
            return
        for record in self.out.records:
            if record["component"] == self.composite:
                found = self.ranks.get((record["year"], record["unit_set"], record["unit_code"]))
                if found:
                    record["rank"] = found[0]

    def component_for(self, column: int, year: int) -> str | None:
        """The component of a score column in ``year`` (reported once per column when unusable)."""
        key = (column, year)
        if key not in self.resolved:
            texts = self.layout.column_texts.get(column) or [self.layout.score_columns[column]]
            meaning = resolve_column(texts, self.ctx.catalog, self.ctx.index, year)
            self.resolved[key] = _report_meaning(self.reader, self.ctx, meaning, column, year)
        return self.resolved[key]


def _report_meaning(reader: RowReader, ctx: Context, meaning, column: int, year: int) -> str | None:
    """The usable code of a resolved column; unknown, out-of-period or doubtful meanings are reported."""
    code, reported = meaning.code, reader.reported_columns
    catalog = ctx.catalog
    if code is None and (column, None) not in reported:
        reported.add((column, None))
        if meaning.candidates:
            reader.problem("ambiguous_component", None, column, meaning.text, candidates=", ".join(meaning.candidates))
        else:
            reader.problem("unknown_component", None, column, meaning.text, index=ctx.index,
                           suggestions="; ".join(catalog.component_resolver.suggest(meaning.text, ctx.index)) or "—",
                           fix=fix_command(ctx.file, meaning.text, ctx.index, catalog))
    elif code is not None and not catalog.component_valid_in(code, year):
        if (column, year) not in reported:
            reported.add((column, year))
            spec = catalog.component(code)
            reader.problem("component_not_in_year", None, column, meaning.text, year=year, component=code,
                           first=spec["first_year"], last=spec["last_year"] or "—")
        code = None
    elif code is not None and meaning.conflict and (column, "conflict") not in reported:
        reported.add((column, "conflict"))
        label, named = meaning.conflict
        reader.problem("position_label_conflict", None, column, label, year=year, component=code,
                       label_component=named, severity=WARNING)
    elif code is not None and meaning.unverified and (column, "conflict") not in reported:
        reported.add((column, "conflict"))
        reader.problem("position_name_unverified", None, column, meaning.text, year=year, component=code,
                       name=catalog.component_label(code, "vi", short=False), severity=WARNING)
    return code


def _zero_total_as_missing(reader, row, scores, components, composite, unit_name) -> None:
    """A composite of exactly 0 beside empty components is a spreadsheet summing blanks.

    PAPI 2014 prints 0 for provinces it did not survey: it stays missing, never a zero score.
    """
    totals = [c for c, code in components.items() if code == composite]
    others = [c for c, code in components.items() if code is not None and code != composite]
    if not totals or not others or any(not is_missing(scores[c]) for c in others):
        return
    for column in totals:
        if parse_number(scores[column]) == 0:
            reader.problem("zero_total_missing", row, column, scores[column], unit=unit_name, severity=WARNING)
            scores[column] = None


def _is_code(layout: Layout, group: Group, cells: list) -> bool:
    """A group whose code column holds something (a code is checked even without scores)."""
    return any(layout.id_columns.get(c) == "unit_code" and c < len(cells) and not is_missing(cells[c])
               for c in group.ids)


def _last_scored_row(layout: Layout) -> int:
    last = -1
    score_columns = set(layout.score_columns)
    for row, cells in layout.data_rows:
        if any(c < len(cells) and is_number(cells[c]) for c in score_columns) and not is_note_row(cells):
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
                           suggestions="; ".join(suggestions) or "—",
                           fix=fix_command(reader.ctx.file, text, reader.ctx.index, reader.catalog))
        else:
            reader.problem("column_ignored", None, column, text, severity=WARNING)
