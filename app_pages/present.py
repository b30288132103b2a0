"""Trình chiếu / Presentation: the report's story as full-width slides, next/previous with the arrow keys."""

from provindex import ui
from provindex.ui import deck

ctx = ui.page_setup("present")
deck.render_presentation(deck.deck_story(ctx), ctx.lang)
