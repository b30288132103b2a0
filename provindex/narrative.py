"""'What changed this year' in plain Vietnamese and English, computed from the scores.

Each sentence is built from i18n templates; numbers use the language's format. The words
say how large a move is compared with the unit's own usual year-to-year movement, so a
leader can tell a real shift from survey noise.
"""

from __future__ import annotations

import statistics

import pandas as pd

from provindex.analysis import higher_is_better
from provindex.catalog import Catalog
from provindex.i18n import localized, t
from provindex.overview import IndexCard
from provindex.text import format_number, format_signed

MIN_HISTORY = 3  # year-to-year changes needed before we judge "usual"


def usual_change(data: pd.DataFrame, catalog: Catalog, index: str, component: str, unit_set: str, unit_code: str,
                 before_year: int) -> float | None:
    """SD of the unit's comparable year-to-year changes before ``before_year`` (None if too few)."""
    series = data[(data["unit_code"] == unit_code) & (data["component"] == component) &
                  (data["unit_set"] == unit_set) & (data["year"] < before_year)].sort_values("year")
    years, values = series["year"].tolist(), series["value"].tolist()
    changes = [b - a for (y0, a), (y1, b) in zip(zip(years, values), zip(years[1:], values[1:]))
               if catalog.comparable(index, component, y0, y1, ignore_kinds=("units",))]
    return statistics.pstdev(changes) if len(changes) >= MIN_HISTORY and statistics.pstdev(changes) > 0 else None


def component_moves(data: pd.DataFrame, catalog: Catalog, card: IndexCard, unit_code: str) -> list[tuple[str, float]]:
    """(sub-index, change) for sub-indices comparable with the previous edition, largest improvement first.

    A fall in a lower-is-better sub-index is an improvement, so it sorts with the gains.
    """
    if card.prev_year is None or card.change_basis != "same":
        return []
    mine = data[data["unit_code"] == unit_code]
    now = mine[(mine["year"] == card.year) & (mine["unit_set"] == card.unit_set)]
    before = mine[(mine["year"] == card.prev_year) & (mine["unit_set"] == card.unit_set)]
    before = before.set_index("component")["value"]
    parts = set(catalog.components_of(card.index, year=card.year, level=1)["code"])
    moves = []
    for row in now.itertuples(index=False):
        if row.component in parts and row.component in before.index:
            if catalog.comparable(card.index, row.component, card.prev_year, card.year, ignore_kinds=("units",)):
                moves.append((row.component, float(row.value - before[row.component])))
    return sorted(moves, key=lambda m: _improvement(catalog, *m), reverse=True)


def _improvement(catalog: Catalog, component: str, change: float) -> float:
    """``change`` turned so that positive means better (see :func:`provindex.analysis.higher_is_better`)."""
    return change if higher_is_better(catalog, component) else -change


def what_changed(card: IndexCard, data: pd.DataFrame, catalog: Catalog, unit_code: str, unit_name: str,
                 lang: str = "vi") -> str | None:
    """A short paragraph on the index's movement for the focal unit (None when there is no value)."""
    if card.status != "ok" or card.value is None:
        return None
    name = localized(catalog.index_row(card.index), "short", lang)
    if card.prev_year is None:
        return t("story.first_edition", lang, index=name, unit=unit_name, year=card.year)
    if card.change is None:
        reason = (localized(card.break_note, "note", lang) if card.break_note
                  else t("story.no_previous_value", lang, prev=card.prev_year))
        return t("story.not_comparable", lang, index=name, year=card.year, prev=card.prev_year, reason=reason)
    parts = [_headline(card, name, unit_name, lang)]
    sd = usual_change(data, catalog, card.index, catalog.composite(card.index), card.unit_set, unit_code, card.year) \
        if card.change_basis == "same" else None
    if sd is not None:
        ratio = abs(card.change) / sd
        key = "story.noise_much" if ratio >= 2 else ("story.noise_above" if ratio >= 1 else "story.noise_within")
        parts.append(t(key, lang, sd=format_number(sd, lang), ratio=format_number(ratio, lang, 1)))
    moves = component_moves(data, catalog, card, unit_code)
    ups = [(c, d) for c, d in moves if _improvement(catalog, c, d) > 0][:2]
    downs = [(c, d) for c, d in reversed(moves) if _improvement(catalog, c, d) < 0][:2]
    if ups:
        parts.append(t("story.up", lang, items=_items(ups, catalog, lang)))
    if downs:
        parts.append(t("story.down", lang, items=_items(downs, catalog, lang)))
    return " ".join(parts)


def _headline(card: IndexCard, name: str, unit_name: str, lang: str) -> str:
    """The first sentence: the score's move since the previous edition and, when known, the rank's."""
    direction = "up" if card.change > 0 else ("down" if card.change < 0 else "flat")
    basis = t("story.basis_harmonized", lang) if card.change_basis == "harmonized" else ""
    text = t(f"story.headline_{direction}", lang, index=name, unit=unit_name, year=card.year, prev=card.prev_year,
             change=format_number(abs(card.change), lang), value=format_number(card.value, lang), basis=basis)
    if card.rank_change is not None:
        if card.rank_change > 0:
            text += " " + t("story.rank_up", lang, n=card.rank_change, rank=card.rank, total=card.n_ranked)
        elif card.rank_change < 0:
            text += " " + t("story.rank_down", lang, n=-card.rank_change, rank=card.rank, total=card.n_ranked)
        else:
            text += " " + t("story.rank_same", lang, rank=card.rank, total=card.n_ranked)
    return text


def _items(moves: list[tuple[str, float]], catalog: Catalog, lang: str) -> str:
    """Sub-indices with their signed changes, as a comma-separated list."""
    return ", ".join(f"{catalog.component_label(c, lang)} ({format_signed(d, lang)})" for c, d in moves)
