"""The units switch (34 units with the back-cast, or the 63 former provinces) and its cached scores.

The harmonised frame is computed once per (data version, units, weights), like the reads of ``ui.data``;
the choice lives in the URL as codes (``?units=vn34&weights=pop``, ARCHITECTURE decision 11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex import store
from provindex import harmonize
from provindex.catalog import get_catalog
from provindex.i18n import t
from provindex.narrative import what_changed
from provindex.overview import IndexCard, build_cards
from provindex.ui.state import url_select

if TYPE_CHECKING:
    from provindex.ui import PageContext

#: Pages whose numbers follow the units switch; the others keep each year's own unit set.
UNIT_PAGES = ("overview", "trends", "rankings", "compare", "map")


@st.cache_data(max_entries=8, show_spinner=False)
def _on_units(version: str, units: str, weights: str, _scores: pd.DataFrame) -> pd.DataFrame:
    return harmonize.on_units(_scores, get_catalog(), units, weights)


def unit_scores(scores: pd.DataFrame, units: str, weights: str) -> pd.DataFrame:
    """The scores on the chosen units (back-cast included for the 34 units), cached per data version."""
    return _on_units(store.current_version(), units, weights, scores)


def units_switch(year: int, lang: str) -> tuple[str, str]:
    """Sidebar: the units choice and, for the 34 units, the back-cast weights; both kept in the URL as codes.

    The choice follows the year's default (34 units from 2025, else 63) until the reader picks the other one.
    """
    default = harmonize.default_units(year)
    if st.session_state.get("units") == st.session_state.get("pv_units_default", default):
        st.session_state["units"] = default
    st.session_state["pv_units_default"] = default
    units = url_select(t("merger.units", lang), list(harmonize.UNIT_CHOICES), "units", default,
                       lambda code: t(f"merger.units_{code}", lang), control="radio")
    weights = "pop"
    if units == "vn34":
        weights = url_select(t("merger.weights", lang), list(harmonize.WEIGHT_CHOICES), "weights", "pop",
                             lambda code: t(f"merger.weights_{code}", lang))
        st.caption(t("merger.weights_counts_unavailable", lang))
    return units, weights


@st.cache_data(max_entries=64, show_spinner=False)
def _cards(version: str, units: str, weights: str, unit_code: str, year: int,
           _scores: pd.DataFrame) -> list[IndexCard]:
    return build_cards(_scores, get_catalog(), units, unit_code, year)


def overview_cards(ctx: PageContext) -> list[IndexCard]:
    """The Overview cards on the chosen units, cached per (data version, units, weights, unit, year)."""
    return _cards(store.current_version(), ctx.unit_set, ctx.weights, ctx.unit_code, ctx.year, ctx.scores)


@st.cache_data(max_entries=64, show_spinner=False)
def _story(version: str, units: str, weights: str, unit_code: str, year: int, lang: str, _cards: list[IndexCard],
           _scores: pd.DataFrame, unit_name: str) -> list[str]:
    catalog = get_catalog()
    texts = [what_changed(card, _scores[_scores["index"] == card.index], catalog, unit_code, unit_name, lang)
             for card in _cards]
    return [text for text in texts if text]


def story_paragraphs(cards: list[IndexCard], ctx: PageContext) -> list[str]:
    """'What changed this year', one paragraph per index, cached per (data version, units, unit, year, language)."""
    return _story(store.current_version(), ctx.unit_set, ctx.weights, ctx.unit_code, ctx.year, ctx.lang, cards,
                  ctx.scores, ctx.unit_name)
