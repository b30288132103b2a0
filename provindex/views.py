"""View models: everything a page shows, computed in one call from the page's filters.

Pages stay short (filters -> one call here -> render); these functions are pure and tested
without Streamlit. Each returns a dataclass with the frames, the figure and the sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from provindex import analysis, charts, map_charts
from provindex.catalog import Catalog, unit_set_for_year
from provindex.i18n import localized, t
from provindex.text import format_number, format_signed


#: Decimals VCCI, UNDP, the Ministry of Home Affairs print for every score (downloads round to them).
PUBLISHED_DECIMALS = 2


@dataclass
class View:
    """What a page draws: a figure, its data for download, notes under it, or why there is nothing."""

    figure: go.Figure | None = None
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    empty_message: str | None = None
    year: int | None = None  # edition shown: the chosen year, or the index's latest before it (fallback)
    fallback_note: str | None = None
    exports: dict[str, charts.ExportInfo] = field(default_factory=dict)  # chart name -> what its export carries
    tile_key: list[str] = field(default_factory=list)  # map: "**DNA** Đà Nẵng" for each tile abbreviation


def export_info(catalog: Catalog, component: str, title: str, years: str, lang: str) -> charts.ExportInfo:
    """Title, unit, year(s) and source line of a chart of ``component`` (the page adds the simulated stamp)."""
    spec = catalog.component(component)
    unit = t("chart.unit_percent", lang) if spec["unit"] == "percent" else t("chart.unit_points", lang)
    return charts.ExportInfo(title, unit, years, catalog.source_line(spec["index"], lang))


def _year_span(years) -> str:
    """'2011–2024' (or one year) for a chart's subtitle."""
    years = sorted(int(y) for y in years)
    return f"{years[0]}–{years[-1]}" if years and years[0] != years[-1] else (str(years[0]) if years else "")


def shown_year(scores: pd.DataFrame, catalog: Catalog, index: str, year: int, lang: str) -> tuple[int, str | None]:
    """The edition of ``index`` to show for ``year``, and a sentence when it is not ``year``.

    That is ``year`` itself, or the index's latest earlier edition on the same unit set when the index has
    not published ``year`` yet (the Overview does the same).
    """
    unit_set = unit_set_for_year(year)
    rows = scores[(scores["index"] == index) & (scores["unit_set"] == unit_set)]
    years = sorted(int(y) for y in rows["year"].unique() if y <= year)
    if not years or years[-1] == year:
        return year, None
    short = localized(catalog.index_row(index), "short", lang)
    return years[-1], t("ui.latest_edition", lang, index=short, year=year, shown=years[-1])


def component_options(catalog: Catalog, index: str) -> list[str]:
    """Composite first, then sub-indices, then sub-dimensions, in catalogue order."""
    frame = catalog.components_of(index).sort_values(["level", "sort"])
    return frame["code"].tolist()


def component_title(catalog: Catalog, code: str, lang: str) -> str:
    """A component's full name, prefixed by its index's short name below the composite ("PCI — Entry costs")."""
    index = catalog.component(code)["index"]
    short = localized(catalog.index_row(index), "short", lang)
    label = catalog.component_label(code, lang, short=False)
    return label if catalog.component(code)["level"] == 0 else f"{short} — {label}"


def axis_title(catalog: Catalog, code: str, lang: str) -> str:
    """The value axis label: short name and unit (points or percent)."""
    spec = catalog.component(code)
    unit = t("chart.unit_percent", lang) if spec["unit"] == "percent" else t("chart.unit_points", lang)
    return f"{catalog.component_label(code, lang)} ({unit})"


# -- Trends --------------------------------------------------------------------------------------
def comparable_parts(catalog: Catalog, scores: pd.DataFrame, component: str) -> list[str]:
    """Sub-indices common to every edition when a composite's line breaks (PAPI 2018: D1–D6); else none.

    Their sum is a series that stays comparable across the break (the Trends page offers it).
    """
    spec = catalog.component(component)
    if spec["level"] != 0 or not analysis.line_breaks(catalog, spec["index"], component):
        return []
    years = sorted(int(y) for y in scores.loc[scores["component"] == component, "year"].unique())
    parts = analysis.common_parts(catalog, spec["index"], years)
    return parts if len(parts) >= 2 else []


def _summed(scores: pd.DataFrame, component: str, parts: list[str]) -> pd.DataFrame:
    """Rows of ``component`` whose value is the sum of ``parts`` (units with every part only; no published rank)."""
    rows = scores[scores["component"].isin(parts)]
    keys = ["index", "year", "unit_set", "unit_code"]
    summed = rows.groupby(keys, observed=True)["value"].agg(["sum", "size"]).reset_index()
    summed = summed[summed["size"] == len(parts)]
    return summed.assign(component=component, value=summed["sum"], rank=pd.NA)[keys + ["component", "value", "rank"]]


def trend_view(scores: pd.DataFrame, actions: pd.DataFrame, catalog: Catalog, component: str, focal: str,
               others: list[str], show_region: bool, lang: str, unit_set: str, comparable: bool = False) -> View:
    """The Trends page: lines of the focal and other units over the national band, breaks and actions noted.

    Lines break where the component's method or scale changes; with ``comparable`` a composite is drawn as
    the sum of the sub-indices common to every edition (:func:`comparable_parts`), which does not break.
    """
    index = catalog.component(component)["index"]
    parts = comparable_parts(catalog, scores, component) if comparable else []
    if parts:
        scores = pd.concat([scores[scores["component"] != component], _summed(scores, component, parts)])
    codes = [focal] + [c for c in others if c != focal]
    series = analysis.unit_series(scores, catalog, component, codes)
    band = analysis.national_band(scores, component, catalog)
    title = component_title(catalog, component, lang)
    if series.empty and band.empty:
        return View(empty_message=t("trend.no_data", lang, component=title))
    names = {(s, c): catalog.unit_name(s, c, lang) for s in ("vn63", "vn34") for c in codes if catalog.has_unit(s, c)}
    region = catalog.unit(unit_set, focal)["region"] if catalog.has_unit(unit_set, focal) else None
    regional = analysis.regional_mean(scores, catalog, component, region) if show_region and region else None
    years = sorted(set(band["year"]))
    breaks = analysis.breaks_in(catalog, index, component, years)
    cuts = [] if parts else [y for y in analysis.line_breaks(catalog, index, component) if y in years]
    unit_actions = actions[actions["unit_code"] == focal] if actions is not None and not actions.empty else None
    y_title = axis_title(catalog, component, lang)
    if parts:
        title = t("trend.common_title", lang, index=localized(catalog.index_row(index), "short", lang), n=len(parts))
        y_title = title + " (" + t("chart.unit_points", lang) + ")"
    labels = charts.TrendLabels(title, y_title, _region_name(catalog, region, lang) if region else None, cuts)
    figure = charts.trend_chart(series, band, regional, focal, names, breaks, unit_actions, lang, labels)
    view = View(figure, _trend_table(series, band, names, lang))
    view.exports["trend"] = export_info(catalog, component, title, _year_span(years), lang)
    view.notes.extend(_trend_notes(catalog, series, band, breaks, focal, names.get((unit_set, focal), focal), lang))
    if parts:
        view.notes.insert(0, t("trend.common_note", lang, parts=", ".join(catalog.component_label(c, lang)
                                                                           for c in parts)))
    if unit_actions is not None and not unit_actions.empty:
        view.notes.append(t("trend.actions_note", lang, n=len(unit_actions)))
    return view


def _trend_notes(catalog: Catalog, series: pd.DataFrame, band: pd.DataFrame, breaks: pd.DataFrame, focal: str,
                 focal_name: str, lang: str) -> list[str]:
    """Under the chart: the focal unit missing, years where the median covers only the published units, breaks."""
    notes = [] if focal in set(series["unit_code"]) else [t("trend.focal_missing", lang, unit=focal_name)]
    partial = band[band["partial"]]
    if not partial.empty:
        years = ", ".join(str(y) for y in partial["year"])
        notes.append(t("trend.partial_median", lang, years=years, n=int(partial["n"].max()),
                       total=int(partial["total"].max())))
    notes.extend(f"{row['year']}: {localized(row, 'note', lang)}" for row in breaks.to_dict("records"))
    return notes


def _region_name(catalog: Catalog, region: str, lang: str) -> str:
    """A region's name in the page language."""
    row = catalog.regions[catalog.regions["code"] == region].iloc[0]
    return localized(row, "name", lang)


def _trend_table(series: pd.DataFrame, band: pd.DataFrame, names: dict[tuple[str, str], str],
                 lang: str) -> pd.DataFrame:
    """The chart's data as a table: one column per unit, then the national quartiles, by year."""
    unit = [names.get((s, c), c) for s, c in zip(series["unit_set"], series["unit_code"])]
    wide = series.assign(unit=unit).pivot_table(
        index="year", columns="unit", values="value", aggfunc="first")
    stats = band.set_index("year")[["q1", "median", "q3", "n"]].rename(columns={
        "q1": t("chart.q1", lang), "median": t("chart.median_of_values", lang), "q3": t("chart.q3", lang),
        "n": t("chart.n_values", lang)})
    table = wide.join(stats, how="outer").round(PUBLISHED_DECIMALS)
    table[t("chart.n_values", lang)] = table[t("chart.n_values", lang)].astype("Int64")
    return table.reset_index().rename(columns={"year": t("ui.year", lang)})


# -- Rankings ------------------------------------------------------------------------------------
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


def ranking_view(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, focal: str,
                 bump_units: list[str], lang: str) -> RankingView:
    """The Rankings page for one component and year; ranks follow the component's direction."""
    year, fallback = shown_year(scores, catalog, catalog.component(component)["index"], year, lang)
    table = analysis.league_table(scores, catalog, component, year, lang)
    if table.empty:
        return RankingView(empty_message=t("rank.no_data", lang, component=component_title(catalog, component, lang),
                                           year=year))
    unit_set = unit_set_for_year(year)
    n_units = len(catalog.units_of(unit_set))
    view = RankingView(table=table, partial=analysis.partial_coverage(len(table), n_units), year=year,
                       fallback_note=fallback)
    view.quartile_label = t("rank.group_published", lang, n=len(table)) if view.partial else t("chart.quartile", lang)
    view.table["rank_change_text"] = [_rank_change_text(c, lang) for c in table["rank_change"]]
    view.table["value_change_text"] = [format_signed(v, lang) if pd.notna(v) else t("rank.new_entry", lang)
                                       for v in table["value_change"]]
    view.download = _league_download(view.table, lang, view.quartile_label)
    view.up, view.down = analysis.movers(table, higher_better=analysis.higher_is_better(catalog, component))
    view.tiers = {q: table.loc[table["quartile"] == q, "unit"].tolist() for q in range(1, 5)}
    codes = bump_units or default_neighbours(table, focal)
    ranks = analysis.bump_ranks(scores, catalog, component, codes, unit_set)
    names = {c: catalog.unit_name(unit_set, c, lang) for c in codes}
    if not ranks.empty:
        title = t("rank.bump_chart_title", lang, component=component_title(catalog, component, lang))
        view.figure = charts.bump_chart(ranks, focal, names, lang, title)
        view.exports["bump"] = export_info(catalog, component, title, _year_span(ranks["year"].unique()), lang)
        view.data = pd.DataFrame({t("ui.year", lang): ranks["year"], t("ui.unit", lang): ranks["unit_code"].map(names),
                                  t("chart.rank", lang): ranks["rank_used"].astype("Int64"),
                                  t("chart.n_values", lang): ranks["n"].astype("Int64"),
                                  t("rank.col_value", lang): ranks["value"].round(PUBLISHED_DECIMALS)})
    index = catalog.component(component)["index"]
    if len(table) < n_units:
        coverage = catalog.breaks_for(index)
        partial = coverage[(coverage["kind"] == "coverage") & (coverage["year"] <= year)]
        key = "rank.partial_coverage" if not partial.empty else "rank.missing_units"
        view.notes.append(t(key, lang, n=len(table), total=n_units))
    if focal not in set(table["unit_code"]):
        view.notes.append(t("rank.focal_missing", lang, unit=catalog.unit_name(unit_set, focal, lang)))
    return view


def _rank_change_text(change: float, lang: str) -> str:
    """'+3', '−2', '0', or 'new' for a unit without a rank in the previous edition (never None on screen)."""
    if pd.isna(change):
        return t("rank.new_entry", lang)
    return f"{int(change):+d}".replace("-", "\u2212") if change else "0"


def _league_download(table: pd.DataFrame, lang: str, quartile_label: str) -> pd.DataFrame:
    """The league table as a download: page-language headers, published precision, integer ranks, no markers."""
    return pd.DataFrame({
        t("chart.rank", lang): table["rank"].astype("Int64"), t("ui.unit", lang): table["unit"],
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


# -- Compare ---------------------------------------------------------------------------------------
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
                 custom: list[str], lang: str) -> CompareView:
    """The Compare page: the focal unit against its peer group on every sub-index of one index and year."""
    year, fallback = shown_year(scores, catalog, index, year, lang)
    unit_set = unit_set_for_year(year)
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
    return view


def _peer_charts(view: CompareView, scores: pd.DataFrame, catalog: Catalog, index: str, year: int, focal: str,
                 labels: dict[str, str], titles: dict[str, str], lang: str) -> None:
    """The peers' actual scores (table and grouped bars) and their national percentiles (heatmap)."""
    unit_set = unit_set_for_year(year)
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


# -- Map --------------------------------------------------------------------------------------------
def map_view(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, metric: str, lang: str,
             shapes: list | None = None, focal: str | None = None) -> View:
    """The Map page: tile grid (or boundary map when ``shapes`` are given) coloured by value or quartile."""
    year, fallback = shown_year(scores, catalog, catalog.component(component)["index"], year, lang)
    tiles = analysis.tile_values(scores, catalog, component, year, lang)
    if tiles["value"].notna().sum() == 0:
        return View(empty_message=t("map.no_data", lang, component=component_title(catalog, component, lang),
                                    year=year))
    title = axis_title(catalog, component, lang)
    chart_title = f"{component_title(catalog, component, lang)} — {year}"
    higher_better = analysis.higher_is_better(catalog, component)
    n_units, n_values = len(tiles), int(tiles["value"].notna().sum())
    group = t("rank.group_published", lang, n=n_values) if analysis.partial_coverage(n_values, n_units) else None
    if shapes:
        figure = map_charts.geo_map(shapes, tiles[["code", "unit", "value"]], lang, title, higher_better, chart_title)
    else:
        figure = map_charts.tile_map(tiles, metric, lang, title, focal, higher_better, chart_title, group)
    table = tiles.sort_values("rank")[["unit", "value", "rank", "quartile"]].astype(
        {"rank": "Int64", "quartile": "Int64"}).round({"value": PUBLISHED_DECIMALS}).rename(columns={
            "unit": t("ui.unit", lang), "value": title, "rank": t("chart.rank", lang),
            "quartile": group or t("chart.quartile", lang)})
    view = View(figure, table, year=year, fallback_note=fallback)
    view.exports["map"] = export_info(catalog, component, chart_title, str(year), lang)
    if not shapes:
        view.tile_key = [f"**{r['label']}** {r['unit']}" for r in tiles.sort_values("label").to_dict("records")]
    missing = int(tiles["value"].isna().sum())
    if missing:
        view.notes.append(t("map.missing", lang, n=missing, total=len(tiles)))
    return view
