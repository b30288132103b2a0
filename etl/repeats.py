"""A province repeated under the table as a highlight: set aside when identical, refused when it conflicts.

Publications often print, under a blank row, a small block that repeats a province of the table
(the publisher's or the reader's own province, highlighted). A block is such a highlight when a
blank row separates it from the rows above and every unit it holds was already read above, in the
same key group. Its rows are set aside: an identical repeat (every value it shows equals the
table's, to the decimals it shows; the same rank) is a note, a conflicting one an error naming
both rows. A unit repeated inside the table (no blank row between, or a block that also holds new
units) stays a ``duplicate_unit`` error.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.rows import Extraction, Record, RowReader
from provindex.text import format_number

#: Decimals of a shown value beyond which a repeat must match the table exactly (to float noise).
MAX_SHOWN_DECIMALS = 6


@dataclass
class UnitRow:
    """One unit as read in one row: its records and its published rank."""

    row: int
    key: tuple  # (year, unit_set, unit_code, key group)
    records: list[Record]
    rank: int | None = None


def blocks_of(rows: list[int]) -> dict[int, int]:
    """Row number -> block number: a new block starts after one or more blank (dropped) rows."""
    blocks, block, previous = {}, 0, None
    for row in rows:
        if previous is not None and row != previous + 1:
            block += 1
        blocks[row] = block
        previous = row
    return blocks


def unit_rows(records: list[Record], ranks: dict[tuple, int], group_of: dict[int, int]) -> list[UnitRow]:
    """The records grouped by (row, unit, key group), in reading order, with the ranks read for them.

    ``ranks`` maps (row, year, unit_set, unit_code) to a published rank.
    """
    found: dict[tuple, UnitRow] = {}
    for record in records:
        key = (record["year"], record["unit_set"], record["unit_code"], group_of.get(record["_col"], 0))
        found.setdefault((record["_row"], key), UnitRow(record["_row"], key, [])).records.append(record)
    by_unit = {(row, key[:3]): unit for (row, key), unit in found.items()}
    for (row, *unit_key), rank in ranks.items():
        unit = by_unit.get((row, tuple(unit_key)))
        if unit is None:  # a row with a rank and no score
            key = (*unit_key, 0)
            unit = found.setdefault((row, key), UnitRow(row, key, []))
        unit.rank = rank
    return sorted(found.values(), key=lambda u: u.row)


def highlight_rows(units: list[UnitRow], blocks: dict[int, int]) -> tuple[dict[tuple, UnitRow], list[UnitRow]]:
    """(first reading of every unit, the unit rows of highlight blocks)."""
    by_block: dict[int, list[UnitRow]] = {}
    for unit in units:
        by_block.setdefault(blocks.get(unit.row, 0), []).append(unit)
    first: dict[tuple, UnitRow] = {}
    highlights: list[UnitRow] = []
    for block in sorted(by_block):
        members = by_block[block]
        if block > 0 and all(u.key in first for u in members):
            highlights.extend(members)
            continue
        for unit in members:
            first.setdefault(unit.key, unit)
    return first, highlights


def set_aside_repeats(reader: RowReader, out: Extraction, ranks: dict[tuple, int], group_of: dict[int, int],
                      rows: list[int]) -> None:
    """Remove highlight repeats from ``out.records``: noted when identical, an error when they conflict."""
    first, highlights = highlight_rows(unit_rows(out.records, ranks, group_of), blocks_of(rows))
    if not highlights:
        return
    catalog = reader.catalog
    for repeat in highlights:
        original = first[repeat.key]
        year, unit_set, code, _ = repeat.key
        unit = catalog.unit_name(unit_set, code)
        conflict = _first_conflict(original, repeat)
        if conflict is None:
            out.repeats.append((repeat.row, original.row, unit))
            continue
        column, shown, published, component = conflict
        rule = "repeat_rank_conflict" if component is None else "repeat_conflict"
        reader.problem(rule, repeat.row, column, shown, unit=unit, first_row=original.row, component=component or "",
                       first=published, repeat_row=repeat.row)
    aside = {u.row for u in highlights}
    out.records[:] = [r for r in out.records if r["_row"] not in aside]


def _first_conflict(original: UnitRow, repeat: UnitRow) -> tuple[int | None, str, str, str | None] | None:
    """(column, repeated value, table's value, component — None for the rank) of the first difference, or None."""
    published = {r["component"]: r for r in original.records}
    for record in repeat.records:
        table = published.get(record["component"])
        if table is None or not same_as_shown(table["value"], record["value"]):
            shown = "—" if table is None else _show(table["value"])
            return record["_col"], _show(record["value"]), shown, record["component"]
    if repeat.rank is not None and repeat.rank != original.rank:
        return None, str(repeat.rank), "—" if original.rank is None else str(original.rank), None
    return None


def same_as_shown(table: float, repeat: float) -> bool:
    """The repeat shows the table's value, possibly rounded to fewer decimals (70.1234 shown as 70.12).

    A whole number counts as one decimal: 7 may stand for 7.04, not for 7.4.
    """
    decimals = max(_decimals(repeat), 1)
    tolerance = 0.5 * 10 ** -decimals if decimals <= MAX_SHOWN_DECIMALS else 1e-9
    return abs(table - repeat) <= tolerance + 1e-12 * max(1.0, abs(table))


def _decimals(value: float) -> int:
    """Decimals of the shortest form of ``value`` (7.25 -> 2); a long or exponent form counts as many."""
    text = repr(float(value))
    if "e" in text or "." not in text:
        return MAX_SHOWN_DECIMALS + 1
    return len(text.split(".")[1].rstrip("0"))


def _show(value: float) -> str:
    return format_number(value, "vi", min(_decimals(value), MAX_SHOWN_DECIMALS))
