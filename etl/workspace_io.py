"""Every database read and write the analyst's browser workspace makes (Data and Register pages).

Writes go through the snapshot store (:mod:`provindex.store`): :func:`write` (a private copy, published
whole when the writer succeeds; readers keep the previous snapshot meanwhile) and :func:`load_files` (the
score pipeline, which writes through the store itself). Each change is recorded in the audit log after it
was published. Reads open the current snapshot read-only and return empty results before any database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

import pandas as pd

from etl import export, register_edit
from etl import load as loader
from etl.pipeline import LoadOptions, LoadOutcome, run_load
from etl.register import RegisterOutcome, import_register
from provindex import audit, originals, queries, store

T = TypeVar("T")


# -- the two write paths -------------------------------------------------------------------------------
def write(db: str | Path | None, writer: Callable[..., T]) -> T:
    """Run ``writer(con)`` on the store's private copy of ``db``, published when it succeeds.

    ``writer`` may raise ``store.NoChange(result)``: nothing is published and ``result`` is returned.
    """
    return store.write(db, writer)


def load_files(paths: list[Path], names: list[str], db: str | Path | None, user: str,
               given: list) -> LoadOutcome:
    """Load uploaded files exactly as ``python -m etl load`` would, as ``user`` with the analyst's mappings."""
    outcome = run_load(paths, LoadOptions(db=db, user=user, mappings=given), display_names=names)
    for load_id, result in zip(outcome.load_ids, outcome.files):
        audit.record("load", user, f"load {load_id}", {"file": result.name, "sha256": result.load.sha256,
                                                         "rows": len(result.load.frame)})
    if outcome.status in ("loaded", "unchanged"):
        for mapping in (m for r in outcome.files for m in r.mappings if m.source == "given"):
            audit.record("mapping", user, mapping.header, {"target": mapping.target})
    return outcome


# -- loads -----------------------------------------------------------------------------------------------
def rollback(db: str | Path | None, load_id: int, user: str) -> list[dict]:
    """Roll back one load; returns which load now provides each of its scopes."""
    after = write(db, lambda con: loader.rollback(con, load_id, user))
    audit.record("rollback", user, f"load {load_id}", {"scopes": after})
    return after


def reactivate(db: str | Path | None, load_id: int, user: str) -> list[dict]:
    """Undo the rollback of one load (``etl reactivate``); returns which load now provides each scope."""
    after = write(db, lambda con: loader.reactivate(con, load_id, user))
    audit.record("reactivate", user, f"load {load_id}", {"scopes": after})
    return after


def original(db: str | Path | None, load_id: int) -> tuple[str, bytes] | None:
    """(file name, bytes) of the file a load read, as uploaded; None when it was not kept (the demo, older loads)."""
    return originals.original_of_load(db, load_id)


def original_kept(db: str | Path | None, sha256) -> bool:
    """True when the original bytes of the file with this sha256 are kept beside the database."""
    return originals.original_file(db, sha256 if isinstance(sha256, str) else None) is not None


def read(db: str | Path | None, reader: Callable[..., T], empty: T) -> T:
    """``reader(con)`` on the current snapshot, read only; ``empty`` when there is no database yet."""
    if store.current_file(db) is None:
        return empty
    return store.read(db, reader)


def load_history(db: str | Path | None = None) -> pd.DataFrame:
    """Every load, newest first (who, when, file, sha256, rows, status, scopes still current)."""
    return read(db, queries.load_history, pd.DataFrame())


def current_data(db: str | Path | None, kind: str) -> bytes:
    """The current scores as a CSV or XLSX download (the ``etl export`` layout), formulas neutralised."""
    frame = read(db, export.export_frame, pd.DataFrame(columns=export.EXPORT_COLUMNS))
    return export.export_bytes(frame, kind)


# -- the register ----------------------------------------------------------------------------------------
def register(db: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Current (not retired) actions and every hypothesis."""
    return read(db, register_edit.register_frames, (pd.DataFrame(), pd.DataFrame()))


def save_action(db: str | Path | None, raw: dict, user: str, added: bool) -> RegisterOutcome:
    """Add (``added``) or edit one action; the audit names which."""
    outcome = write(db, lambda con: _published(register_edit.save_action(con, raw, user)))
    if outcome.status == "loaded":
        audit.record("action_add" if added else "action_edit", user, str(raw.get("action_id")),
                     {"title_vi": raw.get("title_vi")})
    return outcome


def retire_action(db: str | Path | None, action_id: str, user: str) -> int:
    """Retire one action (a new version); returns the version written."""
    version = write(db, lambda con: register_edit.retire_action(con, action_id, user))
    audit.record("action_retire", user, action_id, {"version": version})
    return version


def import_actions(db: str | Path | None, path: Path, name: str, user: str) -> RegisterOutcome:
    """``python -m etl actions FILE`` from the browser: validated, versioned, all or nothing."""
    outcome = write(db, lambda con: _published(import_register(con, path, user=user, name=name)))
    if outcome.status == "loaded":
        audit.record("register_import", user, name, {"added": outcome.added, "new_versions": outcome.versioned})
    return outcome


def _published(outcome: RegisterOutcome) -> RegisterOutcome:
    """A register change that wrote nothing (refused, unchanged) publishes no new snapshot."""
    if outcome.status != "loaded":
        raise store.NoChange(outcome)
    return outcome
