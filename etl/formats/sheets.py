"""Which sheet(s) of a workbook hold the scores.

Official workbooks carry a summary sheet and one sheet per sub-index or dimension; some carry
two summaries (English and Vietnamese) and one of them may be stale — PCI 2014–2016's English
"Summary" still holds the 2013 table. Consolidated releases hold one sheet per year. The rules,
in order:

1. candidates are sheets with a recognised table (a province key and score columns);
2. several candidates each *named* after a different year, with comparable tables, and no
   single year in the file name: a multi-year workbook — every such sheet is read (with
   ``--year``, only that year's sheet);
3. otherwise the richest table wins (most score columns, then most rows); but a sheet whose own
   title/name/header states a year other than the file's is set aside when an equally rich
   sheet agrees with the file — the choice and the reason are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from etl.recognize import Layout, sheet_year

#: A sheet of a consolidated workbook must hold at least this share of the richest sheet's columns.
MULTI_YEAR_SHARE = 0.8


@dataclass
class Candidate:
    """A recognised sheet competing for the summary choice, with the year it states about itself."""

    layout: Layout
    year: int | None  # the year the sheet states about itself
    year_source: str | None  # sheet | title | header

    @property
    def name(self) -> str:
        return self.layout.sheet.name or ""

    @property
    def strength(self) -> tuple[int, int]:
        strong = len(self.layout.score_columns) - len(self.layout.weak_scores)
        return (strong + 3 * (self.layout.kind == "long"), len(self.layout.data_rows))


@dataclass
class Choice:
    """The sheet(s) read from a workbook, whether it is one-sheet-per-year, and notes for the report."""

    chosen: list[Candidate]
    multi_year: bool = False
    notes: list[tuple[str, dict]] = field(default_factory=list)


def candidate(layout: Layout) -> Candidate:
    """A recognised sheet as a candidate, with its own stated year."""
    year, source = sheet_year(layout)
    return Candidate(layout, year, source)


def usable(candidates: list[Candidate]) -> list[Candidate]:
    """Candidates that hold scores (long tables, or wide ones with score columns)."""
    return [c for c in candidates if c.layout.kind == "long" or c.layout.score_columns]


def choose(candidates: list[Candidate], file_years: list[int], given_year: int | None) -> Choice:
    """The sheet(s) to read: the richest table, a stale sheet set aside, or every year of a multi-year workbook."""
    pool = usable(candidates)
    if not pool:
        return Choice([])
    multi = _multi_year(pool, file_years, given_year)
    if multi is not None:
        return multi
    target = given_year if given_year is not None else (file_years[0] if len(file_years) == 1 else None)
    best = max(pool, key=lambda c: c.strength)
    if target is not None:
        agreeing = [c for c in pool if c.year in (None, target) and c.strength[0] >= best.strength[0]]
        if agreeing:  # an equally rich sheet agrees with the file: prefer it, the stated year first
            best = max(agreeing, key=lambda c: (c.strength, c.year == target))
    stale = [c for c in pool if target is not None and c.year not in (None, target) and c is not best
             and c.strength[0] >= best.strength[0]]
    notes = [("etl.sheet_stale", {"sheet": c.name, "stated": c.year, "year": target, "chosen": best.name})
             for c in stale]
    return Choice([best], notes=notes)


def _multi_year(pool: list[Candidate], file_years: list[int], given_year: int | None) -> Choice | None:
    top = max(c.strength[0] for c in pool)
    by_year: dict[int, Candidate] = {}
    for cand in pool:
        if cand.year_source == "sheet" and cand.strength[0] >= MULTI_YEAR_SHARE * top:
            if cand.year not in by_year or cand.strength > by_year[cand.year].strength:
                by_year[cand.year] = cand
    if len(by_year) < 2 or len(file_years) == 1:
        return None
    if given_year is not None:
        if given_year not in by_year:
            return None
        return Choice([by_year[given_year]], notes=[("etl.sheet_for_year", {"sheet": by_year[given_year].name,
                                                                             "year": given_year})])
    chosen = [by_year[y] for y in sorted(by_year)]
    listing = ", ".join(f"{c.year} ({c.name})" for c in chosen)
    return Choice(chosen, multi_year=True, notes=[("etl.sheets_per_year", {"count": len(chosen),
                                                                            "sheets": listing})])
