"""The rules of one reform-register row (IMPACT-METHOD §1.1), checked all at once.

Vocabularies and ranges come from the schema's declaration of ``action`` and ``action_target``
(``schema.Column.allowed`` / ``min`` / ``max``), action types from the catalogue; a message names
the allowed values it was checked against. Nothing is written here.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from etl.problems import Problem
from provindex import schema
from provindex.catalog import FIRST_VN34_YEAR, Catalog

REQUIRED = ("action_id", "unit_code", "year", "action_type", "title_vi", "evidence_grade")
DATE_COLUMNS = ("date", "end_date", "signed_date", "effective_date")
TEXT_COLUMNS = ("title_vi", "title_en", "description", "dose_unit", "scope", "doc_type", "doc_number", "issuing_body",
                "intensity_kind", "source_url", "source_archive_path", "source_document", "reason")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
_EMPTY = (None, "")


def validate(rows: list[tuple[int, dict]], file: str, catalog: Catalog) -> tuple[list[dict], list[Problem]]:
    """Typed register rows plus every problem found (nothing is written here)."""
    problems: list[Problem] = []
    types = catalog.action_types.set_index("code")
    seen: dict[str, int] = {}
    records = [_RowCheck(number, raw, file, catalog, types, problems).record(seen) for number, raw in rows]
    return records, problems


def parse_date(text) -> dt.date | None:
    """A date from a cell: a date object, ISO, or the Vietnamese day-first spellings (ValueError otherwise)."""
    if text in _EMPTY:
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


class _RowCheck:
    """One row's checks, in the order the problems are reported; ``rec`` collects the typed values."""

    def __init__(self, number: int, raw: dict, file: str, catalog: Catalog, types: pd.DataFrame,
                 problems: list[Problem]):
        self.number, self.raw, self.file, self.catalog, self.types = number, raw, file, catalog, types
        self.problems = problems
        self.rec: dict = {}

    def bad(self, rule: str, column: str, value=None, **params) -> None:
        self.problems.append(Problem(rule, self.file, None, self.number, column, value, params))

    def choice(self, column: str, value) -> None:
        """Report ``value`` unless the schema's declaration of the ``action`` column admits it."""
        declared = schema.column("action", column)
        if not declared.admits(value):
            self.bad("register_choice", column, value, choices=declared.choices_text())

    def record(self, seen: dict[str, int]) -> dict:
        for column in REQUIRED:
            if self.raw.get(column) in _EMPTY:
                self.bad("register_required", column)
        self._identity(seen)
        self._year()
        self._unit()
        self._action_type()
        self._dates()
        self._persistence()
        self._grade_and_kinds()
        self._texts_and_dose()
        self._targets()
        self.rec["is_synthetic"] = str(self.raw.get("is_synthetic") or "").strip().lower() in ("1", "true", "yes", "x")
        self.rec["_row"] = self.number
        return self.rec

    def _identity(self, seen: dict[str, int]) -> None:
        action_id = str(self.raw.get("action_id") or "").strip()
        if action_id and not _SLUG.match(action_id):
            self.bad("register_slug", "action_id", action_id)
        if action_id in seen:
            self.bad("register_duplicate", "action_id", action_id, first=seen[action_id])
        seen.setdefault(action_id, self.number)
        self.rec["action_id"] = action_id

    def _year(self) -> None:
        raw = self.raw.get("year")
        try:
            year = int(float(raw)) if raw not in _EMPTY else None
            if not schema.column("action", "year").admits(year):
                raise ValueError
        except (TypeError, ValueError):
            self.bad("register_year", "year", raw)
            year = None
        self.rec["year"] = year

    def _unit(self) -> None:
        year = self.rec["year"] or FIRST_VN34_YEAR - 1
        unit_set = self.raw.get("unit_set") or ("vn34" if year >= FIRST_VN34_YEAR else "vn63")
        self.choice("unit_set", unit_set)
        self.rec["unit_set"] = unit_set
        unit = self.raw.get("unit_code")
        code = self.catalog.unit_resolver.resolve(unit, unit_set) if unit not in _EMPTY else None
        if unit not in _EMPTY and code is None:
            self.bad("register_unit", "unit_code", unit, unit_set=unit_set)
        self.rec["unit_code"] = code

    def _action_type(self) -> None:
        action_type = str(self.raw.get("action_type") or "").strip().upper()
        if action_type and action_type not in self.types.index:
            self.bad("register_choice", "action_type", action_type, choices=", ".join(self.types.index))
        self.rec["action_type"] = action_type

    def _dates(self) -> None:
        rec = self.rec
        for column in DATE_COLUMNS:
            try:
                rec[column] = parse_date(self.raw.get(column))
            except ValueError:
                self.bad("register_date", column, self.raw.get(column))
                rec[column] = None
        precision = self.raw.get("date_precision") or ("day" if rec["date"] else "year")
        self.choice("date_precision", precision)
        rec["date_precision"] = precision
        if rec["date"] and rec["year"] and rec["date"].year != rec["year"]:
            self.bad("register_date_year", "date", rec["date"].isoformat(), year=rec["year"])

    def _persistence(self) -> None:
        rec, action_type = self.rec, self.rec["action_type"]
        typical = self.types["persistence"].get(action_type, "absorbing") if action_type in self.types.index \
            else "absorbing"
        persistence = self.raw.get("persistence") or typical
        self.choice("persistence", persistence)
        if persistence == "temporary" and not rec["end_date"]:
            self.bad("register_end_date", "end_date")
        if rec["end_date"] and rec["date"] and rec["end_date"] < rec["date"]:
            self.bad("register_end_before", "end_date", rec["end_date"].isoformat())
        rec["persistence"] = persistence

    def _grade_and_kinds(self) -> None:
        grade = str(self.raw.get("evidence_grade") or "").strip().upper()
        if grade:
            self.choice("evidence_grade", grade)
        self.rec["evidence_grade"] = grade
        for column in ("scope", "intensity_kind"):
            if self.raw.get(column) not in _EMPTY:
                self.choice(column, self.raw[column])

    def _texts_and_dose(self) -> None:
        for column in TEXT_COLUMNS:
            value = self.raw.get(column)
            self.rec[column] = None if value in _EMPTY else str(value)
        raw = self.raw.get("dose")
        try:
            self.rec["dose"] = None if raw in _EMPTY else float(str(raw).replace(",", "."))
        except ValueError:
            self.bad("register_number", "dose", raw)
            self.rec["dose"] = None

    def _targets(self) -> None:
        """Targeted components; the first is the primary hypothesis, all share the expected sign and lag."""
        raw = self.raw
        targets = [c.strip() for c in str(raw.get("target_components") or "").split(",") if c.strip()]
        for target in targets:
            if not self.catalog.has_component(target):
                self.bad("register_component", "target_components", target)
        self.rec["target_components"] = ",".join(targets) or None
        declared = schema.column("action_target", "expected_sign")
        try:
            sign = int(float(raw.get("expected_sign") or 1))
            if not declared.admits(sign):
                raise ValueError
        except (TypeError, ValueError):
            self.bad("register_choice", "expected_sign", raw.get("expected_sign"), choices=declared.choices_text())
            sign = 1
        try:
            lag = int(float(raw.get("expected_lag") or 1))
        except (TypeError, ValueError):
            self.bad("register_number", "expected_lag", raw.get("expected_lag"))
            lag = 1
        self.rec["_targets"] = [(t, "primary" if i == 0 else "secondary", sign, lag) for i, t in enumerate(targets)]
