"""The only Streamlit module of the library: cached data access, shared filters, URL state, cards.

Pages call :func:`page_setup` first; it renders the sidebar (language, year, unit), the
simulated-data label and the empty-database guidance, and returns a :class:`PageContext`.
All view state lives in the URL (``?lang=en&year=2024&unit=48``) so a copied link
reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from provindex import config, queries
from provindex import db as dbmod
from provindex.catalog import Catalog, get_catalog, unit_set_for_year
from provindex.errors import ProvindexError
from provindex.i18n import DEFAULT_LANG, LANGS, normalise_lang, t
from provindex.overview import IndexCard, build_cards
from provindex.text import format_number, format_signed

STATE_KEYS = ("lang", "year", "unit")


@dataclass
class PageContext:
    lang: str
    year: int
    unit_set: str
    unit_code: str
    scores: pd.DataFrame
    meta: dict
    catalog: Catalog

    @property
    def unit_name(self) -> str:
        return self.catalog.unit_name(self.unit_set, self.unit_code, self.lang)

    @property
    def is_demo(self) -> bool:
        return self.meta.get("dataset") == "demo"


# -- data access (cached per database version; short read-only connections) --------------
@st.cache_data(max_entries=4, show_spinner=False)
def _load_database(path: str, version: str) -> tuple[pd.DataFrame, dict]:
    con = dbmod.connect(path, read_only=True)
    try:
        return queries.current_scores(con), queries.meta(con)
    finally:
        con.close()


def load_data() -> tuple[pd.DataFrame, dict]:
    """Current scores and meta; empty frame when there is no database yet."""
    path = config.db_path()
    if not path.exists():
        return pd.DataFrame(columns=["index", "year", "unit_set", "unit_code", "component", "value", "rank"]), {}
    return _load_database(str(path), dbmod.data_version(path))


# -- URL state -------------------------------------------------------------------------------
def current_lang() -> str:
    """Language from the session (set by the sidebar switch) or the URL."""
    if "pv_lang" in st.session_state:
        return normalise_lang(st.session_state["pv_lang"])
    return normalise_lang(st.query_params.get("lang"))


def _initial_state(years: list[int], catalog: Catalog) -> None:
    """First run of a session: adopt valid values from the URL, defaults otherwise."""
    if st.session_state.get("pv_init"):
        return
    params = st.query_params
    st.session_state["pv_lang"] = normalise_lang(params.get("lang"))
    year = params.get("year")
    st.session_state["pv_year"] = int(year) if year and year.isdigit() and int(year) in years else years[-1]
    unit = params.get("unit") or config.focal_unit()
    st.session_state["pv_unit"] = unit if unit.isdigit() else config.focal_unit()
    st.session_state["pv_init"] = True


def _valid_unit(catalog: Catalog, unit_set: str, code: str) -> tuple[str, str | None]:
    """A code valid in ``unit_set``; a former province maps to the unit it merged into."""
    if catalog.has_unit(unit_set, code) and not catalog.unit(unit_set, code).get("merged_into"):
        return code, None
    if unit_set == "vn34" and catalog.has_unit("vn63", code):
        successor = catalog.successor(code)
        if successor:
            return successor, code
    fallback = config.focal_unit() if catalog.has_unit(unit_set, config.focal_unit()) else \
        catalog.units_of(unit_set)["code"].iloc[0]
    return fallback, None


def _sync_url(lang: str, year: int, unit: str) -> None:
    wanted = {"lang": lang, "year": str(year), "unit": unit}
    if {k: st.query_params.get(k) for k in wanted} != wanted:
        st.query_params.update(wanted)


# -- page frame ------------------------------------------------------------------------------
def page_setup(page_key: str) -> PageContext:
    """Sidebar filters, labels and guards shared by every page. Stops the run on an empty database."""
    catalog = get_catalog()
    lang = current_lang()
    try:
        scores, meta = load_data()
    except ProvindexError as exc:
        st.error(exc.message(lang))
        st.stop()
    if scores.empty:
        _language_switch(lang)
        st.title(t(f"nav.{page_key}", lang))
        st.info(t("ui.empty_db", lang, path=str(config.db_path())))
        st.stop()
    years = sorted(int(y) for y in scores["year"].unique())
    _initial_state(years, catalog)
    lang = _language_switch(current_lang())
    with st.sidebar:
        year = st.selectbox(t("ui.year", lang), years[::-1], key="pv_year")
        unit_set = unit_set_for_year(year)
        unit, former = _valid_unit(catalog, unit_set, str(st.session_state.get("pv_unit")))
        st.session_state["pv_unit"] = unit
        codes = list(catalog.units_of(unit_set)["code"])
        unit = st.selectbox(t("ui.unit", lang), codes, key="pv_unit",
                            format_func=lambda c: catalog.unit_name(unit_set, c, lang))
        st.caption(t("ui.unit_set_caption", lang, unit_set=unit_set, n=len(codes)))
    _sync_url(lang, year, unit)
    context = PageContext(lang, int(year), unit_set, unit, scores, meta, catalog)
    if context.is_demo:
        st.warning(t("ui.demo_banner", lang), icon="⚠️")
    if former:
        st.info(t("ui.former_unit", lang, former=catalog.unit_name("vn63", former, lang),
                  unit=context.unit_name, year=year))
    return context


def _language_switch(lang: str) -> str:
    with st.sidebar:
        choice = st.radio(t("ui.language", lang), LANGS, key="pv_lang", horizontal=True,
                          index=LANGS.index(lang), format_func=lambda code: t(f"ui.lang_{code}", lang))
    return normalise_lang(choice)


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_cards(version: str, unit_set: str, unit_code: str, year: int, _scores: pd.DataFrame) -> list[IndexCard]:
    return build_cards(_scores, get_catalog(), unit_set, unit_code, year)


def overview_cards(ctx: PageContext) -> list[IndexCard]:
    """Cards per index, cached per (database version, unit, year)."""
    return _cached_cards(dbmod.data_version(), ctx.unit_set, ctx.unit_code, ctx.year, ctx.scores)


# -- rendering ---------------------------------------------------------------------------------
def render_index_card(card: IndexCard, ctx: PageContext) -> None:
    lang, catalog = ctx.lang, ctx.catalog
    index_row = catalog.index_row(card.index)
    title = index_row["short_en" if lang == "en" else "short_vi"]
    with st.container(border=True):
        st.subheader(f"{title} {card.year or ''}".strip())
        st.caption(index_row["name_en" if lang == "en" else "name_vi"])
        if card.status != "ok":
            st.write(_status_sentence(card, ctx))
            return
        decimals = 2
        delta = None
        if card.change is not None:
            delta = format_signed(card.change, lang, decimals).replace("−", "-")
            delta += " " + t("ui.vs_year", lang, year=card.prev_year)
        label = t("ui.score_points" if index_row["unit"] == "points" else "ui.score_percent", lang)
        st.metric(label, format_number(card.value, lang, decimals), delta)
        rank_text = t("ui.rank_of", lang, rank=card.rank, n=card.n_ranked)
        if card.partial_coverage:
            rank_text += " " + t("ui.rank_partial", lang, n=card.n_ranked)
        rank_text += " · " + t("ui.quartile", lang, q=card.quartile)
        if card.rank_change:
            key = "ui.rank_up" if card.rank_change > 0 else "ui.rank_down"
            rank_text += " · " + t(key, lang, n=abs(card.rank_change))
        st.write(rank_text)
        for label_key, standing in (("ui.strongest", card.best), ("ui.weakest", card.worst)):
            if standing is not None:
                st.write(t(label_key, lang, name=catalog.component_label(standing.code, lang),
                           value=format_number(standing.value, lang, 2), rank=standing.rank, n=standing.n))
        if card.change is None and card.prev_year and not card.break_note:
            st.caption(t("ui.no_change", lang, year=card.prev_year))
        if card.change_basis == "harmonized":
            st.caption(t("ui.harmonized_note", lang, year=card.prev_year))
        if card.break_note:
            st.caption(t("ui.break_note", lang, year=card.break_note["year"],
                         note=card.break_note["note_en" if lang == "en" else "note_vi"]))


def _status_sentence(card: IndexCard, ctx: PageContext) -> str:
    lang = ctx.lang
    first_year = ctx.catalog.index_row(card.index)["first_year"]
    if card.status == "no_year":
        return t("ui.no_data_year", lang, year=ctx.year, first=first_year, unit_set=card.unit_set)
    if card.status == "not_published":
        return t("ui.not_published", lang, unit=ctx.unit_name, year=card.year, n=card.n_ranked)
    return t("ui.no_unit_data", lang, unit=ctx.unit_name, year=card.year)
