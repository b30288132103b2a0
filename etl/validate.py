"""Validate a recognised sheet and turn it into tidy score records, collecting every problem.

Nothing here raises on bad input: each broken rule becomes a :class:`Problem` with the
file, sheet, row, column and value, so the analyst can fix everything in one pass. The rows
are read by :mod:`etl.extract_wide` or :mod:`etl.extract_long`; the checks that need the
whole sheet (text, duplicates, unit sets, composites) live here.
"""

from __future__ import annotations

from etl.encoding import has_control_chars, mojibake_repair
from etl.extract_long import extract_long
from etl.extract_wide import extract_wide
from etl.formats.columns import bound_value
from etl.headers import resolve_column
from etl.problems import ERROR, WARNING, Problem
from etl.recognize import Layout
from etl.rows import MAX_PROBLEMS, Context, Extraction, RowReader
from provindex.catalog import Catalog
from provindex.text import format_number

MAX_TEXT_PROBLEMS = 20


def extract(layout: Layout, ctx: Context) -> Extraction:
    """Records and problems of one recognised sheet."""
    out = Extraction()
    reader = RowReader(layout, ctx, out)
    check_text(layout, reader)
    if not layout.id_columns:
        reader.problem("no_unit_column", row=layout.header_row_number)
        return out
    if layout.kind == "long":
        extract_long(layout, ctx, reader, out)
    else:
        extract_wide(layout, ctx, reader, out)
        attach_bounds(layout, reader, out)
        warn_close_wording(layout, reader, out)
        alternative_totals(ctx, out)
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


def attach_bounds(layout: Layout, reader: RowReader, out: Extraction) -> None:
    """Published confidence bounds become ``ci_low``/``ci_high`` of their score (only where they hold it)."""
    if not layout.bounds:
        return
    cells_of = dict(layout.data_rows)
    by_score: dict[int, list[tuple[int, str]]] = {}
    for column, (score, kind) in layout.bounds.items():
        by_score.setdefault(score, []).append((column, kind))
    for record in out.records:
        for column, kind in by_score.get(record["_col"], ()):
            value = bound_value(cells_of.get(record["_row"], []), column)
            if value is None:
                continue
            if (kind == "ci_low" and value > record["value"]) or (kind == "ci_high" and value < record["value"]):
                reader.problem("bound_outside", record["_row"], column, format_number(value, "vi", 3),
                               score=format_number(record["value"], "vi", 3), component=record["component"],
                               severity=WARNING)
                continue
            record[kind] = value


def warn_close_wording(layout: Layout, reader: RowReader, out: Extraction) -> None:
    """A score column matched only by close wording (a renamed header) is a warning naming the component.

    When another column names that component exactly, the close one is an indicator whose label
    repeats a sub-dimension's words ("Tiếp cận thông tin về ngân sách"): set aside with the indicators.
    """
    ctx = reader.ctx
    years = sorted({r["year"] for r in out.records}) or ([ctx.year] if ctx.year else [])
    for year in years:
        meanings = {c: resolve_column(layout.column_texts.get(c) or [layout.score_columns[c]], ctx.catalog,
                                      ctx.index, year) for c in sorted(layout.score_columns)}
        exact = {m.code for m in meanings.values() if m.code and not m.close}
        for column, meaning in meanings.items():
            if not (meaning.close and meaning.code) or (column, "close") in reader.reported_columns:
                continue
            reader.reported_columns.add((column, "close"))
            if meaning.code in exact:
                layout.set_aside[column] = "indicator"
                out.records = [r for r in out.records if r["_col"] != column]
                continue
            reader.problem("header_close_match", None, column, meaning.text, year=year, component=meaning.code,
                           name=ctx.catalog.component_label(meaning.code, "vi", short=False), severity=WARNING)


def alternative_totals(ctx: Context, out: Extraction) -> None:
    """A composite published outside its period (an "unweighted PCI" of 2020) is an alternative total: set aside.

    Only top-level components: a sub-index out of its period still means the file is misread.
    """
    for position, problem in enumerate(out.problems):
        if problem.rule == "component_not_in_year" and problem.severity == ERROR:
            spec = ctx.catalog.component(problem.params["component"])
            if int(spec["level"]) == 0:
                out.problems[position] = Problem("alternative_total", problem.file, problem.sheet, problem.row,
                                                 problem.column, problem.value, problem.params, WARNING)


def check_duplicates(out: Extraction, ctx: Context) -> None:
    """One value per (index, year, unit, component): a second row for the same unit is an error."""
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
    """An (index, year) is scored on one unit set: vn63 and vn34 rows together are refused."""
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
