"""One action at a time: add, edit and retire register entries from the browser, CSV import and export.

Every rule is the register's own (:mod:`etl.register_rows` through :func:`etl.register.import_rows`): the
form is one row of an import file. Edits add a version (``supersedes``, ``created_by``/``created_at``); a
retirement adds a version with ``retired`` set. Two things are allowed but must be confirmed: a date in the
future and a title a spreadsheet would run as a formula. Nothing here opens the database: the caller
passes the connection of the one write path (:func:`etl.workspace_io.write`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

import pandas as pd

from etl.load import write_register
from etl.problems import ERROR, Problem
from etl.register import RegisterOutcome, import_rows, is_retired
from etl.register_rows import DATE_COLUMNS, validate
from provindex import queries
from provindex.catalog import Catalog, get_catalog
from provindex.db import transaction
from provindex.text import FORMULA_STARTS, neutralise_formula

#: What the form asks, in the order of the import file's columns (the CSV export writes these).
FORM_COLUMNS = ("action_id", "unit_code", "year", "date", "date_precision", "action_type", "title_vi", "title_en",
                "evidence_grade", "target_components", "expected_sign", "expected_lag", "persistence", "end_date",
                "dose", "dose_unit", "description", "source_document", "source_url", "reason")
#: The other columns the import reads: exported and carried through an edit, so nothing is lost.
COLUMNS = FORM_COLUMNS + ("unit_set", "scope", "doc_type", "doc_number", "issuing_body", "signed_date",
                          "effective_date", "intensity_kind", "source_archive_path", "is_synthetic")
#: The file name problems of the form are reported under.
FORM = "form"


@dataclass
class ActionCheck:
    """The register's problems for one form (errors refuse it) and the warnings the analyst must confirm."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[tuple[str, dict]] = field(default_factory=list)  # (i18n key, params)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def check_action(raw: dict, catalog: Catalog | None = None, today: dt.date | None = None,
                 existing: set[str] | None = None) -> ActionCheck:
    """Validate one form without writing; ``existing`` (ids already registered) refuses an add that reuses one."""
    catalog = catalog or get_catalog()
    _, problems = validate([(1, raw)], FORM, catalog)
    if existing is not None and str(raw.get("action_id") or "").strip() in existing:
        problems.append(Problem("register_id_taken", FORM, None, None, "action_id", raw.get("action_id")))
    return ActionCheck(problems, confirm_warnings(raw, today or dt.date.today()))


def confirm_warnings(raw: dict, today: dt.date) -> list[tuple[str, dict]]:
    """A date after ``today`` and a title starting with a formula character: allowed once confirmed."""
    found = []
    for column in DATE_COLUMNS:
        value = _as_date(raw.get(column))
        if value is not None and value > today:
            found.append(("reg.warn_future", {"column": column, "date": value.isoformat()}))
    for column in ("title_vi", "title_en"):
        text = raw.get(column)
        if isinstance(text, str) and text.startswith(FORMULA_STARTS):
            found.append(("reg.warn_formula", {"column": column, "first": text[:1].replace("\t", "⇥")}))
    return found


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value not in (None, "") else None
    except ValueError:
        return None  # the register's own date rule reports it


def save_action(con, raw: dict, user: str, now: dt.datetime | None = None) -> RegisterOutcome:
    """Add or edit one action through the register's import (a new version when it changed)."""
    return import_rows(con, [(1, raw)], FORM, user=user, now=now)


class RetireRefused(Exception):
    """Retiring an action that is not in the register (or already retired)."""


def retire_action(con, action_id: str, user: str, now: dt.datetime | None = None) -> int:
    """Add a version of ``action_id`` with ``retired`` set; returns that version. History is kept."""
    row = queries.current_action(con, action_id)
    if row is None or is_retired(row):
        raise RetireRefused(action_id)
    current = {k: (None if _missing(v) else v) for k, v in row.items()}
    version = int(current["version"]) + 1
    current.update({"version": version, "supersedes": version - 1, "retired": True, "created_by": user,
                    "created_at": now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)})
    with transaction(con):
        write_register(con, [current], [])
    return version


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def register_frames(con) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The register as the page lists it (current, not retired) and every pre-registered hypothesis."""
    return queries.actions(con), queries.action_targets(con)


def form_values(action: dict, targets: pd.DataFrame) -> dict:
    """An action's current version as import values (dates as ISO text; sign and lag of its primary hypothesis)."""
    values = {c: action.get(c) for c in COLUMNS}
    mine = targets[targets["action_id"] == action["action_id"]]
    primary = mine[mine["role"] == "primary"] if "role" in mine else mine
    chosen = primary if not primary.empty else mine
    values["expected_sign"] = int(chosen["expected_sign"].iloc[0]) if not chosen.empty else 1
    values["expected_lag"] = int(chosen["expected_lag"].iloc[0]) if not chosen.empty else 1
    for column in COLUMNS:
        value = values[column]
        if _missing(value):
            values[column] = None
        elif isinstance(value, dt.date):  # pandas timestamps included
            values[column] = _as_date(value).isoformat()
    if values["year"] is not None:
        values["year"] = int(values["year"])
    return values


def export_csv(actions: pd.DataFrame, targets: pd.DataFrame) -> bytes:
    """The current register in the import layout (UTF-8 with BOM), formulas neutralised.

    Importing the file back (``python -m etl actions`` or the page) changes nothing, except a title that
    started with a formula character: it comes back with its apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for action in actions.to_dict("records"):
        values = form_values(action, targets)
        # only text is neutralised: a negative expected sign is a number and must read back as one
        writer.writerow(["" if values[c] is None else neutralise_formula(values[c]) if isinstance(values[c], str)
                         else _text(values[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
