"""The target planner ("what would it take"): the smallest sub-index gains that reach a rank or a score.

The composite is linear in its sub-indices: PCI's is ``scale/10 x sum(weight x sub-index)`` with the
edition's published weights (``weights.csv`` by period), PAPI's the plain sum of its dimensions. Raising
sub-index *i* by ``d_i`` points raises the composite by ``coef_i x d_i``. The least total improvement
``sum(d_i)`` that lifts the composite by ``need`` under ``0 <= d_i <= room_i`` (room = the best score any
unit reached in that sub-index that edition, minus the unit's own) is a linear programme with one
constraint, solved exactly by filling the sub-indices with the largest ``coef`` first (fractional knapsack).

Other units are held at their published scores; :func:`under_movement` shows the same plan when they
keep moving the way the units just above moved since the previous edition. Pure: no Streamlit, no SQL.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import pandas as pd

from provindex.analysis import TOP_N, higher_is_better
from provindex.catalog import Catalog, unit_set_for_year

TARGET_KINDS = ("top10", "rank", "score")
JUST_ABOVE = 5  # units whose typical movement stands for "the others move too"


@dataclass(frozen=True)
class Setup:
    """One unit's starting point in one edition: sub-index values, bounds, composite coefficients, rivals."""

    index: str
    year: int
    unit_set: str
    unit_code: str
    composite_code: str
    composite: float
    parts: list[str]
    values: dict[str, float]
    best: dict[str, float]
    coef: dict[str, float]
    others: pd.Series  # composite of every other unit, by code
    weights_year: int | None = None  # edition whose weights were used when this one's are not in the catalogue
    movement: float | None = None  # median composite change of the units just above since the previous edition

    @property
    def rank(self) -> int:
        """The unit's rank now (1 + units with a strictly higher composite)."""
        return rank_of(self.composite, self.others)

    @property
    def room(self) -> dict[str, float]:
        """Points each sub-index can still gain before reaching the best score of the edition."""
        return {p: max(0.0, self.best[p] - self.values[p]) for p in self.parts}


@dataclass(frozen=True)
class Plan:
    """The answer: gains per sub-index, the composite and rank they give, and whether the target is reached."""

    target_score: float
    target_rank: int | None
    gains: dict[str, float]
    composite: float
    rank: int
    feasible: bool
    order: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Sum of the sub-index gains (the quantity the plan minimises)."""
        return float(sum(self.gains.values()))


class PlannerUnavailable(ValueError):
    """The index or edition cannot be planned (``key`` names the reason's message in the locale files)."""

    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def rank_of(score: float, others: pd.Series) -> int:
    """Rank of ``score`` among ``others`` (ties share the better rank, as published ranks do)."""
    return int((others > score + 1e-9).sum()) + 1


def coefficients(catalog: Catalog, index: str, year: int, parts: list[str]) -> tuple[dict[str, float], int | None]:
    """Composite points per sub-index point in ``year``, and the edition whose weights were borrowed (or None).

    Weights summing to one (PCI) are shares of a composite on ``scale_max/10`` times the sub-index scale;
    weights of 1 (PAPI) are a plain sum. An edition without published weights in the catalogue uses the
    latest earlier edition that has them, and says so.
    """
    composite = catalog.composite(index)
    borrowed = None
    weights = catalog.weights_for(composite, year)
    if not weights:
        earlier = catalog.weights[(catalog.weights["parent"] == composite) & catalog.weights["weight"].notna()]
        known = [int(y) for y in earlier["last_year"].dropna() if int(y) < year]
        if not known:
            raise PlannerUnavailable("planner.no_weights")
        borrowed = max(known)
        weights = catalog.weights_for(composite, borrowed)
    factor = catalog.component(composite)["scale_max"] / 10 if abs(sum(weights.values()) - 1) < 1e-9 else 1.0
    coef = {p: float(weights[p]) * factor for p in parts if p in weights}
    if not coef:
        raise PlannerUnavailable("planner.no_weights")
    return coef, borrowed


def setup(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, unit_code: str) -> Setup:
    """The planner's inputs for one unit and edition, read from the current scores."""
    unit_set = unit_set_for_year(year)
    composite = catalog.composite(index)
    parts = catalog.components_of(index, year=year, level=1)["code"].tolist()
    if not all(higher_is_better(catalog, c) for c in [composite, *parts]):
        raise PlannerUnavailable("planner.direction")
    edition = scores[(scores["index"] == index) & (scores["year"] == year) & (scores["unit_set"] == unit_set)]
    table = edition.pivot_table(index="unit_code", columns="component", values="value", aggfunc="first")
    if composite not in table.columns or unit_code not in table.index or pd.isna(table.at[unit_code, composite]):
        raise PlannerUnavailable("planner.no_score")
    coef, borrowed = coefficients(catalog, index, year, parts)
    mine = table.loc[unit_code]
    parts = [p for p in parts if p in coef and p in table.columns and not pd.isna(mine[p])]
    others = table[composite].drop(index=unit_code).dropna()
    return Setup(index, year, unit_set, unit_code, composite, float(mine[composite]), parts,
                 {p: float(mine[p]) for p in parts}, {p: float(table[p].max()) for p in parts},
                 {p: coef[p] for p in parts}, others, borrowed,
                 _movement(scores, index, composite, year, unit_set, unit_code, float(mine[composite]), others))


def _movement(scores: pd.DataFrame, index: str, composite: str, year: int, unit_set: str, unit_code: str,
              mine: float, others: pd.Series) -> float | None:
    """Median composite change since the previous edition of the units just above (None without one)."""
    frame = scores[(scores["index"] == index) & (scores["component"] == composite) & (scores["unit_set"] == unit_set)]
    earlier = sorted(y for y in frame["year"].unique() if y < year)
    if not earlier:
        return None
    before = frame[frame["year"] == earlier[-1]].set_index("unit_code")["value"]
    above = others[others > mine].sort_values().head(JUST_ABOVE)
    if above.empty:
        above = others.sort_values(ascending=False).head(JUST_ABOVE)
    changes = [float(above[c] - before[c]) for c in above.index if c in before.index]
    return statistics.median(changes) if changes else None


def target_score(base: Setup, kind: str, value: float | None = None) -> tuple[float, int | None]:
    """The composite a target asks for, and the rank it stands for (None for a score target).

    A rank *r* needs at least the *r*-th best composite among the other units (ties share a rank).
    """
    if kind == "score":
        return float(value), None
    rank = TOP_N if kind == "top10" else int(value)
    ordered = base.others.sort_values(ascending=False).tolist()
    rank = max(1, min(rank, len(ordered) + 1))
    if rank > len(ordered):
        return base.composite, rank
    return float(ordered[rank - 1]), rank


def plan(base: Setup, goal: float, goal_rank: int | None = None) -> Plan:
    """The least total sub-index improvement that lifts the composite to ``goal`` (see module docstring)."""
    need = goal - base.composite
    order = sorted(base.parts, key=lambda p: (-base.coef[p], -base.room[p], base.parts.index(p)))
    gains = {p: 0.0 for p in base.parts}
    for part in order:
        if need <= 1e-12:
            break
        step = min(base.room[part], need / base.coef[part])
        gains[part] = step
        need -= step * base.coef[part]
    score, rank = evaluate(base, gains)
    return Plan(goal, goal_rank, gains, score, rank, need <= 1e-9, [p for p in order if gains[p] > 0])


def evaluate(base: Setup, gains: dict[str, float]) -> tuple[float, int]:
    """Composite and rank after raising sub-indices by ``gains`` (others held at their scores)."""
    score = base.composite + sum(base.coef[p] * gains.get(p, 0.0) for p in base.parts)
    return score, rank_of(score, base.others)


def evaluate_values(base: Setup, values: dict[str, float]) -> tuple[float, int]:
    """Composite and rank when the sub-indices take ``values`` (the sliders of the page)."""
    return evaluate(base, {p: values.get(p, base.values[p]) - base.values[p] for p in base.parts})


def under_movement(base: Setup, result: Plan) -> int | None:
    """The plan's rank if every other unit moves by the typical change of the units just above (None: unknown)."""
    if base.movement is None:
        return None
    return rank_of(result.composite, base.others + base.movement)


def best_reachable(base: Setup) -> tuple[float, int]:
    """Composite and rank with every sub-index at the edition's best (the ceiling of any plan)."""
    return evaluate(base, base.room)
