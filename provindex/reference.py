"""Reading the reference CSVs we wrote (``data/reference/``) against their declaration in ``schema``.

Kept apart from ``db`` so that the catalogue, the importer and the impact models read reference
facts without importing the database layer (no DuckDB needed to know a province's name).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd

from provindex import config, schema


def read_reference_csv(table: schema.Table, reference_dir: Path = config.REFERENCE_DIR) -> pd.DataFrame:
    """A reference CSV as text columns in the declared order (empty cells -> None)."""
    frame = pd.read_csv(reference_dir / table.reference_csv, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = set(table.column_names()) - set(frame.columns)
    if missing:
        raise ValueError(f"{table.reference_csv} lacks columns {sorted(missing)}")
    frame = frame[table.column_names()]
    return frame.astype(object).where(frame != "", None)


def reference_csv_path(table: schema.Table, reference_dir: Path = config.REFERENCE_DIR) -> Path:
    """The CSV that fills ``table``, once its header holds every declared column.

    For readers other than pandas, e.g. DuckDB's own ``read_csv`` in :func:`provindex.db.sync_reference`.
    """
    path = reference_dir / table.reference_csv
    with open(path, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle), [])
    missing = set(table.column_names()) - set(header)
    if missing:
        raise ValueError(f"{table.reference_csv} lacks columns {sorted(missing)}")
    return path


def reference_digest(reference_dir: Path = config.REFERENCE_DIR) -> str:
    """Hash of every declared reference CSV, so a changed catalogue is reloaded exactly once."""
    digest = hashlib.sha256()
    for table in schema.TABLES:
        if table.reference_csv:
            digest.update(table.reference_csv.encode())
            digest.update((reference_dir / table.reference_csv).read_bytes())
    return digest.hexdigest()
