"""The Trends page: lines of units over the national band, breaks, actions and the comparable series."""

from __future__ import annotations

import pandas as pd

from provindex import analysis, charts
from provindex.catalog import Catalog
from provindex.i18n import localized, t
from provindex.views import merger
from provindex.views.common import PUBLISHED_DECIMALS, View, _year_span, axis_title, component_title, export_info


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
    keys = ["index", "year", "unit_set", "unit_code"] + (["backcast"] if "backcast" in rows.columns else [])
    summed = rows.groupby(keys, observed=True)["value"].agg(["sum", "size"]).reset_index()
    summed = summed[summed["size"] == len(parts)]
    return summed.assign(component=component, value=summed["sum"], rank=pd.NA)[keys + ["component", "value", "rank"]]


def trend_view(scores: pd.DataFrame, actions: pd.DataFrame, catalog: Catalog, component: str, focal: str,
               others: list[str], show_region: bool, lang: str, unit_set: str, comparable: bool = False,
               *, weights: str = "pop", source: pd.DataFrame | None = None) -> View:
    """The Trends page: lines of the focal and other units over the national band, breaks and actions noted.

    Lines break where the component's method or scale changes; with ``comparable`` a composite is drawn as
    the sum of the sub-indices common to every edition (:func:`comparable_parts`), which does not break.
    On the 34 units a merged focal unit's former provinces are drawn beside it (from ``source``, the published
    scores of both unit sets) and back-cast values are labelled with the ``weights`` used.
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
    members = pd.DataFrame() if parts else merger.members_of(source, catalog, component, focal) \
        if merger.backcast_rows(series).any() else pd.DataFrame()
    member_names = {c: catalog.unit_name("vn63", c, lang) for c in set(members.get("unit_code", []))}
    figure = charts.trend_chart(series, band, regional, focal, names, breaks, unit_actions, lang, labels,
                                members, member_names)
    view = View(figure, _trend_table(series, band, names, lang, members, member_names, focal))
    view.exports["trend"] = export_info(catalog, component, title, _year_span(years), lang)
    view.notes.extend(_trend_notes(catalog, series, band, breaks, focal, names.get((unit_set, focal), focal), lang))
    if parts:
        view.notes.insert(0, t("trend.common_note", lang, parts=", ".join(catalog.component_label(c, lang)
                                                                           for c in parts)))
    if unit_actions is not None and not unit_actions.empty:
        view.notes.append(t("trend.actions_note", lang, n=len(unit_actions)))
    if not members.empty:
        view.notes.append(t("merger.members_note", lang, unit=names.get(("vn34", focal), focal),
                            members=", ".join(member_names[c] for c in sorted(member_names))))
    view.notes.extend(merger.notes(series, weights, lang, chart=True))
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


def _trend_table(series: pd.DataFrame, band: pd.DataFrame, names: dict[tuple[str, str], str], lang: str,
                 members: pd.DataFrame, member_names: dict[str, str], focal: str) -> pd.DataFrame:
    """The chart's data as a table: one column per unit (and former province), the national quartiles, by year.

    On the 34 units a column says which of the focal unit's values are back-cast.
    """
    unit = [names.get((s, c), c) for s, c in zip(series["unit_set"], series["unit_code"])]
    wide = series.assign(unit=unit).pivot_table(
        index="year", columns="unit", values="value", aggfunc="first")
    if not members.empty:
        suffix = " " + t("merger.member_suffix", lang)
        own = members.assign(unit=[member_names[c] + suffix for c in members["unit_code"]]).pivot_table(
            index="year", columns="unit", values="value", aggfunc="first")
        wide = wide.join(own, how="outer")
    mine = series[series["unit_code"] == focal]
    if merger.backcast_rows(mine).any():
        wide[t("merger.col_backcast", lang)] = merger.status_column(mine, lang).set_axis(mine["year"])
    stats = band.set_index("year")[["q1", "median", "q3", "n"]].rename(columns={
        "q1": t("chart.q1", lang), "median": t("chart.median_of_values", lang), "q3": t("chart.q3", lang),
        "n": t("chart.n_values", lang)})
    table = wide.join(stats, how="outer").round(PUBLISHED_DECIMALS)
    table[t("chart.n_values", lang)] = table[t("chart.n_values", lang)].astype("Int64")
    return table.reset_index().rename(columns={"year": t("ui.year", lang)})
