"""The fixed sequence for each file: read -> recognise -> validate -> transform; then load.

Files are read and validated before the database is opened, so a rejected file cannot
change anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from etl import load as loader
from etl import mappings, mappings_bounds
from etl.problems import ERROR, WARNING, Problem
from etl.formats import sheets, transposed
from etl.read import ReadFailed, read_source
from etl.recognize import Layout, detect_index, index_from_text, years_in_text
from etl.rows import Context, Extraction, Record, column_label, column_letter, extraction_notes
from etl.validate import extract
from etl.weights import derive_for_frame
from provindex import config
from provindex import originals, store
from provindex.catalog import Catalog, get_catalog, unit_set_for_year
from provindex.text import format_number, ranges_text


@dataclass
class LoadOptions:
    """What the analyst asked for: --index, --year, database, dry run, user, size limit."""

    index: str | None = None
    year: int | None = None
    db: str | None = None
    dry_run: bool = False
    user: str | None = None
    max_bytes: int = field(default_factory=config.max_file_bytes)
    #: --map / --map-file (``etl.mappings.Mapping``); the remembered ones are read by ``run_load`` when None
    mappings: list = field(default_factory=list)
    remembered: list | None = None


@dataclass
class FileResult:
    """One file after reading and validation: its problems, notes and, when clean, the scores to load."""

    name: str
    problems: list[Problem]
    load: loader.FileLoad | None = None
    notes: list[tuple[str, dict]] = field(default_factory=list)  # (i18n key, params) for the report
    mappings: list = field(default_factory=list)  # the column mappings its chosen sheets used
    asked: frozenset = frozenset()  # every header key recognition looked up a mapping for
    path: Path | None = None  # the file read (its original bytes are kept with the load)

    @property
    def ok(self) -> bool:
        return self.load is not None and not any(p.severity == ERROR for p in self.problems)


@dataclass
class LoadOutcome:
    """The result of one ``load`` command over all its files."""

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
    mapset = mappings.MappingSet(options.mappings, options.remembered or [], asked=set())
    result = _process_source(source, name, options, catalog, mapset)
    result.asked = frozenset(mapset.asked)
    return result


def _process_source(source, name: str, options: LoadOptions, catalog: Catalog, mapset) -> FileResult:
    """Recognise, choose the sheet(s), extract and validate a file already read."""
    file_years = years_in_text(name)
    layouts = (transposed.recognise_sheet(s, catalog, mapset) for s in source.sheets)
    candidates = [sheets.candidate(layout) for layout in layouts if layout]
    choice = sheets.choose(candidates, file_years, options.year)
    if not choice.chosen:
        rule = "no_rows" if all(len(s.rows) <= 1 for s in source.sheets) else "no_header"
        return FileResult(name, [Problem(rule, name)])
    result = FileResult(name, [], notes=list(choice.notes))
    used = mappings.review([c.layout for c in choice.chosen], name)
    result.notes, result.problems, result.mappings = result.notes + used.notes, used.problems, used.used
    if len(source.sheets) > 1 and not choice.multi_year:
        result.notes.append(("etl.sheet_chosen", {"sheet": choice.chosen[0].name, "count": len(source.sheets)}))
    index = _settle_index(choice.chosen, options, catalog, result, name)
    result.problems += mappings.check_index([c.layout for c in choice.chosen], index, name, catalog)
    extractions = _extract_chosen(choice, index, file_years, options, catalog, result, name)
    if extractions is not None:
        for sheet in source.sheets:
            sheet.rows = []  # the cells are no longer needed: free them before building the frame
        result.load = _file_load(source, choice, extractions, result)
        _derive_weights(result, catalog, name)
    return result


def _derive_weights(result: FileResult, catalog: Catalog, name: str) -> None:
    """Weights the file implies where the catalogue has none (issue 9).

    A note when they reproduce every composite to the printed rounding (they are stored with the load), a
    warning naming the worst province otherwise: the composite is then not the weighted sum it should be.
    """
    derived = derive_for_frame(result.load.frame, catalog)
    for index, found in derived:
        shares = ", ".join(f"{code} {100 * share:.3g}%" for code, share in found.weights.items())
        params = {"component": found.parent, "year": found.year, "weights": shares, "n": found.n_units}
        if found.exact:
            result.notes.append(("etl.weights_derived", params))
            continue
        result.problems.append(Problem(
            "composite_not_weighted_sum", name, value=format_number(found.max_residual, "vi", 3),
            params={**params, "unit": catalog.unit_name(unit_set_for_year(found.year), found.worst_unit)},
            severity=WARNING))
    result.load.derived_weights = derived
    result.load.warnings = sum(p.severity == WARNING for p in result.problems)


def _extract_chosen(choice: sheets.Choice, index: str | None, file_years: list[int], options: LoadOptions,
                    catalog: Catalog, result: FileResult, name: str) -> list[Extraction] | None:
    """Records and problems of every chosen sheet (None when the year or index is already wrong)."""
    extractions = []
    for cand in choice.chosen:
        ctx = Context(name, catalog, index, None, cand.layout.sheet.name)
        _settle_year(cand, ctx, options, file_years, choice.multi_year, result, name)
        if any(p.severity == ERROR for p in result.problems):
            return None
        extractions.append(extract(cand.layout, ctx))
        mappings_bounds.attach_bounds(cand.layout, extractions[-1], ctx)
    for extraction in extractions:
        result.problems.extend(extraction.problems)
    _note_skipped(extractions, result)
    for cand in choice.chosen:
        _note_trailer(cand.layout, result, name)
    for cand in choice.chosen[:1]:  # a multi-year workbook repeats the same columns in every sheet
        _note_columns(cand.layout, result)
    for cand in choice.chosen:
        if cand.layout.sheet.info.get("transposed"):
            result.notes.append(("etl.sheet_transposed", {"sheet": cand.name}))
    return extractions


def _file_load(source, choice: sheets.Choice, extractions: list[Extraction], result: FileResult) -> loader.FileLoad:
    """The tidy frame plus what the load record keeps about the file and how it was read."""
    frame = to_frame(Extraction([r for e in extractions for r in e.records]))
    layout = choice.chosen[0].layout
    kind = "long" if layout.kind == "long" else ("wide/pairs" if layout.kind == "pairs" else "wide")
    if choice.multi_year:
        kind += "/sheet-per-year"
    sheet_names = ", ".join(c.name for c in choice.chosen) if source.kind != "csv" else None
    return loader.FileLoad(frame, source.display_name, source.size, source.sha256, _encoding_label(source), kind,
                           sheet_names, sum(p.severity == WARNING for p in result.problems))


def _encoding_label(source) -> str | None:
    """What we record about the text: encoding and, for CSVs, the delimiter."""
    if source.kind != "csv":
        return None
    delimiter = source.sheets[0].info.get("delimiter")
    return f"{source.encoding}; sep={delimiter}" if delimiter and delimiter != "," else source.encoding


def _settle_index(chosen: list, options: LoadOptions, catalog: Catalog, result: FileResult, name: str) -> str | None:
    """The index: from --index, else the score headers, else the file name, else the sheet/title."""
    layouts = [c.layout for c in chosen]
    if all(layout.kind == "long" for layout in layouts):
        return options.index  # each row names its index, or --index applies to all
    detected = sorted({i for layout in layouts for i in detect_index(layout, catalog)})
    from_name = index_from_text(name, catalog)
    titles = " ".join(t for layout in layouts for t in [layout.sheet.name or "", *layout.title_texts])
    from_titles = index_from_text(titles, catalog)
    sheet = layouts[0].sheet.name
    if options.index:
        stated = detected[0] if len(detected) == 1 else (from_name or from_titles if not detected else None)
        if stated and stated != options.index:
            result.problems.append(Problem("index_mismatch", name, sheet, value=stated,
                                           params={"given": options.index}))
        return options.index
    if len(detected) == 1:
        index = detected[0]
    elif from_name and (not detected or from_name in detected):
        index = from_name
    elif from_titles and (not detected or from_titles in detected):
        index = from_titles
    else:
        result.problems.append(Problem("index_undetected", name, sheet,
                                       params={"candidates": ", ".join(detected) or "—"}))
        return None
    result.notes.append(("etl.index_detected", {"index": index}))
    return index


def _settle_year(cand, ctx: Context, options: LoadOptions, file_years: list[int], multi_year: bool,
                 result: FileResult, name: str) -> None:
    """The edition year, from the first source that has one.

    --year (refused when the file says otherwise), a year column, the sheet of a multi-year
    workbook, the file name, or the sheet's own title/header.
    """
    layout = cand.layout
    if options.year is not None:
        stated = set(file_years) | ({cand.year} if cand.year else set())
        if stated and options.year not in stated:
            result.problems.append(Problem("year_contradicts_file", name, ctx.sheet, value=options.year,
                                           params={"stated": ", ".join(str(y) for y in sorted(stated))}))
        ctx.year = options.year
        return
    if "year" in layout.roles:
        return  # every row states its year
    if multi_year:
        ctx.year = cand.year
        return
    if len(file_years) == 1:
        ctx.year = file_years[0]
        result.notes.append(("etl.year_detected", {"year": ctx.year}))
        if cand.year is not None and cand.year != ctx.year:
            result.problems.append(Problem("year_conflict", name, ctx.sheet, value=cand.year, severity=WARNING,
                                           params={"source": cand.year_source, "year": ctx.year}))
        return
    if cand.year is not None:
        ctx.year = cand.year
        result.notes.append((f"etl.year_from_{cand.year_source}", {"year": ctx.year}))


def _note_skipped(extractions: list[Extraction], result: FileResult) -> None:
    """National rows and notes under the table, listed once (a multi-year workbook repeats them)."""
    skipped = list(dict.fromkeys(item for e in extractions for item in e.skipped_rows))
    if skipped:
        result.notes.append(("etl.rows_skipped", {"rows": ", ".join(f"{r} ({label})" for r, label in skipped)}))
    footnotes = sorted({row for e in extractions for row in e.footnotes})
    if footnotes:
        result.notes.append(("etl.footnotes_skipped", {"rows": ranges_text(footnotes)}))
    result.notes.extend(extraction_notes(extractions))


def _note_trailer(layout: Layout, result: FileResult, name: str) -> None:
    """Rows under a pairs table (the focal province repeated, its ranks) are not data: say so."""
    rows = [r for r, cells in layout.trailer_rows if any(c not in (None, "") for c in cells)]
    if rows:
        result.problems.append(Problem("rows_below_table", name, layout.sheet.name, rows[0], severity=WARNING,
                                       params={"rows": ranges_text(rows)}))


def _note_columns(layout: Layout, result: FileResult) -> None:
    """Say which non-score columns were used (bounds) or set aside, one note per kind; indicators counted once."""
    if layout.kind == "long":
        return
    kinds: dict[str, list[int]] = {}
    for column, kind in sorted(layout.set_aside.items()):
        kinds.setdefault(kind, []).append(column)
    indicators = kinds.pop("indicator", [])
    for kind, found in kinds.items():
        result.notes.append((f"etl.set_aside_{kind}", {"columns": ", ".join(column_label(layout, c) for c in found)}))
    if indicators:
        letters = [column_letter(c) for c in indicators]
        span = ", ".join(f"{a}–{b}" if a != b else a for a, b in _column_runs(indicators, letters))
        result.notes.append(("etl.indicators_set_aside", {"count": len(indicators), "columns": span}))
    if layout.bounds:
        used = [f"{column_label(layout, c)} → {kind} {column_letter(score)}"
                for c, (score, kind) in sorted(layout.bounds.items())]
        result.notes.append(("etl.bounds_used", {"columns": "; ".join(used)}))


def _column_runs(columns: list[int], letters: list[str]) -> list[tuple[str, str]]:
    """Adjacent columns as (first letter, last letter) spans."""
    spans: list[tuple[str, str]] = []
    for position, column in enumerate(columns):
        if position and column == columns[position - 1] + 1:
            spans[-1] = (spans[-1][0], letters[position])
        else:
            spans.append((letters[position], letters[position]))
    return spans


def to_frame(extraction: Extraction) -> pd.DataFrame:
    """The records as a typed frame (the schema's score columns plus where each was read)."""
    frame = pd.DataFrame([r.as_tuple() for r in extraction.records], columns=list(Record.FIELDS))
    frame = frame.astype({"year": "int64", "value": "float64", "ci_low": "float64", "ci_high": "float64"})
    frame["rank"] = frame["rank"].astype("Int64")
    return frame


def run_load(paths: list[Path], options: LoadOptions, display_names: list[str] | None = None) -> LoadOutcome:
    """Validate every file; if all are clean, diff against the database and (unless dry-run) load.

    The one write path of scores (command line and Data page): the write goes through
    :func:`provindex.store.writing`, so readers keep the published data until the load is published whole.
    Remembered mappings (when ``options.remembered`` is None) are read after a first pass without them that
    records every header text it looked up: when none of them has a remembered mapping, that pass is exactly
    what a pass with them would give, so only a file a remembered mapping concerns is read again. A clean
    first pass reads them from the writer's own copy (one database open per load).
    """
    catalog = get_catalog()
    files = list(zip(map(Path, paths), display_names or [Path(p).name for p in paths]))
    if options.remembered is not None:
        return _settle(_process_all(files, options, catalog), options)
    first = _process_all(files, replace(options, remembered=[]), catalog)

    def with_remembered(remembered: list, results: list[FileResult]) -> list[FileResult]:
        if any(m.key in r.asked for m in remembered for r in results):
            return _process_all(files, replace(options, remembered=remembered), catalog)
        return results

    if _writes(first, options):
        return _settle(first, options, with_remembered)
    remembered = mappings.remembered_at(options.db)
    return _settle(with_remembered(remembered, first), replace(options, remembered=remembered))


def _process_all(files: list[tuple[Path, str]], options: LoadOptions, catalog: Catalog) -> list[FileResult]:
    """Every file read and validated, overlaps between them found, unused --map entries noted."""
    results = [process_file(path, options, catalog, name) for path, name in files]
    for result, (path, _) in zip(results, files):
        result.path = path
    _check_overlaps(results)
    results[-1].notes += mappings.unused_given(options.mappings, [m for r in results for m in r.mappings])
    return results


def _writes(results: list[FileResult], options: LoadOptions) -> bool:
    return not options.dry_run and all(r.ok for r in results)


def _settle(results: list[FileResult], options: LoadOptions, refine=None) -> LoadOutcome:
    """Reject, report a dry run, or diff and write in one published snapshot (nothing when all is unchanged).

    ``refine(remembered, results)``: the files read again with the remembered mappings of the writer's copy.
    """
    if not all(r.ok for r in results):
        return LoadOutcome("rejected", results)
    if not _writes(results, options):
        frame = pd.concat([r.load.frame for r in results], ignore_index=True)
        return LoadOutcome("dry-run", results, _dry_run_diffs(options, frame))
    user = loader.current_user(options.user)
    outcome = LoadOutcome("unchanged", results)
    with store.writing(options.db) as con:
        if refine is not None:
            outcome.files = results = refine(mappings.remembered(con), results)
            if not all(r.ok for r in results):
                outcome.status = "rejected"
                raise store.NoChange
        frame = pd.concat([r.load.frame for r in results], ignore_index=True)
        outcome.diffs = loader.diff_scopes(con, frame)
        if all(d.status == "unchanged" for d in outcome.diffs):
            if not mappings.remember_loaded(con, results, None, user):
                raise store.NoChange
            return outcome
        for result in results:
            originals.keep_original(options.db, result.path, result.load.sha256)
        outcome.load_ids = loader.apply_loads(con, [r.load for r in results], user,
                                              also=lambda con, ids: mappings.remember_loaded(con, results, ids, user))
        outcome.status = "loaded"
    return outcome


def _dry_run_diffs(options: LoadOptions, frame: pd.DataFrame) -> list[loader.ScopeDiff]:
    """The diffs a load would make, read only (no database file is created when there is none yet)."""
    if store.current_file(options.db) is None:
        return loader.diff_scopes(None, frame)
    return store.read(options.db, lambda con: loader.diff_scopes(con, frame))


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

