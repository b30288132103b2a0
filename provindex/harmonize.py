"""Express vn63 (pre-July-2025) scores on the 34 post-merger units.

A merged unit's back-cast value is the population-weighted mean of its former provinces
(GSO 2020 shares from the crosswalk). It is an estimate ("ước tính quy đổi"), never a
published score, and it needs every former province: a partial mean (e.g. PCI's top-30
years) would silently describe only part of the territory.
"""

from __future__ import annotations

import pandas as pd

from provindex.catalog import Catalog

KEY = ["index", "year", "component"]


def to_vn34(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """vn63 rows -> vn34 rows (weighted means, unranked); vn34 rows pass through with their published ranks."""
    native = frame[frame["unit_set"] == "vn34"].copy()
    old = frame[frame["unit_set"] == "vn63"]
    if old.empty:
        return native.assign(rank=pd.NA)
    cross = catalog.crosswalk[(catalog.crosswalk["from_set"] == "vn63") & (catalog.crosswalk["to_set"] == "vn34")]
    merged = old.merge(cross[["from_code", "to_code", "weight"]], left_on="unit_code", right_on="from_code")
    members = cross.groupby("to_code").size().rename("n_members")
    merged["weighted"] = merged["value"] * merged["weight"]
    grouped = merged.groupby(KEY + ["to_code"]).agg(weighted=("weighted", "sum"), weight=("weight", "sum"),
                                                    n=("unit_code", "nunique")).reset_index()
    grouped = grouped.join(members, on="to_code")
    grouped = grouped[grouped["n"] == grouped["n_members"]]
    grouped["value"] = grouped["weighted"] / grouped["weight"]
    result = grouped.rename(columns={"to_code": "unit_code"})[KEY + ["unit_code", "value"]]
    result.insert(2, "unit_set", "vn34")
    result["rank"] = pd.NA
    combined = pd.concat([result, native[result.columns]], ignore_index=True)
    return combined.sort_values(KEY + ["unit_code"]).reset_index(drop=True)
