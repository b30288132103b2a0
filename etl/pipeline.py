"""The fixed sequence for each file: read -> recognise -> validate -> transform; then load.

Files are read and validated before the database is opened, so a rejected file cannot
change anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import load as loader
from etl.problems import ERROR, WARNING, Problem, Rejected
from etl.read import ReadFailed, Sheet, read_source
from etl.recognize import Layout, detect_index, index_from_text, recognise, years_in_text
from etl.validate import Context, Extraction, extract
from provindex import config
from provindex import db as dbmod
from provindex.catalog import Catalog, get_catalog


@dataclass
class LoadOptions:
    index: str | None = None
    year: int | None = None
    db: str | None = None
    dry_run: bool = False
    user: str | None = None
    max_bytes: int = field(default_factory=config.max_file_bytes)


@dataclass
class FileResult:
    name: str
    problems: list[Problem]
    load: loader.FileLoad | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (i18n key, params) for the report

    @property
    def ok(self) -> bool:
        return self.load is not None and not any(p.severity == ERROR for p in self.problems)


@dataclass
class LoadOutcome:
    status: str  # loaded | unchanged | dry-run | rejected
    files: list[FileResult]
    diffs: list[loader.ScopeDiff] = field(default_factory=list)
    load_ids: list[int] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def rows(self) -> int:
        return sum(len(f.load.frame) for f in self.files if f.load is not None)


def process_file(path: Path, options: LoadOptions, catalog: Catalog | None = None,
                 display_name: str | None = None) -> FileResult:
    """Read and validate one file without touching the database."""
    catalog = catalog or get_catalog()
    name = display_name or path.name
    try:
        source = read_source(path, options.max_bytes, name)
    except ReadFailed as failed:
        return FileResult(name, [failed.problem])
    candidates = [(sheet, recognise(sheet, catalog)) for sheet in source.sheets]
    candidates = [(s, lay) for s, lay in candidates if lay is not None]
    if not candidates:
        rule = "no_rows" if all(len(s.rows) <= 1 for s in source.sheets) else "no_header"
        return FileResult(name, [Problem(rule, name)])
    sheet, layout = max(candidates, key=lambda c: (len(c[1].score_columns) + 3 * (c[1].kind == "long"),
                                                    len(c[1].data_rows)))
    result = FileResult(name, [])
    if len(source.sheets) > 1:
        result.notes.append(("etl.sheet_chosen", {"sheet": sheet.name, "count": len(source.sheets)}))
    ctx = Context(name, catalog, options.index, options.year, sheet.name)
    _settle_index(layout, ctx, result, name)
    _settle_year(layout, ctx, result, name)
    if any(p.severity == ERROR for p in result.problems):
        return result
    extraction = extract(layout, ctx)
    result.problems.extend(extraction.problems)
    if extraction.skipped_rows:
        result.notes.append(("etl.rows_skipped", {"rows": ", ".join(f"{r} ({label})" for r, label
                                                                     in extraction.skipped_rows)}))
    frame = to_frame(extraction)
    result.load = loader.FileLoad(frame, name, source.size, source.sha256, source.encoding, layout.kind,
                                  sheet.name if source.kind != "csv" else None,
                                  sum(p.severity == WARNING for p in result.problems))
    return result


def _settle_index(layout: Layout, ctx: Context, result: FileResult, name: str) -> None:
    if layout.kind == "long":
        return  # each row names its index, or --index applies to all
    detected = detect_index(layout, ctx.catalog)
    from_name = index_from_text(name, ctx.catalog)
    if ctx.index:
        if len(detected) == 1 and detected[0] != ctx.index:
            result.problems.append(Problem("index_mismatch", name, ctx.sheet, value=detected[0],
                                           params={"given": ctx.index}))
        return
    if len(detected) == 1:
        ctx.index = detected[0]
    elif from_name and (not detected or from_name in detected):
        ctx.index = from_name
    else:
        result.problems.append(Problem("index_undetected", name, ctx.sheet,
                                       params={"candidates": ", ".join(detected) or "—"}))
        return
    result.notes.append(("etl.index_detected", {"index": ctx.index}))


def _settle_year(layout: Layout, ctx: Context, result: FileResult, name: str) -> None:
    if ctx.year is not None or "year" in layout.roles:
        return
    years = years_in_text(name)
    if len(years) == 1:
        ctx.year = years[0]
        result.notes.append(("etl.year_detected", {"year": ctx.year}))


def to_frame(extraction: Extraction) -> pd.DataFrame:
    frame = pd.DataFrame(extraction.records, columns=loader.SCORE_COLUMNS + ["_row", "_col"])
    frame = frame.astype({"year": "int64", "value": "float64", "ci_low": "float64", "ci_high": "float64"})
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def run_load(paths: list[Path], options: LoadOptions, display_names: list[str] | None = None) -> LoadOutcome:
    """Validate every file; if all are clean, diff against the database and (unless dry-run) load."""
    catalog = get_catalog()
    names = display_names or [p.name for p in paths]
    results = [process_file(Path(p), options, catalog, n) for p, n in zip(paths, names)]
    _check_overlaps(results)
    if not all(r.ok for r in results):
        return LoadOutcome("rejected", results)
    frame = pd.concat([r.load.frame for r in results], ignore_index=True)
    con = dbmod.connect(options.db)
    try:
        diffs = loader.diff_scopes(con, frame)
        if options.dry_run:
            return LoadOutcome("dry-run", results, diffs)
        if all(d.status == "unchanged" for d in diffs):
            return LoadOutcome("unchanged", results, diffs)
        load_ids = loader.apply_loads(con, [r.load for r in results], loader.current_user(options.user))
        return LoadOutcome("loaded", results, diffs, load_ids)
    finally:
        con.close()


def _check_overlaps(results: list[FileResult]) -> None:
    """Two files in one command may not both provide the same (index, year)."""
    owner: dict[tuple, str] = {}
    for result in results:
        if result.load is None:
            continue
        for index, year in result.load.frame[["index", "year"]].drop_duplicates().itertuples(index=False):
            key = (index, int(year))
            if key in owner and owner[key] != result.name:
                result.problems.append(Problem("scope_in_two_files", result.name, value=f"{index} {year}",
                                               params={"other": owner[key]}))
            owner.setdefault(key, result.name)


def reject_if_needed(outcome: LoadOutcome) -> None:
    if outcome.status == "rejected":
        raise Rejected([p for p in outcome.problems if p.severity == ERROR])
