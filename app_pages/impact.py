"""Tác động / Impact: did the unit's own actions work, and what did the same action do elsewhere? Doubts in view."""

import streamlit as st

from provindex import ui
from provindex.i18n import t

ctx = ui.page_setup("impact")
st.title(t("impact.ui.title", ctx.lang, unit=ctx.unit_name))
st.caption(t("impact.ui.intro", ctx.lang, unit=ctx.unit_name))
st.caption(t("merger.impact_units", ctx.lang))
actions, targets, register_version = ui.load_register()
choice = ui.impact_controls(ctx, actions, targets)
for card in ui.impact_results(ctx, choice, actions, targets, register_version):
    ui.render_impact_card(card)
