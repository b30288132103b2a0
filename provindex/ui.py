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
from provindex import views
from provindex.charts import chart_config
from provindex.narrative import what_changed
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
    actions: pd.DataFrame

    @property
    def unit_name(self) -> str:
        return self.catalog.unit_name(self.unit_set, self.unit_code, self.lang)

    @property
    def is_demo(self) -> bool:
        return self.meta.get("dataset") == "demo"


# -- data access (cached per database version; short read-only connections) --------------
@st.cache_data(max_entries=4, show_spinner=False)
def _load_database(path: str, version: str) -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.DataFrame, str]:
    con = dbmod.connect(path, read_only=True)
    try:
        return (queries.current_scores(con), queries.meta(con), queries.actions(con), queries.action_targets(con),
                queries.register_version(con))
    finally:
        con.close()


def _read_all() -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.DataFrame, str]:
    """Everything the pages read, in one connection per database version (empty before any database)."""
    path = config.db_path()
    if not path.exists():
        empty = pd.DataFrame(columns=["index", "year", "unit_set", "unit_code", "component", "value", "rank"])
        return (empty, {}, pd.DataFrame(columns=["action_id", "unit_code", "year", "action_type"]),
                pd.DataFrame(columns=["action_id", "index", "component"]), "-")
    return _load_database(str(path), dbmod.data_version(path))


def load_data() -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Current scores, meta and the action register; empty frames when there is no database yet."""
    return _read_all()[:3]


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


# -- page frame ------------------------------------------------------------------------------
def page_setup(page_key: str) -> PageContext:
    """Sidebar filters, labels and guards shared by every page. Stops the run on an empty database."""
    catalog = get_catalog()
    lang = current_lang()
    try:
        scores, meta, actions = load_data()
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
    for key, value in (("lang", lang), ("year", year), ("unit", unit)):
        _publish(key, value)
    context = PageContext(lang, int(year), unit_set, unit, scores, meta, catalog, actions)
    if context.is_demo:
        st.warning(t("ui.demo_banner", lang), icon=":material/warning:")
    if former:
        st.info(t("ui.former_unit", lang, former=catalog.unit_name("vn63", former, lang),
                  unit=context.unit_name, year=year))
    return context


def _language_switch(lang: str) -> str:
    if "pv_lang" not in st.session_state:
        st.session_state["pv_lang"] = lang
    with st.sidebar:
        choice = st.radio(t("ui.language", lang), LANGS, key="pv_lang", horizontal=True,
                          format_func=lambda code: t(f"ui.lang_{code}", lang))
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


# -- shared pickers (state in the URL, as codes: a link works in either language) ---------------
def _seed(key: str, options: list, default, multi: bool = False) -> None:
    """A widget's starting value: this session's choice, else the URL, else the default."""
    valid = {str(o): o for o in options}
    if key in st.session_state:
        current = st.session_state[key]
        if multi:
            kept = [v for v in current if str(v) in valid]
            if kept != list(current):
                st.session_state[key] = kept
        elif str(current) not in valid:
            st.session_state[key] = default
        return
    if multi:
        raw = st.query_params.get_all(key)
        st.session_state[key] = [valid[v] for v in raw if v in valid] if raw else list(default)
    else:
        raw = st.query_params.get(key)
        st.session_state[key] = valid.get(raw, default) if raw is not None else default


def _publish(key: str, value, multi: bool = False) -> None:
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
    _publish(key, value)
    return value


def url_multiselect(label: str, options: list, key: str, default: list, format_func=str, placeholder: str = "",
                    max_selections: int | None = None) -> list:
    """Several choices kept in the session and in the URL (``?key=a&key=b``)."""
    _seed(key, options, default, multi=True)
    value = st.multiselect(label, options, key=key, format_func=format_func, placeholder=placeholder,
                           max_selections=max_selections, select_all=False, persist_state="session")
    _publish(key, value, multi=True)
    return value


def url_toggle(label: str, key: str, default: bool) -> bool:
    """An on/off switch kept in the session and in the URL (``?key=1``)."""
    _seed(key, ["1", "0"], "1" if default else "0")
    st.session_state[key + "_on"] = st.session_state.get(key + "_on", st.session_state[key] == "1")
    value = st.toggle(label, key=key + "_on", persist_state="session")
    st.session_state[key] = "1" if value else "0"
    _publish(key, st.session_state[key])
    return value


def index_picker(ctx: PageContext, key: str = "index") -> str:
    codes = ctx.catalog.index_codes()
    column = "short_en" if ctx.lang == "en" else "short_vi"
    return url_select(t("ui.index", ctx.lang), codes, key, codes[0], lambda code: ctx.catalog.index_row(code)[column])


def component_picker(ctx: PageContext, index: str, key: str = "component") -> str:
    options = views.component_options(ctx.catalog, index)
    return url_select(t("ui.component", ctx.lang), options, key, options[0], lambda code: _indent(ctx, code))


def _indent(ctx: PageContext, code: str) -> str:
    level = int(ctx.catalog.component(code)["level"])
    return "\u2003" * level + ctx.catalog.component_label(code, ctx.lang, short=False)


def units_picker(ctx: PageContext, label_key: str, key: str, default: list[str] | None = None,
                 max_selections: int = 8) -> list[str]:
    codes = ctx.catalog.units_of(ctx.unit_set)["code"].tolist()
    return url_multiselect(t(label_key, ctx.lang), codes, key, [c for c in (default or []) if c in codes],
                           lambda code: ctx.catalog.unit_name(ctx.unit_set, code, ctx.lang),
                           t("ui.choose_units", ctx.lang), max_selections)


# -- rendering helpers ----------------------------------------------------------------------------
def download_csv(frame: pd.DataFrame, file_name: str, lang: str, key: str) -> None:
    """A CSV (UTF-8 with BOM, opens in Excel) of exactly what the chart or table shows."""
    data = frame.to_csv(index=False).encode("utf-8-sig")
    st.download_button(t("ui.download_csv", lang), data, file_name=f"{file_name}.csv", mime="text/csv",
                       key=key, on_click="ignore", icon=":material/download:")


def show_chart(figure, file_name: str, lang: str, data: pd.DataFrame | None = None, key: str = "") -> None:
    """The chart with its own PNG download (toolbar camera) and, below it, its data as CSV."""
    st.plotly_chart(figure, config=chart_config(file_name), key=f"chart_{key or file_name}")
    if data is not None and not data.empty:
        download_csv(data, file_name, lang, key=f"csv_{key or file_name}")


def render_notes(notes: list[str]) -> None:
    for note in notes:
        st.caption(note)


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_story(version: str, unit_code: str, year: int, lang: str, _cards: list[IndexCard],
                  _scores: pd.DataFrame, unit_name: str) -> list[str]:
    paragraphs = []
    for card in _cards:
        text = what_changed(card, _scores[_scores["index"] == card.index], get_catalog(), unit_code, unit_name, lang)
        if text:
            paragraphs.append(text)
    return paragraphs


def render_story(cards: list[IndexCard], ctx: PageContext) -> None:
    """'What changed this year': one short paragraph per index (cached per data version, unit, year, language)."""
    st.subheader(t("story.title", ctx.lang))
    for text in _cached_story(dbmod.data_version(), ctx.unit_code, ctx.year, ctx.lang, cards, ctx.scores,
                              ctx.unit_name):
        st.markdown(text)


def render_league(view: "views.RankingView", ctx: PageContext, file_name: str) -> None:
    lang = ctx.lang
    table = view.table.copy()
    table["unit"] = [("★ " if c == ctx.unit_code else "") + u for c, u in zip(table["unit_code"], table["unit"])]
    shown = table[["rank", "unit", "value", "rank_change", "value_change", "quartile", "trend"]]
    styled = shown.style.format({"value": lambda v: format_number(v, lang),
                                 "value_change": lambda v: format_signed(v, lang).replace("−", "-"),
                                 "rank_change": lambda v: "" if pd.isna(v) else (f"{int(v):+d}" if v else "0")})
    st.dataframe(styled, hide_index=True, key="league", height=460, column_config={
        "rank": st.column_config.NumberColumn(t("chart.rank", lang), format="%d"),
        "unit": st.column_config.TextColumn(t("ui.unit", lang)),
        "value": t("rank.col_value", lang),
        "rank_change": t("rank.col_rank_change", lang),
        "value_change": t("rank.col_value_change", lang),
        "quartile": st.column_config.NumberColumn(t("chart.quartile", lang), format="%d"),
        "trend": st.column_config.LineChartColumn(t("rank.col_trend", lang)),
    })
    download_csv(shown.drop(columns=["trend"]), file_name, lang, key="csv_league")


def render_movers(view: "views.RankingView", ctx: PageContext) -> None:
    lang = ctx.lang
    st.subheader(t("rank.movers_title", lang))
    for frame, key in ((view.up, "rank.movers_up"), (view.down, "rank.movers_down")):
        if frame.empty:
            continue
        items = [t("rank.mover_item", lang, unit=r["unit"], change=f"{int(r['rank_change']):+d}", rank=int(r["rank"]))
                 for r in frame.to_dict("records")]
        st.markdown(f"**{t(key, lang)}** " + "; ".join(items))


def render_tiers(view: "views.RankingView", ctx: PageContext) -> None:
    with st.expander(t("rank.tiers_title", ctx.lang)):
        for quartile, units in view.tiers.items():
            st.markdown(f"**{t('chart.quartile_n', ctx.lang, q=quartile)}** ({len(units)}): " + ", ".join(units))


def render_target_gap(view: "views.CompareView", ctx: PageContext, index: str) -> None:
    lang, gap = ctx.lang, view.gap
    if gap is None:
        st.info(t("compare.not_ranked", lang, unit=ctx.unit_name))
        return
    first, second, third = st.columns(3)
    first.metric(t("compare.rank_now", lang), f"{gap['rank']}/{gap['n']}")
    second.metric(t("compare.to_next", lang), format_number(gap["to_next_rank"], lang) if gap["rank"] > 1
                  else t("compare.already_first", lang))
    third.metric(t("compare.to_top10", lang), t("compare.in_top10", lang) if gap["in_top10"]
                 else format_number(gap["to_top10"], lang))
    if view.room:
        st.markdown(f"**{t('compare.room_title', lang)}** " + " ".join(view.room))


def render_strengths(view: "views.CompareView", ctx: PageContext) -> None:
    strong, weak = st.columns(2)
    with strong:
        st.markdown(f"**{t('compare.strengths', ctx.lang)}**")
        for line in view.strengths:
            st.markdown(f"- {line}")
    with weak:
        st.markdown(f"**{t('compare.weaknesses', ctx.lang)}**")
        for line in view.weaknesses:
            st.markdown(f"- {line}")
    st.caption(t("compare.percentile_note", ctx.lang, n=len(view.peers)))


def boundary_shapes(ctx: PageContext) -> list | None:
    """The administrator's boundaries when supplied and chosen; otherwise None (tile grid)."""
    from provindex.geo import geo_dir, load_shapes

    shapes, unmatched = load_shapes(ctx.unit_set, ctx.catalog)
    if not shapes:
        st.caption(t("map.tile_note", ctx.lang, folder=str(geo_dir())))
        return None
    use = url_toggle(t("map.use_boundaries", ctx.lang), "boundaries", False)
    if unmatched:
        st.caption(t("map.unmatched", ctx.lang, names=", ".join(unmatched[:10])))
    return shapes if use else None


# -- Tác động / Impact (issue 5) ----------------------------------------------------------------------------
# Widgets, cached estimation and the result card. The statistics live in provindex.impact.
IMPACT_METHODS = ("cs", "did2s", "scm", "its", "fd", "lasso")  # TWFE appears only as a benchmark
# Material icons ship with Streamlit (no emoji font needed on office PCs, nothing fetched).
_VERDICT_ICON = {"clear": ":material/check_circle:", "weak": ":material/help:", "insufficient": ":material/remove:",
                 "not_assessable": ":material/block:"}


@st.cache_resource(show_spinner=False)
def warm_impact() -> bool:
    """First pyfixest call once per process, in a background thread (off every page run's path)."""
    import threading

    from provindex import impact

    threading.Thread(target=impact.warm_up, name="impact-warm-up", daemon=True).start()
    return True


def load_register() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Current register, pre-registered targets and the register version (read with the scores)."""
    return _read_all()[2:]


@dataclass
class ImpactChoice:
    action_type: str
    outcome: str
    method: str
    anticipation: int
    action_id: str | None

    def spec(self, unit: str | None) -> dict:
        return {"action_type": self.action_type, "outcome": self.outcome, "method": self.method,
                "anticipation": self.anticipation, "unit": unit, "seed": 0}


def impact_controls(ctx: PageContext, actions: pd.DataFrame, targets: pd.DataFrame) -> ImpactChoice:
    """Pickers (kept in the URL): action type or registered action, index, sub-index; analyst options."""
    lang, catalog = ctx.lang, ctx.catalog
    types = catalog.action_types
    reform = [c for c in types.loc[types["kind"] == "reform", "code"] if c in set(actions["action_type"])]
    if not reform:
        reform = list(types.loc[types["kind"] == "reform", "code"])
    type_name = dict(zip(types["code"], types["name_en" if lang == "en" else "name_vi"]))
    mine = actions[(actions["unit_code"] == ctx.unit_code) & actions["action_type"].isin(reform)]
    titles = dict(zip(mine["action_id"], mine["title_en" if lang == "en" else "title_vi"].fillna(mine["action_id"])))
    years = dict(zip(mine["action_id"], mine["year"]))
    col1, col2 = st.columns(2)
    with col1:
        picked = url_select(t("impact.ui.pick_registered", lang, unit=ctx.unit_name), [""] + list(mine["action_id"]),
                            "imp_action", "", lambda a: t("impact.ui.none_registered", lang) if not a
                            else f"{titles.get(a, a)} ({int(years[a])})") or None
        if picked is not None:
            action_type = str(mine.loc[mine["action_id"] == picked, "action_type"].iloc[0])
            st.caption(f"{t('impact.ui.pick_action', lang)}: {type_name.get(action_type, action_type)}")
        else:
            action_type = url_select(t("impact.ui.pick_action", lang), reform, "imp_type",
                                     "OSS_CENTRE" if "OSS_CENTRE" in reform else reform[0],
                                     lambda c: type_name.get(c, c))
    if st.session_state.get("_imp_last_type") not in (None, action_type):
        for key in ("imp_index", "imp_component"):  # a new action type starts on its registered target
            st.session_state.pop(key, None)
    st.session_state["_imp_last_type"] = action_type
    ids = set(actions.loc[actions["action_type"] == action_type, "action_id"])
    registered = targets[targets["action_id"].isin(ids)].sort_values(["role", "component"])
    primary = registered.drop_duplicates("component")["component"].tolist()
    indices = catalog.index_codes()
    default_index = catalog.component(primary[0])["index"] if primary else indices[0]
    with col2:
        index = url_select(t("impact.ui.pick_index", lang), indices, "imp_index", default_index,
                           lambda i: catalog.index_row(i)["short_en" if lang == "en" else "short_vi"])
        comps = catalog.components_of(index, level=1)
        comps = comps[comps["last_year"].isna() | (comps["last_year"] >= 2013)]
        codes = list(comps["code"]) + [catalog.composite(index)]
        wanted = next((c for c in primary if c in codes), codes[0])
        outcome = url_select(t("impact.ui.pick_component", lang), codes, "imp_component", wanted,
                             lambda c: catalog.component_label(c, lang, short=False) + (" ★" if c in primary else ""))
    with st.expander(t("impact.ui.pick_method", lang)):
        method = url_select(t("impact.ui.pick_method", lang), list(IMPACT_METHODS), "imp_method", "cs",
                            lambda m: t(f"impact.ui.method_{m}", lang), control="radio")
        anticipation = int(url_toggle(t("impact.ui.anticipation", lang), "imp_anticipation", False))
    return ImpactChoice(action_type, outcome, method, anticipation, picked)


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_impact(data_version: str, register_version: str, spec_json: str, _scores: pd.DataFrame,
                   _actions: pd.DataFrame, _targets: pd.DataFrame):
    import json

    from provindex import impact

    spec = json.loads(spec_json)
    return impact.estimate(_scores, _actions, outcome=spec["outcome"], action_type=spec["action_type"],
                           method=spec["method"], unit=spec["unit"], seed=spec["seed"],
                           anticipation=spec["anticipation"], targets=_targets)


def impact_result(ctx: PageContext, choice: ImpactChoice, actions: pd.DataFrame, targets: pd.DataFrame,
                  register_version: str, *, method: str | None = None):
    """The ImpactResult for this choice, cached per (data version, register version, specification)."""
    import json

    from provindex.errors import ProvindexError as _Err

    method = method or choice.method
    unit = ctx.unit_code if method in ("scm", "its") else None  # one-unit rungs; the others compare provinces
    spec = {**choice.spec(unit), "method": method}
    try:
        return _cached_impact(dbmod.data_version(), register_version, json.dumps(spec, sort_keys=True), ctx.scores,
                              actions, targets)
    except _Err as exc:
        st.error(t("impact.ui.run_failed", ctx.lang, detail=exc.message(ctx.lang)))
        return None


def impact_results(ctx: PageContext, choice: ImpactChoice, actions: pd.DataFrame, targets: pd.DataFrame,
                   register_version: str):
    """The card's result and, when the unit itself took this action type, its synthetic-control card."""
    result = impact_result(ctx, choice, actions, targets, register_version)
    unit_result = None
    if result is not None and result.rung == "D":
        mine = actions[(actions["unit_code"] == ctx.unit_code) & (actions["action_type"] == choice.action_type)]
        if not mine.empty:
            unit_result = impact_result(ctx, choice, actions, targets, register_version, method="scm")
    return result, unit_result


def _fmt_p(value, lang: str) -> str:
    if value is None or value != value:
        return "–"
    return ("< " + format_number(0.001, lang, 3)) if value < 0.001 else format_number(value, lang, 3)


def render_impact_card(ctx: PageContext, result, *, title: str | None = None) -> None:
    """One card: verdict, sentence, estimate with CI and n, chart; diagnostics in an expander."""
    from provindex import impact_charts as charts

    lang, catalog = ctx.lang, ctx.catalog
    if result is None:
        return
    with st.container(border=True):
        if title:
            st.caption(title)
        verdict = t(f"impact.verdict.{result.verdict}", lang)
        st.subheader(f"{_VERDICT_ICON[result.verdict]} {verdict}")
        st.markdown(result.sentence(lang))
        cols = st.columns(3)
        editions = result.editions or (None, None)
        if result.rung in ("D", "E", "B") and result.estimate is not None and result.ci is not None:
            label = {"D": "impact.ui.estimate", "E": "impact.ui.gap", "B": "impact.ui.estimate_assoc"}[result.rung]
            cols[0].metric(t(label, lang), format_signed(result.estimate, lang, 2) + " " + t("impact.ui.points", lang))
            key = "impact.ui.interval_scm" if result.rung == "E" else "impact.ui.interval"
            cols[1].write(t(key, lang, lo=format_number(result.ci[0], lang, 2), hi=format_number(result.ci[1], lang, 2)))
        elif result.rung == "A":
            cols[0].metric(t("impact.ui.descriptive_badge", lang), t("impact.ui.no_headline", lang))
        elif result.rung == "F":
            cols[0].metric(t("impact.ui.screening_badge", lang), t("impact.ui.no_headline", lang))
        if result.rung == "E" and "J" in result.details:
            cols[2].write(t("impact.ui.n_line_scm", lang, J=result.details["J"], g=result.details["g"],
                            pre=sum(1 for y in range(editions[0], result.details["g"])) if editions[0] else "–"))
        elif result.rung in ("D", "B") and editions[0]:
            cols[2].write(t("impact.ui.n_line", lang, n_tr=result.n_treated, n_ctl=result.n_control,
                            y0=editions[0], y1=editions[1]))
        unit_name = ctx.unit_name
        if result.rung == "D" and result.event_study is not None:
            st.plotly_chart(charts.event_study_figure(result.event_study, lang), key=f"es_{result.spec_hash}")
        elif result.rung == "E" and result.series is not None:
            st.plotly_chart(charts.synthetic_figure(result.series, result.details.get("placebo_paths"), unit_name,
                                                    result.details["g"], lang), key=f"scm_{result.spec_hash}")
        elif result.rung == "A" and result.series is not None:
            st.plotly_chart(charts.its_figure(result.series, unit_name, result.details["g"], lang),
                            key=f"its_{result.spec_hash}")
        elif result.rung == "F":
            types = catalog.action_types
            labels = dict(zip(types["code"], types["name_en" if lang == "en" else "name_vi"]))
            st.plotly_chart(charts.ranking_figure(result.details["ranking"], labels, lang),
                            key=f"rank_{result.spec_hash}")
        _render_diagnostics(ctx, result)


def _render_diagnostics(ctx: PageContext, result) -> None:
    lang, catalog = ctx.lang, ctx.catalog
    d = result.details
    with st.expander(t("impact.ui.diagnostics", lang)):
        lines = []
        if result.rung == "D":
            if result.pretrend_p is not None:
                lines.append(t("impact.ui.pretrend", lang, p=_fmt_p(result.pretrend_p, lang)))
            if d.get("e_minus_1"):
                lines.append(t("impact.ui.e_minus_1", lang, est=format_signed(d["e_minus_1"]["est"], lang, 2),
                               p=_fmt_p(d["e_minus_1"]["p"], lang)))
            if "cs" in d:
                lines.append(t("impact.ui.cs", lang, est=format_signed(d["cs"]["estimate"], lang, 3),
                               se=format_number(d["cs"]["se"], lang, 3)))
            if "did2s" in d:
                lines.append(t("impact.ui.did2s", lang, est=format_signed(d["did2s"]["estimate"], lang, 3),
                               se=format_number(d["did2s"]["se"], lang, 3)))
            if "twfe" in d:
                text = t("impact.ui.twfe_benchmark", lang, est=format_signed(d["twfe"]["estimate"], lang, 3),
                         se=format_number(d["twfe"]["se"], lang, 3))
                text += " · " + (t("impact.ui.twfe_p_hidden", lang) if d["twfe"].get("p_hidden")
                                 else t("impact.ui.twfe_p", lang, p=_fmt_p(d["twfe"]["p"], lang)))
                lines.append(text)
        if "ri" in d:
            lines.append(t("impact.ui.ri", lang, reps=d["ri"]["reps"], p=_fmt_p(d["ri"]["p"], lang),
                           pmin=_fmt_p(d["ri"]["p_min"], lang)))
        if result.mde is not None and result.within_sd is not None:
            lines.append(t("impact.ui.mde", lang, mde=format_number(result.mde, lang, 2),
                           sd=format_number(result.within_sd, lang, 2)))
        if result.rung == "E" and "pre_rmspe" in d:
            lines.append(t("impact.ui.pre_rmspe", lang, v=format_number(d["pre_rmspe"], lang, 2),
                           sd=format_number(result.within_sd, lang, 2)))
            lines.append(t("impact.ui.ratio", lang, p=_fmt_p(d.get("p_ratio"), lang)))
        if d.get("confounders"):
            items = ", ".join(f"{c['action_type']} {c['year']}" for c in d["confounders"])
            lines.append(t("impact.ui.confounders", lang, items=items))
        if d.get("failed_checks"):
            items = ", ".join(t(f"impact.ui.check_{c}", lang) for c in d["failed_checks"])
            lines.append(t("impact.ui.checks_failed", lang, items=items))
        for line in lines:
            st.write(line)
        if result.placebo is not None and not result.placebo.empty:
            st.write(t("impact.ui.placebo_title", lang))
            frame = result.placebo.copy()
            table = pd.DataFrame({
                t("impact.ui.col_component", lang): [catalog.component_label(c, lang) for c in frame["component"]],
                t("impact.ui.col_est", lang): [format_signed(v, lang, 2) for v in frame["est"]],
                t("impact.ui.col_p", lang): [_fmt_p(v, lang) for v in frame["p"]],
                t("impact.ui.col_p_adj", lang): [_fmt_p(v, lang) for v in frame["p_adj"]],
                t("impact.ui.col_role", lang): [t(f"impact.ui.role_{r}", lang) for r in frame["role"]]})
            st.dataframe(table, hide_index=True)
            placebos = frame[frame["role"] == "placebo"]
            st.caption(t("impact.ui.placebo_fail" if (placebos["p_adj"] < 0.05).any() else "impact.ui.placebo_pass",
                         lang))
        if result.rung == "E" and isinstance(d.get("weights"), pd.DataFrame) and not d["weights"].empty:
            st.write(t("impact.ui.weights_title", lang))
            weights = d["weights"]
            st.dataframe(pd.DataFrame({
                t("impact.ui.col_unit", lang): [catalog.unit_name("vn63", u, lang) for u in weights["unit_code"]],
                t("impact.ui.col_weight", lang): [format_number(w, lang, 3) for w in weights["weight"]]}),
                hide_index=True)
        if result.rung == "F":
            ranking = d["ranking"]
            st.write(t("impact.ui.ranking_title", lang))
            st.dataframe(pd.DataFrame({
                t("impact.ui.col_action", lang): ranking["action_type"],
                t("impact.ui.col_ridge", lang): [format_number(v, lang, 3) for v in ranking["ridge"]],
                t("impact.ui.col_lasso", lang): [format_number(v, lang, 3) for v in ranking["lasso"]]}),
                hide_index=True)
        notes = d.get("notes_vi") if lang == "vi" else [w for w in result.warnings]
        if notes:
            st.caption(t("impact.ui.warnings", lang) + ": " + " ".join(notes))
        st.caption(t("impact.ui.cached", lang))
