"""The three slides of each index: trend, sub-indices against the peer group, peer ranking.

The trend is drawn against the national median and the region's mean; the peer group is the unit's region,
whose rank table comes with the unit's strengths and weaknesses.

Every number comes from ``provindex.analysis`` (the functions behind the Trends, Rankings and Compare pages);
the speaker notes repeat each figure with its source so a presenter can answer "where is this from?".
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from provindex import analysis
from provindex.catalog import Catalog
from provindex.deck.model import ChartSpec, Slide, TableSpec
from provindex.i18n import localized, t
from provindex.text import format_number, format_signed, ranges_text

TREND_EDITIONS = 10  # editions shown on the trend slide
PEER_TABLE_ROWS = 12


@dataclass
class Frame:
    """Who and when a story is about, with the peer group (the unit's region) and its name."""

    scores: pd.DataFrame
    catalog: Catalog
    unit_code: str
    unit_set: str
    year: int
    lang: str
    unit_name: str
    peers: list[str]
    region_name: str

    def index_name(self, index: str) -> str:
        """The index's short name in the story's language."""
        return localized(self.catalog.index_row(index), "short", self.lang)

    def source(self, index: str, years: str) -> str:
        """'Nguồn: publisher, index years' for the speaker notes."""
        row = self.catalog.index_row(index)
        return t("deck.source_line", self.lang, publisher=localized(row, "publisher", self.lang),
                 index=self.index_name(index), years=years)

    def num(self, value, decimals: int = 2) -> str:
        """A number in the story's language format."""
        return format_number(value, self.lang, decimals)


def _value(value) -> float | None:
    """A chart value: a float, or None for a missing point."""
    return None if value is None or pd.isna(value) else round(float(value), 4)


def trend_slide(frame: Frame, index: str) -> Slide | None:
    """The composite over the last editions: the unit, the national median and the region's mean."""
    catalog, lang, composite = frame.catalog, frame.lang, frame.catalog.composite(index)
    band = analysis.national_band(frame.scores, composite, catalog)
    band = band[band["year"] <= frame.year].tail(TREND_EDITIONS)
    if band.empty:
        return None
    years = band["year"].astype(int).tolist()
    mine = analysis.unit_series(frame.scores, catalog, composite, [frame.unit_code]).set_index("year")["value"]
    region = frame.catalog.unit(frame.unit_set, frame.unit_code)["region"]
    regional = analysis.regional_mean(frame.scores, catalog, composite, region).set_index("year")["mean"]
    partial = band[band["partial"]]
    median = t("chart.median", lang) if partial.empty else t(
        "deck.median_partial", lang, years=ranges_text(partial["year"]), n=int(partial["n"].max()))
    series = [(frame.unit_name, [_value(mine.get(y)) for y in years]),
              (median, [_value(v) for v in band["median"]]),
              (t("deck.region_mean", lang, region=frame.region_name), [_value(regional.get(y)) for y in years])]
    name = frame.index_name(index)
    chart = ChartSpec("line", t("deck.trend_chart", lang, index=name), years, series,
                      catalog.component_label(composite, lang), key=f"trend_{index}", index=index)
    notes = [t("deck.note_trend", lang, unit=frame.unit_name, index=name, first=years[0], last=years[-1])]
    notes += [f"{y}: {frame.unit_name} {frame.num(mine.get(y))}; {t('chart.median', lang)} {frame.num(m)}"
              for y, m in zip(years, band["median"])]
    notes.append(frame.source(index, f"{years[0]}–{years[-1]}"))
    bullets = [t("trend.partial_median", lang, years=ranges_text(partial["year"]),
                 n=int(partial["n"].max()), total=int(partial["total"].max()))] if not partial.empty else []
    if frame.year in mine.index:
        bullets.append(t("deck.trend_bullet", lang, unit=frame.unit_name, value=frame.num(mine[frame.year]),
                         year=frame.year, median=frame.num(band["median"].iloc[-1])))
    return Slide(f"trend_{index}", t("deck.trend_title", lang, index=name), bullets=bullets, charts=[chart],
                 notes=notes)


def profile_slide(frame: Frame, index: str, profile: pd.DataFrame) -> Slide:
    """Sub-indices against the peer group: values (bars) and national percentiles (radar)."""
    catalog, lang = frame.catalog, frame.lang
    labels = [catalog.component_label(c, lang) for c in profile["component"]]
    name = frame.index_name(index)
    group = t("deck.peer_group", lang, region=frame.region_name)
    bars = ChartSpec("bar", t("deck.profile_chart", lang, index=name), labels, [
        (frame.unit_name, [_value(v) for v in profile["value"]]),
        (t("deck.peer_median", lang, group=group), [_value(v) for v in profile["peer_median"]]),
        (t("deck.peer_best", lang, group=group), [_value(v) for v in profile["peer_best"]])],
        t("chart.unit_points", lang), key=f"profile_{index}", index=index)
    radar = ChartSpec("radar", t("deck.radar_chart", lang), labels, [
        (frame.unit_name, [_value(v) for v in profile["percentile"]]),
        (t("deck.peer_median", lang, group=group), [_value(v) for v in profile["peer_median_percentile"]])],
        t("compare.col_percentile", lang), decimals=0, key=f"radar_{index}", index=index)
    notes = [t("deck.note_profile", lang, group=group, n=len(frame.peers))]
    for label, row in zip(labels, profile.to_dict("records")):
        notes.append(t("deck.note_profile_row", lang, component=label, value=frame.num(row["value"]),
                       median=frame.num(row["peer_median"]), best=frame.num(row["peer_best"]),
                       pct=frame.num(row["percentile"], 0)))
    notes.append(frame.source(index, str(frame.year)))
    return Slide(f"profile_{index}", t("deck.profile_title", lang, index=name, year=frame.year),
                 charts=[bars, radar], notes=notes)


def peers_slide(frame: Frame, index: str, profile: pd.DataFrame) -> Slide | None:
    """The peer group's league table (national ranks) with the unit's strengths and weaknesses."""
    catalog, lang = frame.catalog, frame.lang
    table = analysis.league_table(frame.scores, catalog, catalog.composite(index), frame.year, lang)
    if table.empty:
        return None
    table = table[table["unit_code"].isin(frame.peers)].head(PEER_TABLE_ROWS)
    rows = [[str(int(r["rank"])), r["unit"], frame.num(r["value"]),
             "–" if pd.isna(r["rank_change"]) else format_signed(r["rank_change"], lang, 0)]
            for r in table.to_dict("records")]
    codes = table["unit_code"].tolist()
    spec = TableSpec([t("chart.rank", lang), t("ui.unit", lang), t("ui.score_points", lang),
                      t("deck.rank_change", lang)], rows, codes.index(frame.unit_code)
                     if frame.unit_code in codes else None)
    ordered = profile.sort_values("percentile", ascending=False)
    labels = {c: catalog.component_label(c, lang) for c in profile["component"]}
    strengths = [_standing(frame, labels, r) for r in ordered.head(3).to_dict("records")]
    weaknesses = [_standing(frame, labels, r) for r in ordered.tail(3).iloc[::-1].to_dict("records")]
    bullets = [t("compare.strengths", lang) + ":"] + strengths + [t("compare.weaknesses", lang) + ":"] + weaknesses
    name = frame.index_name(index)
    notes = [t("deck.note_peers", lang, group=t("deck.peer_group", lang, region=frame.region_name))] + bullets
    notes.append(frame.source(index, str(frame.year)))
    return Slide(f"peers_{index}", t("deck.peers_title", lang, index=name, year=frame.year), bullets=bullets,
                 table=spec, notes=notes)


def _standing(frame: Frame, labels: dict[str, str], row: dict) -> str:
    """One strength or weakness: value, national rank and percentile of a sub-index."""
    return t("compare.standing", frame.lang, component=labels[row["component"]], value=frame.num(row["value"]),
             rank=row["rank"], n=row["n"], pct=frame.num(row["percentile"], 0))


def index_slides(frame: Frame, index: str) -> list[Slide]:
    """The index's slides that have data (an index not published for the unit that year has none)."""
    slides = [trend_slide(frame, index)]
    profile = analysis.profile(frame.scores, frame.catalog, index, frame.year, frame.unit_code, frame.peers)
    if not profile.empty:
        slides += [profile_slide(frame, index, profile), peers_slide(frame, index, profile)]
    return [s for s in slides if s is not None]
