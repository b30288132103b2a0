"""The snapshot store: readers never wait for writers, writers wait only for each other (issue 10).

DuckDB allows one writer per file and a reader of a file being written sees the writer's lock. So a
published database file is never written again: every change is made on a private copy and published
by switching a pointer. On disk, for ``PROVINDEX_DB = /data/provindex.duckdb``::

    /data/provindex.duckdb             symlink (relative) -> provindex.duckdb.snapshots/000007-1a2b3c4d.duckdb
    /data/provindex.duckdb.snapshots/  published snapshots (the current one, the previous one, any still read)
                                       and ``.tmp-*`` files of writers at work (removed by the next writer)
    /data/provindex.duckdb.lock        the writers' lock (``flock``; empty file)
    /data/provindex.duckdb.files/      original bytes of every loaded file, by sha256 (:mod:`provindex.originals`)

A plain file at ``PROVINDEX_DB`` (a database of an earlier version, or a test's copy) is the current
snapshot in place: readers read it read-only, and the first writer copies it and replaces it by the
symlink. Anything that opens the path (``duckdb.connect``, ``shutil.copy``) follows the symlink and sees
the current snapshot.

API (the only two ways in; :func:`write` and :func:`read` are the same as calls taking a function):

``with store.writing(path) as con:`` — waits for the writers' lock (``WRITER_WAIT_SECONDS``, then
:class:`WriterBusy`), copies the current snapshot to a private name, opens it read-write (the schema
migration, when due, runs here: the writer is the only one that migrates), yields an ordinary DuckDB
connection. The block may run any statements and transactions; nothing is visible to anyone until it
returns. Then the copy is checkpointed, closed, fsync'ed, renamed into the snapshots folder and the
symlink is switched atomically (``os.replace``). On any exception nothing is published and the copy is
removed; raising :class:`NoChange` inside the block discards the copy quietly (a write that found
nothing to do). ``fresh=True`` starts from an empty database instead of the current one (the demo).

``with store.reading(path) as con:`` — resolves the symlink once, holds a shared ``flock`` on that
snapshot and opens it read-only: it never waits for a writer and never writes, not even on read-only
media. :func:`current_version` names the current snapshot (the cache key of the dashboard), so a
session sees one published version or the next, never a mixture.

Faults at the operating-system boundary (disk full, read-only media, permission denied) become
:mod:`provindex.errors` with messages in both languages (:func:`fault`).
"""

from __future__ import annotations

import errno
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import duckdb

try:
    import fcntl
except ImportError:  # Windows: msvcrt locks the writers' lock file; an open snapshot cannot be deleted there
    fcntl = None

from provindex import config
from provindex import db as dbmod
from provindex.reference import reference_digest
from provindex.errors import (DatabaseMissing, DiskFull, PermissionDenied, ProvindexError, ReadOnlyStore,
                              SchemaOutdated, WriterBusy)

#: How long a writer waits for another writer (a load of many workbooks takes a few seconds).
WRITER_WAIT_SECONDS = 60.0
#: Private names of work in progress (copies of writers, partial originals): never current, never published.
TEMP_PREFIX = ".tmp-"
T = TypeVar("T")


class NoChange(Exception):
    """Raised inside :func:`writing` when the write turned out to change nothing: the copy is discarded."""


def snapshots_dir(db_file: Path) -> Path:
    """The folder of published snapshots of the store at ``db_file``."""
    return db_file.with_name(db_file.name + ".snapshots")


def lock_file(db_file: Path) -> Path:
    """The writers' lock of the store at ``db_file``."""
    return db_file.with_name(db_file.name + ".lock")


def current_file(path: str | Path | None = None) -> Path | None:
    """The file holding the current data (the symlink's target, a legacy plain file), None when there is none."""
    db_file = config.db_path(path)
    if db_file.is_symlink():
        target = db_file.parent / os.readlink(db_file)
        return target if target.exists() else None
    return db_file if db_file.exists() else None


def current_version(path: str | Path | None = None) -> str:
    """Identity of the current data: the snapshot's name, or size and mtime of a legacy file ("-" when none).

    Changes exactly when a writer publishes, never while one works.
    """
    db_file = config.db_path(path)
    try:
        return "snapshot:" + os.readlink(db_file)
    except FileNotFoundError:
        return "-"
    except OSError:  # a plain file: not a symlink
        return "file:" + dbmod.data_version(db_file)


# -- reading -------------------------------------------------------------------------------------------
@contextmanager
def reading(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the current snapshot, held under a shared lock; :class:`DatabaseMissing` if none.

    A database of an older schema is read as it is (migrations are additive); a query it cannot answer
    becomes :class:`SchemaOutdated` (``python -m etl migrate``).
    """
    db_file = config.db_path(path)
    handle, snapshot = _locked_current(db_file)
    try:
        con = _open_read_only(snapshot, db_file)
        try:
            yield con
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            stored = dbmod.read_meta(con)
            if stored.get("schema_sha") != dbmod.schema_fingerprint():
                raise SchemaOutdated(path=str(db_file)) from exc
            raise
        finally:
            con.close()
    finally:
        os.close(handle)


def read(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``work(con)`` on a read-only connection to the current snapshot (:func:`reading` as a call)."""
    with reading(path) as con:
        return work(con)


def _locked_current(db_file: Path) -> tuple[int, Path]:
    """Resolve the pointer and take a shared lock on the snapshot; retried if a writer pruned it meanwhile."""
    for _ in range(5):
        snapshot = current_file(db_file)
        if snapshot is None:
            raise DatabaseMissing(path=str(db_file))
        try:
            handle = os.open(snapshot, os.O_RDONLY)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise fault(exc, db_file) or exc
        if _try_lock(handle, exclusive=False) and snapshot.exists():
            return handle, snapshot
        os.close(handle)  # a writer is pruning this one: the pointer has moved on
    raise DatabaseMissing(path=str(db_file))


def _open_read_only(snapshot: Path, db_file: Path) -> duckdb.DuckDBPyConnection:
    try:
        return dbmod.connect(snapshot, read_only=True)
    except ProvindexError as exc:
        exc.params["path"] = str(db_file)  # the name the administrator gave, not the snapshot's
        raise
    except (OSError, duckdb.Error) as exc:
        raise fault(exc, db_file) or exc


# -- writing -------------------------------------------------------------------------------------------
@contextmanager
def writing(path: str | Path | None = None, *, fresh: bool = False,
            wait_seconds: float = WRITER_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to a private copy of the current snapshot, published when the block succeeds.

    See the module docstring. Writers queue on the lock; after ``wait_seconds`` :class:`WriterBusy`.
    """
    db_file = config.db_path(path)
    try:
        with _writer_lock(db_file, wait_seconds):
            folder = snapshots_dir(db_file)
            folder.mkdir(exist_ok=True)
            _remove_stale_temps(folder)
            draft = folder / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}.duckdb"
            try:
                con = _open_draft(db_file, draft, fresh)
                try:
                    yield con
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
                _publish(db_file, draft)
            except NoChange:
                pass
            finally:
                _remove(draft)
                _remove_if_empty(folder)
    except (OSError, duckdb.IOException, duckdb.FatalException) as exc:
        raise fault(exc, db_file) or exc


def write(path: str | Path | None, work: Callable[[duckdb.DuckDBPyConnection], T], *, fresh: bool = False) -> T:
    """``work(con)`` inside :func:`writing`; its result is returned after the snapshot is published.

    ``work`` may raise ``NoChange(result)``: nothing is published and ``result`` is returned.
    """
    box = []
    with writing(path, fresh=fresh) as con:
        try:
            box.append(work(con))
        except NoChange as quiet:
            box.append(quiet.args[0] if quiet.args else None)
            raise
    return box[0]


def needs_migration(path: str | Path | None = None) -> bool:
    """True when the current database's schema or reference tables are older than this provindex's."""
    stored = read(path, dbmod.read_meta)
    return stored.get("schema_sha") != dbmod.schema_fingerprint() or stored.get("reference_sha") != reference_digest()


@contextmanager
def _writer_lock(db_file: Path, wait_seconds: float) -> Iterator[None]:
    """The writers' exclusive lock, polled until ``wait_seconds`` (a dead writer's lock is freed by the kernel)."""
    db_file.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(lock_file(db_file), os.O_RDWR | os.O_CREAT, 0o664)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            if _try_lock(handle, exclusive=True):
                break
            if time.monotonic() >= deadline:
                raise WriterBusy(path=str(db_file), seconds=round(wait_seconds))
            time.sleep(0.05)
        yield
    finally:
        os.close(handle)


def _try_lock(handle: int, exclusive: bool) -> bool:
    """A lock taken without waiting; False when another process holds a conflicting one.

    A filesystem without locks (some read-only media) counts as locked: nobody prunes or writes there.
    """
    if fcntl is None:
        if not exclusive:
            return True
        import msvcrt

        try:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return True
    return True


def _remove_stale_temps(folder: Path) -> None:
    """Copies left by writers that died (we hold the lock, so no live writer owns one)."""
    for stale in folder.glob(TEMP_PREFIX + "*"):
        stale.unlink(missing_ok=True)


def _open_draft(db_file: Path, draft: Path, fresh: bool) -> duckdb.DuckDBPyConnection:
    """Copy the current snapshot (or nothing, for a fresh one) to ``draft`` and open it read-write.

    Opening migrates the copy when its schema is older (``db.connect``): the writer is the one that migrates.
    """
    source = None if fresh else current_file(db_file)
    if source is not None:
        shutil.copyfile(source, draft)
        wal = source.with_name(source.name + ".wal")
        if wal.exists():  # a legacy file written in place and not yet checkpointed
            shutil.copyfile(wal, draft.with_name(draft.name + ".wal"))
    try:
        return dbmod.connect(draft)
    except ProvindexError as exc:
        exc.params["path"] = str(db_file)
        raise


def _publish(db_file: Path, draft: Path) -> None:
    """Make the copy durable, rename it into the snapshots folder, switch the pointer, prune unread old snapshots."""
    folder = draft.parent
    fsync_file(draft)
    number = 1 + max((_number(p) for p in folder.glob("*.duckdb")), default=0)
    published = folder / f"{number:06d}-{uuid.uuid4().hex[:8]}.duckdb"
    os.replace(draft, published)
    fsync_file(folder)
    previous = current_file(db_file)
    link = db_file.with_name(f".{db_file.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    try:
        os.symlink(os.path.relpath(published, db_file.parent), link)
    except OSError:  # Windows without the symlink privilege: the path stays a plain file, replaced whole
        os.replace(published, db_file)
        return
    os.replace(link, db_file)
    fsync_file(db_file.parent)
    if previous is not None and previous.parent != folder:  # the legacy file was adopted: nothing to prune there
        previous = None
    _prune(folder, keep={published, previous})


def _number(snapshot: Path) -> int:
    head = snapshot.name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0


def _prune(folder: Path, keep: set) -> None:
    """Remove the snapshots no reader holds (exclusive non-blocking lock), except the current and the previous one.

    The previous one stays for a reader that resolved the pointer just before the switch.
    """
    for snapshot in folder.glob("*.duckdb"):
        if snapshot in keep or snapshot.name.startswith(TEMP_PREFIX):
            continue
        try:
            handle = os.open(snapshot, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            if _try_lock(handle, exclusive=True):
                _remove(snapshot)
        except OSError:  # Windows: a reader still has it open
            pass
        finally:
            os.close(handle)  # a reader still on it: the next writer tries again


def _remove(database: Path) -> None:
    database.unlink(missing_ok=True)
    database.with_name(database.name + ".wal").unlink(missing_ok=True)


def _remove_if_empty(folder: Path) -> None:
    """A first write that failed leaves no folder behind (a failed ``etl demo`` leaves nothing)."""
    try:
        folder.rmdir()
    except OSError:  # not empty: snapshots live there
        pass


def fsync_file(target: Path) -> None:
    """Write a file's data to disk before it is renamed into place.

    On a folder it makes a rename in it durable (a crash right after the switch keeps the new pointer).
    """
    handle = os.open(target, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# -- faults --------------------------------------------------------------------------------------------
_FAULT_BY_ERRNO = {errno.ENOSPC: DiskFull, errno.EDQUOT: DiskFull, errno.EFBIG: DiskFull,
                   errno.EROFS: ReadOnlyStore, errno.EACCES: PermissionDenied, errno.EPERM: PermissionDenied}
_FAULT_BY_TEXT = (("no space left", DiskFull), ("disk quota", DiskFull), ("file too large", DiskFull),
                  ("read-only file system", ReadOnlyStore), ("permission denied", PermissionDenied))


def fault(exc: BaseException, path: str | Path | None = None) -> ProvindexError | None:
    """The designed error for an operating-system fault (an ``OSError`` or DuckDB's IOException text), else None."""
    if isinstance(exc, ProvindexError):
        return exc
    where = str(config.db_path(path)) if path is not None else ""
    kind = _FAULT_BY_ERRNO.get(exc.errno) if isinstance(exc, OSError) else None
    if kind is None and isinstance(exc, (OSError, duckdb.Error)):
        text = str(exc).lower()
        kind = next((k for marker, k in _FAULT_BY_TEXT if marker in text), None)
    return kind(path=where) if kind is not None else None
