"""What the Data page shows before a load: the ``load --dry-run`` of uploaded files as tables and choices.

Per file: what was detected (index, years, layout, encoding, sheet), a preview of the tidy rows, every
problem in the reader's language with the cell it points at, the raw cells around those problems (for
highlighting), and for each unknown column the ``--map`` choices pre-filled with the closest component.
Then the dry-run diff as tables (new / changed old → new / unchanged). Nothing here writes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from etl import mappings
from etl.load import ScopeDiff
from etl.pipeline import FileResult, LoadOptions, LoadOutcome, run_load
from etl.problems import ERROR, Problem
from etl.read import ReadFailed, read_source
from etl.rows import column_letter
from provindex import config
from provindex.catalog import Catalog, get_catalog
from provindex.i18n import localized, t
from provindex.text import fold

#: Tidy rows shown per file, and raw rows shown around the first problems.
PREVIEW_ROWS = 200
GRID_ROWS = 40
_CODE = re.compile(r"\b[A-Z]+:[A-Z0-9_.]+\b")
#: Notes of the command line that name a ``--map`` command get the page's own wording.
_NOTE_KEYS = {"map.note_given": "dp.note_given", "map.note_saved": "dp.note_saved",
              "map.note_remembered": "dp.note_remembered"}
_LETTERS = re.compile(r"^([A-Z]{1,3})(?:\s|$)")
_LOW_WORDS = ("low", "lower", "duoi", "can duoi", "min")
_HIGH_WORDS = ("high", "upper", "tren", "can tren", "max")


@dataclass
class ProblemRow:
    """One problem as the page lists it: severity, where, the message, and the cell (row, column letter)."""

    severity: str
    where: str
    message: str
    sheet: str | None
    row: int | None
    column: str | None  # spreadsheet letter, when the problem names a column


@dataclass
class UnknownColumn:
    """A column the importer could not name: the ``--map`` choices (code → label) and the closest one."""

    file: str
    header: str
    column: str
    choices: dict[str, str]
    default: str


@dataclass
class FileReview:
    """One uploaded file after the dry run."""

    name: str
    ok: bool
    detected: dict[str, str]
    problems: list[ProblemRow]
    notes: list[str]
    tidy: pd.DataFrame
    grid: pd.DataFrame | None = None
    unknown: list[UnknownColumn] = field(default_factory=list)


@dataclass
class UploadReview:
    """Every file's review plus, when all are clean, the diff a load would make (as tables)."""

    status: str  # dry-run | rejected
    files: list[FileReview]
    scopes: pd.DataFrame
    changes: pd.DataFrame

    @property
    def can_load(self) -> bool:
        return self.status == "dry-run" and any(s != "unchanged" for s in self.scopes.get("status_code", []))


def review_upload(paths: list[Path], names: list[str], db, given: list[mappings.Mapping], lang: str,
                  catalog: Catalog | None = None) -> UploadReview:
    """The dry run of ``paths`` (shown as ``names``) with the analyst's mappings ``given``."""
    catalog = catalog or get_catalog()
    outcome = run_load(paths, LoadOptions(db=db, dry_run=True, mappings=given), display_names=names)
    files = [_file_review(path, result, catalog, lang) for path, result in zip(paths, outcome.files)]
    scopes, changes = diff_tables(outcome.diffs, catalog, lang)
    return UploadReview("dry-run" if outcome.status == "dry-run" else "rejected", files, scopes, changes)


def _file_review(path: Path, result: FileResult, catalog: Catalog, lang: str) -> FileReview:
    problems = [_problem_row(p, catalog, lang) for p in result.problems]
    notes = [t(_NOTE_KEYS.get(key, key), lang, **labelled(params, catalog, lang)) for key, params in result.notes]
    review = FileReview(result.name, result.ok, detected(result, catalog, lang), problems, notes,
                        tidy_preview(result, catalog, lang))
    review.unknown = unknown_columns(result, catalog, lang)
    if any(p.row is not None or p.column is not None for p in problems):
        review.grid = raw_grid(path, result.name, problems)
    return review


def detected(result: FileResult, catalog: Catalog, lang: str) -> dict[str, str]:
    """Index, years, layout, encoding and sheet as labels (empty when the file was not read that far)."""
    if result.load is None:
        return {}
    frame, load = result.load.frame, result.load
    indices = [localized(catalog.index_row(i), "short", lang) for i in sorted(frame["index"].unique())]
    years = ", ".join(str(y) for y in sorted(frame["year"].unique()))
    found = {"index": ", ".join(indices), "year": years, "layout": t(f"dp.layout.{load.layout.split('/')[0]}", lang),
             "rows": str(len(frame))}
    if load.encoding:
        found["encoding"] = load.encoding
    if load.sheet:
        found["sheet"] = load.sheet
    return found


def labelled(params: dict, catalog: Catalog, lang: str) -> dict:
    """Message parameters with component codes (``PCI:TOTAL``, ``ci_low:PCI:TOTAL``) shown as their labels.

    The command-line fix (``--map``) is dropped: on the page the analyst picks the mapping instead.
    """
    out = {}
    for key, value in params.items():
        if isinstance(value, str):
            value = target_label(value, catalog, lang)
            value = _CODE.sub(lambda m: catalog.component_label(m.group(0), lang) if catalog.has_component(m.group(0))
                              else m.group(0), value)
        out[key] = value
    if "fix" in out:
        out["fix"] = ""
    return out


def target_label(target: str, catalog: Catalog, lang: str) -> str:
    """A mapping target or component code as the reader sees it; other text unchanged."""
    if target == mappings.IGNORE:
        return t("dp.map_ignore", lang)
    head, _, rest = target.partition(":")
    if head in mappings.BOUNDS and catalog.has_component(rest):
        return t(f"dp.map_{head}", lang, component=catalog.component_label(rest, lang, short=False))
    if catalog.has_component(target):
        return catalog.component_label(target, lang, short=False)
    return target


def _problem_row(problem: Problem, catalog: Catalog, lang: str) -> ProblemRow:
    shown = replace(problem, params=labelled(problem.params, catalog, lang))
    match = _LETTERS.match(problem.column or "")
    return ProblemRow(problem.severity, shown.location(lang), shown.message(lang), problem.sheet, problem.row,
                      match.group(1) if match else None)


def tidy_preview(result: FileResult, catalog: Catalog, lang: str) -> pd.DataFrame:
    """The first tidy rows with unit and component names (never codes), and where each value was read."""
    if result.load is None:
        return pd.DataFrame()
    frame = result.load.frame.head(PREVIEW_ROWS)
    return pd.DataFrame({
        t("dp.col.year", lang): frame["year"].astype(int),
        t("dp.col.unit", lang): [catalog.unit_name(s, c, lang) for s, c in zip(frame["unit_set"], frame["unit_code"])],
        t("dp.col.component", lang): [catalog.component_label(c, lang) for c in frame["component"]],
        t("dp.col.value", lang): frame["value"],
        t("dp.col.cell", lang): [f"{column_letter(int(c))}{int(r)}" if pd.notna(c) and pd.notna(r) else ""
                                 for r, c in zip(frame["_row"], frame["_col"])],
    })


def raw_grid(path: Path, name: str, problems: list[ProblemRow]) -> pd.DataFrame | None:
    """The file's cells (row numbers as index, column letters as columns) around the first problem with a place."""
    first = next(p for p in problems if p.row is not None or p.column is not None)
    try:
        source = read_source(path, config.max_file_bytes(), name)
    except ReadFailed:
        return None
    sheet = next((s for s in source.sheets if s.name == first.sheet), source.sheets[0])
    wanted = {p.row for p in problems if p.row is not None and p.sheet == first.sheet}
    start = max(1, min(wanted, default=1) - 5)
    rows = [(n, cells) for n, cells in sheet.rows if n < start + GRID_ROWS and (n >= start or n <= 3)]
    width = max((len(cells) for _, cells in rows), default=0)
    grid = pd.DataFrame([[("" if v is None else str(v)) for v in cells] + [""] * (width - len(cells))
                         for _, cells in rows], index=[n for n, _ in rows],
                        columns=[column_letter(i) for i in range(width)])
    return grid


def highlighted(grid: pd.DataFrame, problems: list[ProblemRow]):
    """The raw cells with every cell a problem names coloured (an error red, a warning amber).

    A problem naming only a column (an unknown header) colours that column; only a row, that row.
    """
    marks: dict[tuple, str] = {}
    for problem in problems:
        if problem.row is None and problem.column is None:
            continue
        colour = "#f8d7da" if problem.severity == "error" else "#fff3cd"
        rows = [problem.row] if problem.row is not None else list(grid.index)
        columns = [problem.column] if problem.column in grid.columns else list(grid.columns)
        for row in (r for r in rows if r in grid.index):
            for column in columns:
                marks.setdefault((row, column), colour)

    def style(frame: pd.DataFrame) -> pd.DataFrame:
        css = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (row, column), colour in marks.items():
            css.loc[row, column] = f"background-color: {colour}; font-weight: bold"
        return css

    return grid.style.apply(style, axis=None)


def unknown_columns(result: FileResult, catalog: Catalog, lang: str) -> list[UnknownColumn]:
    """Each unknown numeric column with the ``--map`` choices of its index and the closest one pre-selected."""
    found = []
    for problem in result.problems:
        if problem.rule != "unknown_component" or problem.severity != ERROR:
            continue
        index = problem.params.get("index")
        choices = map_choices(index, catalog, lang)
        letter = _LETTERS.match(problem.column or "")
        found.append(UnknownColumn(result.name, str(problem.value), letter.group(1) if letter else "", choices,
                                   closest_target(str(problem.value), index, catalog)))
    return found


def map_choices(index: str | None, catalog: Catalog, lang: str) -> dict[str, str]:
    """Target → label: ignore, every component of the index, then its lower and upper confidence bounds."""
    codes = list(catalog.components_of(index)["code"]) if index else list(catalog.components["code"])
    choices = {mappings.IGNORE: t("dp.map_ignore", lang)}
    for prefix in ("", *(f"{b}:" for b in mappings.BOUNDS)):
        for code in codes:
            choices[prefix + code] = target_label(prefix + code, catalog, lang)
    return choices


def closest_target(header: str, index: str | None, catalog: Catalog) -> str:
    """The choice whose component name (Vietnamese or English, short or full, accent-free) is closest.

    A header naming a lower/upper bound ("cận dưới", "CI high") pre-selects the bound of that component;
    nothing close enough pre-selects ``ignore``.
    """
    key = fold(header)
    rows = catalog.components_of(index) if index else catalog.components
    pool: dict[str, str] = {}
    for row in rows.to_dict("records"):
        for name in (row["name_vi"], row["name_en"], row["short_vi"], row["short_en"], row["code"]):
            if isinstance(name, str) and name:
                pool.setdefault(fold(name), row["code"])
    words = _without_bound_words(key)
    scored = sorted(((difflib.SequenceMatcher(None, words, name).ratio(), code) for name, code in pool.items()),
                    reverse=True)
    if not scored or scored[0][0] < 0.6:
        return mappings.IGNORE
    code = scored[0][1]
    if any(f" {w} " in f" {key} " for w in _LOW_WORDS):
        return f"ci_low:{code}"
    if any(f" {w} " in f" {key} " for w in _HIGH_WORDS):
        return f"ci_high:{code}"
    return code


def _without_bound_words(key: str) -> str:
    text = f" {key} "
    for word in (*_LOW_WORDS, *_HIGH_WORDS, "ci", "95"):
        text = text.replace(f" {word} ", " ")
    return text.strip() or key


def diff_tables(diffs: list[ScopeDiff], catalog: Catalog, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per index and year: status and counts; every changed value old → new), labelled."""
    scopes = pd.DataFrame({
        t("dp.col.index", lang): [localized(catalog.index_row(d.index), "short", lang) for d in diffs],
        t("dp.col.year", lang): [d.year for d in diffs],
        t("dp.col.status", lang): [t(f"dp.status.{d.status}", lang) for d in diffs],
        t("dp.col.added", lang): [d.added for d in diffs],
        t("dp.col.changed", lang): [d.changed for d in diffs],
        t("dp.col.unchanged", lang): [d.unchanged for d in diffs],
        t("dp.col.removed", lang): [d.removed for d in diffs],
    })
    scopes["status_code"] = [d.status for d in diffs]
    rows = [(d.year, catalog.unit_name(c["unit_set"], c["unit_code"], lang), catalog.component_label(c["component"],
             lang), c["old"], c["new"]) for d in diffs for c in d.changes]
    changes = pd.DataFrame(rows, columns=[t("dp.col.year", lang), t("dp.col.unit", lang),
                                          t("dp.col.component", lang), t("dp.col.old", lang),
                                          t("dp.col.new", lang)])
    return scopes, changes


def given_mappings(choices: dict[str, str], catalog: Catalog) -> list[mappings.Mapping]:
    """The analyst's picks (header → target) as ``--map`` mappings, validated the same way."""
    return [mappings.parse(f"{header}={target}", catalog) for header, target in choices.items()]


def outcome_notes(outcome: LoadOutcome, catalog: Catalog, lang: str) -> list[str]:
    """The notes of a load that happened (mappings remembered...), labelled like the dry run's."""
    return [t(_NOTE_KEYS.get(key, key), lang, **labelled(params, catalog, lang))
            for result in outcome.files for key, params in result.notes]
