"""Tác động / Impact page: pickers, cached estimation and the layout of the card view model.

Every choice, default and formatted number comes from :mod:`provindex.impact.focus` and
:mod:`provindex.impact.view`; this module
only places widgets, caches ``impact.estimate`` and lays out :class:`~provindex.impact.view.ImpactCard`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex import store
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.impact import focus, view
from provindex.ui.state import url_select, url_toggle

if TYPE_CHECKING:
    from provindex.impact.result import ImpactResult
    from provindex.ui import PageContext


@st.cache_resource(show_spinner=False)
def warm_impact() -> bool:
    """First pyfixest call once per process, in a background thread (off every page run's path)."""
    import threading

    from provindex import impact

    threading.Thread(target=impact.warm_up, name="impact-warm-up", daemon=True).start()
    return True


def impact_controls(ctx: PageContext, actions: pd.DataFrame, targets: pd.DataFrame) -> focus.FocusChoice:
    """The unit's registered actions, then the pickers (kept in the URL): action, outcome; analyst options."""
    lang = ctx.lang
    mine = focus.unit_actions(ctx.catalog, actions, targets, ctx.unit_code, lang)
    _render_summary(ctx, mine)
    options = focus.action_options(ctx.catalog, actions, mine, ctx.unit_name, lang)
    col1, col2 = st.columns(2)
    with col1:
        action_type = url_select(t("impact.focus.pick_action", lang), options.codes, "imp_type", options.default,
                                 options.labels.get)
    outcomes = focus.outcome_options(ctx.catalog, actions, targets, action_type, lang)
    _follow_action(action_type, outcomes.default)
    with col2:
        outcome = url_select(t("impact.focus.pick_outcome", lang), outcomes.codes, "imp_component", outcomes.default,
                             outcomes.labels.get)
    _remember_pick(action_type, outcome)
    methods = view.method_choices(lang)
    with st.expander(t("impact.ui.pick_method", lang)):
        method = url_select(t("impact.ui.pick_method", lang), methods.methods, "imp_method", methods.default,
                            methods.labels.get, control="radio")
        anticipation = int(url_toggle(t("impact.ui.anticipation", lang), "imp_anticipation", False))
    return focus.FocusChoice(action_type, outcome, method, anticipation)


def _render_summary(ctx: PageContext, mine: list[focus.UnitAction]) -> None:
    """What the unit registered and the edition each action can first show in."""
    lang = ctx.lang
    if not mine:
        st.info(t("impact.focus.no_actions", lang, unit=ctx.unit_name))
        return
    lines = []
    for action in mine:
        line = t("impact.focus.summary_line", lang, name=action.name, titles="; ".join(action.titles))
        if action.edition:
            line += " — " + t("impact.focus.summary_edition", lang, edition=action.edition,
                              index=focus.index_label(ctx.catalog, action.index, lang))
        lines.append("- " + line)
    st.markdown(f"**{t('impact.focus.summary_title', lang, unit=ctx.unit_name)}**\n\n" + "\n".join(lines))


def _follow_action(action_type: str, default: str) -> None:
    """A new action starts on its registered target unless the reader chose the outcome (issue 13)."""
    last = st.session_state.get("_imp_last_type")
    if last not in (None, action_type) and st.session_state.get("imp_pick") != "1":
        st.session_state["imp_component"] = default
    st.session_state["_imp_last_type"] = action_type


def _remember_pick(action_type: str, outcome: str) -> None:
    """An outcome changed while the action stayed is the reader's choice: kept (also in the URL) across actions."""
    if "imp_pick" not in st.session_state:
        st.session_state["imp_pick"] = st.query_params.get("imp_pick", "0")
    previous = st.session_state.get("_imp_last_pick")
    if previous is not None and previous[0] == action_type and previous[1] != outcome:
        st.session_state["imp_pick"] = "1"
        st.query_params["imp_pick"] = "1"
    st.session_state["_imp_last_pick"] = (action_type, outcome)


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_impact(data_version: str, register_version: str, request_json: str, _scores: pd.DataFrame,
                   _actions: pd.DataFrame, _targets: pd.DataFrame):
    from provindex import impact

    return impact.estimate(_scores, _actions, targets=_targets, **json.loads(request_json))


def _estimate(ctx: PageContext, request: dict | None, actions: pd.DataFrame, targets: pd.DataFrame,
              register_version: str) -> ImpactResult | None:
    """The result of one request, cached per (data version, register version, request); errors shown."""
    if request is None:
        return None
    try:
        return _cached_impact(store.current_version(), register_version, json.dumps(request, sort_keys=True),
                              ctx.scores, actions, targets)
    except ProvindexError as exc:
        st.error(t("impact.ui.run_failed", ctx.lang, detail=exc.screen_message(ctx.lang)))
        return None


def impact_results(ctx: PageContext, choice: focus.FocusChoice, actions: pd.DataFrame, targets: pd.DataFrame,
                   register_version: str) -> list[view.ImpactCard]:
    """The unit's own card (when it took the action) and the other units' average, formatted."""
    lang = ctx.lang
    mine = {a.action_type: a for a in focus.unit_actions(ctx.catalog, actions, targets, ctx.unit_code, lang)}
    action = mine.get(choice.action_type)
    own = _estimate(ctx, choice.own_request(ctx.unit_code, action is not None), actions, targets, register_version)
    path = _estimate(ctx, choice.path_request(ctx.unit_code, own), actions, targets, register_version)
    context = _estimate(ctx, choice.context_request(), actions, targets, register_version)
    exploratory = choice.outcome not in focus.registered_outcomes(actions, targets, choice.action_type)
    return focus.focus_cards(own, context, action=action, exploratory=exploratory, catalog=ctx.catalog,
                             unit_code=ctx.unit_code, unit_name=ctx.unit_name, lang=lang, path=path)


def render_impact_card(card: view.ImpactCard) -> None:
    """One card: verdict, sentence, number row, chart; diagnostics in an expander."""
    with st.container(border=True):
        if card.title:
            st.caption(card.title)
        st.subheader(card.heading)
        if card.notice:
            st.warning(card.notice)
        st.markdown(card.sentence)
        cols = st.columns(3)
        head = card.headline
        if head.metric_label:
            cols[0].metric(head.metric_label, head.metric_value)
        if head.interval:
            cols[1].write(head.interval)
        if head.n_line:
            cols[2].write(head.n_line)
        if card.figure is not None:
            st.plotly_chart(card.figure, key=card.chart_key)
        with st.expander(card.diagnostics_title):
            _render_diagnostics(card)


def _render_diagnostics(card: view.ImpactCard) -> None:
    for line in card.diagnostics:
        st.write(line)
    for table in card.tables:
        st.write(table.title)
        st.dataframe(table.frame, hide_index=True)
        if table.caption:
            st.caption(table.caption)
    if card.warnings_line:
        st.caption(card.warnings_line)
    st.caption(card.footnote)
