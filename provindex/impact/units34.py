"""The Impact page on the 34 post-merger units (issue 11 item 4): harmonised panel, register and dose.

On ``vn34`` every edition is on the 34 units: the population-weighted back-cast (``harmonize.harmonized``)
up to 2024, the official scores from 2025. A former province's action attaches to its new unit
(``exposure.on_vn34``), and the unit's *dose* at an edition is the share of it whose former province had
acted by then: the sum of the acting members' weights (a 2025+ action of the new unit has weight 1), at
most 1. A unit is treated from the first edition its dose is above 0 (cohort ``g``); a dose between 0 and 1
is *partial*. Which rung takes the dose and which reads "dose > 0" as treated is decided in the rungs
(docs/IMPACT.md "Impact on 34 units").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from provindex import harmonize
from provindex.catalog import Catalog
from provindex.impact import exposure

#: The estimation unit sets: the 63 former provinces up to 2024 (the default, §3.10) or the 34 units with the dose.
UNIT_SETS = ("vn63", "vn34")
WEIGHTS = "pop"  # the back-cast and the member doses use the GSO 2020 population shares


def panel_inputs(scores: pd.DataFrame, actions: pd.DataFrame, catalog: Catalog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores on the 34 units across every edition and the register attached to them (with ``member_weight``)."""
    return harmonize.harmonized(scores, catalog, WEIGHTS), attached(actions, catalog)


def attached(actions: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The register on the 34 units (``exposure.on_vn34`` with the population weights)."""
    return exposure.on_vn34(actions, harmonize.member_weights(catalog, WEIGHTS))


def new_unit(unit: str | None, catalog: Catalog) -> str | None:
    """The 34-unit code of a former province (a 34-unit code, or None, as it is)."""
    if unit is None:
        return None
    shares = harmonize.member_weights(catalog, WEIGHTS)
    found = shares.loc[shares["from_code"] == unit, "to_code"]
    return str(found.iloc[0]) if len(found) else unit


def dose_matrix(actions: pd.DataFrame, action_type: str, index: str, years: list[int], units: list[str], *,
                lead_days: int = exposure.DEFAULT_LEAD_DAYS, table: pd.DataFrame | None = None) -> np.ndarray:
    """Units × editions share of each unit whose former province had acted (absorbing actions; 0 before).

    ``actions`` are the register rows of :func:`panel_inputs`; a member that acted twice counts once, from
    its first exposure edition (``exposure.first_exposure`` rules).
    """
    frame = actions[(actions["action_type"] == action_type)
                    & (actions["persistence"].fillna("absorbing") == "absorbing")]
    out = np.zeros((len(units), len(years)))
    if frame.empty:
        return out
    frame = exposure.action_editions(frame, index, lead_days=lead_days, table=table)
    member = frame["member_code"].fillna("unit:" + frame["unit_code"])  # an action of the new unit: the whole unit
    first = frame.assign(member=member).groupby(["unit_code", "member"]).agg(
        g=("g", "min"), weight=("member_weight", "first")).reset_index()
    row = {u: i for i, u in enumerate(units)}
    times = np.asarray(years)
    for item in first.itertuples():
        if item.unit_code in row:
            out[row[item.unit_code]] += item.weight * (times >= item.g)
    return np.minimum(out, 1.0)


def partial_units(dose: np.ndarray | None) -> int:
    """Units whose dose is strictly between 0 and 1 in some edition (0 on the 63 provinces)."""
    if dose is None:
        return 0
    return int(((dose > 1e-9) & (dose < 1 - 1e-9)).any(axis=1).sum())
