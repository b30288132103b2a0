"""The Compare page: the focal unit against its peers on every sub-index of one edition."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from provindex import analysis, charts
from provindex.catalog import Catalog
from provindex.i18n import localized, t
from provindex.text import format_number
from provindex.views import merger
from provindex.views.common import (PUBLISHED_DECIMALS, View, export_info,
                                     shown_year)


@dataclass
class CompareView(View):
    """The Compare page: profile bars (``figure``), radar, heatmap, target gap and the three lists of sentences."""

    profile: pd.DataFrame = field(default_factory=pd.DataFrame)
    radar: go.Figure | None = None
    heatmap: go.Figure | None = None
    heatmap_data: pd.DataFrame = field(default_factory=pd.DataFrame)
    gap: dict | None = None
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    room: list[str] = field(default_factory=list)
    peers: list[str] = field(default_factory=list)
    peer_scores: pd.DataFrame = field(default_factory=pd.DataFrame)  # units x sub-indices, published scores
    peer_figure: go.Figure | None = None


def compare_view(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str, group: str,
                 custom: list[str], lang: str, *, weights: str = "pop", source: pd.DataFrame | None = None,
                 members: bool = False) -> CompareView:
    """The Compare page: the focal unit against its peer group on every sub-index of one index and year.

    On the 34 units, ``members`` adds a merged unit's former provinces (their own published scores in
    ``source``, of the year or the last 63-province edition before it) to the peers' table for reference.
    """
    year, fallback = shown_year(scores, catalog, index, year, lang)
    unit_set = analysis.unit_set_in(scores, year)
    peers = analysis.peer_codes(catalog, unit_set, focal, group, custom)
    profile = analysis.profile(scores, catalog, index, year, focal, peers)
    name = catalog.unit_name(unit_set, focal, lang)
    short = localized(catalog.index_row(index), "short", lang)
    if profile.empty:
        return CompareView(empty_message=t("compare.no_data", lang, unit=name, index=short, year=year))
    labels = {c: catalog.component_label(c, lang) for c in profile["component"]}
    view = CompareView(profile=profile, peers=peers, year=year, fallback_note=fallback)
    titles = {key: t(f"compare.{key}_chart_title", lang, index=short, unit=name)
              for key in ("bars", "radar", "heatmap", "peers")}
    view.exports = {key: export_info(catalog, catalog.composite(index), title, str(year), lang)
                    for key, title in titles.items()}
    view.figure = charts.profile_bars(profile, labels, name, lang, titles["bars"])
    view.radar = charts.radar_chart(profile, labels, name, lang, titles["radar"])
    _peer_charts(view, scores, catalog, index, year, focal, labels, titles, lang)
    view.gap = analysis.target_gap(scores, catalog, index, year, focal)
    ordered = profile.sort_values("percentile", ascending=False)
    total = len(catalog.units_of(unit_set))
    view.strengths = [_standing(r, labels, lang, total) for r in ordered.head(3).to_dict("records")]
    view.weaknesses = [_standing(r, labels, lang, total) for r in ordered.tail(3).iloc[::-1].to_dict("records")]
    view.room = _room(profile, catalog, unit_set, labels, lang)
    view.data = _profile_table(profile, labels, catalog, unit_set, lang)
    if merger.is_backcast_year(scores, year):
        view.notes.extend(merger.notes(scores[(scores["year"] == year) & (scores["index"] == index)], weights, lang))
    if members and unit_set == "vn34":
        _member_peers(view, source, catalog, index, year, focal, labels, lang)
    return view


def _member_peers(view: CompareView, source: pd.DataFrame | None, catalog: Catalog, index: str, year: int,
                  focal: str, labels: dict[str, str], lang: str) -> None:
    """A merged unit's former provinces as extra rows of the peers' table, with the edition their values are from."""
    if source is None or len(catalog.members(focal)) < 2:
        return
    codes = catalog.members(focal)["from_code"].tolist()
    rows = source[(source["unit_set"] == "vn63") & (source["index"] == index) & (source["year"] <= year)
                  & source["unit_code"].isin(codes) & source["component"].isin(list(labels))]
    if rows.empty:
        return
    edition = int(rows["year"].max())
    wide = rows[rows["year"] == edition].pivot_table(index="unit_code", columns="component", values="value",
                                                     aggfunc="first")
    suffix = t("merger.member_suffix", lang)
    names = {c: f"{catalog.unit_name('vn63', c, lang)} {suffix[:-1]}, {edition})" for c in wide.index}
    wide = wide.rename(index=names, columns=labels).round(PUBLISHED_DECIMALS)
    unit_column = t("ui.unit", lang)
    extra = wide.reset_index(names=unit_column)
    view.peer_scores = pd.concat([view.peer_scores, extra], ignore_index=True) if not view.peer_scores.empty else extra
    items = "; ".join(names[c] for c in sorted(names))
    view.notes.append(t("merger.member_peers_note", lang, unit=catalog.unit_name("vn34", focal, lang), year=edition,
                        items=items))


def _peer_charts(view: CompareView, scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str,
                 labels: dict[str, str], titles: dict[str, str], lang: str) -> None:
    """The peers' actual scores (table and grouped bars) and their national percentiles (heatmap)."""
    unit_set = analysis.unit_set_in(scores, year)
    matrix = analysis.heatmap_matrix(scores, catalog, index, year, view.peers)
    values = analysis.value_matrix(scores, catalog, index, year, view.peers)
    names = {c: catalog.unit_name(unit_set, c, lang) for c in set(matrix.index) | set(values.index)}
    unit_column = t("ui.unit", lang)
    if not matrix.empty:
        view.heatmap = charts.heatmap(matrix, names, labels, focal, lang, titles["heatmap"])
        view.heatmap_data = matrix.rename(index=names, columns=labels).round(1).reset_index(names=unit_column)
    if not values.empty:
        view.peer_figure = charts.peer_bars(values, names, labels, focal, lang, titles["peers"])
        view.peer_scores = values.rename(index=names, columns=labels).round(PUBLISHED_DECIMALS).reset_index(
            names=unit_column)


def _room(profile: pd.DataFrame, catalog: Catalog, unit_set: str, labels: dict[str, str], lang: str) -> list[str]:
    """Up to three sentences on where the focal unit is furthest behind its best peer."""
    room_key = "room_composite" if profile["room_composite"].notna().any() else "gap_to_best"
    sentences = []
    for row in profile.sort_values(room_key, ascending=False).head(3).to_dict("records"):
        if row["gap_to_best"] <= 0:
            continue
        best = catalog.unit_name(unit_set, row["peer_best_unit"], lang)
        key = "compare.room_weighted" if room_key == "room_composite" else "compare.room"
        sentences.append(t(key, lang, component=labels[row["component"]],
                           gap=format_number(row["gap_to_best"], lang), best=best,
                           points=format_number(row["room_composite"] or 0, lang)))
    return sentences


def _standing(row: dict, labels: dict[str, str], lang: str, total: int) -> str:
    """One strength/weakness sentence: value, rank and percentile of a sub-index.

    Where coverage is partial the percentile is among the published units, and the sentence says so.
    """
    key = "compare.standing_published" if analysis.partial_coverage(row["n"], total) else "compare.standing"
    return t(key, lang, component=labels[row["component"]], value=format_number(row["value"], lang),
             rank=row["rank"], n=row["n"], pct=format_number(row["percentile"], lang, 0))


def _profile_table(profile: pd.DataFrame, labels: dict[str, str], catalog: Catalog, unit_set: str,
                   lang: str) -> pd.DataFrame:
    """The profile with labels and unit names, columns titled in the page language."""
    table = profile.assign(component=profile["component"].map(labels),
                           peer_best_unit=[catalog.unit_name(unit_set, c, lang) for c in profile["peer_best_unit"]])
    columns = ["component", "value", "rank", "n", "percentile", "peer_median", "peer_best", "peer_best_unit",
               "gap_to_best", "room_composite"]
    table = table[columns].round({c: PUBLISHED_DECIMALS for c in columns if c not in ("rank", "n", "percentile")})
    table = table.astype({"rank": "Int64", "n": "Int64"}).round({"percentile": 0})
    return table.rename(columns={c: t(f"compare.col_{c}", lang) for c in columns})
