"""Xu hướng / Trends: an index or sub-index over the years, the focal unit against the country."""

import streamlit as st

from provindex import ui, views
from provindex.i18n import t

ctx = ui.page_setup("trends")
st.title(t("nav.trends", ctx.lang))
left, middle, right = st.columns([1, 2, 2])
with left:
    index = ui.index_picker(ctx)
with middle:
    component = ui.component_picker(ctx, index)
with right:
    others = ui.units_picker(ctx, "trend.compare_with", key="others")
show_region = ui.url_toggle(t("trend.show_region", ctx.lang), "region", True)
parts = views.comparable_parts(ctx.catalog, ctx.scores, component)
comparable = bool(parts) and ui.url_toggle(t("trend.comparable", ctx.lang, n=len(parts)), "comparable", False)
view = views.trend_view(ctx.scores, ctx.actions, ctx.catalog, component, ctx.unit_code, others, show_region,
                        ctx.lang, ctx.unit_set, comparable, weights=ctx.weights, source=ctx.source)
if view.empty_message:
    st.info(view.empty_message)
else:
    ui.show_chart(view.figure, f"trend_{component.replace(':', '_')}_{ctx.unit_code}", ctx.lang, view.data, "trend",
                  view.exports.get("trend"), ctx.is_demo)
    ui.render_notes(view.notes)
