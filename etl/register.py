"""``python -m etl actions FILE``: import reform actions into the register (IMPACT-METHOD §1.1).

Same fixed sequence as the score loader: read (CSV/XLSX, any encoding) -> validate every row and
collect *all* problems -> write in one transaction. The register is versioned: an edited action
adds a version (``supersedes`` = the previous one); nothing is updated in place. Pre-registered
hypotheses (``action_target``) are written once, with ``registered_at``; a later file cannot change
them silently (a warning says the original stays).

Columns: action_id, unit_code (or a unit name), year, action_type, title_vi and evidence_grade are
required; date (YYYY-MM-DD or DD/MM/YYYY), date_precision (day|month|year|approximate),
persistence (absorbing|temporary|one_off; temporary needs end_date), target_components (comma list;
the first is the primary hypothesis), expected_sign (+1/-1), expected_lag, dose, dose_unit,
intensity_kind, scope, doc_type, doc_number, issuing_body, signed_date, effective_date, source_url,
source_archive_path, source_document, reason, title_en, description, unit_set are optional.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl.problems import ERROR, WARNING, Problem
from etl.read import ReadFailed, read_source
from provindex import config, schema
from provindex.catalog import FIRST_VN34_YEAR, Catalog, get_catalog
from provindex.db import transaction
from provindex.text import fold, nfc

REQUIRED = ("action_id", "unit_code", "year", "action_type", "title_vi", "evidence_grade")
PRECISIONS = ("day", "month", "year", "approximate")
PERSISTENCE = ("absorbing", "temporary", "one_off")
GRADES = ("A", "B", "C", "D")
SCOPES = ("province", "department", "district", "commune", "pilot_subset")
INTENSITY_KINDS = ("flow_in_year", "stock_at_year_end")
DATE_COLUMNS = ("date", "end_date", "signed_date", "effective_date")
TEXT_COLUMNS = ("title_vi", "title_en", "description", "dose_unit", "scope", "doc_type", "doc_number", "issuing_body",
                "intensity_kind", "source_url", "source_archive_path", "source_document", "reason")
#: Columns compared to decide whether a row is an edit (a new version) or unchanged.
COMPARED = ("unit_set", "unit_code", "year", "date", "date_precision", "action_type", "target_components", "dose",
            "persistence", "end_date", "evidence_grade", "is_synthetic") + TEXT_COLUMNS + ("signed_date",
                                                                                          "effective_date")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")


@dataclass
class RegisterOutcome:
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


def _parse_date(text) -> dt.date | None:
    if text in (None, ""):
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


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


def validate(rows: list[tuple[int, dict]], file: str, catalog: Catalog) -> tuple[list[dict], list[Problem]]:
    """Typed register rows plus every problem found (nothing is written here)."""
    problems: list[Problem] = []
    types = catalog.action_types.set_index("code")
    out = []
    seen: dict[str, int] = {}

    def bad(rule, row, column, value=None, **params):
        problems.append(Problem(rule, file, None, row, column, value, params))

    for number, raw in rows:
        rec: dict = {}
        for column in REQUIRED:
            if raw.get(column) in (None, ""):
                bad("register_required", number, column)
        action_id = str(raw.get("action_id") or "").strip()
        if action_id and not _SLUG.match(action_id):
            bad("register_slug", number, "action_id", action_id)
        if action_id in seen:
            bad("register_duplicate", number, "action_id", action_id, first=seen[action_id])
        seen.setdefault(action_id, number)
        rec["action_id"] = action_id
        try:
            rec["year"] = int(float(raw.get("year"))) if raw.get("year") not in (None, "") else None
            if rec["year"] is not None and not 1990 <= rec["year"] <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            bad("register_year", number, "year", raw.get("year"))
            rec["year"] = None
        year = rec["year"] or FIRST_VN34_YEAR - 1
        unit_set = raw.get("unit_set") or ("vn34" if year >= FIRST_VN34_YEAR else "vn63")
        if unit_set not in ("vn63", "vn34"):
            bad("register_choice", number, "unit_set", unit_set, choices="vn63, vn34")
        rec["unit_set"] = unit_set
        unit = raw.get("unit_code")
        code = catalog.unit_resolver.resolve(unit, unit_set) if unit not in (None, "") else None
        if unit not in (None, "") and code is None:
            bad("register_unit", number, "unit_code", unit, unit_set=unit_set)
        rec["unit_code"] = code
        action_type = str(raw.get("action_type") or "").strip().upper()
        if action_type and action_type not in types.index:
            bad("register_choice", number, "action_type", action_type, choices=", ".join(types.index))
        rec["action_type"] = action_type
        for column in DATE_COLUMNS:
            try:
                rec[column] = _parse_date(raw.get(column))
            except ValueError:
                bad("register_date", number, column, raw.get(column))
                rec[column] = None
        precision = raw.get("date_precision") or ("day" if rec["date"] else "year")
        if precision not in PRECISIONS:
            bad("register_choice", number, "date_precision", precision, choices=", ".join(PRECISIONS))
        rec["date_precision"] = precision
        if rec["date"] and rec["year"] and rec["date"].year != rec["year"]:
            bad("register_date_year", number, "date", rec["date"].isoformat(), year=rec["year"])
        default_persistence = types["persistence"].get(action_type, "absorbing") if action_type in types.index \
            else "absorbing"
        persistence = raw.get("persistence") or default_persistence
        if persistence not in PERSISTENCE:
            bad("register_choice", number, "persistence", persistence, choices=", ".join(PERSISTENCE))
        if persistence == "temporary" and not rec["end_date"]:
            bad("register_end_date", number, "end_date")
        if rec["end_date"] and rec["date"] and rec["end_date"] < rec["date"]:
            bad("register_end_before", number, "end_date", rec["end_date"].isoformat())
        rec["persistence"] = persistence
        grade = str(raw.get("evidence_grade") or "").strip().upper()
        if grade and grade not in GRADES:
            bad("register_choice", number, "evidence_grade", grade, choices=", ".join(GRADES))
        rec["evidence_grade"] = grade
        for column, choices in (("scope", SCOPES), ("intensity_kind", INTENSITY_KINDS)):
            if raw.get(column) not in (None, "") and raw[column] not in choices:
                bad("register_choice", number, column, raw[column], choices=", ".join(choices))
        for column in TEXT_COLUMNS:
            value = raw.get(column)
            rec[column] = None if value in (None, "") else str(value)
        try:
            rec["dose"] = None if raw.get("dose") in (None, "") else float(str(raw["dose"]).replace(",", "."))
        except ValueError:
            bad("register_number", number, "dose", raw.get("dose"))
            rec["dose"] = None
        targets = [c.strip() for c in str(raw.get("target_components") or "").split(",") if c.strip()]
        for target in targets:
            if not catalog.has_component(target):
                bad("register_component", number, "target_components", target)
        rec["target_components"] = ",".join(targets) or None
        try:
            sign = int(float(raw.get("expected_sign") or 1))
            if sign not in (1, -1):
                raise ValueError
        except (TypeError, ValueError):
            bad("register_choice", number, "expected_sign", raw.get("expected_sign"), choices="+1, -1")
            sign = 1
        try:
            lag = int(float(raw.get("expected_lag") or 1))
        except (TypeError, ValueError):
            bad("register_number", number, "expected_lag", raw.get("expected_lag"))
            lag = 1
        rec["_targets"] = [(t, "primary" if i == 0 else "secondary", sign, lag) for i, t in enumerate(targets)]
        rec["is_synthetic"] = str(raw.get("is_synthetic") or "").strip().lower() in ("1", "true", "yes", "x")
        rec["_row"] = number
        out.append(rec)
    return out, problems


def _same(current: dict, rec: dict) -> bool:
    for column in COMPARED:
        a, b = current.get(column), rec.get(column)
        if isinstance(a, pd.Timestamp):
            a = a.date()
        if a is not None and not isinstance(a, str) and pd.isna(a):
            a = None
        if isinstance(a, float) and isinstance(b, (int, float)) and b is not None:
            if abs(a - b) > 1e-12:
                return False
            continue
        if (a if a != "" else None) != (b if b != "" else None):
            return False
    return True


def import_register(con, path: Path, *, user: str, dry_run: bool = False, catalog: Catalog | None = None,
                    now: dt.datetime | None = None) -> RegisterOutcome:
    """Validate the whole file, then add new actions / new versions and hypotheses in one transaction."""
    catalog = catalog or get_catalog()
    rows, problems = read_rows(path)
    records, found = validate(rows, path.name, catalog) if rows else ([], [])
    problems += found
    if any(p.severity == ERROR for p in problems) or not records:
        return RegisterOutcome("rejected", problems or [Problem("no_rows", path.name)])
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    columns = schema.TABLE_BY_NAME["action"].column_names()
    current = {r["action_id"]: r for r in con.execute(
        "SELECT * FROM action_current WHERE action_id IN (SELECT unnest(?))",
        [[r["action_id"] for r in records]]).df().to_dict("records")}
    hypotheses = {(a, c): (s, g) for a, c, s, g in con.execute(
        "SELECT action_id, component, expected_sign, expected_lag FROM action_target").fetchall()}
    outcome = RegisterOutcome("dry-run" if dry_run else "loaded", problems)
    inserts, target_rows = [], []
    for rec in records:
        old = current.get(rec["action_id"])
        if old is not None and _same(old, rec):
            outcome.unchanged.append(rec["action_id"])
        else:
            version = 1 if old is None else int(old["version"]) + 1
            (outcome.added if old is None else outcome.versioned).append(rec["action_id"])
            row = {c: rec.get(c) for c in columns}
            row.update({"version": version, "supersedes": None if old is None else int(old["version"]),
                        "created_by": user, "created_at": now})
            inserts.append([row[c] for c in columns])
        for component, role, sign, lag in rec["_targets"]:
            key = (rec["action_id"], component)
            if key in hypotheses:
                if hypotheses[key] != (sign, lag):
                    outcome.problems.append(Problem("register_hypothesis_kept", path.name, None, rec["_row"],
                                                    "target_components", component, severity=WARNING))
                continue
            hypotheses[key] = (sign, lag)
            target_rows.append([rec["action_id"], catalog.component(component)["index"], component, role, sign, lag,
                                now])
    outcome.hypotheses = len(target_rows)
    if not inserts and not target_rows:
        outcome.status = "unchanged" if not dry_run else "dry-run"
        return outcome
    if dry_run:
        return outcome
    placeholders = ", ".join("?" for _ in columns)
    names = ", ".join(schema.quote(c) for c in columns)
    with transaction(con):
        for values in inserts:
            con.execute(f"INSERT INTO action ({names}) VALUES ({placeholders})", values)
        for values in target_rows:
            con.execute("INSERT INTO action_target (action_id, \"index\", component, role, expected_sign, expected_lag,"
                        " registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)", values)
    return outcome
