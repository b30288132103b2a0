"""What every view says about the 2025 merger: the honesty note, the weights line, back-cast flags in tables.

A frame on the 34 units (``harmonize.on_units``) holds back-cast rows for the years before 2025; whatever
a chart or table shows of them is labelled here, in the page language, the same way on every page.
"""

from __future__ import annotations

import pandas as pd

from provindex import harmonize
from provindex.catalog import Catalog
from provindex.i18n import t


def backcast_rows(frame: pd.DataFrame) -> pd.Series:
    """Which rows of ``frame`` are back-cast (none when the frame has no ``backcast`` column)."""
    if "backcast" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["backcast"].fillna(False).astype(bool)


def is_backcast_year(scores: pd.DataFrame, year: int) -> bool:
    """Whether ``scores`` shows ``year`` through back-cast values (the 34 units before 2025)."""
    return bool(backcast_rows(scores)[scores["year"] == year].any())


def notes(shown: pd.DataFrame, weights: str, lang: str, chart: bool = False) -> list[str]:
    """Under a chart or table that shows back-cast values: the honesty note, the weights, flagged cells.

    ``chart``: a time chart, which also gets the legend of how back-cast values are drawn.
    """
    back = backcast_rows(shown)
    if not back.any():
        return []
    honesty = t("merger.honesty" if weights == "pop" else "merger.honesty_equal", lang)
    lines = [honesty[:1].upper() + honesty[1:] + ".",
             t("merger.weights_line", lang, weights=t(f"merger.weights_{weights}", lang))]
    if chart:
        lines.append(t("merger.chart_style", lang))
    n_flagged = int(harmonize.flagged(shown[back]).sum())
    if n_flagged:
        lines.append(t("merger.flagged", lang, n=n_flagged))
    return lines


def status_column(frame: pd.DataFrame, lang: str) -> pd.Series:
    """'converted' / 'converted, a former province missing' / 'published' for each row (the CSV's flag column)."""
    back = backcast_rows(frame)
    partial = harmonize.flagged(frame) if back.any() else back
    words = [t("merger.backcast_partial", lang) if p else t("merger.backcast_yes", lang) if b
             else t("merger.backcast_no", lang) for b, p in zip(back, partial)]
    return pd.Series(words, index=frame.index)


def members_of(source: pd.DataFrame | None, catalog: Catalog, component: str, code: str) -> pd.DataFrame:
    """A merged unit's former provinces' own published rows of ``component`` (empty for an unchanged unit)."""
    if source is None or not catalog.has_unit("vn34", code):
        return pd.DataFrame()
    codes = catalog.members(code)["from_code"].tolist()
    if len(codes) < 2:
        return pd.DataFrame()
    rows = source[(source["unit_set"] == "vn63") & (source["component"] == component)
                  & source["unit_code"].isin(codes)]
    return rows[["year", "unit_code", "value"]]
