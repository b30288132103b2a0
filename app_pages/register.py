"""Sổ cải cách / Register (analyst): add, edit and retire reform actions; CSV import and export."""

from provindex import ui
from provindex.ui import register

ctx = ui.page_setup("register")
register.register_page(ctx)
