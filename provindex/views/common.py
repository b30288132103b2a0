"""What every view shares: the :class:`View` model, titles, export info and the edition shown."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from provindex import analysis, charts
from provindex.catalog import Catalog
from provindex.i18n import localized, t


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
    unit_set = analysis.unit_set_in(scores, year)
    rows = scores[(scores["index"] == index) & (scores["unit_set"] == unit_set)]
    years = sorted(int(y) for y in rows["year"].unique() if y <= year)
    if not years or years[-1] == year:
        return year, None
    if unit_set == "vn63" and year >= 2025:  # the 63 provinces chosen in a 34-unit year
        return years[-1], t("merger.vn63_after", lang, shown=years[-1])
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
