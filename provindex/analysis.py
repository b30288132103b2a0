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
#: Share of the unit set that must have a value for a statistic "across provinces" to be national. Below it
#: (PCI's top-30 editions: 30/63) medians and bands describe the published units only and say so.
FULL_COVERAGE = 0.9


def partial_coverage(n: int, total: int) -> bool:
    """True when ``n`` values out of a unit set of ``total`` are too few for a national statistic."""
    return total > 0 and n < FULL_COVERAGE * total


def unit_set_in(scores: pd.DataFrame, year: int) -> str:
    """The unit set ``scores`` shows ``year`` on.

    A frame made for one units choice (``harmonize.on_units``: the 34 units with their back-cast, or the 63
    provinces only; it carries a ``backcast`` column) answers with its one set in every year; the raw table
    with the year's own set.
    """
    if "backcast" in scores.columns and len(scores):
        sets = scores["unit_set"].unique()
        if len(sets) == 1:
            return str(sets[0])
    return unit_set_for_year(year)


def component_frame(scores: pd.DataFrame, component: str) -> pd.DataFrame:
    """The rows of one component (every year and unit set)."""
    return scores[scores["component"] == component]


# -- Direction -------------------------------------------------------------------------------
def higher_is_better(catalog: Catalog, component: str) -> bool:
    """Whether a larger score is the better one (``components.csv``; undeclared counts as higher-is-better)."""
    value = catalog.component(component).get("higher_is_better")
    return True if value is None or pd.isna(value) else bool(value)


def oriented(frame: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """Scores turned so that larger is always better (lower-is-better components negated), for ordering only."""
    lower = [c for c in frame["component"].unique() if not higher_is_better(catalog, c)]
    return frame["value"] * np.where(frame["component"].isin(lower), -1.0, 1.0)


def with_ranks(frame: pd.DataFrame, higher_better: bool = True) -> pd.DataFrame:
    """Adds ``rank_used`` (published rank, else computed among units present) and ``n`` per year/set.

    ``frame`` holds one component; ``higher_better`` is its direction (rank 1 = best score).
    """
    frame = frame.copy()
    grouped = frame.groupby(["year", "unit_set"])["value"]
    computed = grouped.rank(ascending=not higher_better, method="min")
    frame["rank_used"] = frame["rank"].astype("Float64").fillna(computed).astype(int)
    frame["n"] = grouped.transform("size")
    return frame


# -- Trends --------------------------------------------------------------------------------
def ranked_component(scores: pd.DataFrame, catalog: Catalog, component: str) -> pd.DataFrame:
    """One component's rows with ranks in the component's own direction (see :func:`with_ranks`)."""
    return with_ranks(component_frame(scores, component), higher_is_better(catalog, component))


def unit_series(scores: pd.DataFrame, catalog: Catalog, component: str, codes: list[str]) -> pd.DataFrame:
    """Yearly values of some units (both unit sets: a code names the unit in each year's set)."""
    frame = ranked_component(scores, catalog, component)
    columns = ["year", "unit_set", "unit_code", "value", "rank_used", "n"] + _merger_columns(frame)
    return frame[frame["unit_code"].isin(codes)][columns]


def _merger_columns(frame: pd.DataFrame) -> list[str]:
    """The back-cast columns a harmonised frame carries (``harmonize.EXTRA``), kept through the page's tables."""
    return [c for c in ("backcast", "lo", "hi", "n_members", "n_present") if c in frame.columns]


def national_band(scores: pd.DataFrame, component: str, catalog: Catalog | None = None) -> pd.DataFrame:
    """Median and inter-quartile range across units, per year, with the year's coverage.

    ``total`` is the size of the year's unit set and ``partial`` says the values cover too few of them
    (:func:`partial_coverage`): the median is then the median of the published units only, and the
    quartiles (``q1``/``q3``) are left empty because they would not be national quartiles.
    """
    frame = component_frame(scores, component)
    stats = frame.groupby(["year", "unit_set"])["value"].agg(
        median="median", q1=lambda v: v.quantile(0.25), q3=lambda v: v.quantile(0.75), n="size").reset_index()
    if catalog is not None:
        stats["total"] = [len(catalog.units_of(s)) for s in stats["unit_set"]]
    else:
        stats["total"] = stats["n"]
    stats["partial"] = [partial_coverage(n, total) for n, total in zip(stats["n"], stats["total"])]
    stats.loc[stats["partial"], ["q1", "q3"]] = np.nan
    return stats.sort_values("year").reset_index(drop=True)


def segments(years: list[int], cuts: list[int]) -> list[list[int]]:
    """``years`` split into runs that no cut year separates (a cut at Y starts a new run at Y)."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if not runs or any(runs[-1][-1] < cut <= year for cut in cuts):
            runs.append([])
        runs[-1].append(year)
    return runs


def line_breaks(catalog: Catalog, index: str, component: str) -> list[int]:
    """Years from which a component's values are on another scale or method than before (lines break there)."""
    frame = catalog.breaks_for(index, component)
    return sorted(int(y) for y in frame.loc[frame["kind"].isin(["methodology", "weights"]), "year"])


def common_parts(catalog: Catalog, index: str, years: list[int]) -> list[str]:
    """Sub-indices published in every one of ``years`` (PAPI's six dimensions of 2011–2024)."""
    sets = [set(catalog.components_of(index, year=y, level=1)["code"]) for y in years]
    common = set.intersection(*sets) if sets else set()
    return [c for c in catalog.components_of(index, level=1)["code"] if c in common]


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
    unit_set = unit_set_in(scores, year)
    frame = ranked_component(scores, catalog, component)
    frame = frame[frame["unit_set"] == unit_set]
    now = frame[frame["year"] == year]
    if now.empty:
        return pd.DataFrame()
    table = now[["unit_code", "value", "rank_used", "n"]].rename(columns={"rank_used": "rank"})
    _add_changes(table, frame, year)
    table["quartile"] = [quartile(r, n) for r, n in zip(table["rank"], table["n"])]
    history = frame[(frame["year"] <= year) & (frame["year"] > year - spark_years)]
    spark = history.sort_values("year").groupby("unit_code")["value"].apply(list)
    table["trend"] = table["unit_code"].map(spark)
    table["unit"] = [catalog.unit_name(unit_set, c, lang) for c in table["unit_code"]]
    return table.sort_values(["rank", "unit"]).reset_index(drop=True)


def _add_changes(table: pd.DataFrame, frame: pd.DataFrame, year: int) -> None:
    """Rank and value change since the previous edition of the same unit set (NaN in a first edition)."""
    previous = [y for y in sorted(frame["year"].unique()) if y < year]
    if not previous:
        table["prev_rank"] = table["rank_change"] = table["value_change"] = np.nan
        return
    before = frame[frame["year"] == previous[-1]].set_index("unit_code")
    table["prev_rank"] = table["unit_code"].map(before["rank_used"])
    table["rank_change"] = table["prev_rank"] - table["rank"]
    table["value_change"] = table["value"] - table["unit_code"].map(before["value"])


def quartile(rank: int, n: int) -> int:
    """Quartile of a rank among ``n`` units: 1 holds the best quarter, 4 the worst."""
    return min(4, max(1, math.ceil(4 * rank / max(n, 1))))


def movers(table: pd.DataFrame, n: int = 5, *, higher_better: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Largest climbs and falls in rank; ties broken by the size of the improvement (or decline) in value."""
    moved = table.dropna(subset=["rank_change"])
    moved = moved.assign(_gain=moved["value_change"] * (1 if higher_better else -1))
    up = moved[moved["rank_change"] > 0].sort_values(["rank_change", "_gain"], ascending=False).head(n)
    down = moved[moved["rank_change"] < 0].sort_values(["rank_change", "_gain"]).head(n)
    return up.drop(columns="_gain"), down.drop(columns="_gain")


def bump_ranks(scores: pd.DataFrame, catalog: Catalog, component: str, codes: list[str],
               unit_set: str) -> pd.DataFrame:
    """Ranks per year of chosen units within one unit set (ranks are not comparable across sets)."""
    frame = ranked_component(scores, catalog, component)
    frame = frame[(frame["unit_set"] == unit_set) & frame["unit_code"].isin(codes)]
    columns = ["year", "unit_code", "rank_used", "n", "value"] + _merger_columns(frame)
    return frame[columns].sort_values(["unit_code", "year"])


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


def _edition_parts(scores: pd.DataFrame, catalog: Catalog, index: str, year: int) -> tuple[list[str], pd.DataFrame]:
    """The index's sub-indices published in ``year`` and their rows on that year's unit set."""
    unit_set = unit_set_in(scores, year)
    parts = catalog.components_of(index, year=year, level=1)["code"].tolist()
    frame = scores[(scores["year"] == year) & (scores["unit_set"] == unit_set) & scores["component"].isin(parts)]
    return parts, frame


def profile(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str,
            peers: list[str]) -> pd.DataFrame:
    """Per sub-index: the focal value, peer median and best, national percentile, room to the peer best.

    Best, rank, percentile and gap follow each sub-index's direction (the gap is always the
    improvement needed, >= 0). ``room_composite`` converts the gap into composite points where the
    weights are known (PCI: 10 x weight x gap), so leaders see where a gain moves the headline most.
    """
    parts, frame = _edition_parts(scores, catalog, index, year)
    if frame.empty or focal not in set(frame["unit_code"]):
        return pd.DataFrame()
    composite = catalog.composite(index)
    weights = catalog.weights_for(composite, year)
    factor = catalog.component(composite)["scale_max"] / 10 if weights and abs(sum(weights.values()) - 1) < 1e-9 \
        else 1.0
    rows = []
    for code in parts:
        part = frame[frame["component"] == code].set_index("unit_code")
        if focal not in part.index or len(part) < 2:
            continue
        row = _standing(part["value"], oriented(part, catalog), focal, peers)
        room = row["gap_to_best"] * weights[code] * factor if code in weights else None
        rows.append({"component": code, **row, "weight": weights.get(code), "room_composite": room})
    return pd.DataFrame(rows)


def _standing(values: pd.Series, good: pd.Series, focal: str, peers: list[str]) -> dict:
    """The focal unit among all units and its peers; ``good`` is ``values`` turned so larger is better."""
    percentiles = 100 * (good.rank(method="min") - 1) / (len(good) - 1)
    is_peer = good.index.isin(peers)
    best_code = good[is_peer].idxmax()
    mine = float(good[focal])
    return {
        "value": float(values[focal]), "peer_median": float(values[is_peer].median()),
        "peer_best": float(values[best_code]), "peer_best_unit": best_code,
        "gap_to_best": float(good[best_code]) - mine, "percentile": float(percentiles[focal]),
        "peer_median_percentile": float(percentiles[is_peer].median()),
        "rank": int((good > mine).sum() + 1), "n": len(good),
    }


def heatmap_matrix(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, codes: list[str]) -> pd.DataFrame:
    """Units x sub-indices of national percentiles (0–100, 100 = best), so columns on different scales compare."""
    parts, frame = _edition_parts(scores, catalog, index, year)
    if frame.empty:
        return pd.DataFrame()
    frame = frame.assign(good=oriented(frame, catalog))
    grouped = frame.groupby("component")["good"]
    frame["percentile"] = 100 * (grouped.rank(method="min") - 1) / (grouped.transform("size") - 1).clip(lower=1)
    wide = frame[frame["unit_code"].isin(codes)].pivot(index="unit_code", columns="component", values="percentile")
    return wide[[c for c in parts if c in wide.columns]]


def value_matrix(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, codes: list[str]) -> pd.DataFrame:
    """Units x sub-indices of the published scores themselves (what the peers actually scored)."""
    parts, frame = _edition_parts(scores, catalog, index, year)
    wide = frame[frame["unit_code"].isin(codes)].pivot(index="unit_code", columns="component", values="value")
    return wide[[c for c in parts if c in wide.columns]]


def target_gap(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str) -> dict | None:
    """Composite points the focal unit needs for the next rank and for the top 10 (None if not ranked)."""
    unit_set = unit_set_in(scores, year)
    composite = catalog.composite(index)
    frame = ranked_component(scores, catalog, composite)
    frame = frame[(frame["year"] == year) & (frame["unit_set"] == unit_set)]
    mine = frame[frame["unit_code"] == focal]
    if mine.empty:
        return None
    rank = int(mine["rank_used"].iloc[0])
    sign = 1.0 if higher_is_better(catalog, composite) else -1.0
    good = sign * float(mine["value"].iloc[0])
    ordered = sorted((sign * frame["value"]).tolist(), reverse=True)
    above = [v for v in ordered if v > good]
    return {
        "value": float(mine["value"].iloc[0]), "rank": rank, "n": len(frame),
        "to_next_rank": (min(above) - good) if above else 0.0,
        "to_top10": max(0.0, ordered[TOP_N - 1] - good) if len(ordered) >= TOP_N and rank > TOP_N else 0.0,
        "in_top10": rank <= TOP_N,
    }


# -- Map ---------------------------------------------------------------------------------------
def tile_values(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, lang: str = "vi") -> pd.DataFrame:
    """The tile grid of the year's unit set with each unit's value, rank and quartile (NaN = not published)."""
    unit_set = unit_set_in(scores, year)
    grid = catalog.tiles[catalog.tiles["unit_set"] == unit_set].copy()
    frame = ranked_component(scores, catalog, component)
    frame = frame[(frame["year"] == year) & (frame["unit_set"] == unit_set)].set_index("unit_code")
    grid["value"] = grid["code"].map(frame["value"])
    grid["rank"] = grid["code"].map(frame["rank_used"])
    grid["n"] = len(frame)
    grid["quartile"] = [quartile(int(r), len(frame)) if not pd.isna(r) else np.nan for r in grid["rank"]]
    grid["unit"] = [catalog.unit_name(unit_set, c, lang) for c in grid["code"]]
    return grid
