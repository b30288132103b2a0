"""Tác động / Impact: did the unit's reform actions move its sub-indices? One card, honest verdict."""

import streamlit as st

from provindex import ui
from provindex.i18n import t
from provindex.impact import view

ctx = ui.page_setup("impact")
st.title(t("impact.ui.title", ctx.lang, unit=ctx.unit_name))
st.caption(t("impact.ui.intro", ctx.lang))
actions, targets, register_version = ui.load_register()
choice = ui.impact_controls(ctx, actions, targets)
result, unit_result = ui.impact_results(ctx, choice, actions, targets, register_version)
for card in view.cards(result, unit_result, ctx.catalog, ctx.unit_name, ctx.lang):
    ui.render_impact_card(card)
