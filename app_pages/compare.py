"""So sánh / Compare: the focal unit against a peer group, strengths, weaknesses and the gap to a target."""

import streamlit as st

from provindex import ui, views
from provindex.analysis import PEER_GROUPS
from provindex.i18n import t

ctx = ui.page_setup("compare")
st.title(t("compare.title", ctx.lang, unit=ctx.unit_name, year=ctx.year))
left, right = st.columns([1, 3])
with left:
    index = ui.index_picker(ctx)
with right:
    group = ui.url_select(t("compare.peer_group", ctx.lang), list(PEER_GROUPS), "peers", "region",
                          lambda g: t(f"compare.group_{g}", ctx.lang))
custom = ui.units_picker(ctx, "compare.custom_units", key="custom", max_selections=15) if group == "custom" else []
members = ctx.units == "vn34" and len(ctx.catalog.members(ctx.unit_code)) > 1 and \
    ui.url_toggle(t("merger.member_peers", ctx.lang), "members", False)
view = views.compare_view(ctx.scores, ctx.catalog, index, ctx.year, ctx.unit_code, group, custom, ctx.lang,
                          weights=ctx.weights, source=ctx.source, members=members)
if view.empty_message:
    st.info(view.empty_message)
    st.stop()
ui.render_fallback(view)
ui.render_target_gap(view, ctx, index)
radar_col, bars_col = st.columns(2)
with radar_col:
    ui.show_chart(view.radar, f"percentiles_{index}_{ctx.unit_code}_{view.year}", ctx.lang, view.data, "radar",
                  view.exports.get("radar"), ctx.is_demo)
with bars_col:
    ui.show_chart(view.figure, f"profile_{index}_{ctx.unit_code}_{view.year}", ctx.lang, view.data, "bars",
                  view.exports.get("bars"), ctx.is_demo)
ui.render_strengths(view, ctx)
ui.render_peer_scores(view, ctx, f"peer_scores_{index}_{view.year}")
ui.render_notes(view.notes)
if view.heatmap is not None:
    ui.show_chart(view.heatmap, f"heatmap_{index}_{view.year}", ctx.lang, view.heatmap_data, "heatmap",
                  view.exports.get("heatmap"), ctx.is_demo)
