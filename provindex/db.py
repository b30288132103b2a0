"""Connecting to the DuckDB file, creating the schema from ``schema.TABLES``, transactions.

The low-level opener of one database file. The application reads and writes through
:mod:`provindex.store` (snapshots: a writer opens its private copy with :func:`connect`, readers open the
current snapshot read-only; ARCHITECTURE decision 34); tests may still open any file directly.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import duckdb

from provindex import config, schema
from provindex.reference import reference_csv_path, reference_digest, reference_header
from provindex.errors import DatabaseBusy, DatabaseMissing, SchemaTooNew

#: No extension is ever fetched: the app runs offline.
_OPEN_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_LOCK_MARKERS = ("could not set lock", "conflicting lock", "lock on file")


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(marker in text for marker in _LOCK_MARKERS)


def connect(path: str | Path | None = None, *, read_only: bool = False, wait_seconds: float = 5.0,
            ensure: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database; retry briefly while another process holds the lock.

    A new file starts as a copy of the cached empty database (:func:`seed_from_template`). Read-write
    connections create or upgrade the schema and refresh the reference tables (``ensure``) only when
    the stored schema fingerprint or reference digest differs, so opening a current database writes
    nothing. Read-only connections require the file to exist. A database made by a newer schema
    version is refused (:class:`SchemaTooNew`) before anything is written to it.
    """
    db_file = config.db_path(path)
    if read_only and not db_file.exists():
        raise DatabaseMissing(path=str(db_file))
    if not read_only:
        db_file.parent.mkdir(parents=True, exist_ok=True)
    seeded = (not read_only and ensure and not db_file.exists() and not _wal(db_file).exists()
              and seed_from_template(db_file))
    con = _open_seeded(db_file, wait_seconds) if seeded else _open(db_file, read_only, wait_seconds)
    try:
        stored = read_meta(con)
        _refuse_newer_schema(stored, db_file)
        if ensure and not read_only:
            ensure_schema(con, stored)
    except BaseException:
        con.close()
        raise
    return con


def _wal(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".wal")


def template_path() -> Path:
    """The cached empty database of this DuckDB version, schema and reference data.

    Any change to one of them is a new name, so a stale template is never copied.
    """
    key = hashlib.sha256(f"{duckdb.__version__}|{schema_fingerprint()}|{reference_digest()}".encode())
    return config.cache_dir() / f"empty-{key.hexdigest()[:20]}.duckdb"


def seed_from_template(db_file: Path) -> bool:
    """Create ``db_file`` as a copy of the cached empty database, building the template first when absent.

    Creating the schema and loading the reference tables costs as much as the rest of a load; a file copy
    costs nothing. Returns False when the cache cannot be used (read-only home, a filesystem without hard
    links): the caller then builds the file in place, as before.
    """
    template = template_path()
    try:
        if not template.exists():
            template.parent.mkdir(parents=True, exist_ok=True)
            _build_template(template)
        _copy_without_clobbering(template, db_file)
    except (OSError, duckdb.Error):
        return False
    return True


def _open_seeded(db_file: Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """Open a file just copied from the template.

    A copy that does not open (a damaged template) is removed with its template, and the file is built in
    place instead.
    """
    try:
        return _open(db_file, False, wait_seconds)
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            raise
        db_file.unlink(missing_ok=True)
        template_path().unlink(missing_ok=True)
        return _open(db_file, False, wait_seconds)


def _build_template(template: Path) -> None:
    """Build under a private name, then rename: a reader never sees half a template."""
    partial = template.with_name(f"{template.stem}.{os.getpid()}.partial")
    try:
        con = duckdb.connect(str(partial), config=_OPEN_CONFIG)
        try:
            ensure_schema(con)
        finally:
            con.close()
        os.replace(partial, template)
    finally:
        partial.unlink(missing_ok=True)
        _wal(partial).unlink(missing_ok=True)


def _copy_without_clobbering(template: Path, db_file: Path) -> None:
    """Copy to a private name, then hard-link into place.

    If another process created the file meanwhile, theirs is kept (the link fails) and opening finds it.
    """
    partial = db_file.with_name(f".{db_file.name}.{os.getpid()}.partial")
    try:
        shutil.copyfile(template, partial)
        try:
            os.link(partial, db_file)
        except FileExistsError:
            pass
    finally:
        partial.unlink(missing_ok=True)


def _open(db_file: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, retried with backoff while the lock is held, then :class:`DatabaseBusy`."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(db_file), read_only=read_only, config=_OPEN_CONFIG)
        except duckdb.Error as exc:  # lock held by another process
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(path=str(db_file), detail=str(exc).splitlines()[0]) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def read_meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every ``meta`` value in one query ({} for a new file or one without ``meta``)."""
    try:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())
    except duckdb.CatalogException:
        return {}


def _version(stored: dict[str, str]) -> int | None:
    value = stored.get("schema_version")
    return int(value) if value and value.isdigit() else None


def _refuse_newer_schema(stored: dict[str, str], db_file: Path) -> None:
    """A newer provindex may have changed what columns mean: read nothing, write nothing."""
    version = _version(stored)
    if version is not None and version > schema.SCHEMA_VERSION:
        raise SchemaTooNew(path=str(db_file), db_version=version, app_version=schema.SCHEMA_VERSION)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN/COMMIT from Python: DuckDB 2.0 auto-commits each statement of a batch."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


@lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    """Hash of the schema version and every statement of the declaration: equal means nothing to migrate."""
    digest = hashlib.sha256(str(schema.SCHEMA_VERSION).encode())
    for statement in _ddl():
        digest.update(statement.encode())
    return digest.hexdigest()


def _ddl() -> list[str]:
    return [schema.create_table_sql(table) for table in schema.TABLES] + list(schema.VIEWS)


def ensure_schema(con: duckdb.DuckDBPyConnection, stored: dict[str, str] | None = None) -> None:
    """Create or migrate the schema when its fingerprint changed, then refresh changed reference tables.

    ``stored`` is the ``meta`` already read by :func:`connect` (read again when absent). A database whose
    fingerprint and reference digest are current is not written to at all.
    """
    stored = read_meta(con) if stored is None else stored
    if stored.get("schema_sha") != schema_fingerprint():
        _migrate(con, new=not stored and _is_empty(con))
    sync_reference(con, known=stored.get("reference_sha"))


def _is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """No table at all: a new file, created in one batch."""
    return con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0] == 0


def _migrate(con: duckdb.DuckDBPyConnection, new: bool) -> None:
    """Create missing tables and views (one batch on a new file); add columns declared later to older ones."""
    with transaction(con):
        if new:
            con.execute(";\n".join(_ddl()))
        else:
            for table in schema.TABLES:
                con.execute(schema.create_table_sql(table))
                _add_missing_columns(con, table)
            for view in schema.VIEWS:
                con.execute(view)
        set_meta(con, "schema_version", str(schema.SCHEMA_VERSION))
        set_meta(con, "schema_sha", schema_fingerprint())


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: schema.Table) -> None:
    """Additive migration: columns declared later (e.g. the register fields of issue 5) are added."""
    present = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table.name]).fetchall()}
    for column in table.columns:
        if column.name not in present:
            con.execute(f"ALTER TABLE {schema.quote(table.name)} ADD COLUMN {schema.quote(column.name)} {column.type}")


def sync_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path = config.REFERENCE_DIR,
                   known: str | None = None) -> bool:
    """Reload the catalogue tables if the CSVs changed since the last sync. Returns True if reloaded.

    ``known``: the stored digest when the caller has already read ``meta``.
    """
    digest = reference_digest(reference_dir)
    if known is None:
        known = get_meta(con, "reference_sha")
    if known == digest:
        return False
    with transaction(con):
        for table in schema.TABLES:
            if not table.reference_csv:
                continue
            _load_reference_table(con, table, reference_csv_path(table, reference_dir))
        set_meta(con, "reference_sha", digest)
    return True


def _load_reference_table(con: duckdb.DuckDBPyConnection, table: schema.Table, path: Path) -> None:
    """Replace a reference table by its CSV, read by DuckDB itself with the dialect given.

    Naming the columns and dialect skips DuckDB's sniffer, ten times faster on these small files, which
    matters on every new database (the header was checked by :func:`provindex.reference.reference_csv_path`).
    """
    header = reference_header(path)
    columns = "{" + ", ".join(f"{_sql_string(name)}: 'VARCHAR'" for name in header) + "}"
    casts = ", ".join(f"CAST({schema.quote(c.name)} AS {c.type})" for c in table.columns)
    con.execute(f"DELETE FROM {schema.quote(table.name)}")
    con.execute(f"INSERT INTO {schema.quote(table.name)} SELECT {casts} FROM read_csv(?, header = true, "
                f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8', "
                f"columns = {columns})", [str(path)])


def _sql_string(text: str) -> str:
    """A SQL string literal for a CSV header name of our own reference files."""
    return "'" + text.replace("'", "''") + "'"


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append rows keyed by column name (absent columns are NULL); a name the schema lacks is a bug.

    The one way the ETL writes register and demo rows, so every writer fills the same columns.
    """
    if not rows:
        return
    declared = schema.TABLE_BY_NAME[table].column_names()
    unknown = {key for row in rows for key in row} - set(declared)
    if unknown:
        raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
    names = ", ".join(schema.quote(c) for c in declared)
    placeholders = ", ".join("?" for _ in declared)
    con.executemany(f"INSERT INTO {schema.quote(table)} ({names}) VALUES ({placeholders})",
                    [[row.get(c) for c in declared] for row in rows])


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A ``meta`` value (dataset, demo_seed, schema_version ...), None when unset."""
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Write a ``meta`` value (inside the caller's transaction)."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def data_version(path: str | Path | None = None) -> str:
    """Cheap fingerprint of the database files (no connection): changes after every write."""
    db_file = config.db_path(path)
    parts = []
    for candidate in (db_file, db_file.with_name(db_file.name + ".wal")):
        try:
            stat = candidate.stat()
            parts.append(f"{stat.st_mtime_ns}:{stat.st_size}")
        except FileNotFoundError:
            parts.append("-")
    return "|".join(parts)
