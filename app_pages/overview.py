"""Tổng quan / Overview: where the focal unit stands in each index this year, and what moved."""

import streamlit as st

from provindex import ui
from provindex.ui import harmonized
from provindex.i18n import t

ctx = ui.page_setup("overview")
st.title(t("ui.overview_title", ctx.lang, unit=ctx.unit_name, year=ctx.year))
cards = harmonized.overview_cards(ctx)
for row in (cards[:2], cards[2:]):
    for column, card in zip(st.columns(2), row):
        with column:
            ui.render_index_card(card, ctx)
ui.render_story(cards, ctx)
