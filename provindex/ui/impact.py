"""Tác động / Impact page: pickers, cached estimation and the layout of the card view model.

Every choice, default and formatted number comes from :mod:`provindex.impact.view`; this module
only places widgets, caches ``impact.estimate`` and lays out :class:`~provindex.impact.view.ImpactCard`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from provindex import db as dbmod
from provindex.errors import ProvindexError
from provindex.i18n import t
from provindex.impact import view
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


def impact_controls(ctx: PageContext, actions: pd.DataFrame, targets: pd.DataFrame) -> view.ImpactChoice:
    """Pickers (kept in the URL): action type or registered action, index, sub-index; analyst options."""
    lang = ctx.lang
    col1, col2 = st.columns(2)
    with col1:
        action_id, action_type = _action_picker(ctx, actions)
    if st.session_state.get("_imp_last_type") not in (None, action_type):
        for key in ("imp_index", "imp_component"):  # a new action type starts on its registered target
            st.session_state.pop(key, None)
    st.session_state["_imp_last_type"] = action_type
    outcomes = view.outcome_choices(ctx.catalog, actions, targets, action_type, lang)
    with col2:
        index = url_select(t("impact.ui.pick_index", lang), outcomes.indices, "imp_index", outcomes.default_index,
                           outcomes.index_labels.get)
        comps = view.component_choices(ctx.catalog, index, outcomes.primary, lang)
        outcome = url_select(t("impact.ui.pick_component", lang), comps.codes, "imp_component", comps.default,
                             comps.labels.get)
    methods = view.method_choices(lang)
    with st.expander(t("impact.ui.pick_method", lang)):
        method = url_select(t("impact.ui.pick_method", lang), methods.methods, "imp_method", methods.default,
                            methods.labels.get, control="radio")
        anticipation = int(url_toggle(t("impact.ui.anticipation", lang), "imp_anticipation", False))
    return view.ImpactChoice(action_type, outcome, method, anticipation, action_id)


def _action_picker(ctx: PageContext, actions: pd.DataFrame) -> tuple[str | None, str]:
    """A registered action of the unit (its type follows) or else an action type."""
    lang = ctx.lang
    choices = view.action_choices(ctx.catalog, actions, ctx.unit_code, lang)
    picked = url_select(t("impact.ui.pick_registered", lang, unit=ctx.unit_name), choices.registered, "imp_action",
                        "", choices.registered_labels.get) or None
    if picked is not None:
        st.caption(choices.registered_caption[picked])
        return picked, choices.registered_type[picked]
    return None, url_select(t("impact.ui.pick_action", lang), choices.types, "imp_type", choices.default_type,
                            choices.type_labels.get)


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
        return _cached_impact(dbmod.data_version(), register_version, json.dumps(request, sort_keys=True),
                              ctx.scores, actions, targets)
    except ProvindexError as exc:
        st.error(t("impact.ui.run_failed", ctx.lang, detail=exc.message(ctx.lang)))
        return None


def impact_results(ctx: PageContext, choice: view.ImpactChoice, actions: pd.DataFrame, targets: pd.DataFrame,
                   register_version: str) -> tuple[ImpactResult | None, ImpactResult | None]:
    """The card's result and, when the unit itself took this action type, its synthetic-control result."""
    result = _estimate(ctx, choice.request(ctx.unit_code), actions, targets, register_version)
    unit = _estimate(ctx, view.unit_request(choice, result, actions, ctx.unit_code), actions, targets,
                     register_version)
    return result, unit


def render_impact_card(card: view.ImpactCard) -> None:
    """One card: verdict, sentence, number row, chart; diagnostics in an expander."""
    with st.container(border=True):
        if card.title:
            st.caption(card.title)
        st.subheader(card.heading)
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
