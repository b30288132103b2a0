"""Original bytes of every loaded file, kept beside the store by content (issue 10).

``<db>.files/<sha256>``: written before the load is published (:func:`keep_original`), read by the Data page's
"download the original" through :func:`original_file` with the sha256 of a load (``queries.load_file``).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from provindex import config, queries, store
from provindex.store import TEMP_PREFIX, fsync_file


def files_dir(db_file: Path) -> Path:
    """The content-addressed folder of loaded files' original bytes (``<sha256>`` each)."""
    return db_file.with_name(db_file.name + ".files")


def keep_original(path: str | Path | None, source: Path | None, sha256: str) -> None:
    """Keep a loaded file's bytes under its sha256, before the load is published (same bytes = one copy).

    Written under a private name and renamed, so a crash leaves no half file under a real hash.
    """
    if source is None or not sha256:
        return
    folder = files_dir(config.db_path(path))
    target = folder / sha256
    if target.exists():
        return
    folder.mkdir(exist_ok=True)
    partial = folder / f"{TEMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copyfile(source, partial)
        fsync_file(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def original_file(path: str | Path | None, sha256: str | None) -> Path | None:
    """The kept original of a load by its sha256; None for loads made before originals were kept (or the demo)."""
    if not sha256 or not all(c in "0123456789abcdef" for c in sha256):
        return None
    candidate = files_dir(config.db_path(path)) / sha256
    return candidate if candidate.is_file() else None


def original_of_load(path: str | Path | None, load_id: int) -> tuple[str, bytes] | None:
    """(file name as loaded, original bytes) of a load, read only; None for an unknown load or one not kept."""
    found = store.read(path, lambda con: queries.load_file(con, load_id))
    kept = original_file(path, found[1]) if found else None
    return (found[0], kept.read_bytes()) if kept else None
