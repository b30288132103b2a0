"""The workspace store: users, sign-in throttling and the audit log, in one small SQLite file.

These are not index data, so they do not live in the DuckDB snapshots (which are copied on every
write and pruned): several processes — the dashboard and the command line — add audit rows and
sign-in attempts at the same moment, which SQLite in WAL mode serialises in milliseconds. The file
sits beside the database (``provindex-workspace.sqlite``) unless ``PROVINDEX_WORKSPACE`` names one.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator

from provindex import config

#: Tables are created on first use; additive statements only, so an older file keeps working.
DDL: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT '{}'
    )""",
)

_extra_ddl: list[str] = []


def register_ddl(*statements: str) -> None:
    """Let another module (users, throttling) declare its tables; run on the next connection."""
    for statement in statements:
        if statement not in _extra_ddl:
            _extra_ddl.append(statement)


def workspace_path(explicit: str | Path | None = None, db: str | Path | None = None) -> Path:
    """The workspace file: explicit, else $PROVINDEX_WORKSPACE, else beside the database (``db`` or the default)."""
    if explicit:
        return Path(explicit)
    return config.read("PROVINDEX_WORKSPACE") or config.db_path(db).parent / "provindex-workspace.sqlite"


@contextmanager
def connection(path: str | Path | None = None, write: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection in one transaction (committed on success, rolled back on error), tables ensured.

    ``write=False`` starts a deferred transaction: a reader (every page run asks who is signed in) does
    not take the write lock, so readers never queue behind each other or behind a sign-in attempt.
    """
    file = workspace_path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(file, timeout=10.0, isolation_level=None)) as con:
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA busy_timeout=10000")
        con.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            for statement in (*DDL, *_extra_ddl):
                con.execute(statement)
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
