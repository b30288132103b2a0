"""Pure logic of the Overview page: one card per index for a focal unit and year.

Input is the current-scores table (as returned by ``queries.current_scores``); output is a
list of :class:`IndexCard` the page renders. No Streamlit, no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from provindex.analysis import oriented, partial_coverage, quartile
from provindex.catalog import Catalog
from provindex.harmonize import to_vn34


@dataclass
class ComponentStanding:
    """A sub-index of the focal unit: value and computed rank among the ``n`` units that have it."""

    code: str
    value: float
    rank: int
    n: int

    @property
    def percentile(self) -> float:
        """Share of the other units ranked below (1 = best, 0 = worst)."""
        return 1.0 if self.n <= 1 else 1 - (self.rank - 1) / (self.n - 1)


@dataclass
class IndexCard:
    """Everything one Overview card shows for an index; ``status`` says why a value is missing."""

    index: str
    year: int | None  # edition shown (None = no data up to the chosen year)
    unit_set: str | None
    value: float | None = None
    rank: int | None = None
    n_ranked: int = 0
    n_units: int = 0
    partial_coverage: bool = False
    prev_year: int | None = None
    change: float | None = None
    change_basis: str | None = None  # same | harmonized
    rank_change: int | None = None
    break_note: dict | None = None  # series_break row that makes the change not comparable
    quartile: int | None = None
    best: ComponentStanding | None = None
    worst: ComponentStanding | None = None
    status: str = "ok"  # ok | no_year | not_published | no_unit
    backcast: bool = False  # the edition shown is a back-cast on the 34 units (a converted value and rank)
    notes: list[str] = field(default_factory=list)


def year_table(data: pd.DataFrame, catalog: Catalog, year: int, unit_set: str) -> pd.DataFrame:
    """One edition of one index: every component's values with ranks (in its direction) among the units that have it."""
    frame = data[(data["year"] == year) & (data["unit_set"] == unit_set)].copy()
    frame["good"] = oriented(frame, catalog)
    grouped = frame.groupby("component", observed=True)["good"]
    frame["computed_rank"] = grouped.rank(ascending=False, method="min").astype(int)
    frame["n"] = grouped.transform("size")
    return frame


def _published_or_computed_rank(row) -> int:
    """The published rank where the table printed one, else the computed one."""
    return int(row["rank"]) if not pd.isna(row["rank"]) else int(row["computed_rank"])


def build_card(scores: pd.DataFrame, catalog: Catalog, index: str, unit_set: str, unit_code: str,
               year: int) -> IndexCard:
    """The card of one index (``scores`` holds that index only): latest edition up to ``year`` on ``unit_set``."""
    data = scores
    years = sorted(int(y) for y in data.loc[data["unit_set"] == unit_set, "year"].unique() if y <= year)
    if not years:
        return IndexCard(index, None, unit_set, status="no_year")
    shown = years[-1]
    composite = catalog.composite(index)
    edition = year_table(data, catalog, shown, unit_set)
    table = edition[edition["component"] == composite]
    card = IndexCard(index, shown, unit_set, n_ranked=len(table), n_units=len(catalog.units_of(unit_set)))
    card.partial_coverage = partial_coverage(card.n_ranked, card.n_units)
    mine = table[table["unit_code"] == unit_code]
    if mine.empty:
        card.status = "not_published" if card.partial_coverage else "no_unit"
        return card
    row = mine.iloc[0]
    card.value = float(row["value"])
    card.backcast = bool(row.get("backcast", False))
    card.rank = _published_or_computed_rank(row)
    card.quartile = quartile(card.rank, card.n_ranked)
    _fill_change(card, data, catalog, composite, unit_code)
    _fill_strengths(card, edition, catalog, unit_code)
    return card


def _fill_change(card: IndexCard, data: pd.DataFrame, catalog: Catalog, composite: str, unit_code: str) -> None:
    """Change since the previous edition when comparable (same units, or harmonised to vn34)."""
    earlier = sorted(int(y) for y in data["year"].unique() if y < card.year)
    if not earlier:
        return
    prev = earlier[-1]
    card.prev_year = prev
    if not catalog.comparable(card.index, composite, prev, card.year, ignore_kinds=("units",)):
        breaks = catalog.breaks_between(card.index, composite, prev, card.year)
        card.break_note = breaks[breaks["kind"] != "units"].iloc[-1].to_dict()
        return
    prev_rows = data[(data["year"] == prev) & (data["component"] == composite)]
    if card.unit_set == "vn34" and (prev_rows["unit_set"] == "vn63").all():  # raw scores: back-cast here
        harmonised = to_vn34(prev_rows, catalog)
        match = harmonised[harmonised["unit_code"] == unit_code]
        if not match.empty:
            card.change = card.value - float(match.iloc[0]["value"])
            card.change_basis = "harmonized"
        return
    prev_table = year_table(prev_rows, catalog, prev, card.unit_set)
    match = prev_table[prev_table["unit_code"] == unit_code]
    if match.empty:
        return
    card.change = card.value - float(match.iloc[0]["value"])
    card.change_basis = "harmonized" if bool(match.iloc[0].get("backcast", False)) else "same"
    card.rank_change = _published_or_computed_rank(match.iloc[0]) - card.rank  # positive = moved up


def _fill_strengths(card: IndexCard, edition: pd.DataFrame, catalog: Catalog, unit_code: str) -> None:
    """Strongest and weakest sub-index of the focal unit by national percentile."""
    parts = set(catalog.components_of(card.index, year=card.year, level=1)["code"])
    mine = edition[(edition["unit_code"] == unit_code) & edition["component"].isin(parts) & (edition["n"] > 1)]
    found = [(ComponentStanding(r.component, float(r.value), int(r.computed_rank), int(r.n)), r.good)
             for r in mine.itertuples(index=False)]
    if len(found) >= 2:  # ties in percentile go to the better score
        card.best = max(found, key=lambda pair: (pair[0].percentile, pair[1]))[0]
        card.worst = min(found, key=lambda pair: (pair[0].percentile, pair[1]))[0]


def build_cards(scores: pd.DataFrame, catalog: Catalog, unit_set: str, unit_code: str, year: int) -> list[IndexCard]:
    """One card per index of the catalogue, in catalogue order (see :func:`build_card`)."""
    by_index = dict(tuple(scores.groupby("index", observed=True)))
    empty = scores.iloc[0:0]
    return [build_card(by_index.get(index, empty), catalog, index, unit_set, unit_code, year)
            for index in catalog.index_codes()]
