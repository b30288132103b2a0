"""Writing to the database: diff against current values, append a versioned load, roll back.

Every write runs inside one explicit transaction; a failure leaves the previous state.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
import numbers
import time
from dataclasses import dataclass, field
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from provindex import config, queries, schema
from provindex.db import insert_rows, transaction
from provindex.errors import ProvindexError

_TOLERANCE = 1e-12


@dataclass
class ScopeDiff:
    """Incoming scores of one (index, year) against the current ones: counts and, for a dry run, the changes."""

    index: str
    year: int
    status: str  # new | replace | unchanged
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    changes: list[dict] = field(default_factory=list)  # old -> new, for --dry-run

    def to_json(self) -> dict:
        return {"index": self.index, "year": self.year, "status": self.status, "added": self.added,
                "changed": self.changed, "unchanged": self.unchanged, "removed": self.removed,
                "changes": self.changes}


@dataclass
class FileLoad:
    """One file's tidy scores plus what we know about the file."""

    frame: pd.DataFrame
    file_name: str
    file_size: int
    sha256: str
    encoding: str | None
    layout: str
    sheet: str | None
    warnings: int = 0
    #: (index, etl.weights.DerivedWeights) the file implies where the catalogue has no weights
    derived_weights: list = field(default_factory=list)


def current_user(explicit: str | None = None) -> str:
    """Who loads: ``--user``, else $PROVINDEX_USER, else the login name (``unknown`` in containers without one)."""
    if explicit:
        return explicit
    try:
        return config.read("PROVINDEX_USER") or getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def diff_scopes(con: duckdb.DuckDBPyConnection | None, frame: pd.DataFrame) -> list[ScopeDiff]:
    """Compare incoming scores with current values, per (index, year); no connection = empty database."""
    diffs = []
    for (index, year), incoming in frame.groupby(["index", "year"], sort=True):
        if con is None:
            diffs.append(ScopeDiff(index, int(year), "new", added=len(incoming)))
            continue
        current = queries.current_scope(con, index, int(year))
        diffs.append(_diff_one(index, int(year), incoming, current))
    return diffs


def _diff_one(index: str, year: int, incoming: pd.DataFrame, current: pd.DataFrame) -> ScopeDiff:
    key = ["unit_set", "unit_code", "component"]
    if current.empty:
        return ScopeDiff(index, year, "new", added=len(incoming))
    merged = incoming.merge(current, on=key, how="outer", suffixes=("", "_old"), indicator="origin")
    diff = ScopeDiff(index, year, "replace")
    for row in merged.itertuples(index=False):
        if row.origin == "left_only":
            diff.added += 1
        elif row.origin == "right_only":
            diff.removed += 1
            diff.changes.append(_change(row, None))
        elif all(same_value(getattr(row, f), getattr(row, f + "_old")) for f in ("value", "rank", "ci_low", "ci_high")):
            diff.unchanged += 1
        else:
            diff.changed += 1
            diff.changes.append(_change(row, row.value))
    if diff.added == diff.changed == diff.removed == 0:
        diff.status = "unchanged"
    return diff


def same_value(a, b) -> bool:
    """Equal as stored values: missing (None, NaN, NA, "") equals missing, numbers within 1e-12, dates by day.

    The one comparison behind "unchanged" for scores (a reload) and register rows (an edit).
    """
    a, b = _plain(a), _plain(b)
    if a is None or b is None:
        return a is None and b is None
    if _is_number(a) and _is_number(b):
        return abs(float(a) - float(b)) <= _TOLERANCE
    return a == b


def _plain(value):
    """A stored value in the form the importers produce: pandas timestamps as dates, missing as None."""
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, str):
        return value if value != "" else None
    return None if value is None or pd.isna(value) else value


def _is_number(value) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, (bool, np.bool_))


def _change(row, new_value) -> dict:
    return {"unit_set": row.unit_set, "unit_code": row.unit_code, "component": row.component,
            "old": None if pd.isna(row.value_old) else float(row.value_old),
            "new": None if new_value is None or pd.isna(new_value) else float(new_value)}


def apply_loads(con: duckdb.DuckDBPyConnection, files: list[FileLoad], user: str,
                also: Callable[[duckdb.DuckDBPyConnection, list[int]], None] | None = None) -> list[int]:
    """Append every file as a load in ONE transaction; returns the new load ids.

    ``also(con, load_ids)`` runs inside the same transaction (the remembered column mappings).
    """
    load_ids = []
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with transaction(con):
        next_id = queries.next_load_id(con)
        for offset, item in enumerate(files):
            load_id = next_id + offset
            frame = item.frame[list(schema.SCORE_COLUMNS)].copy()
            frame.insert(0, "load_id", load_id)
            indices = ",".join(sorted(frame["index"].unique()))
            years = ",".join(str(y) for y in sorted(frame["year"].unique()))
            con.execute(
                'INSERT INTO "load" (load_id, "at", "user", file_name, file_size, sha256, "index", years, rows, status,'
                " active, encoding, layout, sheet, warnings)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', true, ?, ?, ?, ?)",
                [load_id, now, user, item.file_name, item.file_size, item.sha256, indices, years, len(frame),
                 item.encoding, item.layout, item.sheet, item.warnings])
            scopes = frame.groupby(["index", "year", "unit_set"]).size().reset_index(name="rows")
            for scope in scopes.itertuples(index=False):
                con.execute('INSERT INTO load_scope (load_id, "index", year, unit_set, rows) VALUES (?, ?, ?, ?, ?)',
                            [load_id, scope.index, int(scope.year), scope.unit_set, int(scope.rows)])
            con.register("_incoming", frame)
            con.execute('INSERT INTO score (load_id, "index", year, unit_set, unit_code, component, value, rank,'
                        ' ci_low, ci_high) SELECT load_id, "index", year, unit_set, unit_code, component, value,'
                        ' rank, ci_low, ci_high FROM _incoming')
            con.unregister("_incoming")
            insert_rows(con, "derived_weight", [row for index, derived in item.derived_weights
                                                for row in derived.rows(load_id, index)])
            load_ids.append(load_id)
        if also is not None:
            also(con, load_ids)
        _pause_inside_transaction()
    return load_ids


def _pause_inside_transaction() -> None:
    """Crash-test hook: PROVINDEX_TEST_PAUSE_IN_LOAD=seconds pauses *before COMMIT*.

    The load announces itself on stderr and waits, so a test can kill -9 the process mid-transaction.
    """
    seconds = config.read("PROVINDEX_TEST_PAUSE_IN_LOAD")
    if not seconds:
        return
    print("provindex: inside load transaction", file=sys.stderr, flush=True)
    time.sleep(float(seconds))


def write_register(con: duckdb.DuckDBPyConnection, actions: list[dict], targets: list[dict]) -> None:
    """The one writer of the reform-action register (import and demo): action versions and hypotheses.

    Rows are keyed by column name (:func:`provindex.db.insert_rows`); the caller holds the transaction.
    """
    insert_rows(con, "action", actions)
    insert_rows(con, "action_target", targets)


class RollbackRefused(ProvindexError):
    """A rollback of an unknown or already rolled-back load."""

    key = "etl.rollback_refused"


def rollback(con: duckdb.DuckDBPyConnection, load_id: int, user: str) -> list[dict]:
    """Deactivate a load; returns, per scope it covered, the load that is current afterwards."""
    status = queries.load_status(con, load_id)
    if status is None:
        raise RollbackRefused("etl.rollback_unknown", load_id=load_id)
    if status == "rolled_back":
        raise RollbackRefused("etl.rollback_twice", load_id=load_id)
    with transaction(con):
        con.execute("UPDATE \"load\" SET active = false, status = 'rolled_back', rolled_back_at = ?,"
                    " rolled_back_by = ? WHERE load_id = ?",
                    [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), user, load_id])
    return queries.scopes_after_rollback(con, load_id)


def reactivate(con: duckdb.DuckDBPyConnection, load_id: int, user: str) -> list[dict]:
    """Undo a rollback: the load counts again (newest active load per scope wins, as before its rollback).

    Refused for an unknown load and for one that is not rolled back. The rollback's who and when are kept;
    the re-activation's are recorded beside them. Returns, per scope, the load current afterwards.
    """
    status = queries.load_status(con, load_id)
    if status is None:
        raise RollbackRefused("store.reactivate_unknown", load_id=load_id)
    if status != "rolled_back":
        raise RollbackRefused("store.reactivate_active", load_id=load_id)
    with transaction(con):
        con.execute("UPDATE \"load\" SET active = true, status = 'loaded', reactivated_at = ?, reactivated_by = ?"
                    " WHERE load_id = ?", [dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), user, load_id])
    return queries.scopes_after_rollback(con, load_id)
