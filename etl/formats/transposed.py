"""Transposed sheets: provinces across the columns, components down the rows.

Some publications print the table the other way round (one column per province, one row per
sub-index). A sheet is read transposed only when read as it stands it yields no province column
or no score column, *and* one of its rows names at least :data:`MIN_UNITS` provinces. Row
numbers of the transposed sheet are the original column numbers (the note says so), so a
message still points at the right cells.
"""

from __future__ import annotations

from itertools import zip_longest

from etl.read import Sheet
from etl.recognize import Layout, recognise, unit_hit
from provindex.catalog import Catalog

#: Provinces a row must name before the sheet is tried transposed.
MIN_UNITS = 5
SCAN_ROWS = 40


def recognise_sheet(sheet: Sheet, catalog: Catalog, mappings=None) -> Layout | None:
    """The layout of a sheet as it stands, or of its transpose when only that holds a province table.

    ``mappings`` (the analyst's ``--map`` and remembered mappings) apply to either reading.
    """
    layout = recognise(sheet, catalog, mappings)
    if layout is not None and (layout.kind == "long" or (layout.id_columns and layout.score_columns)):
        return layout
    if not _units_across(sheet, catalog):
        return layout
    flipped = recognise(transpose(sheet), catalog, mappings)
    if flipped is not None and flipped.id_columns and flipped.score_columns:
        return flipped
    return layout


def _units_across(sheet: Sheet, catalog: Catalog) -> bool:
    return any(sum(unit_hit(c, catalog) for c in cells) >= MIN_UNITS for _, cells in sheet.rows[:SCAN_ROWS])


def transpose(sheet: Sheet) -> Sheet:
    """The sheet with rows and columns swapped; a row's number is its original column's number."""
    rows = [cells for _, cells in sheet.rows]
    flipped = [(column + 1, list(values)) for column, values in enumerate(zip_longest(*rows))]
    return Sheet(sheet.name, flipped, {**sheet.info, "transposed": True})
