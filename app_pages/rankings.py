"""Xếp hạng / Rankings: league table of a year, biggest movers, quartile tiers, rank over time."""

import streamlit as st

from provindex import ui, views
from provindex.i18n import t

ctx = ui.page_setup("rankings")
st.title(t("rank.title", ctx.lang, year=ctx.year))
left, right = st.columns([1, 3])
with left:
    index = ui.index_picker(ctx)
with right:
    component = ui.component_picker(ctx, index)
bump_units = ui.units_picker(ctx, "rank.bump_units", key="bump")
view = views.ranking_view(ctx.scores, ctx.catalog, component, ctx.year, ctx.unit_code, bump_units, ctx.lang,
                          weights=ctx.weights)
if view.empty_message:
    st.info(view.empty_message)
    st.stop()
ui.render_fallback(view)
ui.render_notes(view.notes)
ui.render_league(view, ctx, f"ranking_{component.replace(':', '_')}_{view.year}")
ui.render_movers(view, ctx)
ui.render_tiers(view, ctx)
st.subheader(t("rank.bump_title", ctx.lang))
if view.figure is not None:
    ui.show_chart(view.figure, f"rank_over_time_{component.replace(':', '_')}", ctx.lang, view.data, "bump",
                  view.exports.get("bump"), ctx.is_demo)
