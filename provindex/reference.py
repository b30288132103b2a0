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
    """A reference CSV as text columns in the declared order (empty cells -> None).

    Read with the ``csv`` module: these files are small, and pandas' parser costs ten times more to start.
    """
    with open(reference_dir / table.reference_csv, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        names = table.column_names()
        missing = set(names) - set(header)
        if missing:
            raise ValueError(f"{table.reference_csv} lacks columns {sorted(missing)}")
        positions = [header.index(name) for name in names]
        rows = [[row[i] or None if i < len(row) else None for i in positions] for row in reader if row]
    return pd.DataFrame(rows, columns=names, dtype=object)


def reference_header(path: Path) -> list[str]:
    """The column names of a reference CSV, as written in its first line."""
    with open(path, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def reference_csv_path(table: schema.Table, reference_dir: Path = config.REFERENCE_DIR) -> Path:
    """The CSV that fills ``table``, once its header holds every declared column.

    For readers other than pandas, e.g. DuckDB's own ``read_csv`` in :func:`provindex.db.sync_reference`.
    """
    path = reference_dir / table.reference_csv
    missing = set(table.column_names()) - set(reference_header(path))
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
