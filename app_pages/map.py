"""Bản đồ / Map: a tile-grid map of the units (offline), or the administrator's own boundaries."""

import streamlit as st

from provindex import ui, views
from provindex.i18n import t

ctx = ui.page_setup("map")
st.title(t("map.title", ctx.lang, year=ctx.year))
left, middle, right = st.columns([1, 2, 2])
with left:
    index = ui.index_picker(ctx)
with middle:
    component = ui.component_picker(ctx, index)
with right:
    metric = ui.url_select(t("map.colour_by", ctx.lang), ["value", "quartile"], "metric", "value",
                           lambda m: t(f"map.metric_{m}", ctx.lang), control="segmented")
shapes = ui.boundary_shapes(ctx)
view = views.map_view(ctx.scores, ctx.catalog, component, ctx.year, metric, ctx.lang, shapes, ctx.unit_code,
                      weights=ctx.weights)
if view.empty_message:
    st.info(view.empty_message)
    st.stop()
ui.render_fallback(view)
ui.show_chart(view.figure, f"map_{component.replace(':', '_')}_{view.year}", ctx.lang, view.data, "map",
              view.exports.get("map"), ctx.is_demo)
ui.render_notes(view.notes)
ui.render_tile_key(view.tile_key, ctx.lang)
