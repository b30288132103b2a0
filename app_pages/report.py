"""Báo cáo / Report: the review-conference deck as an editable PowerPoint, a presentation link and chart PNGs."""

from provindex import ui
from provindex.ui import deck

ctx = ui.page_setup("report")
deck.render_report(deck.deck_story(ctx), ctx)
