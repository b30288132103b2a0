"""The Map page: tile grid or boundary map coloured by value or quartile."""

from __future__ import annotations


import pandas as pd

from provindex import analysis, map_charts
from provindex.catalog import Catalog
from provindex.i18n import t
from provindex.views import merger
from provindex.views.common import (PUBLISHED_DECIMALS, View, axis_title, component_title, export_info,
                                     shown_year)


def map_view(scores: pd.DataFrame, catalog: Catalog, component: str, year: int, metric: str, lang: str,
             shapes: list | None = None, focal: str | None = None, *, weights: str = "pop") -> View:
    """The Map page: tile grid (or boundary map when ``shapes`` are given) coloured by value or quartile.

    A back-cast year on the 34 units is titled and ranked as converted, and says so under the map.
    """
    year, fallback = shown_year(scores, catalog, catalog.component(component)["index"], year, lang)
    tiles = analysis.tile_values(scores, catalog, component, year, lang)
    if tiles["value"].notna().sum() == 0:
        return View(empty_message=t("map.no_data", lang, component=component_title(catalog, component, lang),
                                    year=year))
    title = axis_title(catalog, component, lang)
    backcast = merger.is_backcast_year(scores, year)
    chart_title = f"{component_title(catalog, component, lang)} — {year}"
    chart_title += f" {t('merger.backcast_suffix', lang)}" if backcast else ""
    higher_better = analysis.higher_is_better(catalog, component)
    n_units, n_values = len(tiles), int(tiles["value"].notna().sum())
    group = t("rank.group_published", lang, n=n_values) if analysis.partial_coverage(n_values, n_units) else None
    if shapes:
        figure = map_charts.geo_map(shapes, tiles[["code", "unit", "value"]], lang, title, higher_better, chart_title)
    else:
        figure = map_charts.tile_map(tiles, metric, lang, title, focal, higher_better, chart_title, group)
    table = tiles.sort_values("rank")[["unit", "value", "rank", "quartile"]].astype(
        {"rank": "Int64", "quartile": "Int64"}).round({"value": PUBLISHED_DECIMALS}).rename(columns={
            "unit": t("ui.unit", lang), "value": title,
            "rank": t("merger.rank_converted" if backcast else "chart.rank", lang),
            "quartile": group or t("chart.quartile", lang)})
    view = View(figure, table, year=year, fallback_note=fallback)
    view.exports["map"] = export_info(catalog, component, chart_title, str(year), lang)
    if not shapes:
        view.tile_key = [f"**{r['label']}** {r['unit']}" for r in tiles.sort_values("label").to_dict("records")]
    missing = int(tiles["value"].isna().sum())
    if missing:
        view.notes.append(t("map.missing", lang, n=missing, total=len(tiles)))
    if backcast:
        rows = scores[(scores["year"] == year) & (scores["component"] == component)]
        status = merger.status_column(rows, lang).set_axis(rows["unit_code"])
        view.data[t("merger.col_backcast", lang)] = tiles.sort_values("rank")["code"].map(status).to_numpy()
        view.notes.extend(merger.notes(rows, weights, lang))
    return view
