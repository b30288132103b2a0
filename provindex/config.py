"""Paths and settings read from the environment (never from Streamlit state)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
DEFAULT_DB = ROOT / "data" / "provindex.duckdb"
SHARED_REALDATA = ROOT.parent / "shared" / "realdata"

#: Đà Nẵng: the first users' city. Overridden by PROVINDEX_FOCAL_UNIT.
DEFAULT_FOCAL_UNIT = "48"

#: Files above this size are refused before being read (bytes).
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: explicit argument, else $PROVINDEX_DB, else data/provindex.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("PROVINDEX_DB")
    return Path(env) if env else DEFAULT_DB


def focal_unit() -> str:
    """The unit the dashboard opens on (a GSO code)."""
    return os.environ.get("PROVINDEX_FOCAL_UNIT", DEFAULT_FOCAL_UNIT).strip() or DEFAULT_FOCAL_UNIT


def max_file_bytes() -> int:
    """Upper bound on an input file's size; $PROVINDEX_MAX_FILE_MB overrides the 50 MB default."""
    env = os.environ.get("PROVINDEX_MAX_FILE_MB")
    return int(float(env) * 1024 * 1024) if env else DEFAULT_MAX_FILE_BYTES


def shared_realdata() -> Path | None:
    """../shared/realdata when present (tests skip without it)."""
    env = os.environ.get("PROVINDEX_SHARED")
    path = Path(env) / "realdata" if env else SHARED_REALDATA
    return path if path.is_dir() else None
