"""The Streamlit side of the library: the page frame, view state, cached reads and layout.

Pages call :func:`page_setup` first; it renders the sidebar (language, year, unit), the
simulated-data label and the empty-database guidance, and returns a :class:`PageContext`.
Then a page asks one view function (``provindex.views``, ``provindex.impact.view``) for its
content and lays it out with the renderers re-exported here.

``state`` keeps choices in the session and the URL; ``data`` holds the cached reads; ``render``
and ``impact`` place finished view models on the page. No other library module imports Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from provindex import config, schema
from provindex.auth import User
from provindex.catalog import Catalog, get_catalog, unit_set_for_year
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.ui.auth import current_user, require_role
from provindex.ui.data import load_data, load_register
from provindex.ui.harmonized import UNIT_PAGES, overview_cards, unit_scores, units_switch
from provindex.ui.navigation import page_spec
from provindex.ui.impact import impact_controls, impact_results, render_impact_card, warm_impact
from provindex.ui.render import (boundary_shapes, download_csv, render_fallback, render_index_card, render_league,
                                 render_movers, render_notes, render_peer_scores, render_story, render_strengths,
                                 render_target_gap, render_tile_key, render_tiers, show_chart)
from provindex.ui.state import (component_picker, current_lang, index_picker, initial_state, keep, language_switch,
                                publish, share_link, unit_label, units_picker, url_multiselect, url_select, url_toggle,
                                valid_unit)

__all__ = [
    "PageContext", "page_setup", "current_lang", "load_data", "load_register", "overview_cards",
    "url_select", "url_multiselect", "url_toggle", "index_picker", "component_picker", "units_picker",
    "download_csv", "show_chart", "render_notes", "render_index_card", "render_story", "render_league",
    "render_movers", "render_tiers", "render_fallback", "render_peer_scores", "render_target_gap",
    "render_strengths", "boundary_shapes", "render_tile_key", "unit_label",
    "share_link", "current_user", "warm_impact", "impact_controls", "impact_results", "render_impact_card",
]


@dataclass
class PageContext:
    """What every page knows after :func:`page_setup`: language, year, unit set, focal unit and the data."""

    lang: str
    year: int
    unit_set: str
    unit_code: str
    scores: pd.DataFrame
    meta: dict
    catalog: Catalog
    actions: pd.DataFrame
    user: User
    units: str = ""  # the units switch ("vn34" | "vn63") on the pages that follow it, else ""
    weights: str = "pop"  # back-cast weights of the 34 units
    source: pd.DataFrame | None = None  # the published scores of both unit sets (``scores`` is on ``units``)

    @property
    def unit_name(self) -> str:
        return self.catalog.unit_name(self.unit_set, self.unit_code, self.lang)

    @property
    def is_demo(self) -> bool:
        return self.meta.get("dataset") == "demo"


def page_setup(page_key: str) -> PageContext:
    """Sidebar filters, labels and guards shared by every page; the role gate (``PageSpec.min_role``) first.

    On an empty database the run stops with guidance, except on pages that serve one (``works_empty``).
    """
    catalog = get_catalog()
    lang = current_lang()
    spec = page_spec(page_key)
    user = require_role(spec.min_role if spec else "viewer", lang)
    try:
        scores, meta, actions = load_data()
    except ProvindexError as exc:
        st.error(exc.screen_message(lang))
        st.stop()
    if scores.empty:
        return _empty_database(page_key, spec, catalog, lang, (meta, actions, user))
    years = sorted(int(y) for y in scores["year"].unique())
    initial_state(years)
    lang = language_switch(current_lang())
    year, unit_set, unit, former, weights = _sidebar_filters(catalog, years, lang, page_key in UNIT_PAGES)
    for key, value in (("lang", lang), ("year", year), ("unit", unit)):
        publish(key, value)
    units = unit_set if page_key in UNIT_PAGES else ""
    shown = unit_scores(scores, units, weights) if units else scores
    context = PageContext(lang, int(year), unit_set, unit, shown, meta, catalog, actions, user, units, weights,
                          scores)
    _labels(context, former)
    return context


def _empty_database(page_key: str, spec, catalog: Catalog, lang: str, rest: tuple) -> PageContext:
    """No data yet: guidance, and the run stops unless the page serves an empty database (the first load)."""
    lang = language_switch(lang)
    if spec is None or not spec.works_empty:
        st.title(t(f"nav.{page_key}", lang))
        st.info(t("ui.empty_db", lang))
        st.stop()
    st.info(t("ui.empty_db_workspace", lang))
    year = date.today().year - 1  # the edition an analyst most likely loads first
    meta, actions, user = rest
    return PageContext(lang, year, unit_set_for_year(year), config.focal_unit(),
                       pd.DataFrame(columns=list(schema.SCORE_COLUMNS)), meta, catalog, actions, user)


def _sidebar_filters(catalog: Catalog, years: list[int], lang: str,
                     switch: bool) -> tuple[int, str, str, str | None, str]:
    """Year, units switch (where the page follows it) and unit pickers; also the back-cast weights.

    A former province asked for on the 34 units becomes its new unit.
    """
    keep("pv_year")
    with st.sidebar:
        year = st.selectbox(t("ui.year", lang), years[::-1], key="pv_year", persist_state="session")
        if switch:
            unit_set, weights = units_switch(year, lang)
        else:
            keep("units")
            keep("weights")
            unit_set, weights = unit_set_for_year(year), "pop"
        unit, former = valid_unit(catalog, unit_set, str(st.session_state.get("pv_unit")))
        st.session_state["pv_unit"] = unit
        codes = list(catalog.units_of(unit_set)["code"])
        unit = st.selectbox(t("ui.unit", lang), codes, key="pv_unit",
                            format_func=lambda c: unit_label(catalog, unit_set, c, lang), persist_state="session")
        st.caption(t("ui.unit_set_caption", lang, n=len(codes), period=t(f"ui.period_{unit_set}", lang)))
    return year, unit_set, unit, former, weights


def _labels(context: PageContext, former: str | None) -> None:
    """The simulated-data warning and the former-province notice, on every page."""
    lang = context.lang
    if context.is_demo:
        st.warning(t("ui.demo_banner", lang), icon=":material/warning:")
    if former:
        st.info(t("ui.former_unit", lang, former=context.catalog.unit_name("vn63", former, lang),
                  unit=context.unit_name, year=context.year))
