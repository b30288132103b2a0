"""Mục tiêu / What would it take: the smallest sub-index gains that reach a rank or a score, with live sliders."""

import streamlit as st

from provindex import ui
from provindex.i18n import t
from provindex.ui import planner

ctx = ui.page_setup("planner")
st.title(t("planner.ui.title", ctx.lang, unit=ctx.unit_name, year=ctx.year))
index, kind, value = planner.planner_inputs(ctx)
planner.render_planner(planner.planner_page_view(ctx, index, kind, value), ctx)
