"""View state shared by every page, kept in the session and in the URL.

Every choice lives in the URL as a code (``?lang=en&year=2024&unit=48&component=PCI:TIME_COSTS``) so a
copied link reproduces the view in either language (ARCHITECTURE decision 11). Widgets are seeded from
this session's choice, else the URL, else a default, and write their value back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

import streamlit as st

from provindex import config, views
from provindex.catalog import Catalog
from provindex.i18n import LANGS, localized, normalise_lang, t
from provindex.text import strip_accents

if TYPE_CHECKING:
    from provindex.ui import PageContext


#: Longest query-string value read: every code, year and unit is far shorter; a longer one (a 5,000-digit
#: ``year`` that ``int()`` refuses) is ignored and the default used, before any parsing or lookup.
MAX_PARAM_CHARS = 64


def url_param(key: str) -> str | None:
    """One query-string value, or None when absent or longer than :data:`MAX_PARAM_CHARS`."""
    value = st.query_params.get(key)
    return value if value is not None and len(value) <= MAX_PARAM_CHARS else None


def url_params(key: str) -> list[str]:
    """Every value of a repeated query-string key, without those longer than :data:`MAX_PARAM_CHARS`."""
    return [v for v in st.query_params.get_all(key) if len(v) <= MAX_PARAM_CHARS]


def current_lang() -> str:
    """Language from the session (set by the sidebar switch) or the URL."""
    if "pv_lang" in st.session_state:
        return normalise_lang(st.session_state["pv_lang"])
    return normalise_lang(url_param("lang"))


def initial_state(years: list[int]) -> None:
    """First run of a session: adopt valid values from the URL, defaults otherwise."""
    if st.session_state.get("pv_init"):
        return
    st.session_state["pv_lang"] = normalise_lang(url_param("lang"))
    year = url_param("year")
    st.session_state["pv_year"] = int(year) if year and year.isdigit() and int(year) in years else years[-1]
    unit = url_param("unit") or config.focal_unit()
    st.session_state["pv_unit"] = unit if unit.isdigit() else config.focal_unit()
    st.session_state["pv_init"] = True


def valid_unit(catalog: Catalog, unit_set: str, code: str) -> tuple[str, str | None]:
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


def language_switch(lang: str) -> str:
    """The sidebar's language radio (its key is the session's language); returns the chosen language."""
    keep("pv_lang", lang)
    with st.sidebar:
        choice = st.radio(t("ui.language", lang), LANGS, key="pv_lang", horizontal=True,
                          format_func=lambda code: t(f"ui.lang_{code}", lang), persist_state="session")
    return normalise_lang(choice)


def keep(key: str, default=None) -> None:
    """Carry a widget's value over a page switch (each page's widget is a new one to Streamlit).

    Streamlit drops a widget's value when a run does not draw it and gives the next page's widget of the
    same key its default; writing the value back through the Session State API before the widget is
    drawn makes it the new widget's starting value (STACK-NOTES §1.3: state across pages).
    """
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
    elif default is not None:
        st.session_state[key] = default


def share_link() -> None:
    """Sidebar: a copyable link to the current view (its codes reproduce the view in either language).

    Called by the entry point after the page ran, so the link holds every choice the page made.
    """
    lang = current_lang()
    pairs = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    url = (st.context.url or "") + ("?" + urlencode(pairs) if pairs else "")
    with st.sidebar.popover(t("ui.copy_link", lang), icon=":material/link:"):
        st.caption(t("ui.copy_link_help", lang))
        st.code(url, language=None, wrap_lines=True)


# -- pickers: state in the URL, as codes, so a link works in either language ----------------------
def _seed(key: str, options: list, default, multi: bool = False) -> None:
    """A widget's starting value: this session's choice, else the URL, else the default."""
    valid = {str(o): o for o in options}
    if key in st.session_state:
        keep(key)
        current = st.session_state[key]
        if multi:
            kept = [v for v in current if str(v) in valid]
            if kept != list(current):
                st.session_state[key] = kept
        elif str(current) not in valid:
            st.session_state[key] = default
        return
    if multi:
        raw = url_params(key)
        st.session_state[key] = [valid[v] for v in raw if v in valid] if raw else list(default)
    else:
        raw = url_param(key)
        st.session_state[key] = valid.get(raw, default) if raw is not None else default


def publish(key: str, value, multi: bool = False) -> None:
    """Write a widget's value to the URL as codes (``?key=a&key=b`` for several), only when it changed."""
    if multi:
        wanted = [str(v) for v in value]
        if st.query_params.get_all(key) != wanted:
            if wanted:
                st.query_params[key] = wanted
            elif key in st.query_params:
                del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def url_select(label: str, options: list, key: str, default, format_func=str, control: str = "selectbox"):
    """A single choice kept in the session and in the URL (``?key=code``)."""
    _seed(key, options, default)
    if control == "segmented":
        value = st.segmented_control(label, options, key=key, required=True, format_func=format_func,
                                     persist_state="session")
    elif control == "radio":
        value = st.radio(label, options, key=key, format_func=format_func, persist_state="session")
    else:
        value = st.selectbox(label, options, key=key, format_func=format_func, persist_state="session")
    publish(key, value)
    return value


def url_multiselect(label: str, options: list, key: str, default: list, format_func=str, placeholder: str = "",
                    max_selections: int | None = None) -> list:
    """Several choices kept in the session and in the URL (``?key=a&key=b``)."""
    _seed(key, options, default, multi=True)
    value = st.multiselect(label, options, key=key, format_func=format_func, placeholder=placeholder,
                           max_selections=max_selections, select_all=False, persist_state="session")
    publish(key, value, multi=True)
    return value


def url_toggle(label: str, key: str, default: bool) -> bool:
    """An on/off switch kept in the session and in the URL (``?key=1``)."""
    _seed(key, ["1", "0"], "1" if default else "0")
    st.session_state[key + "_on"] = st.session_state.get(key + "_on", st.session_state[key] == "1")
    value = st.toggle(label, key=key + "_on", persist_state="session")
    st.session_state[key] = "1" if value else "0"
    publish(key, st.session_state[key])
    return value


def index_picker(ctx: PageContext, key: str = "index") -> str:
    """The index (PCI, PAPI, PAR, SIPAS) of the page, by its short label."""
    codes = ctx.catalog.index_codes()
    return url_select(t("ui.index", ctx.lang), codes, key, codes[0],
                      lambda code: localized(ctx.catalog.index_row(code), "short", ctx.lang))


def component_picker(ctx: PageContext, index: str, key: str = "component") -> str:
    """A component of ``index`` (composite first, sub-indices indented under their parent)."""
    options = views.component_options(ctx.catalog, index)
    return url_select(t("ui.component", ctx.lang), options, key, options[0], lambda code: _indent(ctx, code))


def unit_label(catalog: Catalog, unit_set: str, code: str, lang: str) -> str:
    """A unit's name in a picker, with its unaccented spelling after it when that differs ("Đà Nẵng · Da Nang").

    Streamlit's option filter does not fold diacritics, so typing "da nang" or "hue" would find nothing.
    """
    name = catalog.unit_name(unit_set, code, lang)
    plain = strip_accents(name)
    return name if plain == name else f"{name} · {plain}"


def _indent(ctx: PageContext, code: str) -> str:
    level = int(ctx.catalog.component(code)["level"])
    return "\u2003" * level + ctx.catalog.component_label(code, ctx.lang, short=False)


def units_picker(ctx: PageContext, label_key: str, key: str, default: list[str] | None = None,
                 max_selections: int = 8) -> list[str]:
    """Units of the page's unit set to show beside the focal one (by name, kept as codes)."""
    codes = ctx.catalog.units_of(ctx.unit_set)["code"].tolist()
    return url_multiselect(t(label_key, ctx.lang), codes, key, [c for c in (default or []) if c in codes],
                           lambda code: unit_label(ctx.catalog, ctx.unit_set, code, ctx.lang),
                           t("ui.choose_units", ctx.lang), max_selections)
