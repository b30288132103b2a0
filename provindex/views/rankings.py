"""The Rankings page: league table, movers, quartile tiers and rank over time."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from provindex import analysis, charts
from provindex.catalog import Catalog
from provindex.i18n import t
from provindex.text import format_signed
from provindex.views import merger
from provindex.views.common import (PUBLISHED_DECIMALS, View, _year_span, component_title, export_info,
                                     shown_year)


@dataclass
class RankingView(View):
    """The Rankings page: league table, biggest movers, quartile tiers and the bump chart (``figure``)."""

    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    up: pd.DataFrame = field(default_factory=pd.DataFrame)
    down: pd.DataFrame = field(default_factory=pd.DataFrame)
    tiers: dict[int, list[str]] = field(default_factory=dict)
    partial: bool = False  # too few units published for national quartiles: groups among the published
    quartile_label: str = ""
    download: pd.DataFrame = field(default_factory=pd.DataFrame)
    rank_label: str = ""  # "Rank", or "Converted rank" for a back-cast year


def ranking_view(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, focal: str,
                 bump_units: list[str], lang: str, *, weights: str = "pop") -> RankingView:
    """The Rankings page for one component and year; ranks follow the component's direction.

    On the 34 units (``scores`` from ``harmonize.on_units``) the years before 2025 are back-cast with
    ``weights``: their ranks are "converted ranks", and changes into 2025 are measured against them.
    """
    year, fallback = shown_year(scores, catalog, catalog.component(component)["index"], year, lang)
    table = analysis.league_table(scores, catalog, component, year, lang)
    if table.empty:
        return RankingView(empty_message=t("rank.no_data", lang, component=component_title(catalog, component, lang),
                                           year=year))
    unit_set = analysis.unit_set_in(scores, year)
    n_units = len(catalog.units_of(unit_set))
    view = RankingView(table=table, partial=analysis.partial_coverage(len(table), n_units), year=year,
                       fallback_note=fallback)
    view.quartile_label = t("rank.group_published", lang, n=len(table)) if view.partial else t("chart.quartile", lang)
    view.table["rank_change_text"] = [_rank_change_text(c, lang) for c in table["rank_change"]]
    view.table["value_change_text"] = [format_signed(v, lang) if pd.notna(v) else t("rank.new_entry", lang)
                                       for v in table["value_change"]]
    view.rank_label = _rank_label(scores, year, lang)
    rows = scores[(scores["year"] == year) & (scores["component"] == component) & (scores["unit_set"] == unit_set)]
    status = merger.status_column(rows, lang).set_axis(rows["unit_code"])
    view.download = _league_download(view.table, lang, view.quartile_label, view.rank_label)
    if merger.backcast_rows(scores).any():
        view.download[t("merger.col_backcast", lang)] = view.table["unit_code"].map(status).to_numpy()
    view.up, view.down = analysis.movers(table, higher_better=analysis.higher_is_better(catalog, component))
    view.tiers = {q: table.loc[table["quartile"] == q, "unit"].tolist() for q in range(1, 5)}
    _bump(view, scores, catalog, component, bump_units or default_neighbours(table, focal), focal, unit_set, lang)
    _merger_notes(view, scores, component, year, weights, lang)
    index = catalog.component(component)["index"]
    if len(table) < n_units:
        coverage = catalog.breaks_for(index)
        partial = coverage[(coverage["kind"] == "coverage") & (coverage["year"] <= year)]
        key = "rank.partial_coverage" if not partial.empty else "rank.missing_units"
        view.notes.append(t(key, lang, n=len(table), total=n_units))
    if focal not in set(table["unit_code"]):
        view.notes.append(t("rank.focal_missing", lang, unit=catalog.unit_name(unit_set, focal, lang)))
    return view


def _bump(view: RankingView, scores: pd.DataFrame, catalog: Catalog, component: str, codes: list[str], focal: str,
          unit_set: str, lang: str) -> None:
    """Rank over time of the chosen units (back-cast ranks hollow, the merger marked) and its data."""
    ranks = analysis.bump_ranks(scores, catalog, component, codes, unit_set)
    names = {c: catalog.unit_name(unit_set, c, lang) for c in codes}
    if ranks.empty:
        return
    title = t("rank.bump_chart_title", lang, component=component_title(catalog, component, lang))
    view.figure = charts.bump_chart(ranks, focal, names, lang, title)
    view.exports["bump"] = export_info(catalog, component, title, _year_span(ranks["year"].unique()), lang)
    view.data = pd.DataFrame({t("ui.year", lang): ranks["year"], t("ui.unit", lang): ranks["unit_code"].map(names),
                              t("chart.rank", lang): ranks["rank_used"].astype("Int64"),
                              t("chart.n_values", lang): ranks["n"].astype("Int64"),
                              t("rank.col_value", lang): ranks["value"].round(PUBLISHED_DECIMALS)})
    if merger.backcast_rows(ranks).any():
        view.data[t("merger.col_backcast", lang)] = merger.status_column(ranks, lang).to_numpy()


def _rank_label(scores: pd.DataFrame, year: int, lang: str) -> str:
    """'Rank', or 'Converted rank' when the year shown is a back-cast."""
    return t("merger.rank_converted", lang) if merger.is_backcast_year(scores, year) else t("chart.rank", lang)


def _merger_notes(view: RankingView, scores: pd.DataFrame, component: str, year: int, weights: str,
                  lang: str) -> None:
    """What the page says about back-cast values it shows: the year itself, or the edition its changes compare to."""
    if merger.is_backcast_year(scores, year):
        view.notes.append(t("merger.year_backcast", lang, year=year))
    else:
        earlier = sorted(int(y) for y in scores.loc[scores["component"] == component, "year"].unique() if y < year)
        if earlier and merger.is_backcast_year(scores, earlier[-1]):
            view.notes.append(t("merger.change_vs_backcast", lang, year=earlier[-1]))
    view.notes.extend(merger.notes(scores[scores["component"] == component], weights, lang, chart=True))


def _rank_change_text(change: float, lang: str) -> str:
    """'+3', '−2', '0', or 'new' for a unit without a rank in the previous edition (never None on screen)."""
    if pd.isna(change):
        return t("rank.new_entry", lang)
    return f"{int(change):+d}".replace("-", "\u2212") if change else "0"


def _league_download(table: pd.DataFrame, lang: str, quartile_label: str, rank_label: str) -> pd.DataFrame:
    """The league table as a download: page-language headers, published precision, integer ranks, no markers."""
    return pd.DataFrame({
        rank_label: table["rank"].astype("Int64"), t("ui.unit", lang): table["unit"],
        t("rank.col_value", lang): table["value"].round(PUBLISHED_DECIMALS),
        t("rank.col_rank_change", lang): table["rank_change"].astype("Int64"),
        t("rank.col_value_change", lang): table["value_change"].round(PUBLISHED_DECIMALS),
        quartile_label: table["quartile"].astype("Int64")})


def default_neighbours(table: pd.DataFrame, focal: str, k: int = 2) -> list[str]:
    """The focal unit, the top unit and the units just above and below it."""
    codes = table["unit_code"].tolist()
    if focal not in codes:
        return codes[:5]
    position = codes.index(focal)
    picked = [codes[0]] + codes[max(0, position - k): position + k + 1]
    return list(dict.fromkeys(picked))
