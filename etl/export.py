"""``python -m etl export``: current scores in the long layout, which ``load`` accepts back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pandas as pd

from provindex import queries, schema
from provindex.catalog import get_catalog
from provindex.harmonize import to_vn34
from provindex.text import neutralise_formula, neutralise_frame

#: The score columns (published confidence bounds last, empty when not published), the unit's name beside its code.
EXPORT_COLUMNS = list(schema.SCORE_COLUMNS)
EXPORT_COLUMNS.insert(EXPORT_COLUMNS.index("unit_code") + 1, "unit_name")
UNIT_CHOICES = ("vn63", "vn34", "harmonized")
#: Added to a harmonised export: 1 for a back-cast value, and how many former provinces it has and had values.
HARMONIZED_FLAGS = ["backcast", "members", "members_present"]


def export_frame(con: duckdb.DuckDBPyConnection, index: str | None = None, units: str | None = None) -> pd.DataFrame:
    """The rows an export writes, in catalogue order."""
    if units in ("vn63", "vn34"):
        return queries.export_rows(con, index, units)
    frame = queries.export_rows(con, index)
    if units != "harmonized" or frame.empty:
        return frame
    catalog = get_catalog()
    order = {c: i for i, c in enumerate(catalog.components.sort_values(["index", "sort"])["code"])}
    harmonised = to_vn34(frame, catalog)
    harmonised["unit_name"] = [catalog.unit_name("vn34", c) for c in harmonised["unit_code"]]
    harmonised["_order"] = harmonised["component"].map(order)
    index_order = {i: n for n, i in enumerate(catalog.index_codes())}
    harmonised["_index"] = harmonised["index"].map(index_order)
    harmonised = harmonised.sort_values(["_index", "year", "unit_code", "_order"])
    harmonised = harmonised.rename(columns={"n_members": "members", "n_present": "members_present"})
    harmonised["backcast"] = harmonised["backcast"].astype(int)
    return harmonised.reindex(columns=EXPORT_COLUMNS + HARMONIZED_FLAGS).reset_index(drop=True)  # no bounds


def safe_text(value: str) -> str:
    """Defuse spreadsheet formulas in text cells (CWE-1236) the way OWASP recommends."""
    return neutralise_formula(value)


def format_value(value) -> str:
    """Shortest text that reads back as the same double, so export -> load -> export is exact."""
    return "" if value is None or pd.isna(value) else repr(float(value))


def write_csv(frame: pd.DataFrame, out: Path) -> int:
    """UTF-8 with BOM so Excel shows Vietnamese correctly; returns the number of rows."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(export_bytes(frame, "csv"))
    return len(frame)


def export_bytes(frame: pd.DataFrame, kind: str) -> bytes:
    """The export as a download (``kind`` csv or xlsx), every text cell a spreadsheet would run neutralised.

    CSV is the same file :func:`write_csv` writes; XLSX keeps numbers numeric (one sheet, ``data``). A
    harmonised export keeps its flag columns.
    """
    columns = EXPORT_COLUMNS + [c for c in HARMONIZED_FLAGS if c in frame.columns]
    rows = frame.reindex(columns=columns)
    if kind == "csv":
        flags = columns[len(EXPORT_COLUMNS):]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows.itertuples(index=False):
            rank = "" if row.rank is None or pd.isna(row.rank) else str(int(row.rank))
            writer.writerow([row.index, int(row.year), row.unit_set, row.unit_code, safe_text(row.unit_name or ""),
                             row.component, format_value(row.value), rank, format_value(row.ci_low),
                             format_value(row.ci_high)] + [int(getattr(row, c)) for c in flags])
        return buffer.getvalue().encode("utf-8-sig")
    buffer = io.BytesIO()
    neutralise_frame(rows).to_excel(buffer, index=False, sheet_name="data", engine="openpyxl")
    return buffer.getvalue()
