"""The audit log: who changed what, when — loads, rollbacks, mappings, register edits, user changes.

Append-only rows in the workspace store (``provindex.workspace``). Every writer calls :func:`record`
after its change is published (or inside its own workspace transaction, ``con=``, so the change and its
entry commit together); the admin page and ``python -m etl audit`` read :func:`entries` and export
:func:`table` as CSV or XLSX with formula cells neutralised.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from provindex import workspace
from provindex.i18n import t
from provindex.text import neutralise_frame

#: The kinds of change recorded (the admin page labels them with ``audit.action.<kind>``).
ACTIONS: tuple[str, ...] = ("load", "rollback", "reactivate", "mapping", "action_add", "action_edit",
                            "action_retire", "register_import", "user_add", "user_change", "sign_in_locked")

#: Entries are stored in UTC and shown in Vietnam's time (UTC+7 all year; no daylight saving since 1975).
VIETNAM = timezone(timedelta(hours=7))


def record(action: str, actor: str, target: str = "", detail: dict | None = None,
           path: str | Path | None = None, con: sqlite3.Connection | None = None) -> None:
    """Append one entry. ``action`` is one of :data:`ACTIONS`; ``detail`` a JSON-serialisable dict.

    With ``con`` (an open :func:`provindex.workspace.connection`) the entry joins that transaction.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    payload = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    row = (at, actor, action, target, payload)
    if con is not None:
        con.execute("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)", row)
        return
    with workspace.connection(path) as own:
        own.execute("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)", row)


def entries(path: str | Path | None = None, limit: int | None = None, action: str | None = None,
            actor: str | None = None, since: date | None = None, until: date | None = None) -> list[dict]:
    """Entries newest first (``detail`` decoded), filtered by kind, actor and Vietnam-time days (inclusive).

    An absent workspace has none (reading never creates the file).
    """
    if not workspace.workspace_path(path).exists():
        return []
    start = _utc_text(since) if since else None
    end = _utc_text(until + timedelta(days=1)) if until else None
    with workspace.connection(path, write=False) as con:
        rows = con.execute(
            "SELECT id, at, actor, action, target, detail FROM audit"
            " WHERE (? IS NULL OR action = ?) AND (? IS NULL OR actor = ?)"
            " AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?)"
            " ORDER BY id DESC LIMIT ?",
            (action, action, actor, actor, start, start, end, end, -1 if limit is None else int(limit))).fetchall()
    return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]


def actors(path: str | Path | None = None) -> list[str]:
    """Everyone who appears in the log, sorted (the admin page's filter choices)."""
    if not workspace.workspace_path(path).exists():
        return []
    with workspace.connection(path, write=False) as con:
        return [r[0] for r in con.execute("SELECT DISTINCT actor FROM audit ORDER BY actor").fetchall()]


def _utc_text(day: date) -> str:
    """Midnight of ``day`` in Vietnam, as the stored UTC text (entries compare as text)."""
    return datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(timezone.utc).isoformat(
        timespec="seconds")


def local_time(at: str) -> str:
    """A stored UTC time as Vietnam time, ``2026-11-30 17:05:09``."""
    return datetime.fromisoformat(at).astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M:%S")


def detail_text(detail: dict) -> str:
    """``{"from": "viewer", "to": "analyst"}`` → ``from: viewer · to: analyst`` (nothing for an empty detail)."""
    return " · ".join(f"{key}: {value}" for key, value in detail.items() if value not in (None, ""))


def table(rows: list[dict], lang: str) -> pd.DataFrame:
    """The entries as the admin reads and downloads them: Vietnam time, labelled kind, headers in ``lang``."""
    columns = ["at", "actor", "action", "target", "detail"]
    frame = pd.DataFrame([{"at": local_time(r["at"]), "actor": r["actor"],
                           "action": t(f"audit.action.{r['action']}", lang), "target": r["target"],
                           "detail": detail_text(r["detail"])} for r in rows], columns=columns)
    return frame.rename(columns={c: t(f"audit.column.{c}", lang) for c in columns})


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM (Excel opens Vietnamese correctly), formula cells neutralised."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """One-sheet workbook, formula cells neutralised (openpyxl would store ``=…`` text as a formula)."""
    buffer = io.BytesIO()
    neutralise_frame(frame).to_excel(buffer, index=False, sheet_name=sheet[:31], engine="openpyxl")
    return buffer.getvalue()
