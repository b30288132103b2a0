"""Published 95% confidence bounds the analyst mapped (``--map "HEADER=ci_low:PAPI:TOTAL"``): checked and stored.

A bound column (:mod:`etl.mappings`, kind ``ci_low``/``ci_high``) is attached to the record of its
component in the same row, as that score's ``ci_low``/``ci_high``.
"""

from __future__ import annotations

from etl.problems import Problem
from etl.rows import MAX_PROBLEMS, column_label
from etl.values import is_missing, parse_number

BOUNDS = ("ci_low", "ci_high")


def attach_bounds(layout, out, ctx) -> None:
    """Bounds mapped by the analyst (``ci_low:CODE``) set on the record of CODE in the same row.

    A bound must be a number inside the component's scale and on its side of the score; a bound
    whose component no column of the sheet holds is refused (it would be stored nowhere).
    """
    bounds = {c: m for c, m in getattr(layout, "mapped", {}).items() if m.kind in BOUNDS}
    if not bounds or layout.kind == "long":
        return
    records: dict[tuple[int, str], list] = {}
    for record in out.records:
        records.setdefault((record["_row"], record["component"]), []).append(record)
    for column, mapping in sorted(bounds.items()):
        if not any(component == mapping.component for _, component in records):
            out.problems.append(Problem("map_bound_without_score", ctx.file, ctx.sheet, None,
                                        column_label(layout, column), mapping.header, {"target": mapping.target}))
            continue
        for row, cells in layout.data_rows:
            targets = records.get((row, mapping.component))
            raw = cells[column] if column < len(cells) else None
            if targets and not is_missing(raw) and len(out.problems) < MAX_PROBLEMS:
                nearest = min(targets, key=lambda r: (r["_col"] > column, abs(column - r["_col"])))
                _set_bound(nearest, mapping.kind, raw, ctx, layout, row, column, out)


def _set_bound(record, kind: str, raw, ctx, layout, row: int, column: int, out) -> None:
    """One bound cell, checked, on its record (or a problem naming the cell)."""
    label = column_label(layout, column)
    value = parse_number(raw)
    if value is None:
        out.problems.append(Problem("not_a_number", ctx.file, ctx.sheet, row, label, raw))
        return
    spec = ctx.catalog.component(record["component"])
    low, high = spec["scale_min"], spec["scale_max"]
    if (low is not None and value < low) or (high is not None and value > high):
        out.problems.append(Problem("out_of_scale", ctx.file, ctx.sheet, row, label, raw, {
            "low": _plain_number(low), "high": _plain_number(high), "component": record["component"]}))
        return
    if (kind == "ci_low" and value > record["value"]) or (kind == "ci_high" and value < record["value"]):
        out.problems.append(Problem(f"map_{kind}_wrong_side", ctx.file, ctx.sheet, row, label, raw,
                                    {"score": _plain_number(record["value"]), "component": record["component"]}))
        return
    record[kind] = value


def _plain_number(value) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)
