"""From the reform-action register to regressors (IMPACT-METHOD §1.3): cohorts, event time, doses, flags.

Pure pandas, no database and no Streamlit: the register rows (``action_current``) and the index
editions (``data/reference/index_editions.csv``) go in, per-unit cohorts and a unit × edition
exposure panel come out. The same rules serve the dashboard, the CLI and the tests.

Rules (§1.3):
1. An action counts for edition *t* if its operational date is at least ``lead_days`` (default 90)
   before the edition's fieldwork start; otherwise from the next edition. Dates known only to the
   year (``date_precision`` year/approximate) or missing count from the edition after the action year.
2. Cohort ``g`` = first exposure edition of an absorbing action of the type in the unit; 0 = never
   within the window (also for units that act only after the window's last edition).
3. ``D = 1[t ≥ g]``; temporary actions are ``1[g ≤ t ≤ end]`` and never enter rung D.
4. ``rel = t − g``, ``rel_binned = clip(rel, −5, +5)``; ``years_since = max(0, t − g + 1)``.
6. Doses: ``dose_flow`` (intensity in the edition's window), ``dose_cum`` (running sum), ``dose_level``
   (last stock reported), all from the register's ``dose``/``intensity_kind``.
7. Lags ``a0, a1, a2`` = 1[rel = 0, 1, 2] for the distributed-lag model.
9. Flags: ``contaminated`` (another action type whose pre-registered primary target is the same
   component within ±1 edition of g), ``straddles_break`` (the ±5 event window crosses a methodology
   change of the component), ``always_treated`` (g ≤ the window's first edition; dropped before fitting).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from provindex import config, schema
from provindex.reference import read_reference_csv

DEFAULT_LEAD_DAYS = 90
BIN = 5
#: When an edition is missing from index_editions.csv, assume fieldwork starts on this month/day.
FALLBACK_FIELDWORK = (7, 1)
APPROXIMATE = {"year", "approximate", None, ""}


@lru_cache(maxsize=2)
def editions(reference_dir: str | None = None) -> pd.DataFrame:
    """index_editions.csv typed: one row per (index, edition_year)."""
    table = schema.TABLE_BY_NAME["index_edition"]
    frame = read_reference_csv(table, config.REFERENCE_DIR if reference_dir is None else reference_dir)
    frame["edition_year"] = frame["edition_year"].astype(int)
    for column in ("fieldwork_start", "fieldwork_end", "publication_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["n_units"] = pd.to_numeric(frame["n_units"])
    return frame


def _as_date(value) -> dt.date | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


@lru_cache(maxsize=16)
def _starts_of(index: str) -> dict[int, dt.date]:
    table = editions()
    return table[table["index"] == index].set_index("edition_year")["fieldwork_start"].to_dict()


def fieldwork_starts(index: str, years, table: pd.DataFrame | None = None) -> dict[int, dt.date]:
    """Fieldwork start of each edition year (index_editions.csv, or ``table``; 1 July when unknown)."""
    if table is None:
        rows = _starts_of(index)
    else:
        rows = table[table["index"] == index].set_index("edition_year")["fieldwork_start"].to_dict()
    return {int(y): rows.get(int(y)) or dt.date(int(y), *FALLBACK_FIELDWORK) for y in years}


def first_exposure(year, date, precision, starts: dict[int, dt.date], lead_days: int) -> int:
    """First edition an action can move (rule 1), given the index's fieldwork starts by edition."""
    day = _as_date(date)
    if day is None or precision in APPROXIMATE or (isinstance(precision, float) and np.isnan(precision)):
        return int(year) + 1
    lead = dt.timedelta(days=lead_days)
    for candidate in (day.year, day.year + 1, day.year + 2):
        start = starts.get(candidate) or dt.date(candidate, *FALLBACK_FIELDWORK)
        if day <= start - lead:
            return candidate
    return day.year + 2


def normalise_actions(actions: pd.DataFrame) -> pd.DataFrame:
    """Register rows with every optional column present (CLI files may carry only unit/year/type)."""
    frame = actions.copy()
    frame["unit_code"] = frame["unit_code"].astype(str).str.strip().str.zfill(2)
    frame["year"] = pd.to_numeric(frame["year"]).astype(int)
    defaults = {"action_id": None, "unit_set": "vn63", "date": None, "date_precision": None,
                "persistence": "absorbing", "end_date": None, "dose": np.nan, "intensity_kind": None,
                "target_components": None, "reason": None, "title_vi": None, "title_en": None}
    for column, default in defaults.items():
        if column not in frame.columns:
            frame[column] = default
    frame["persistence"] = frame["persistence"].fillna("absorbing")
    if frame["action_id"].isna().any():
        generated = frame["unit_code"] + "-" + frame["action_type"] + "-" + frame["year"].astype(str)
        frame["action_id"] = frame["action_id"].fillna(generated)
    return frame


def action_editions(actions: pd.DataFrame, index: str, *, lead_days: int = DEFAULT_LEAD_DAYS,
                    table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each action with its first exposure edition for ``index`` (column ``g``) and end edition."""
    frame = normalise_actions(actions)
    starts = fieldwork_starts(index, range(1990, 2041), table)
    frame["g"] = [first_exposure(y, d, p, starts, lead_days)
                  for y, d, p in zip(frame["year"], frame["date"], frame["date_precision"])]
    ends = []
    for end in frame["end_date"]:
        day = _as_date(end)
        ends.append(np.nan if day is None else float(day.year))
    frame["end_edition"] = ends
    return frame


def cohorts(actions: pd.DataFrame, action_type: str, index: str, years: list[int], units: list[str], *,
            lead_days: int = DEFAULT_LEAD_DAYS, table: pd.DataFrame | None = None,
            targets: pd.DataFrame | None = None, component: str | None = None,
            breaks: list[int] | None = None) -> pd.DataFrame:
    """One row per unit: cohort g (0 = never in the window), flags and the actions behind it."""
    first, last = min(years), max(years)
    frame = action_editions(actions[actions["action_type"] == action_type], index, lead_days=lead_days, table=table)
    absorbing = frame[frame["persistence"] == "absorbing"]
    temporary = frame[frame["persistence"] != "absorbing"]
    out = pd.DataFrame({"unit_code": units})
    g = absorbing.groupby("unit_code")["g"].min()
    ids = absorbing.sort_values(["g", "action_id"]).groupby("unit_code")["action_id"].first()
    out["g_raw"] = out["unit_code"].map(g).fillna(0).astype(int)
    out["action_id"] = out["unit_code"].map(ids)
    out["g"] = np.where(out["g_raw"] > last, 0, out["g_raw"])
    out["always_treated"] = (out["g"] > 0) & (out["g"] <= first)
    out["temporary_only"] = out["unit_code"].isin(set(temporary["unit_code"]) - set(absorbing["unit_code"]))
    out["n_pre"] = np.where(out["g"] > 0, [sum(1 for y in years if y < gg) for gg in out["g"]], 0)
    out["straddles_break"] = False
    if breaks:
        out["straddles_break"] = [bool(gg > 0 and any(gg - BIN < b <= gg + BIN for b in breaks)) for gg in out["g"]]
    out["contaminated"] = False
    if component is not None and targets is not None and not targets.empty:
        out["contaminated"] = _contamination(actions, action_type, component, out, index, lead_days, table, targets)
    return out


def _contamination(actions, action_type, component, cohort_frame, index, lead_days, table, targets) -> list[bool]:
    primary = targets[(targets["component"] == component) & (targets["role"] == "primary")]
    others = actions[(actions["action_id"].isin(primary["action_id"])) & (actions["action_type"] != action_type)]
    if others.empty:
        return [False] * len(cohort_frame)
    others = action_editions(others, index, lead_days=lead_days, table=table)
    by_unit = others.groupby("unit_code")["g"].apply(list).to_dict()
    return [bool(g > 0 and any(abs(o - g) <= 1 for o in by_unit.get(u, []))) for u, g in
            zip(cohort_frame["unit_code"], cohort_frame["g"])]


def panel(actions: pd.DataFrame, action_type: str, index: str, years: list[int], units: list[str], *,
          lead_days: int = DEFAULT_LEAD_DAYS, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``action_exposure`` view: unit × edition with D, rel, rel_binned, years_since, doses and lags."""
    frame = action_editions(actions[actions["action_type"] == action_type], index, lead_days=lead_days, table=table)
    grid = pd.MultiIndex.from_product([units, sorted(years)], names=["unit_code", "year"]).to_frame(index=False)
    absorbing = frame[frame["persistence"] == "absorbing"].groupby("unit_code")["g"].min()
    grid["g"] = grid["unit_code"].map(absorbing).fillna(0).astype(int)
    grid.loc[grid["g"] > max(years), "g"] = 0
    treated = grid["g"] > 0
    grid["D"] = (treated & (grid["year"] >= grid["g"])).astype(int)
    for row in frame[frame["persistence"] == "temporary"].itertuples():
        end = row.end_edition if not np.isnan(row.end_edition) else np.inf
        mask = (grid["unit_code"] == row.unit_code) & (grid["year"] >= row.g) & (grid["year"] <= end)
        grid.loc[mask, "D_temporary"] = 1
    grid["D_temporary"] = grid.get("D_temporary", pd.Series(0, index=grid.index)).fillna(0).astype(int)
    grid["rel"] = np.where(treated, grid["year"] - grid["g"], np.nan)
    grid["rel_binned"] = np.clip(grid["rel"], -BIN, BIN)
    grid["years_since"] = np.where(treated, np.maximum(0, grid["year"] - grid["g"] + 1), 0)
    for k in range(3):
        grid[f"a{k}"] = (grid["rel"] == k).astype(int)
    flows = frame.groupby(["unit_code", "g"])["dose"].sum(min_count=1)
    grid["dose_flow"] = [flows.get((u, y), 0.0) for u, y in zip(grid["unit_code"], grid["year"])]
    grid["dose_flow"] = grid["dose_flow"].fillna(0.0)
    grid["dose_cum"] = grid.groupby("unit_code")["dose_flow"].cumsum()
    stocks = frame[frame["intensity_kind"] == "stock_at_year_end"].sort_values("g")
    grid["dose_level"] = 0.0
    for row in stocks.itertuples():
        if not np.isnan(row.dose):
            grid.loc[(grid["unit_code"] == row.unit_code) & (grid["year"] >= row.g), "dose_level"] = row.dose
    return grid


def on_vn34(actions: pd.DataFrame, member_weights: pd.DataFrame) -> pd.DataFrame:
    """Register rows attached to the 34 units (issue 11): what the Impact page needs to run on the new units.

    An action registered on a former province attaches to the unit it became part of, with the member's weight
    (``harmonize.member_weights``: its share of the new unit) as dose, times the register's own dose where one
    is given; ``member_code`` keeps the province that acted. An action of a 34-unit (after July 2025) attaches
    as it is, with weight 1. A province outside the crosswalk (Hà Tây, merged in 2008) is left out.
    """
    frame = normalise_actions(actions)
    shares = member_weights.set_index("from_code")
    old = (frame["unit_set"] == "vn63").to_numpy()
    weight = np.where(old, frame["unit_code"].map(shares["weight"]), 1.0).astype(float)
    frame["member_code"] = frame["unit_code"].where(old)
    frame["member_weight"] = weight
    frame["unit_code"] = np.where(old, frame["unit_code"].map(shares["to_code"]), frame["unit_code"])
    frame["unit_set"] = "vn34"
    frame["dose"] = np.where(frame["dose"].notna(), frame["dose"].astype(float) * weight, weight)
    return frame[frame["unit_code"].notna() & ~np.isnan(weight)].reset_index(drop=True)
