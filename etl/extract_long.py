"""Long tables (one row per unit, year and component; what ``export`` writes): cells -> records.

Every row names its component and may name its index, year and unit set; each is checked
against the catalogue and the schema, and a row with any problem yields no record.
"""

from __future__ import annotations

from etl.aggregates import is_note_row
from etl.recognize import Layout, header_text, index_keys
from etl.rows import Context, Extraction, Record, RowReader, make_record
from etl.values import is_missing, looks_like_formula, parse_rank
from provindex.text import fold

_NO = object()  # a cell that made the row unusable (its problem is recorded)


def extract_long(layout: Layout, ctx: Context, reader: RowReader, out: Extraction) -> None:
    """Records of a long sheet, one per valid row."""
    indices = index_keys(ctx.catalog)
    width = len(layout.headers)
    ids = sorted(layout.id_columns)
    for row, cells in layout.data_rows:
        if is_note_row(cells):
            out.footnotes.append(row)  # "Nguồn: VCCI, 2020" under the table, however its commas split it
            continue
        if len(cells) > width and any(not is_missing(c) for c in cells[width:]):
            reader.problem("ragged_row", row, None, None, cells=len(cells), expected=width)
            continue
        if reader.cut_off(row, cells):
            continue
        index = _index_of(reader, ctx, indices, row, cells)
        if index is _NO:
            continue
        year = reader.year_of(row, cells)
        if year is None:
            if "year" not in layout.roles:
                reader.problem("year_undetected", row)
            continue
        unit_set = reader.unit_set_of(row, cells, year)
        if unit_set is None:
            continue
        component = _component_of(reader, ctx, index, year, row, cells)
        if component is None:
            continue
        record = _record_of(reader, ctx, index, year, unit_set, component, ids, row, cells)
        if record is not None:
            out.records.append(record)


def _index_of(reader: RowReader, ctx: Context, indices: dict[str, str], row: int, cells: list):
    """The row's index: its own cell when the table has an index column (must agree with --index)."""
    layout = reader.layout
    if "index" not in layout.roles:
        return ctx.index
    raw = reader.cell(cells, "index")
    found = indices.get(fold(header_text(raw)))
    if found is None:
        rule = "formula_in_text" if looks_like_formula(raw) else "unknown_index"
        reader.problem(rule, row, layout.roles["index"], raw)
        return _NO
    if ctx.index and found != ctx.index:
        reader.problem("index_mismatch", row, layout.roles["index"], raw, given=ctx.index)
        return _NO
    return found


def _component_of(reader: RowReader, ctx: Context, index: str | None, year: int, row: int, cells: list) -> str | None:
    """The one component the row's component cell names, published in ``year``."""
    column = reader.layout.roles["component"]
    raw = header_text(reader.cell(cells, "component"))
    if looks_like_formula(raw):
        reader.problem("formula_in_text", row, column, raw)
        return None
    resolver = ctx.catalog.component_resolver
    candidates = resolver.candidates(raw, index, year)
    if len(candidates) != 1:
        reader.problem("unknown_component" if not candidates else "ambiguous_component", row, column, raw,
                       index=index or "—", candidates=", ".join(candidates),
                       suggestions="; ".join(resolver.suggest(raw, index)) or "—", fix="")
        return None
    component = candidates[0]
    if not ctx.catalog.component_valid_in(component, year):
        spec = ctx.catalog.component(component)
        reader.problem("component_not_in_year", row, column, raw, year=year, component=component,
                       first=spec["first_year"], last=spec["last_year"] or "—")
        return None
    return component


def _record_of(reader: RowReader, ctx: Context, index: str | None, year: int, unit_set: str, component: str,
               ids: list[int], row: int, cells: list) -> Record | None:
    """The row's record: unit, value, and the rank and interval bounds when the table has them."""
    roles = reader.layout.roles
    if index is None:
        index = ctx.catalog.component(component)["index"]
    code = reader.unit_of(row, cells, ids, unit_set, year)
    if code is None:
        return None
    value = reader.score_of(row, roles["value"], reader.cell(cells, "value"), component)
    if value is None:
        return None
    record = make_record(index, year, unit_set, code, component, value, row, roles["value"])
    rank_cell = reader.cell(cells, "rank")
    if not is_missing(rank_cell):
        record["rank"] = parse_rank(rank_cell)
        if record["rank"] is None:
            reader.problem("bad_rank", row, roles["rank"], rank_cell)
    else:
        reader.out.count_marker(rank_cell)
    for bound in ("ci_low", "ci_high"):
        raw = reader.cell(cells, bound)
        if not is_missing(raw):
            record[bound] = reader.score_of(row, roles[bound], raw, component)
        else:
            reader.out.count_marker(raw)
    return record
