"""Pure computations behind the Trends, Rankings, Compare and Map pages.

Every function takes the current-scores table (``queries.current_scores``) and the catalogue
and returns a small DataFrame ready for a chart or a table. No Streamlit, no SQL.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from provindex.catalog import Catalog, unit_set_for_year

TOP_N = 10


def component_frame(scores: pd.DataFrame, component: str) -> pd.DataFrame:
    return scores[scores["component"] == component]


def years_of(scores: pd.DataFrame, component: str) -> list[int]:
    return sorted(int(y) for y in component_frame(scores, component)["year"].unique())


def with_ranks(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds ``rank_used`` (published rank, else computed among units present) and ``n`` per year/set."""
    frame = frame.copy()
    grouped = frame.groupby(["year", "unit_set"])["value"]
    computed = grouped.rank(ascending=False, method="min")
    frame["rank_used"] = frame["rank"].astype("Float64").fillna(computed).astype(int)
    frame["n"] = grouped.transform("size")
    return frame


# -- Trends --------------------------------------------------------------------------------
def unit_series(scores: pd.DataFrame, component: str, codes: list[str]) -> pd.DataFrame:
    """Yearly values of some units (both unit sets: a code names the unit in each year's set)."""
    frame = with_ranks(component_frame(scores, component))
    return frame[frame["unit_code"].isin(codes)][["year", "unit_set", "unit_code", "value", "rank_used", "n"]]


def national_band(scores: pd.DataFrame, component: str) -> pd.DataFrame:
    """Median and inter-quartile range across units, per year."""
    frame = component_frame(scores, component)
    stats = frame.groupby(["year", "unit_set"])["value"].agg(
        median="median", q1=lambda v: v.quantile(0.25), q3=lambda v: v.quantile(0.75), n="size").reset_index()
    return stats.sort_values("year")


def regional_mean(scores: pd.DataFrame, catalog: Catalog, component: str, region: str) -> pd.DataFrame:
    """Mean of the region's units per year (each year's own unit set)."""
    frame = component_frame(scores, component)
    regions = catalog.units[["unit_set", "code", "region"]].rename(columns={"code": "unit_code"})
    frame = frame.merge(regions, on=["unit_set", "unit_code"])
    frame = frame[frame["region"] == region]
    return frame.groupby("year")["value"].agg(mean="mean", n="size").reset_index()


def breaks_in(catalog: Catalog, index: str, component: str, years: list[int]) -> pd.DataFrame:
    """Series breaks inside the plotted years (methodology, weights, coverage, units)."""
    if not years:
        return catalog.breaks.iloc[0:0]
    frame = catalog.breaks_for(index, component)
    return frame[(frame["year"] > min(years)) & (frame["year"] <= max(years))]


# -- Rankings --------------------------------------------------------------------------------
def league_table(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, lang: str = "vi",
                 spark_years: int = 8) -> pd.DataFrame:
    """One row per unit: rank, value, change in rank and value since the previous edition, quartile, sparkline."""
    unit_set = unit_set_for_year(year)
    frame = with_ranks(component_frame(scores, component))
    now = frame[(frame["year"] == year) & (frame["unit_set"] == unit_set)]
    if now.empty:
        return pd.DataFrame()
    table = now[["unit_code", "value", "rank_used", "n"]].rename(columns={"rank_used": "rank"})
    previous = [y for y in sorted(frame.loc[frame["unit_set"] == unit_set, "year"].unique()) if y < year]
    if previous:
        before = frame[(frame["year"] == previous[-1]) & (frame["unit_set"] == unit_set)]
        before = before.set_index("unit_code")
        table["prev_rank"] = table["unit_code"].map(before["rank_used"])
        table["rank_change"] = table["prev_rank"] - table["rank"]
        table["value_change"] = table["value"] - table["unit_code"].map(before["value"])
    else:
        table["prev_rank"] = table["rank_change"] = table["value_change"] = np.nan
    table["quartile"] = [quartile(r, n) for r, n in zip(table["rank"], table["n"])]
    history = frame[(frame["unit_set"] == unit_set) & (frame["year"] <= year) & (frame["year"] > year - spark_years)]
    spark = history.sort_values("year").groupby("unit_code")["value"].apply(list)
    table["trend"] = table["unit_code"].map(spark)
    table["unit"] = [catalog.unit_name(unit_set, c, lang) for c in table["unit_code"]]
    return table.sort_values(["rank", "unit"]).reset_index(drop=True)


def quartile(rank: int, n: int) -> int:
    return min(4, max(1, math.ceil(4 * rank / max(n, 1))))


def movers(table: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Largest climbs and falls in rank (ties broken by value change)."""
    moved = table.dropna(subset=["rank_change"])
    up = moved[moved["rank_change"] > 0].sort_values(["rank_change", "value_change"], ascending=False).head(n)
    down = moved[moved["rank_change"] < 0].sort_values(["rank_change", "value_change"]).head(n)
    return up, down


def bump_ranks(scores: pd.DataFrame, component: str, codes: list[str], unit_set: str) -> pd.DataFrame:
    """Ranks per year of chosen units within one unit set (ranks are not comparable across sets)."""
    frame = with_ranks(component_frame(scores, component))
    frame = frame[(frame["unit_set"] == unit_set) & frame["unit_code"].isin(codes)]
    return frame[["year", "unit_code", "rank_used", "n", "value"]].sort_values(["unit_code", "year"])


# -- Compare -----------------------------------------------------------------------------------
PEER_GROUPS = ("region", "cities", "all", "custom")


def peer_codes(catalog: Catalog, unit_set: str, focal: str, group: str, custom: list[str] | None = None) -> list[str]:
    """Units in the focal unit's peer group (the focal unit included)."""
    units = catalog.units_of(unit_set)
    if group == "region":
        region = catalog.unit(unit_set, focal)["region"]
        codes = units.loc[units["region"] == region, "code"].tolist()
    elif group == "cities":
        codes = units.loc[units["unit_type"] == "city", "code"].tolist()
    elif group == "custom":
        codes = [c for c in (custom or []) if catalog.has_unit(unit_set, c)]
    else:
        codes = units["code"].tolist()
    return sorted(set(codes) | {focal})


def profile(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str,
            peers: list[str]) -> pd.DataFrame:
    """Per sub-index: the focal value, peer median and best, national percentile, room to the peer best.

    ``room_composite`` converts the gap into composite points where the weights are known
    (PCI: 10 x weight x gap), so leaders see where a gain moves the headline score most.
    """
    unit_set = unit_set_for_year(year)
    parts = catalog.components_of(index, year=year, level=1)["code"].tolist()
    frame = scores[(scores["year"] == year) & (scores["unit_set"] == unit_set) & scores["component"].isin(parts)]
    if frame.empty or focal not in set(frame["unit_code"]):
        return pd.DataFrame()
    composite = catalog.composite(index)
    weights = catalog.weights_for(composite, year)
    factor = catalog.component(composite)["scale_max"] / 10 if weights and abs(sum(weights.values()) - 1) < 1e-9 \
        else 1.0
    rows = []
    for code in parts:
        values = frame[frame["component"] == code].set_index("unit_code")["value"]
        if focal not in values.index or len(values) < 2:
            continue
        percentiles = 100 * (values.rank(method="min") - 1) / (len(values) - 1)
        peer_values = values[values.index.isin(peers)]
        best_code = peer_values.idxmax()
        mine = float(values[focal])
        gap = float(peer_values.max()) - mine
        rows.append({
            "component": code, "value": mine, "peer_median": float(peer_values.median()),
            "peer_best": float(peer_values.max()), "peer_best_unit": best_code, "gap_to_best": gap,
            "percentile": float(percentiles[focal]),
            "peer_median_percentile": float(percentiles[percentiles.index.isin(peers)].median()),
            "rank": int((values > mine).sum() + 1), "n": len(values),
            "weight": weights.get(code), "room_composite": gap * weights[code] * factor if code in weights else None,
        })
    return pd.DataFrame(rows)


def heatmap_matrix(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, codes: list[str]) -> pd.DataFrame:
    """Units x sub-indices of national percentiles (0–100), so columns on different scales compare."""
    unit_set = unit_set_for_year(year)
    parts = catalog.components_of(index, year=year, level=1)["code"].tolist()
    frame = scores[(scores["year"] == year) & (scores["unit_set"] == unit_set) & scores["component"].isin(parts)]
    if frame.empty:
        return pd.DataFrame()
    frame = frame.copy()
    grouped = frame.groupby("component")["value"]
    frame["percentile"] = 100 * (grouped.rank(method="min") - 1) / (grouped.transform("size") - 1).clip(lower=1)
    wide = frame[frame["unit_code"].isin(codes)].pivot(index="unit_code", columns="component", values="percentile")
    return wide[[c for c in parts if c in wide.columns]]


def target_gap(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str) -> dict | None:
    """Composite points the focal unit needs for the next rank and for the top 10 (None if not ranked)."""
    unit_set = unit_set_for_year(year)
    composite = catalog.composite(index)
    frame = with_ranks(scores[(scores["component"] == composite) & (scores["year"] == year) &
                              (scores["unit_set"] == unit_set)])
    mine = frame[frame["unit_code"] == focal]
    if mine.empty:
        return None
    value, rank = float(mine["value"].iloc[0]), int(mine["rank_used"].iloc[0])
    ordered = frame.sort_values("value", ascending=False)["value"].tolist()
    above = [v for v in ordered if v > value]
    return {
        "value": value, "rank": rank, "n": len(frame),
        "to_next_rank": (min(above) - value) if above else 0.0,
        "to_top10": max(0.0, ordered[TOP_N - 1] - value) if len(ordered) >= TOP_N and rank > TOP_N else 0.0,
        "in_top10": rank <= TOP_N,
    }


# -- Map ---------------------------------------------------------------------------------------
def tile_values(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, lang: str = "vi") -> pd.DataFrame:
    """The tile grid of the year's unit set with each unit's value, rank and quartile (NaN = not published)."""
    unit_set = unit_set_for_year(year)
    grid = catalog.tiles[catalog.tiles["unit_set"] == unit_set].copy()
    frame = with_ranks(scores[(scores["component"] == component) & (scores["year"] == year) &
                              (scores["unit_set"] == unit_set)]).set_index("unit_code")
    grid["value"] = grid["code"].map(frame["value"])
    grid["rank"] = grid["code"].map(frame["rank_used"])
    grid["n"] = len(frame)
    grid["quartile"] = [quartile(int(r), len(frame)) if not pd.isna(r) else np.nan for r in grid["rank"]]
    grid["unit"] = [catalog.unit_name(unit_set, c, lang) for c in grid["code"]]
    return grid
