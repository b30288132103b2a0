"""Express vn63 (pre-July-2025) scores on the 34 post-merger units: one series across the merger.

A merged unit's back-cast value is the weighted mean of its former provinces: GSO 2020 population
shares from the crosswalk by default (``pop``), or equal weights (``equal``). It is an estimate
("giá trị quy đổi"), never a published score. A former province with no value that year drops out and
the others' weights are re-normalised to 1; the cell is then *flagged* (``n_present < n_members``), never
filled with a silent zero. Each back-cast row carries the members' min and max (``lo``/``hi``) so charts can
draw how far apart the former provinces were. Official vn34 values (2025 on) pass through unchanged.
"""

from __future__ import annotations

import pandas as pd

from provindex.catalog import Catalog

KEY = ["index", "year", "component"]
#: The units choice of the pages and exports: the 34 units with the back-cast before 2025, or the 63 provinces.
UNIT_CHOICES = ("vn34", "vn63")
#: Weights of the back-cast: GSO 2020 population (the default) or equal shares of the former provinces.
WEIGHT_CHOICES = ("pop", "equal")
#: Columns a harmonised frame adds to the score columns.
EXTRA = ["backcast", "lo", "hi", "n_members", "n_present"]


def member_weights(catalog: Catalog, weights: str = "pop") -> pd.DataFrame:
    """``from_code, to_code, weight`` of every former province in its new unit; each unit's weights sum to 1."""
    cross = catalog.crosswalk[(catalog.crosswalk["from_set"] == "vn63") & (catalog.crosswalk["to_set"] == "vn34")]
    frame = cross[["from_code", "to_code", "weight"]].copy()
    if weights == "equal":
        frame["weight"] = 1.0
    elif weights != "pop":
        raise ValueError(f"unknown weights {weights!r}")
    frame["weight"] = frame["weight"] / frame.groupby("to_code")["weight"].transform("sum")
    return frame.reset_index(drop=True)


def backcast(frame: pd.DataFrame, catalog: Catalog, weights: str = "pop") -> pd.DataFrame:
    """The vn63 rows of ``frame`` as vn34 rows: weighted mean over the members present, flagged when some are not.

    Columns: the score key, ``value``, ``rank`` (empty: back-cast values are never published ranks) and
    :data:`EXTRA`. A new unit none of whose members has a value gets no row.
    """
    old = frame[frame["unit_set"] == "vn63"]
    if old.empty:
        return pd.DataFrame(columns=KEY[:2] + ["unit_set", "unit_code", "component", "value", "rank"] + EXTRA)
    shares = member_weights(catalog, weights)
    members = shares.groupby("to_code").size().rename("n_members")
    merged = old[KEY + ["unit_code", "value"]].dropna(subset=["value"]).merge(
        shares, left_on="unit_code", right_on="from_code")
    merged["weighted"] = merged["value"] * merged["weight"]
    grouped = merged.groupby(KEY + ["to_code"], observed=True).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"), lo=("value", "min"), hi=("value", "max"),
        n_present=("unit_code", "nunique")).reset_index()
    grouped = grouped.join(members, on="to_code")
    grouped["value"] = grouped["weighted"] / grouped["weight"]  # re-normalised over the members present
    result = grouped.rename(columns={"to_code": "unit_code"})
    result["unit_set"] = "vn34"
    result["rank"] = pd.array([pd.NA] * len(result), dtype="Int32")
    result["backcast"] = True
    return result[KEY[:2] + ["unit_set", "unit_code", "component", "value", "rank"] + EXTRA]


def harmonized(scores: pd.DataFrame, catalog: Catalog, weights: str = "pop") -> pd.DataFrame:
    """Every year on the 34 units: official vn34 rows unchanged, vn63 years back-cast (see :func:`backcast`)."""
    native = scores[scores["unit_set"] == "vn34"].copy()
    native["backcast"] = False
    native["n_members"] = native["n_present"] = 1
    native["lo"] = native["hi"] = float("nan")
    back = backcast(scores, catalog, weights)
    back = back.reindex(columns=native.columns)
    combined = pd.concat([back, native], ignore_index=True) if not back.empty else native
    combined = combined.astype({"backcast": bool, "n_members": int, "n_present": int})
    return combined.sort_values(KEY + ["unit_code"]).reset_index(drop=True)


def on_units(scores: pd.DataFrame, catalog: Catalog, units: str, weights: str = "pop") -> pd.DataFrame:
    """The scores a page shows for a units choice: the 34 units across every year, or the 63 provinces only."""
    if units == "vn34":
        return harmonized(scores, catalog, weights)
    frame = scores[scores["unit_set"] == "vn63"].copy()
    frame["backcast"] = False
    return frame


def flagged(frame: pd.DataFrame) -> pd.Series:
    """Back-cast cells where some former province had no value (the others' weights were re-normalised)."""
    if "backcast" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["backcast"].astype(bool) & (frame["n_present"] < frame["n_members"])


def to_vn34(frame: pd.DataFrame, catalog: Catalog, weights: str = "pop") -> pd.DataFrame:
    """vn63 rows -> vn34 rows (back-cast, unranked); vn34 rows pass through with their published ranks."""
    combined = harmonized(frame, catalog, weights)
    columns = [c for c in frame.columns if c in combined.columns] + [c for c in EXTRA if c not in frame.columns]
    return combined[columns]


def default_units(year: int) -> str:
    """The units choice a page starts with: the 34 units from the first 34-unit year, else the 63 provinces."""
    return "vn34" if year >= 2025 else "vn63"
