"""``python -m etl actions FILE``: import reform actions into the register (IMPACT-METHOD §1.1).

Same fixed sequence as the score loader: read (CSV/XLSX, any encoding) -> validate every row and
collect *all* problems (:mod:`etl.register_rows`) -> write in one transaction. The register is
versioned: an edited action adds a version (``supersedes`` = the previous one); nothing is
updated in place. Pre-registered hypotheses (``action_target``) are written once, with
``registered_at``; a later file cannot change them silently (a warning says the original stays).

Columns: action_id, unit_code (or a unit name), year, action_type, title_vi and evidence_grade are
required; date (YYYY-MM-DD or DD/MM/YYYY), date_precision (day|month|year|approximate),
persistence (absorbing|temporary|one_off; temporary needs end_date), target_components (comma list;
the first is the primary hypothesis), expected_sign (+1/-1), expected_lag, dose, dose_unit,
intensity_kind, scope, doc_type, doc_number, issuing_body, signed_date, effective_date, source_url,
source_archive_path, source_document, reason, title_en, description, unit_set are optional.
The allowed values are those the schema declares for the ``action`` columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl.load import same_value, write_register
from etl.problems import ERROR, WARNING, Problem
from etl.read import ReadFailed, read_source
from etl.register_rows import TEXT_COLUMNS, validate
from provindex import config
from provindex.catalog import Catalog, get_catalog
from provindex.db import transaction
from provindex.text import fold, nfc

#: Columns compared to decide whether a row is an edit (a new version) or unchanged.
COMPARED = ("unit_set", "unit_code", "year", "date", "date_precision", "action_type", "target_components", "dose",
            "persistence", "end_date", "evidence_grade", "is_synthetic") + TEXT_COLUMNS + ("signed_date",
                                                                                          "effective_date")


@dataclass
class RegisterOutcome:
    """What an import did (or would do): status, problems, and which actions were added, versioned, unchanged."""

    status: str  # loaded | dry-run | rejected | unchanged
    problems: list[Problem] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    versioned: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    hypotheses: int = 0

    def to_json(self, lang: str = "vi") -> dict:
        return {"status": self.status, "added": self.added, "new_versions": self.versioned,
                "unchanged": self.unchanged, "hypotheses": self.hypotheses,
                "problems": [p.to_json(lang) for p in self.problems]}


def read_rows(path: Path, name: str | None = None) -> tuple[list[tuple[int, dict]], list[Problem]]:
    """Rows of the first sheet as dicts keyed by folded header names."""
    try:
        source = read_source(path, config.max_file_bytes(), name)
    except ReadFailed as failed:
        return [], [failed.problem]
    sheet = source.sheets[0]
    if not sheet.rows:
        return [], [Problem("no_rows", source.display_name)]
    header = [fold(str(c)).replace(" ", "_") if c is not None else "" for c in sheet.rows[0][1]]
    rows = []
    for number, cells in sheet.rows[1:]:
        values = {h: (nfc(c.strip()) if isinstance(c, str) else c) for h, c in zip(header, cells) if h}
        if any(v not in (None, "") for v in values.values()):
            rows.append((number, values))
    return rows, []


def is_retired(row: dict) -> bool:
    """True when a stored version withdraws its action (``retired`` set; older rows have it empty)."""
    value = row.get("retired")
    return value is not None and not pd.isna(value) and bool(value)


def unchanged(current: dict, rec: dict) -> bool:
    """True when an incoming row equals the stored current version in every compared column."""
    return all(same_value(current.get(column), rec.get(column)) for column in COMPARED)


def import_register(con, path: Path, *, user: str, dry_run: bool = False, catalog: Catalog | None = None,
                    now: dt.datetime | None = None, name: str | None = None) -> RegisterOutcome:
    """Validate the whole file, then add new actions / new versions and hypotheses in one transaction."""
    rows, problems = read_rows(path, name)
    return import_rows(con, rows, name or path.name, user=user, dry_run=dry_run, catalog=catalog, now=now,
                       problems=problems)


def import_rows(con, rows: list[tuple[int, dict]], file: str, *, user: str, dry_run: bool = False,
                catalog: Catalog | None = None, now: dt.datetime | None = None,
                problems: list[Problem] | None = None) -> RegisterOutcome:
    """:func:`import_register` of rows already read (a file's, or the one row of the browser's form)."""
    catalog = catalog or get_catalog()
    problems = list(problems or [])
    records, found = validate(rows, file, catalog) if rows else ([], [])
    problems += found
    if any(p.severity == ERROR for p in problems) or not records:
        return RegisterOutcome("rejected", problems or [Problem("no_rows", file)])
    outcome = RegisterOutcome("dry-run" if dry_run else "loaded", problems)
    plan = _Plan(con, records, user, now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    actions, targets = plan.rows(records, catalog, outcome, file)
    outcome.hypotheses = len(targets)
    if not actions and not targets:
        outcome.status = "unchanged" if not dry_run else "dry-run"
    elif not dry_run:
        with transaction(con):
            write_register(con, actions, targets)
    return outcome


class _Plan:
    """The rows an import adds, decided against the stored current versions and hypotheses."""

    def __init__(self, con, records: list[dict], user: str, now: dt.datetime):
        self.user, self.now = user, now
        self.current = {r["action_id"]: r for r in con.execute(
            "SELECT * FROM action_current WHERE action_id IN (SELECT unnest(?))",
            [[r["action_id"] for r in records]]).df().to_dict("records")}
        self.hypotheses = {(a, c): (s, g) for a, c, s, g in con.execute(
            "SELECT action_id, component, expected_sign, expected_lag FROM action_target").fetchall()}

    def rows(self, records: list[dict], catalog: Catalog, outcome: RegisterOutcome,
             file: str) -> tuple[list[dict], list[dict]]:
        """New action versions and new hypotheses (a changed hypothesis is kept and warned about)."""
        actions, targets = [], []
        for rec in records:
            action = self._version(rec, outcome)
            if action is not None:
                actions.append(action)
            for component, role, sign, lag in rec["_targets"]:
                key = (rec["action_id"], component)
                if key in self.hypotheses:
                    if self.hypotheses[key] != (sign, lag):
                        outcome.problems.append(Problem("register_hypothesis_kept", file, None, rec["_row"],
                                                        "target_components", component, severity=WARNING))
                    continue
                self.hypotheses[key] = (sign, lag)
                targets.append({"action_id": rec["action_id"], "index": catalog.component(component)["index"],
                                "component": component, "role": role, "expected_sign": sign, "expected_lag": lag,
                                "registered_at": self.now})
        return actions, targets

    def _version(self, rec: dict, outcome: RegisterOutcome) -> dict | None:
        """The action row to add (version 1, or the next version of an edit); None when unchanged."""
        old = self.current.get(rec["action_id"])
        if old is not None and unchanged(old, rec) and not is_retired(old):  # a retired one comes back
            outcome.unchanged.append(rec["action_id"])
            return None
        (outcome.added if old is None else outcome.versioned).append(rec["action_id"])
        row = {k: v for k, v in rec.items() if not k.startswith("_")}
        row.update({"version": 1 if old is None else int(old["version"]) + 1,
                    "supersedes": None if old is None else int(old["version"]), "created_by": self.user,
                    "created_at": self.now})
        return row
