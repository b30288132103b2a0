"""The audit log: who changed what, when — loads, rollbacks, mappings, register edits, user changes.

Append-only rows in the workspace store (``provindex.workspace``). Every writer calls :func:`record`
after its change is published; the admin page and ``python -m etl audit`` read :func:`entries`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from provindex import workspace

#: The kinds of change recorded (the admin page labels them with ``audit.action.<kind>``).
ACTIONS: tuple[str, ...] = ("load", "rollback", "reactivate", "mapping", "action_add", "action_edit",
                            "action_retire", "register_import", "user_add", "user_change", "sign_in_locked")


def record(action: str, actor: str, target: str = "", detail: dict | None = None,
           path: str | Path | None = None) -> None:
    """Append one entry. ``action`` is one of :data:`ACTIONS`; ``detail`` a JSON-serialisable dict."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    payload = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    with workspace.connection(path) as con:
        con.execute("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                    (at, actor, action, target, payload))


def entries(path: str | Path | None = None, limit: int | None = None) -> list[dict]:
    """Entries newest first (``detail`` decoded); an absent workspace has none."""
    if not workspace.workspace_path(path).exists():
        return []
    with workspace.connection(path) as con:
        rows = con.execute("SELECT id, at, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?",
                           (-1 if limit is None else int(limit),)).fetchall()
    return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]
